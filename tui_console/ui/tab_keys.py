"""The keys of a row of numbered tabs: ``1``… show a tab by position, ``[`` and ``]`` step.

The main screen and the support console's user page both number their tabs this way; each
gives its own binding ids (``main.tab.…``, ``support.user.tab.…``) so a keymap can remap them
separately, and keeps its own other keys between these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from textual.binding import Binding

__all__ = ["NumberedTab", "number_bindings", "step_bindings", "stepped"]


class NumberedTab(Protocol):
    """A tab as these keys need it: its id (the ``TabPane``'s) and its title."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...


def number_bindings(
    tabs: Sequence[NumberedTab],
    *,
    id_prefix: str,
    show: bool = True,
    group: Binding.Group | None = None,
) -> list[Binding]:
    """``1`` to ``len(tabs)``: each shows the tab at that position (``show_tab('<id>')``)."""
    return [
        Binding(
            str(number),
            f"show_tab('{tab.id}')",
            tab.title,
            show=show,
            id=f"{id_prefix}{tab.id}",
            tooltip=f"Show the {tab.title} tab",
            group=group,
        )
        for number, tab in enumerate(tabs, start=1)
    ]


def step_bindings(*, id_prefix: str) -> list[Binding]:
    """``[`` and ``]``: the tab to the left and to the right (``step_tab(±1)``), off the footer."""
    return [
        Binding(
            "left_square_bracket",
            "step_tab(-1)",
            "Previous tab",
            show=False,
            id=f"{id_prefix}previous",
            tooltip="Show the tab to the left",
        ),
        Binding(
            "right_square_bracket",
            "step_tab(1)",
            "Next tab",
            show=False,
            id=f"{id_prefix}next",
            tooltip="Show the tab to the right",
        ),
    ]


def stepped(ids: Sequence[str], current: str, step: int) -> str:
    """The id ``step`` places from ``current`` in ``ids``, wrapping at both ends."""
    return ids[(ids.index(current) + step) % len(ids)]
