"""A user's records one checkpoint page at a time: the part the Sessions and Refresh tokens
tabs share.

Auth0 pages both lists with a checkpoint (``from``/``take``; ``next`` only when another page
exists). :class:`RecordsPane` loads the first page when the tab is first shown, the next on
``m``, again from the start on ``r``, keeps the rows in a :class:`FilterTable`, re-draws them
every :data:`TICK_SECONDS` (the countdowns move) keeping the cursor on the same record, and
drops a record the person just ended without waiting for Auth0's asynchronous deletion to show.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import ClassVar, Generic, NamedTuple, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from tui_console.errors import TuiConsoleError
from tui_console.support import SupportSession, SupportUser
from tui_console.ui.format import cell
from tui_console.ui.support._pane import UserPane
from tui_console.ui.support.detail import DetailScreen
from tui_console.ui.widgets.filter_table import FilterTable, TableFilter
from tui_console.ui.widgets.status_line import StatusLine

__all__ = ["PAGE_SIZE", "TICK_SECONDS", "RecordsPane"]

TICK_SECONDS = 30.0
"""How often the countdowns are re-drawn (they are in minutes at the finest)."""
PAGE_SIZE = 100
"""Records asked for per page (Auth0's most)."""

T = TypeVar("T")
_CELL_CACHE = 50_000
"""Distinct cell texts kept (1,000 records of 11 columns, with room for the times to move)."""


class RecordAction(NamedTuple):
    """A button of a record's detail view: what it is called, the scope it needs, what it does."""

    id: str
    label: str
    scope: str
    """The :data:`~tui_console.support.SUPPORT_SCOPES` key of the action."""
    run: Callable[[], None]


class RecordsPane(UserPane, Generic[T]):
    """A table of one user's records of one kind; subclasses say how to fetch and show one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "more", "More", id="support.records.more", tooltip="Load the next page"),
        Binding("r", "reload", "Reload", id="support.records.reload", tooltip="Load again"),
    ]

    NOUN: ClassVar[tuple[str, str]] = ("record", "records")
    """What a row is, singular and plural, for the status line."""
    COLUMNS: ClassVar[tuple[str, ...]] = ()
    LIST_ACTION: ClassVar[str] = ""
    """The :data:`~tui_console.support.SUPPORT_SCOPES` key of listing these records."""
    KEYS_HINT: ClassVar[str] = ""
    """What the keys do, after the count in the status line."""
    RECORD_ACTIONS: ClassVar[frozenset[str]] = frozenset()
    """Binding actions on the selected row: dimmed while no row is selected."""

    def __init__(
        self,
        desk: SupportSession,
        user: SupportUser,
        *,
        clock: Callable[[], float] = time.time,
        id: str | None = None,
    ) -> None:
        super().__init__(desk, user, clock=clock, id=id)
        self.records: list[T] = []
        self.next_page: str | None = None
        """The checkpoint of the next page, when Auth0 said there is one."""
        self.total: int | None = None
        self._cells: dict[str, Text] = {}

    # -- what subclasses say -----------------------------------------------------------------

    async def fetch(self, checkpoint: str | None) -> tuple[Sequence[T], str | None, int | None]:
        """One page: the records, the next checkpoint, the total if Auth0 sent it."""
        raise NotImplementedError

    def record_id(self, record: T) -> str:
        raise NotImplementedError

    def cells(self, record: T, now: float) -> tuple[str, ...]:
        raise NotImplementedError

    def show_record(self, record: T) -> None:
        """Enter on a row: show the whole record."""

    def loaded(self) -> None:
        """A page has just been shown (subclasses may act on it)."""

    # -- the table ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, classes="pane--banner")
        yield StatusLine(classes="pane--status")
        yield TableFilter()
        table = FilterTable(id="records")
        table.add_columns(*self.COLUMNS)
        yield table

    @property
    def table(self) -> FilterTable:
        return self.query_one("#records", FilterTable)

    def on_mount(self) -> None:
        self.set_interval(TICK_SECONDS, self.redraw)

    FILTER_TABLE = "#records"

    def selected(self) -> T | None:
        """The record under the cursor, if the table shows any."""
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.find(key)

    def find(self, record_id: str | None) -> T | None:
        return next((r for r in self.records if self.record_id(r) == record_id), None)

    def redraw(self) -> None:
        """Re-draw every row at the clock's now, keeping the cursor on the same record: only
        the cells whose words changed are touched when the records are the same."""
        table = self.table
        keep = self.selected()
        now = self.clock()
        rows = (
            (self.record_id(r), tuple(map(self._cell, self.cells(r, now)))) for r in self.records
        )
        if table.update_rows(rows):
            table.refresh(layout=True)  # the header too: its widths grew with the new rows
        if keep is not None and table.row_count and keep is not self.selected():
            try:
                table.move_cursor(row=table.get_row_index(self.record_id(keep)))
            except Exception:  # the row is filtered out now: the cursor stays at the top
                pass

    def _cell(self, text: str) -> Text:
        """The table cell for ``text``, made once: most cells (devices, IPs, ids) are the same
        at every re-draw, and making a cell (escaping control characters) is most of its cost."""
        made = self._cells.get(text)
        if made is None:
            if len(self._cells) > _CELL_CACHE:
                self._cells.clear()
            made = self._cells[text] = cell(text)
        return made

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "more" and self.next_page is None:
            return False
        if action in self.RECORD_ACTIONS and self.selected() is None:
            return None  # shown dimmed: there is no row to act on
        return super().check_action(action, parameters)

    def show_detail(
        self, title: str, rows: list[tuple[str, str]], actions: Sequence[RecordAction]
    ) -> None:
        """The record in full with its buttons; one whose scope is missing is disabled, and a
        row says why."""
        disabled = []
        for action in actions:
            reason = self.desk.unavailable_reason(action.scope)
            if reason:
                disabled.append(action.id)
                rows.append(("Off", reason))
        runs = {action.id: action.run for action in actions}

        def chosen(choice: str | None) -> None:
            run = runs.get(choice or "")
            if run is not None:
                run()

        buttons = tuple((action.id, action.label) for action in actions)
        self.app.push_screen(DetailScreen(title, rows, actions=buttons, disabled=disabled), chosen)

    @on(DataTable.RowSelected, "#records")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        record = self.find(event.row_key.value)
        if record is not None:
            self.show_record(record)

    # -- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        self._load_page(None)

    def action_reload(self) -> None:
        """Load the list again from its first page."""
        self.load()

    def action_more(self) -> None:
        """Load the next page."""
        if self.next_page is not None:
            self._load_page(self.next_page)

    @work(exclusive=True, group="support-records", exit_on_error=False)
    async def _load_page(self, checkpoint: str | None) -> None:
        reason = self.desk.unavailable_reason(self.LIST_ACTION)
        if reason is not None:
            self.status.say(reason, "warning")
            return
        self.status.say(f"Loading {self.NOUN[1]}…", "busy")
        try:
            records, next_page, total = await self.fetch(checkpoint)
        except TuiConsoleError as error:
            self.show_read_error(error, what=f"the {self.NOUN[1]}")
            return
        if checkpoint is None:
            self.records = []
        self.records.extend(records)
        self.next_page, self.total = next_page, total
        self.redraw()
        self.status.say(self.summary(), "info")
        self.refresh_bindings()
        self.loaded()

    def summary(self) -> str:
        """``12 sessions of 140 · keys``, or that there are none."""
        count = len(self.records)
        if not count:
            return f"{self.user.user_id} has no {self.NOUN[1]}."
        text = f"{count} {self.NOUN[0] if count == 1 else self.NOUN[1]}"
        if self.total is not None and self.total > count:
            text += f" of {self.total}"
        if self.KEYS_HINT:
            text += f" · {self.KEYS_HINT}"
        if self.next_page is not None:
            text += " · m: more"
        return text

    # -- after an action ---------------------------------------------------------------------

    def forget(self, record_id: str) -> None:
        """Drop a record just ended (Auth0 may list it for a few more seconds)."""
        self.records = [r for r in self.records if self.record_id(r) != record_id]
        self.redraw()

    def forget_all(self) -> None:
        """Everything of this kind is ending (the user was signed out everywhere)."""
        self.records, self.next_page = [], None
        self.redraw()
        self.refresh_bindings()
        self.status.say(
            f"The {self.NOUN[1]} are ending at Auth0, which may still list some for a few "
            "seconds: r reloads.",
            "info",
        )
