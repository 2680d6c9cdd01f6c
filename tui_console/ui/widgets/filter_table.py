"""Tables that keep every row and show those matching a filter, with vi keys.

:class:`FilterTable` is a :class:`~textual.widgets.DataTable` of :class:`rich.text.Text`
cells (never markup) that remembers all its rows, so a filter can narrow them and clearing it
brings them back without asking the server again. ``j``/``k`` move like the arrows (issue 10
§2). :class:`TableFilter` is the "filter: …" field a pane shows on ``/``; the pane wires the
two together (:meth:`~tui_console.ui.panes._base.Pane.action_filter`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label

__all__ = ["FilterTable", "TableFilter"]


class FilterTable(DataTable[Text]):
    """A row table that filters its rows by a case-insensitive substring of any cell.

    | Key | Action |
    | --- | --- |
    | `j` / `k` | Next / previous row (as `down` / `up`) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
    ]

    def __init__(self, *, id: str | None = None, cursor_type: str = "row") -> None:
        super().__init__(id=id, cursor_type=cursor_type)  # type: ignore[arg-type]
        self._all: list[tuple[str | None, tuple[Text, ...]]] = []
        self.filter_text = ""
        """What the rows shown must contain (empty: every row)."""

    @property
    def total(self) -> int:
        """How many rows the table holds, shown or not."""
        return len(self._all)

    def matches(self, cells: Sequence[Text]) -> bool:
        """Whether a row with ``cells`` passes the filter."""
        wanted = self.filter_text.casefold()
        return not wanted or any(wanted in cell.plain.casefold() for cell in cells)

    def set_rows(self, rows: Iterable[tuple[str | None, Sequence[Text]]]) -> None:
        """Replace every row (``(key, cells)`` pairs), showing those that pass the filter."""
        self._all = [(key, tuple(cells)) for key, cells in rows]
        self._show()

    def append_row(self, key: str | None, cells: Sequence[Text]) -> bool:
        """Add one row at the end; ``True`` when it is shown (it passes the filter)."""
        row = (key, tuple(cells))
        self._all.append(row)
        if self.matches(row[1]):
            self.add_row(*row[1], key=key)
            return True
        return False

    def update_rows(self, rows: Iterable[tuple[str | None, Sequence[Text]]]) -> bool:
        """Give rows already held (same keys, same order) new cells, changing on screen only
        the cells whose text changed: re-drawing moving times without re-adding every row,
        which costs a measurement per cell (about 0.4 s for 1,000 rows of 11 columns here).
        Falls back to :meth:`set_rows` when the keys are not those held; ``True`` when every
        row was re-added so."""
        new = [(key, tuple(cells)) for key, cells in rows]
        if [key for key, _ in new] != [key for key, _ in self._all]:
            self.set_rows(new)
            return True
        columns = [column.key for column in self.ordered_columns]
        for (key, old), (_, cells) in zip(self._all, new, strict=True):
            if key is None or not self.matches(old) or not self.matches(cells):
                continue
            for column, before, after in zip(columns, old, cells, strict=False):
                if before is not after and (
                    before.plain != after.plain or before.style != after.style
                ):
                    self.update_cell(key, column, after, update_width=True)
        shown_before = [key for key, cells in self._all if self.matches(cells)]
        self._all = new
        if [key for key, cells in new if self.matches(cells)] != shown_before:
            self._show()  # a changed cell moved a row in or out of the filter
            return True
        return False

    def forget_rows(self) -> None:
        """Drop every row (the filter stays)."""
        self._all = []
        self.clear()

    def set_filter(self, text: str) -> None:
        """Show only the rows containing ``text`` (any cell, any case)."""
        self.filter_text = text.strip()
        self._show()

    def _show(self) -> None:
        self.clear()
        for key, cells in self._all:
            if self.matches(cells):
                self.add_row(*cells, key=key)


class TableFilter(Horizontal):
    """``filter: [....]`` above a table: hidden until ``/``, cleared and hidden by Escape."""

    DEFAULT_CSS = """
    TableFilter {
        height: auto;
        display: none;
        &.-shown { display: block; }
        & > Label { padding: 1 0 0 1; width: auto; color: $text-muted; }
        & > Input { width: 1fr; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("filter:")
        field = Input(placeholder="text in any column · Enter: keep · Escape: clear")
        field.cursor_blink = False
        yield field

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def text(self) -> str:
        return self.input.value.strip()
