"""The help screen's content (F1): every screen's and tab's keys, from their own BINDINGS.

Built when the help opens, not kept: a keymap renames keys, and the support console has
sections of its own (:mod:`tui_console.ui.support.help`). Importing the screens and panes here
is the point (their ``BINDINGS`` are the source), so this module is imported only by the help
action.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tui_console.ui.commands import console_commands
from tui_console.ui.screens.help import HelpSection, KeyHelp

if TYPE_CHECKING:
    from tui_console.ui.app import ConsoleApp

__all__ = ["console_help_sections"]


def console_help_sections(app: ConsoleApp, *, machine: bool) -> list[HelpSection]:
    """Every section of the help, in the order a person meets them; ``machine`` adds the
    support console's."""
    from tui_console.ui.screens.main import TABS, MainScreen
    from tui_console.ui.screens.setup import SetupScreen
    from tui_console.ui.screens.sign_in import SignInScreen

    keymap = dict(app._keymap) if getattr(app, "_keymap", None) else None
    display = app.get_key_display

    def section(
        title: str, bindings: Iterable[Any], extra: tuple[tuple[str, str], ...] = ()
    ) -> HelpSection:
        return HelpSection.from_bindings(
            title, bindings, key_display=display, keymap=keymap, extra=extra
        )

    sections = [
        section(
            "Everywhere",
            app.BINDINGS,
            extra=(("^p", "Command palette: every action by name"),),
        ),
        section(
            "Main screen",
            MainScreen.BINDINGS,
            extra=(("escape", "In the metadata editor: leave it, so tab numbers work again"),),
        ),
    ]
    if machine:
        from tui_console.ui.support.help import support_help

        sections[1:1] = support_help(section)
    from tui_console.ui.panes import Pane

    sections.append(section("Any tab", Pane.BINDINGS))
    for tab in TABS:
        sections.append(section(f"{tab.title} tab", tab.pane.BINDINGS))
    sections.append(
        HelpSection(
            "Dialogs",
            (
                KeyHelp("y n", "Confirm / cancel (also each button's first letter)"),
                KeyHelp("← →", "Move between the buttons"),
                KeyHelp("↑ ↓ pgup pgdn", "Scroll a long dialog (its buttons stay on screen)"),
                KeyHelp("escape", "Cancel, from any field of the dialog"),
            ),
        )
    )
    sections.append(section("Sign-in screen", SignInScreen.BINDINGS))
    sections.append(section("Setup screen", SetupScreen.BINDINGS))
    sections.append(
        HelpSection(
            "Command palette (ctrl+p, then type a few letters)",
            tuple(
                KeyHelp(command.title, command.help or "")
                for command in console_commands(app, app.screen)
            ),
        )
    )
    return sections
