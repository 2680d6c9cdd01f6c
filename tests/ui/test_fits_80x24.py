"""Every screen and every dialog is usable at 80x24: each control, once focused, is on screen.

For each view (the setup screen, both sign-in flows, the seven tabs, the help, every modal) the
test walks the focus chain, focuses each control the way Tab would, and checks that the
control lies inside the visible part of the screen, inside every scrolling container around
it. A button below the fold, or a field scrolled out of its dialog, fails here (issue 10 §1).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from tests.ui.console import SIZE, console_app, settled_main_screen
from tests.ui.fakes import NOW, FakeSession
from tests.ui.helpers import visible_region, wait_for
from tui_console.account import metadata_changes
from tui_console.call_log import CallRecord
from tui_console.ratelimit.headers import RateLimitState
from tui_console.redact import MASK, Secret
from tui_console.self_service import AuthenticationMethod
from tui_console.ui.app import ConsoleApp
from tui_console.ui.panes.call_detail import CallDetailScreen
from tui_console.ui.screens.add_device_key import AddDeviceKeyScreen
from tui_console.ui.screens.help import HelpScreen
from tui_console.ui.screens.setup import SetupScreen
from tui_console.ui.screens.sign_in import SignInScreen
from tui_console.ui.screens.sign_in_method_dialogs import (
    ChooseMethodScreen,
    NewMethodScreen,
    RecoveryCodeScreen,
    RenameMethodScreen,
)
from tui_console.ui.screens.verify_code import CodeRequest, VerifyCodeScreen
from tui_console.ui.widgets.confirm import ConfirmScreen, TypedConfirmScreen
from tui_console.ui.widgets.json_diff import ConflictScreen, PatchPreview

BASE = {"theme": "dark", "language": "en-GB", "favourite_machine": "Analytical Engine"}
THEIRS = {**BASE, "theme": "solarized", "added_elsewhere": True, "long": "x" * 300}
YOURS = {**BASE, "theme": "light", "pronouns": "she/her", "notes": ["a"] * 40}


def _app(*, signed_in: bool = True, setup: bool = False) -> ConsoleApp:
    return console_app(None if setup else FakeSession(signed_in=signed_in))


def _tab(number: int) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def show(pilot: Pilot[Any]) -> None:
        main = await settled_main_screen(pilot)
        main.action_show_tab(main.tabs.query("TabPane")[number - 1].id or "")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.1)

    return show


def _modal(make: Callable[[], Any]) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def show(pilot: Pilot[Any]) -> None:
        await settled_main_screen(pilot)
        screen = make()
        pilot.app.push_screen(screen)
        await wait_for(pilot, lambda: pilot.app.screen is screen)
        await pilot.pause(0.1)

    return show


async def _setup(pilot: Pilot[Any]) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SetupScreen))
    await pilot.pause(0.1)


async def _sign_in(pilot: Pilot[Any], key: str) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SignInScreen))
    await pilot.press(key)
    await pilot.pause(0.3)


async def _help(pilot: Pilot[Any]) -> None:
    await settled_main_screen(pilot)
    await pilot.press("f1")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))


def _preview() -> ConfirmScreen:
    changes = metadata_changes(BASE, YOURS)
    body = {"user_metadata": {**changes.set, **dict.fromkeys(changes.unset)}}
    return ConfirmScreen(
        "Save these metadata changes?",
        "",
        PatchPreview(BASE, changes, body, reverts=("theme",)),
        confirm_label="Save",
        danger=True,
    )


def _totp_prompt() -> VerifyCodeScreen:
    """The authenticator-app prompt for a URI as long as a real tenant's (47x24 cells)."""

    async def refuse(code: str) -> AuthenticationMethod:
        raise AssertionError("not verified in this test")

    uri = (
        "otpauth://totp/ada-demo.eu.auth0.com:google-oauth2%7C104817261815121012345"
        "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ada-demo.eu.auth0.com"
    )
    return VerifyCodeScreen(
        CodeRequest(
            title="Add an authenticator app",
            explain="Scan the QR code with your authenticator app, or type this code into it:",
            verify=refuse,
            qr_uri=Secret(uri),
            manual_code=Secret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
        )
    )


def _call() -> CallRecord:
    return CallRecord(
        NOW,
        "PATCH",
        "acme.eu.auth0.com",
        "/api/v2/users/auth0|65f1c0de5a1b2c3d4e5f6a7b?fields=user_metadata&q=•••",
        None,
        15012.0,
        RateLimitState(50, 0, NOW + 30, NOW),
        error="ReadTimeout",
        request_headers=(
            ("host", "acme.eu.auth0.com"),
            ("authorization", MASK),
            ("content-type", "application/json"),
            ("user-agent", "tui-console"),
        ),
    )


async def _quit_question(pilot: Pilot[Any]) -> None:
    main = await settled_main_screen(pilot)
    main.metadata_pane.has_unsaved_changes = lambda: True  # type: ignore[method-assign]
    await pilot.press("ctrl+q")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    await pilot.pause(0.1)


VIEWS: dict[str, tuple[dict[str, bool], Callable[[Pilot[Any]], Awaitable[None]]]] = {
    "setup": ({"setup": True}, _setup),
    "sign-in device": ({"signed_in": False}, lambda pilot: _sign_in(pilot, "d")),
    "sign-in browser": ({"signed_in": False}, lambda pilot: _sign_in(pilot, "b")),
    **{f"tab {number}": ({}, _tab(number)) for number in range(1, 8)},
    "help": ({}, _help),
    "add key": ({}, _modal(AddDeviceKeyScreen)),
    "add sign-in method": ({}, _modal(ChooseMethodScreen)),
    "new email method": ({}, _modal(lambda: NewMethodScreen("email"))),
    "rename method": ({}, _modal(lambda: RenameMethodScreen("email", "Work email"))),
    "recovery code": ({}, _modal(lambda: RecoveryCodeScreen(Secret("R4282MR2FLYL2EHJZWW4975R")))),
    "totp code": ({}, _modal(_totp_prompt)),
    "confirm": (
        {},
        _modal(
            lambda: ConfirmScreen(
                "Revoke Ada's laptop (dcr_0123456789abcdef)?",
                "The key stops working for signing in. This cannot be undone. " * 8,
                confirm_label="Revoke",
                danger=True,
            )
        ),
    ),
    "typed confirm": (
        {},
        _modal(
            lambda: TypedConfirmScreen(
                "Unlink github|1842?",
                "You can no longer sign in with it. " * 10,
                "github",
                confirm_label="Unlink",
            )
        ),
    ),
    "conflict": ({}, _modal(lambda: ConflictScreen(base=BASE, theirs=THEIRS, yours=YOURS))),
    "save preview": ({}, _modal(_preview)),
    "call detail": ({}, _modal(lambda: CallDetailScreen(_call(), profile="acme"))),
    "quit question": ({}, _quit_question),
}


@pytest.mark.parametrize("view", list(VIEWS))
async def test_every_focusable_control_is_on_screen_when_focused(view: str) -> None:
    """Tab through the view: every control it reaches is drawn inside the visible area.

    (The sign-in screens are driven by letter keys and may have no focusable control.)"""
    options, reach = VIEWS[view]
    app = _app(**options)
    async with app.run_test(size=SIZE) as pilot:
        await reach(pilot)
        screen = app.screen
        chain = [widget for widget in screen.focus_chain if widget.focusable]
        hidden = []
        for widget in chain:
            widget.focus()
            await pilot.pause(0.05)
            await pilot.wait_for_scheduled_animations()
            await pilot.pause(0.05)
            region = widget.region
            seen = visible_region(widget)
            wanted = min(region.height, 3)
            if seen.height < wanted or seen.width < min(region.width, 10):
                hidden.append(f"{widget!r} at {region}, visible {seen}")
        assert not hidden, f"{view}: focused but not on screen:\n" + "\n".join(hidden)


async def test_a_dialog_field_shows_with_its_label_and_the_title_on_opening() -> None:
    """The add-key form opens scrolled to its top: title and first label in view, not centred.

    Reproduced before the fix: Textual's animated centring of the auto-focused first field
    left the body scrolled by 2-3 rows, "Device name" cut off the top (a flaky e2e test)."""
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await _modal(AddDeviceKeyScreen)(pilot)
        await pilot.wait_for_scheduled_animations()
        screen = app.screen
        title = screen.query_one("#title", Widget)
        labels = list(screen.query(".field-label").results(Widget))
        assert visible_region(title).height == 1
        assert visible_region(labels[0]).height == 1
        fields = [widget for widget in screen.focus_chain if widget.parent is labels[0].parent]
        for field in fields:
            field.focus()
            await pilot.pause(0.05)
            await pilot.wait_for_scheduled_animations()
            siblings = list(field.parent.children) if field.parent else []
            label = siblings[siblings.index(field) - 1]
            if label.has_class("field-label"):
                assert visible_region(label).height == 1, f"{label} hidden while {field} focused"
