"""The support console's part of the help screen (F1): its keys, from the classes' BINDINGS.

The app builds every section the same way (``section(title, bindings, extra)``, keymap and
key display applied); this only says which sections the support console has, so a tab added
to :data:`~tui_console.ui.support.user_screen.USER_TABS` shows up here by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.binding import BindingType
from textual.dom import DOMNode

from tui_console.ui.screens.help import HelpSection

__all__ = ["support_help"]

Section = Callable[[str, list[BindingType], tuple[tuple[str, str], ...]], HelpSection]


def _keys(node: type[DOMNode]) -> list[BindingType]:
    """Every binding ``node`` has, its bases' first (as Textual merges them), without the
    end-user step-up, which a machine never offers."""
    bindings: list[BindingType] = []
    for klass in reversed(node.__mro__):
        bindings.extend(klass.__dict__.get("BINDINGS", ()))
    return [b for b in bindings if getattr(b, "action", None) != "step_up"]


def support_help(section: Section) -> list[HelpSection]:
    """The sections of the support console, built with the app's ``section`` helper."""
    from tui_console.ui.support.screen import SupportScreen
    from tui_console.ui.support.search import UserSearchPane
    from tui_console.ui.support.user_screen import USER_TABS, UserScreen

    enter: Sequence[tuple[str, str]] = (("enter", "Show the whole record"),)
    sections = [
        section(
            "Support: find a user",
            [*_keys(UserSearchPane), *SupportScreen.BINDINGS],
            (("enter", "Search (in the field) / open the user's page (in the results)"),),
        ),
        section("Support: a user's page", list(UserScreen.BINDINGS), ()),
    ]
    more: dict[str, tuple[tuple[str, str], ...]] = {
        "logs": (("/ type:fp,s", "In the filter: keep only events of those type codes"),),
    }
    for tab in USER_TABS:
        extra = (() if tab.id == "profile" else tuple(enter)) + more.get(tab.id, ())
        sections.append(section(f"Support: {tab.title} tab", _keys(tab.pane), extra))
    return sections
