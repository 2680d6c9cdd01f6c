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
    from tui_console.ui.screens.main import MainScreen

__all__ = ["console_commands"]

#: Pane actions that are not commands: moving the focus, and the step-up (offered per pane
#: only when a scope is missing).
_NOT_COMMANDS = frozenset({"leave_field", "stop_link"})


def _pane_commands(screen: MainScreen) -> Iterator[SystemCommand]:
    """Every key of every tab as ``tab: verb``, in the state the pane is in now.

    An action the pane would refuse (a missing scope, nothing selected to act on) is still
    listed, saying why, so searching "revoke" always finds it; running it shows the tab and
    lets the pane say what is missing.
    """
    from textual.binding import Binding

    from tui_console.ui.panes import Pane
    from tui_console.ui.screens.main import TABS

    for tab in TABS:
        pane = screen.mounted_pane(tab.id)
        if pane is None:
            continue  # attach() is still mounting it: its commands come with it
        seen: set[str] = set()
        for binding in Binding.make_bindings([*tab.pane.BINDINGS, *Pane.BINDINGS]):
            action = binding.action
            if action in _NOT_COMMANDS or action in seen:
                continue
            seen.add(action)
            allowed = pane.check_action(action, ())
            if allowed is False:
                continue
            help_text = binding.tooltip or binding.description
            if allowed is None:
                scope = pane.missing_for(action)
                help_text += f" (off: needs {scope}; ctrl+g grants it)" if scope else " (off)"
            key = screen.app.get_key_display(binding)
            yield SystemCommand(
                f"{tab.title.lower()}: {binding.description.lower()}",
                f"{help_text} [key {key} on the {tab.title} tab]",
                lambda tab_id=tab.id, name=action: _run_on_tab(screen, tab_id, name),
            )


def _run_on_tab(screen: MainScreen, tab: str, action: str) -> None:
    """Show ``tab``, then run the pane's ``action`` as its key would."""
    screen.action_show_tab(tab)
    pane = screen.pane(tab)

    async def run() -> None:
        if screen.active_tab == tab:  # not when the person chose to stay in the editor
            await pane.run_action(action)

    pane.call_after_refresh(run)


def console_commands(app: ConsoleApp, screen: Screen[object]) -> Iterator[SystemCommand]:
    """The entries for ``screen``, in the order the palette lists them."""
    from tui_console.ui.screens.main import TABS, MainScreen
    from tui_console.ui.screens.sign_in import SignInScreen

    if isinstance(screen, MainScreen):
        if screen.session is not None:  # the panes come with the session, just after start
            yield from _pane_commands(screen)
        for number, tab in enumerate(TABS, start=1):
            yield SystemCommand(
                f"view: {tab.title.lower()} tab",
                f"Show the {tab.title} tab (key {number})",
                lambda tab_id=tab.id: screen.action_show_tab(tab_id),
            )
        yield SystemCommand(
            "profile: switch",
            "List the profiles (who is signed in, token state) and switch to another",
            app.action_switch_profile,
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
    yield SystemCommand(
        "token: inspect a pasted token",
        "Paste an ID or access token: its claims, times, binding and what could be verified",
        app.action_inspect_token,
    )
    support_commands = getattr(screen, "palette_commands", None)  # the support console's
    if support_commands is not None:
        yield from support_commands()
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
