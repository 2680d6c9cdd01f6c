"""FilterTable shows its rows in one batch, measuring each cell once, instead of through
Textual's ``add_row``: these tests hold it to a plain DataTable given the same rows (cells,
column widths, what is drawn, the cursor and its messages), so a Textual upgrade that changes
DataTable's bookkeeping fails here, and check the filter's own rules."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult
from textual.render import measure
from textual.widgets import DataTable
from textual.widgets.data_table import DuplicateKey

from tui_console.ui.widgets.filter_table import FilterTable, _width

COLUMNS = ("name", "where", "note")
Rows = list[tuple[str | None, list[Text]]]


def _rows() -> Rows:
    """Cells of every kind a pane gives: plain, wide (CJK, emoji), two lines, styled, empty,
    a row shorter than the columns, and a row without a key."""
    return [
        ("a", [Text("alice"), Text("Zürich"), Text("safari on iOS", style="bold")]),
        ("b", [Text("ボブ"), Text("東京 🗼"), Text("")]),
        ("c", [Text("carol"), Text("two\nlines, the longer")]),
        ("d", [Text("dave"), Text("Lyon"), Text("curl/8.5.0")]),
        (None, [Text("no key"), Text("-"), Text("Safari")]),
    ]


class Tables(App[None]):
    """A FilterTable and a plain DataTable, stacked, each recording its highlight messages."""

    CSS = "DataTable { height: 9; }"

    def __init__(self) -> None:
        super().__init__()
        self.highlighted: dict[str, list[int]] = {"filter": [], "plain": []}

    def compose(self) -> ComposeResult:
        for table in (FilterTable(id="filter"), DataTable[Text](id="plain", cursor_type="row")):
            table.add_columns(*((name, name) for name in COLUMNS))
            yield table

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        assert event.data_table.id is not None
        self.highlighted[event.data_table.id].append(event.cursor_row)


def _fill_plain(plain: DataTable[Text], rows: Rows, wanted: str = "") -> None:
    for key, cells in rows:
        if not wanted or any(wanted.casefold() in cell.plain.casefold() for cell in cells):
            plain.add_row(*cells, key=key)


def _drawn(table: DataTable[Text]) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def _same(table: FilterTable, plain: DataTable[Text]) -> None:
    assert table.row_count == plain.row_count
    assert [table.get_row_at(i) for i in range(table.row_count)] == [
        plain.get_row_at(i) for i in range(plain.row_count)
    ]
    assert [c.content_width for c in table.ordered_columns] == [
        c.content_width for c in plain.ordered_columns
    ]
    assert table.virtual_size == plain.virtual_size
    assert table.cursor_coordinate == plain.cursor_coordinate
    assert _drawn(table) == _drawn(plain)


async def test_rows_widths_drawing_and_cursor_are_a_plain_data_tables() -> None:
    app = Tables()
    async with app.run_test(size=(80, 24)) as pilot:
        table, plain = app.query_one(FilterTable), app.query_one("#plain", DataTable)
        table.set_rows(_rows())
        _fill_plain(plain, _rows())
        await pilot.pause()
        _same(table, plain)
        assert app.highlighted["filter"] == app.highlighted["plain"] == [0]

        table.focus()
        await pilot.press("down", "down")
        plain.move_cursor(row=2)
        await pilot.pause()
        _same(table, plain)

        table.set_filter("SAFARI")
        plain.clear()
        _fill_plain(plain, _rows(), "safari")
        await pilot.pause()
        _same(table, plain)
        assert table.row_count == 2 and table.total == 5

        table.set_filter("")
        plain.clear()
        _fill_plain(plain, _rows())
        await pilot.pause()
        _same(table, plain)


async def test_append_row_is_a_plain_add_row() -> None:
    app = Tables()
    async with app.run_test(size=(80, 24)) as pilot:
        table, plain = app.query_one(FilterTable), app.query_one("#plain", DataTable)
        for key, cells in _rows():
            assert table.append_row(key, cells) is True
            plain.add_row(*cells, key=key)
        await pilot.pause()
        _same(table, plain)
        assert app.highlighted["filter"] == app.highlighted["plain"] == [0]


async def test_a_cell_that_narrows_sizes_its_column_as_update_cell_does() -> None:
    app = Tables()
    async with app.run_test(size=(80, 24)) as pilot:
        table, plain = app.query_one(FilterTable), app.query_one("#plain", DataTable)
        keyed = _rows()[:-1]  # a plain DataTable cannot update a row without a key
        table.set_rows(keyed)
        _fill_plain(plain, keyed)
        await pilot.pause()
        narrower = [(k, [*cells[:1], Text("x"), *cells[2:]]) for k, cells in keyed]
        assert table.update_rows(narrower) is False
        for key, cells in narrower:
            assert key is not None
            plain.update_cell(key, "where", cells[1], update_width=True)
        await pilot.pause()
        _same(table, plain)
        wider = [(k, [*cells[:1], Text("a much wider place"), *cells[2:]]) for k, cells in narrower]
        assert table.update_rows(wider) is False
        for key, cells in wider:
            assert key is not None
            plain.update_cell(key, "where", cells[1], update_width=True)
        await pilot.pause()
        _same(table, plain)


async def test_the_filter_never_matches_across_two_cells() -> None:
    app = Tables()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FilterTable)
        table.set_rows([("a", [Text("ab"), Text("cd")])])
        table.set_filter("bc")
        await pilot.pause()
        assert table.row_count == 0
        table.set_filter("b")
        assert table.row_count == 1


async def test_a_filter_that_keeps_the_same_rows_leaves_the_cursor_where_it_is() -> None:
    """Typing a letter that every shown row still contains re-adds nothing: the cursor does
    not jump back to the top, and nothing is re-drawn but the field."""
    app = Tables()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FilterTable)
        table.set_rows(_rows())
        await pilot.pause()
        table.move_cursor(row=3)
        table.set_filter("a")
        await pilot.pause()
        shown = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
        assert shown == ["alice", "carol", "dave", "no key"]  # "no key": its Safari
        table.move_cursor(row=2)
        table.set_filter("A")  # other text, the same rows
        table.set_filter(" A ")
        await pilot.pause()
        assert table.cursor_row == 2
        table.set_filter("al")
        await pilot.pause()
        assert table.cursor_row == 0 and table.row_count == 1


async def test_bad_rows_are_refused_as_add_row_refuses_them() -> None:
    app = Tables()
    async with app.run_test(size=(80, 24)):
        table = app.query_one(FilterTable)
        with pytest.raises(DuplicateKey):
            table.set_rows([("a", [Text("1")]), ("a", [Text("2")])])
        too_many: Sequence[Text] = [Text(str(n)) for n in range(len(COLUMNS) + 1)]
        with pytest.raises(ValueError, match="More values"):
            table.set_rows([("b", too_many)])


@pytest.mark.parametrize(
    "text", ["", "abc", "東京 🗼", "a\nbbb", "x\u2028yyyy", "tab\there", "e\u0301", "a\rbcd", "—"]
)
def test_a_cell_is_as_wide_as_textual_measures_it(text: str) -> None:
    assert _width(Text(text)) == measure(Console(), Text(text), 1)


async def test_a_row_without_a_key_shows_its_new_cells_too() -> None:
    """A re-draw sets the changed cells in the table's own record of the row, so a row
    without a key is re-drawn as well, and a filter that keeps it shows its new cells."""
    app = Tables()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FilterTable)
        table.set_rows([(None, [Text("old")]), ("k", [Text("kept")])])
        await pilot.pause()
        assert table.update_rows([(None, [Text("new")]), ("k", [Text("kept")])]) is False
        await pilot.pause()
        assert table.get_row_at(0)[0].plain == "new"
        assert "new" in _drawn(table)[1]
        table.set_filter("e")
        await pilot.pause()
        assert [table.get_row_at(i)[0].plain for i in range(table.row_count)] == ["new", "kept"]


class ExactFirstCell(FilterTable):
    """A table with its own rule, as the Logs tab has for ``type:`` words."""

    def matches(self, cells: Sequence[Text]) -> bool:
        return not self.filter_text or cells[0].plain == self.filter_text


class OwnRule(App[None]):
    def compose(self) -> ComposeResult:
        table = ExactFirstCell()
        table.add_columns("name", "note")
        yield table


async def test_a_subclass_rule_for_matching_rows_is_what_the_filter_asks() -> None:
    """Reproduced after the fast haystack: a subclass's matches() was not asked at all."""
    app = OwnRule()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ExactFirstCell)
        table.set_rows([("a", [Text("fp"), Text("x")]), ("b", [Text("fpx"), Text("fp")])])
        table.set_filter("fp")
        await pilot.pause()
        assert [table.get_row_at(i)[0].plain for i in range(table.row_count)] == ["fp"]
        assert table.append_row("c", [Text("fp"), Text("later")]) is True
        assert table.append_row("d", [Text("s"), Text("fp")]) is False
