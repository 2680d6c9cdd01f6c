"""Tables that keep every row and show those matching a filter, with vi keys.

:class:`FilterTable` is a :class:`~textual.widgets.DataTable` of :class:`rich.text.Text`
cells (never markup) that remembers all its rows, so a filter can narrow them and clearing it
brings them back without asking the server again. ``j``/``k`` move like the arrows (issue 10
§2). :class:`TableFilter` is the "filter: …" field a pane shows on ``/``; the pane wires the
two together (:meth:`~tui_console.ui.panes._base.Pane.action_filter`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import zip_longest
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label
from textual.widgets.data_table import Column, ColumnKey, DuplicateKey, Row, RowKey

__all__ = ["FilterTable", "TableFilter"]


def _width(cell: Text | None) -> int:
    """How many terminal columns ``cell`` needs: what Textual's ``measure`` finds for a Text
    (its widest line), without building a console's options for every cell."""
    if cell is None:
        return 0
    plain = cell.plain
    if plain.isprintable():  # one line: every line break splitlines() knows is unprintable
        return len(plain) if plain.isascii() else cell_len(plain)
    return max(map(cell_len, plain.splitlines()), default=0)


_SEPARATOR = "\x00"  # between the cells of a haystack: a filter never matches across two


class _Held:
    """One row the table holds, shown or not, with what filtering and showing it need: each
    cell's width, measured once; its words in one case-folded string, made on its first
    filter; and the DataTable's own key, record and cells for it, made once and given back
    each time a filter brings the row back."""

    __slots__ = ("_haystack", "cells", "data", "key", "metadata", "row_key", "widths")
    key: str | None
    cells: tuple[Text, ...]
    widths: tuple[int, ...]
    row_key: RowKey
    metadata: Row
    data: dict[ColumnKey, Text | None] | None
    """The table's own cells for this row, once it has been shown."""

    def __init__(
        self,
        key: str | None,
        cells: Sequence[Text],
        *,
        like: _Held | None = None,
        measured: dict[int, int] | None = None,
    ) -> None:
        """``like``: this row as it was, whose cells (the same objects) keep their widths;
        ``measured``: the widths of the cells already measured in this batch, by ``id`` (the
        rows hold the cells meanwhile): a pane makes a cell once for all the rows that show
        the same words, so most cells of a big table are the same few objects."""
        self.key = key
        self.cells = tuple(cells)
        self._haystack: str | None = None
        self.data = None
        known = {} if measured is None else measured
        if like is not None:
            known.update(zip(map(id, like.cells), like.widths, strict=True))
            self.row_key, self.metadata = like.row_key, like.metadata
        else:
            self.row_key = RowKey(key)
            self.metadata = Row(self.row_key, 1)
        widths = []
        for cell in self.cells:
            width = known.get(id(cell))
            if width is None:
                width = known[id(cell)] = _width(cell)
            widths.append(width)
        self.widths = tuple(widths)

    def contains(self, wanted: str) -> bool:
        """Whether a cell holds ``wanted`` (case-folded, without the separator)."""
        if self._haystack is None:
            self._haystack = _SEPARATOR.join(cell.plain for cell in self.cells).casefold()
        return wanted in self._haystack


class FilterTable(DataTable[Text]):
    """A row table that filters its rows by a case-insensitive substring of any cell.

    Textual's own ``add_row`` sorts the columns twice a row and has every cell measured again
    on the next idle (through a console's options, about 30 µs a cell): half a second to
    show 1,000 rows of 11 columns, paid again by each key typed in the filter and by clearing
    it. This table measures a cell once, when it is given, filters in Python, and shows the
    matching rows in one batch; the columns grow to the widest cell shown, as Textual's do.
    ``benchmarks/support_tables.py`` measures it.

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
        self._all: list[_Held] = []
        self._shown: list[_Held] = []
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
        measured: dict[int, int] = {}
        self._all = [_Held(key, cells, measured=measured) for key, cells in rows]
        self._show()

    def append_row(self, key: str | None, cells: Sequence[Text]) -> bool:
        """Add one row at the end; ``True`` when it is shown (it passes the filter)."""
        row = _Held(key, cells)
        self._all.append(row)
        if self._passing([row]):
            self._add_shown([row])
            return True
        return False

    def update_rows(self, rows: Iterable[tuple[str | None, Sequence[Text]]]) -> bool:
        """Give rows already held (same keys, same order) new cells, changing on screen only
        the cells whose text changed: re-drawing moving times without re-adding every row.
        Falls back to :meth:`set_rows` when the keys are not those held; ``True`` when every
        row was re-added so."""
        new = [(key, tuple(cells)) for key, cells in rows]
        if [key for key, _ in new] != [row.key for row in self._all]:
            self.set_rows(new)
            return True
        measured: dict[int, int] = {}
        held = [
            _Held(key, cells, like=old, measured=measured)
            for old, (key, cells) in zip(self._all, new, strict=True)
        ]
        shown = {id(row) for row in self._shown}
        kept = {id(row) for row in self._passing(held)}
        columns = self.ordered_columns
        changed: dict[int, list[int]] = {}  # a column's index: the widths of its new cells
        for old, row in zip(self._all, held, strict=True):
            if id(old) not in shown or id(row) not in kept:
                continue  # not on screen, or leaving it: shown again below
            if old.data is None:
                continue  # never the case for a row shown
            row.data = old.data  # the table's own cells: the changed ones are set in place
            for index, (before, after) in enumerate(zip(old.cells, row.cells, strict=False)):
                if before is not after and (
                    before.plain != after.plain or before.style != after.style
                ):
                    row.data[columns[index].key] = after  # update_cell's write, one refresh
                    changed.setdefault(index, []).append(row.widths[index])
        shown_before = [row.key for row in self._shown]
        self._all = held
        if [row.key for row in held if id(row) in kept] != shown_before:
            self._show()  # a changed cell moved a row in or out of the filter
            return True
        self._shown = [row for row in held if id(row) in kept]
        self._fit_columns(columns, changed)
        return False

    def forget_rows(self) -> None:
        """Drop every row (the filter stays)."""
        self._all = []
        self._shown = []
        self.clear()

    def set_filter(self, text: str) -> None:
        """Show only the rows containing ``text`` (any cell, any case)."""
        text = text.strip()
        if text == self.filter_text:
            return  # the same rows (Escape clears the field, and the field then says so)
        self.filter_text = text
        rows = self._passing(self._all)
        if list(map(id, rows)) != list(map(id, self._shown)):
            self._show(rows)  # else the same rows still pass: the cursor stays where it is

    def _passing(self, rows: Iterable[_Held]) -> list[_Held]:
        wanted = self.filter_text.casefold()
        if not wanted:
            return list(rows)
        if _SEPARATOR in wanted or type(self).matches is not FilterTable.matches:
            # A subclass's own rule (the Logs tab's ``type:`` words), or a filter the fast
            # haystack cannot answer: ask matches() row by row.
            return [row for row in rows if self.matches(row.cells)]
        return [row for row in rows if row.contains(wanted)]

    def _show(self, rows: Sequence[_Held] | None = None) -> None:
        """Show ``rows`` (those held that pass the filter) in place of those shown."""
        self.clear()
        self._shown = []
        self._add_shown(self._passing(self._all) if rows is None else rows)

    def _add_shown(self, rows: Sequence[_Held]) -> None:
        """Add ``rows`` at the bottom at once: what ``add_row`` does for each, without having
        a cell measured again or the columns sorted per row. This writes DataTable's row
        bookkeeping (Textual is pinned, and ``tests/ui/test_filter_table.py`` holds this table
        to a plain DataTable given the same rows: cells, widths, cursor, messages)."""
        if not rows:
            return
        columns = self.ordered_columns
        if any(len(row.cells) > len(columns) for row in rows):
            raise ValueError("More values provided than there are columns.")
        keys = [column.key for column in columns]
        locations, data, metadata = self._row_locations, self._data, self.rows
        first = len(metadata)
        for index, row in enumerate(rows, start=first):
            if row.row_key in locations:
                raise DuplicateKey(f"The row key {row.row_key!r} already exists.")
            locations[row.row_key] = index
            if row.data is None:
                row.data = dict(zip_longest(keys, row.cells))
            data[row.row_key] = row.data  # type: ignore[assignment]  # None: an empty cell
            metadata[row.row_key] = row.metadata
        self._shown.extend(rows)
        widest = zip_longest(*(row.widths for row in rows), fillvalue=0)  # a short row: 0
        for column, widths in zip(columns, widest, strict=False):
            column.content_width = max(column.content_width, *widths)
        self._require_update_dimensions = True  # the size, on the next idle
        self.cursor_coordinate = self.cursor_coordinate
        if first == 0 and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()  # a cursor can show now: say which row it is on
        self._update_count += 1
        self.check_idle()

    def _fit_columns(self, columns: Sequence[Column], changed: dict[int, list[int]]) -> None:
        """Size the columns whose cells changed as Textual does: wider for a wider cell, and
        to the widest cell shown (or the label) when one got narrower."""
        for index, widths in changed.items():
            column = columns[index]
            if min(widths) < column.content_width:
                column.content_width = max(
                    [_width(column.label)]
                    + [row.widths[index] for row in self._shown if index < len(row.widths)]
                )
            else:
                column.content_width = max(widths)
        if changed:
            self._update_count += 1  # what was drawn of the old cells is stale
            self._require_update_dimensions = True
            self.refresh()
            self.check_idle()


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
