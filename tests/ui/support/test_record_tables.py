"""The support tables re-draw their moving times without re-adding every row: only the cells
whose words changed are touched, the cursor stays on its record, and a filter still holds."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from tui_console.ui.widgets.filter_table import FilterTable


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        table = FilterTable(id="t")
        table.add_columns("id", "when")
        yield table


def _rows(*items: tuple[str, str]) -> list[tuple[str | None, list[Text]]]:
    return [(key, [Text(key), Text(when)]) for key, when in items]


async def test_update_rows_changes_only_the_cells_whose_text_changed() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FilterTable)
        table.set_rows(_rows(("a", "1 min ago"), ("b", "2 min ago"), ("c", "3 min ago")))
        await pilot.pause()
        table.move_cursor(row=1)
        kept = table.get_row("a")[0]
        assert (
            table.update_rows(_rows(("a", "1 min ago"), ("b", "3 min ago"), ("c", "4 min ago")))
            is False
        )
        await pilot.pause()
        assert table.get_row("a")[0] is kept  # untouched: not re-added
        assert [table.get_row(k)[1].plain for k in "abc"] == ["1 min ago", "3 min ago", "4 min ago"]
        assert table.cursor_row == 1


async def test_update_rows_keeps_the_filter_and_re_adds_when_rows_change() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FilterTable)
        table.set_rows(_rows(("a", "ended"), ("b", "in 2 days")))
        table.set_filter("ended")
        await pilot.pause()
        assert table.row_count == 1
        # b's expiry passes: it now matches the filter too, so the shown rows change
        assert table.update_rows(_rows(("a", "ended"), ("b", "ended"))) is True
        assert table.row_count == 2
        # other keys than those held: every row is replaced
        assert table.update_rows(_rows(("c", "ended"))) is True
        assert table.row_count == 1 and table.total == 1
