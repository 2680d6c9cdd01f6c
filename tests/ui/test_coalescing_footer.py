"""The main screen's footer rebuilds its keys only when the keys it shows change.

Textual's own footer rebuilds on every ``bindings_updated`` (each focus change, among others);
:class:`CoalescingFooter` must keep its key widgets when nothing it shows changed, and still
show a change at once: a focused widget's own key appearing, a keymap renaming a key.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button
from textual.widgets._footer import FooterKey  # not exported; the footer is made of them

from tests.ui.helpers import wait_for
from tui_console.ui.widgets.coalescing_footer import CoalescingFooter


class Plain(Button):
    """Focusable, with no keys of its own."""


class WithKey(Button):
    """Focusable, with a key that shows in the footer while it has the focus."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "noop", "Extra", id="test.extra"),
    ]

    def action_noop(self) -> None:
        pass


class FooterApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "noop", "Refresh", id="test.refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield Plain("one", id="one")
        yield Plain("two", id="two")
        yield WithKey("three", id="three")
        yield CoalescingFooter()

    def action_noop(self) -> None:
        pass


def _keys(app: App[None]) -> list[FooterKey]:
    return list(app.query_one(CoalescingFooter).query(FooterKey))


def _descriptions(app: App[None]) -> list[str]:
    return [key.description for key in _keys(app)]


async def test_a_focus_change_that_changes_no_key_keeps_the_footer_as_it_is() -> None:
    app = FooterApp()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#one"))
        await wait_for(pilot, lambda: "Refresh" in _descriptions(app))
        await pilot.pause()
        before = _keys(app)
        app.set_focus(app.query_one("#two"))
        await pilot.pause()
        await pilot.pause()
        assert _keys(app) == before  # the same widgets: nothing was rebuilt


async def test_a_change_of_keys_shows_at_once() -> None:
    app = FooterApp()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#one"))
        await wait_for(pilot, lambda: "Refresh" in _descriptions(app))
        assert "Extra" not in _descriptions(app)
        app.set_focus(app.query_one("#three"))
        await wait_for(pilot, lambda: "Extra" in _descriptions(app))
        app.set_focus(app.query_one("#two"))
        await wait_for(pilot, lambda: "Extra" not in _descriptions(app))


async def test_a_keymap_renames_the_key_shown() -> None:
    app = FooterApp()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#one"))
        await wait_for(pilot, lambda: "Refresh" in _descriptions(app))
        app.set_keymap({"test.refresh": "f5"})
        await wait_for(pilot, lambda: any(key.key == "f5" for key in _keys(app)))
