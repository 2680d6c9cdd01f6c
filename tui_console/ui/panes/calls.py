"""The Calls tab: every HTTP call the session made, live, with its rate-limit headers.

The rows come from :attr:`AccountSession.calls <tui_console.account.AccountSession.calls>`,
which records method, host, path (query values masked), status, latency and the
``X-RateLimit-*`` reading, and never headers or bodies: nothing here can show a token. The
pane subscribes when mounted and unsubscribes when unmounted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Static

from tui_console.account import CallRecord
from tui_console.ui.format import cell, local_time
from tui_console.ui.panes._base import Pane
from tui_console.ui.panes.call_detail import CallDetailScreen
from tui_console.ui.widgets.filter_table import FilterTable, TableFilter
from tui_console.ui.widgets.status_line import StatusLine

__all__ = ["CallsPane"]


def _clock_time(epoch: float) -> str:
    """``14:05:18``: the local time of day (the date is in the pane's header line)."""
    return datetime.fromtimestamp(epoch).astimezone().strftime("%H:%M:%S")


class CallsPane(Pane):
    """A live table of the session's HTTP calls (newest last).

    | Key | Action |
    | --- | --- |
    | `f` | Follow: keep the newest call in view (on by default) |
    | `c` | Clear the table (the log itself is kept) |
    | `enter` | Open the call: details and "copy as curl" (no token in it) |
    | `/` | Filter the rows |
    """

    DEFAULT_CSS = """
    CallsPane {
        & > #calls-summary { height: 1; padding: 0 1; color: $text-muted; }
        & > #calls-table { height: 1fr; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f",
            "toggle_follow",
            "Follow",
            id="calls.follow",
            tooltip="Keep the newest call in view, or stop doing so",
        ),
        Binding(
            "c",
            "clear_calls",
            "Clear",
            id="calls.clear",
            tooltip="Clear the table (the session's log is kept)",
        ),
    ]
    BINDING_GROUP_TITLE = "Calls"

    @on(DataTable.RowSelected, "#calls-table")
    def _open_detail(self, event: DataTable.RowSelected) -> None:
        """Enter on a call: its details and "copy as curl"."""
        key = event.row_key.value
        if key is None or not key.isdigit() or int(key) >= len(self.records):
            return
        record = self.records[int(key)]
        scheme = self.session.profile.issuer.split(":", 1)[0]
        self.app.push_screen(
            CallDetailScreen(record, profile=self.session.profile.name, scheme=scheme)
        )

    HELP = """\
## Calls

Every HTTP call this session made, as it happens: time, method, path, status, how long it
took, and the rate-limit headers of the answer (limit, remaining, when the bucket is full
again). Query values other than paging are masked, and no header or body is kept, so nothing
here shows a token: it is safe to share with support.

- **f** keeps the newest call in view (on by default).
- **c** clears the table; the log itself is kept.
- **Enter** opens a call: the whole path, status, latency and rate-limit headers, and
  **copy as curl**, whose token is `$(tui-console --profile NAME token)`, never the token.
- **/** filters the rows; Escape clears the filter.
"""

    class Recorded(Message):
        """A call was recorded (posted from the call log's observer)."""

        def __init__(self, record: CallRecord) -> None:
            super().__init__()
            self.record = record

    follow: bool = True
    """Move to each new call as it arrives."""
    shown: int = 0
    """How many calls the table holds."""
    _unsubscribe: Callable[[], None] | None = None
    FILTER_TABLE = "#calls-table"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records: list[CallRecord] = []
        """The calls the table holds, by row key (their index)."""

    @property
    def table(self) -> FilterTable:
        return self.query_one("#calls-table", FilterTable)

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, id="calls-summary")
        yield TableFilter(id="calls-filter")
        yield FilterTable(id="calls-table")
        yield StatusLine(id="calls-status", classes="pane--status")

    def on_mount(self) -> None:
        table = self.table
        # The path goes last: it is the long one, and the numbers stay in view at 80 columns.
        table.add_column("time", key="time")
        table.add_column("method", key="method")
        table.add_column("status", key="status")
        table.add_column("ms", key="ms")
        table.add_column("limit", key="limit")
        table.add_column("left", key="left")
        table.add_column("full at", key="reset")
        table.add_column("path", key="path")
        for record in self.session.calls:
            self._add(record)
        self._unsubscribe = self.session.calls.subscribe(self._observe)
        self._summarise()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _observe(self, record: CallRecord) -> None:
        """Called by the call log (possibly off the UI's task): hand over as a message."""
        self.post_message(self.Recorded(record))

    @on(Recorded)
    def _recorded(self, event: Recorded) -> None:
        self._add(event.record)
        self._summarise()

    def _add(self, record: CallRecord) -> None:
        table = self.table
        if record.status is None:
            status = cell(f"no answer ({record.error or 'unknown'})", "bold")
        else:
            status = cell(record.status, "bold" if record.status >= 400 else "")
        limit = record.rate_limit
        self.records.append(record)
        shown = table.append_row(
            str(len(self.records) - 1),
            (
                cell(_clock_time(record.at)),
                cell(record.method),
                status,
                Text(f"{record.latency_ms:.0f}", justify="right"),
                cell(limit.limit if limit else None),
                cell(limit.remaining if limit else None),
                cell(_clock_time(limit.reset) if limit else None),
                cell(record.path),
            ),
        )
        self.shown += 1
        if self.follow and shown:
            table.move_cursor(row=table.row_count - 1)

    def _summarise(self) -> None:
        total = len(self.session.calls)
        failed = sum(1 for r in self.session.calls if r.status is None or r.status >= 400)
        since = ""
        first = next(iter(self.session.calls), None)
        if first is not None:
            since = f" since {local_time(first.at)}"
        follow = "following newest" if self.follow else "not following (f)"
        self.query_one("#calls-summary", Static).update(
            f"{total} calls{since}, {failed} failed or refused; {follow}"
        )

    def action_toggle_follow(self) -> None:
        """Keep the newest call in view, or stop."""
        self.follow = not self.follow
        if self.follow:
            table = self.table
            table.move_cursor(row=table.row_count - 1)
        self._summarise()

    def action_clear_calls(self) -> None:
        """Empty the table; new calls keep arriving."""
        self.table.forget_rows()
        self.records = []
        self.shown = 0
        self.status.say("Table cleared; the session's log is kept.")
