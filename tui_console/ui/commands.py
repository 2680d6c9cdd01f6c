"""The console's command-palette entries, titled ``namespace: verb`` so they group as you type.

They are served from :meth:`ConsoleApp.get_system_commands` next to Textual's own (theme,
keys, quit, screenshot), not from a second provider in ``App.COMMANDS``: two providers show in
a per-process random order, which breaks snapshots (textual-notes.md §3). The list follows the
state: signed-in entries only on the main screen, sign-in entries only on the sign-in screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.screen import Screen

if TYPE_CHECKING:
    from tui_console.ui.app import ConsoleApp

__all__ = ["console_commands"]


def console_commands(app: ConsoleApp, screen: Screen[object]) -> Iterator[SystemCommand]:
    """The entries for ``screen``, in the order the palette lists them."""
    from tui_console.ui.screens.main import TABS, MainScreen
    from tui_console.ui.screens.sign_in import SignInScreen

    if isinstance(screen, MainScreen):
        yield SystemCommand(
            "profile: refresh",
            "Fetch your profile from /userinfo again",
            app.action_refresh_profile,
        )
        for number, tab in enumerate(TABS, start=1):
            yield SystemCommand(
                f"view: {tab.title.lower()} tab",
                f"Show the {tab.title} tab (key {number})",
                lambda tab_id=tab.id: screen.action_show_tab(tab_id),
            )
        yield SystemCommand(
            "session: sign in again",
            "Sign in again with this profile's scopes (a fresh token and refresh token)",
            app.action_sign_in_again,
        )
        yield SystemCommand(
            "account: sign out",
            "Revoke the refresh token at the tenant, then delete the local tokens",
            app.action_sign_out,
        )
    if isinstance(screen, SignInScreen):
        yield SystemCommand(
            "sign-in: device flow",
            "Sign in with a code approved on any device (works over SSH)",
            screen.action_device,
        )
        yield SystemCommand(
            "sign-in: browser flow",
            "Sign in with a browser (authorization code + PKCE)",
            screen.action_browser,
        )
    for name, title, help_text in (
        ("console-dark", "theme: console dark", "The default dark theme"),
        ("console-mono", "theme: monochrome", "Greys only, high contrast (used under NO_COLOR)"),
        ("textual-light", "theme: light", "Textual's light theme, for light terminals"),
    ):
        if app.theme != name:
            yield SystemCommand(title, help_text, lambda theme=name: app.set_theme(theme))
    yield SystemCommand("help: keys", "Every key, by screen (F1 or ?)", app.action_help)
