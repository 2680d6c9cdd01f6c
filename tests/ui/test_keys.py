"""Keys do what the footer says at 80x24, from every widget (issue 10 §1, §2, §5).

The console runs on :class:`~tests.ui.fakes.FakeSession` (fixed data, frozen clock), so each
test is about what a key does, not about the tenant.
"""

from __future__ import annotations

from typing import Any

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static

from tests.ui.fakes import FakeSession, frozen_clock
from tests.ui.helpers import NO_BROWSER, Opener, text_of, wait_for
from tui_console.redact import MASK
from tui_console.ui.app import ConsoleApp
from tui_console.ui.screens.main import MainScreen
from tui_console.ui.screens.setup import SetupScreen

SIZE = (80, 24)


def _app(session: FakeSession | None = None) -> ConsoleApp:
    return ConsoleApp(
        session or FakeSession(),  # type: ignore[arg-type]
        opener=Opener(),
        clock=frozen_clock,
        browser_check=lambda: NO_BROWSER,
    )


async def _main(pilot: Pilot[Any]) -> MainScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


def _visible(widget: Widget) -> Region:
    visible = widget.region.intersection(widget.screen.region)
    for ancestor in widget.ancestors:
        if isinstance(ancestor, Widget) and ancestor.is_scrollable:
            visible = visible.intersection(ancestor.content_region)
    return visible


async def _settled(pilot: Pilot[Any]) -> None:
    await pilot.pause(0.1)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.05)


class TestSessionReveal:
    async def test_v_scrolls_the_token_into_view_and_leaving_the_tab_hides_it(self) -> None:
        """At 80x24, `v` shows the whole raw token on screen; another tab and back: masked."""
        session = FakeSession()
        app = _app(session)
        async with app.run_test(size=SIZE) as pilot:
            main = await _main(pilot)
            await pilot.press("5")
            await _settled(pilot)
            raw = main.query_one("#session-raw", Static)
            await pilot.press("v")
            await _settled(pilot)
            assert MASK not in text_of(raw)
            assert _visible(raw) == raw.region, f"{raw.region} shown as {_visible(raw)}"
            await pilot.press("1")
            await _settled(pilot)
            await pilot.press("5")
            await _settled(pilot)
            assert MASK in text_of(raw)


class TestSetupScreen:
    async def test_typing_lands_in_the_domain_and_the_check_result_is_on_screen(self) -> None:
        """The first field has the focus at once; ctrl+s's verdict shows above the footer."""
        app = ConsoleApp(
            None, opener=Opener(), clock=frozen_clock, browser_check=lambda: NO_BROWSER
        )
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
            await pilot.pause(0.1)
            await pilot.press(*"bad..domain")
            assert app.screen.query_one("#setup-domain", Input).value == "bad..domain"
            await pilot.press("ctrl+s")
            await _settled(pilot)
            status = app.screen.query_one("#setup-status", Static)
            assert "not a domain name" in text_of(status)
            assert _visible(status) == status.region and status.region.height >= 2
            button = app.screen.query_one("#setup-save")
            assert _visible(button) == button.region


class TestTabOverflow:
    async def test_tabs_that_do_not_fit_are_named_not_dropped(self) -> None:
        """At 50 columns a marker names the tabs cut off; at 80 every tab shows and no marker."""
        app = _app()
        async with app.run_test(size=(50, 20)) as pilot:
            main = await _main(pilot)
            marker = main.query_one("#tabs-overflow", Static)
            await wait_for(pilot, lambda: marker.has_class("-shown"))
            assert "6" in text_of(marker).split()
        app = _app()
        async with app.run_test(size=SIZE) as pilot:
            main = await _main(pilot)
            await _settled(pilot)
            assert not main.query_one("#tabs-overflow", Static).has_class("-shown")
