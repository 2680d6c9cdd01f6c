"""The Logs tab of a user's page: what happened when they tried to sign in, in words, and a
live tail of it.

A row per log event (``GET /api/v2/users/{id}/logs``, newest first): when, the type code and
what it means in words (:class:`~tui_console.support.EventType`; a code the console does not
know is shown as it is), the description, the application, the connection, the IP and the
device in words. Enter shows the whole entry, secrets masked as the facade masks them
(:meth:`LogEvent.redacted`). ``/`` filters by text in any column; ``type:fp,limit_wc`` in the
filter keeps only those codes.

``f`` follows: the facade's checkpoint tail (:class:`~tui_console.support.LogTail`) gives the
recent events and then each new one once, oldest first, so the table reads top to bottom like
``tail -f`` and new events appear at the bottom. A 429 or a lost connection does not stop it:
the line above the table says "waiting N s: rate limited", counts down, and the tail goes on
from the checkpoint, which a failed read never moves, so no event is lost; each event's
``log_id`` is shown once at most. Leaving the tab or the user's page stops following.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Static

from tui_console.durations import iso_utc, words
from tui_console.errors import TuiConsoleError
from tui_console.support import (
    LogEvent,
    SupportSession,
    SupportUser,
    TailBatch,
    read_patiently,
)
from tui_console.ui.format import cell
from tui_console.ui.support._pane import UserPane
from tui_console.ui.support.detail import DetailScreen
from tui_console.ui.support.sessions_tab import agent_words
from tui_console.ui.widgets.filter_table import FilterTable, TableFilter
from tui_console.ui.widgets.status_line import StatusLine

__all__ = ["LogTable", "LogsTab", "event_cells", "event_rows", "split_type_filter"]

COLUMNS = (
    "Time",
    "Type",
    "Event",
    "Description",
    "Application",
    "Connection",
    "IP",
    "Device",
)
_TYPE_COLUMN = COLUMNS.index("Type")
RECENT = 100
"""Events read when the tab opens (Auth0's most per page)."""
POLL_SECONDS = 2.0
"""Between two polls once the tail has caught up."""

T = TypeVar("T")


def split_type_filter(text: str) -> tuple[frozenset[str], str]:
    """``type:fp,limit_wc wrong`` → the codes ``{fp, limit_wc}`` and the text ``wrong``."""
    codes: set[str] = set()
    rest: list[str] = []
    for word in text.split():
        if word.casefold().startswith("type:"):
            codes.update(c for c in word[5:].split(",") if c)
        else:
            rest.append(word)
    return frozenset(codes), " ".join(rest)


class LogTable(FilterTable):
    """The events table: the filter's ``type:`` words match the Type column exactly."""

    _parsed: tuple[str, frozenset[str], str] = ("", frozenset(), "")

    def matches(self, cells: Sequence[Text]) -> bool:
        if self._parsed[0] != self.filter_text:  # parsed once per filter, not once per row
            codes, text = split_type_filter(self.filter_text)
            self._parsed = (self.filter_text, codes, text.casefold())
        _, codes, wanted = self._parsed
        if codes and cells[_TYPE_COLUMN].plain not in codes:
            return False
        return not wanted or any(wanted in c.plain.casefold() for c in cells)


def event_cells(event: LogEvent) -> tuple[str | None, ...]:
    """The table row of ``event`` (plain text; ``None`` reads as a dash)."""
    kind = event.kind
    return (
        iso_utc(event.date).replace("T", " ").rstrip("Z") if event.date else None,
        kind.code or "?",
        kind.sentence if kind.known else "(a type this console does not know)",
        event.description,
        event.application,
        event.connection,
        event.ip,
        agent_words(event.user_agent) if event.user_agent else None,
    )


def event_rows(event: LogEvent) -> list[tuple[str, str]]:
    """The detail view: the event in words, then every field of the entry, secrets masked."""
    kind = event.kind
    rows = [
        ("When", iso_utc(event.date) if event.date else "—"),
        ("Event", f"{kind.sentence} ({kind.code})" if kind.known else kind.code or "?"),
        ("Outcome", kind.outcome if kind.known else "unknown"),
        ("Device", event.agent.words if event.user_agent else "—"),
    ]
    for key, value in sorted(event.redacted().items()):
        text = (
            value
            if isinstance(value, str)
            else json.dumps(value, sort_keys=True, ensure_ascii=False)
        )
        rows.append((key, text))
    return rows


class LogsTab(UserPane):
    """The user's log events, the whole entry of each, a filter, and a live tail.

    | Key | Action |
    | --- | --- |
    | `enter` | The whole entry (secrets masked) |
    | `f` | Follow new events as they arrive (again: stop) |
    | `r` | Read the latest events again (stops following) |
    | `/` | Filter by text; `type:fp,s` keeps those codes |
    """

    DEFAULT_CSS = """
    LogsTab #follow-line { height: auto; padding: 0 1; background: $boost; display: none; }
    LogsTab #follow-line.-shown { display: block; }
    LogsTab #follow-line.-waiting { background: $warning-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "follow", "Follow", id="support.logs.follow",
                tooltip="Show new events as they arrive (press again to stop)"),
        Binding("f", "stop_following", "Stop following", id="support.logs.stop",
                tooltip="Stop reading new events (the rows stay)"),
        Binding("r", "reload", "Reload", id="support.logs.reload",
                tooltip="Read the latest events again, newest first"),
    ]  # fmt: skip

    SUPPORT_ACTIONS = {"follow": "logs.read", "reload": "logs.read"}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``f`` is Follow or Stop following, whichever applies (the footer shows that one)."""
        if action == "follow" and self.following:
            return False
        if action == "stop_following":
            return self.following
        return super().check_action(action, parameters)

    FILTER_TABLE = "#events"

    def __init__(
        self,
        desk: SupportSession,
        user: SupportUser,
        *,
        clock: Callable[[], float] = time.time,
        id: str | None = None,
    ) -> None:
        super().__init__(desk, user, clock=clock, id=id)
        self.events: list[LogEvent] = []
        """The events the table holds, in its order."""
        self._ids: set[str] = set()
        self.following = False
        self.poll_seconds = POLL_SECONDS
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        """How the tail waits (tests shorten it)."""

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, classes="pane--banner")
        yield StatusLine(classes="pane--status")
        yield Static("", markup=False, id="follow-line")
        yield TableFilter()
        table = LogTable(id="events")
        table.add_columns(*COLUMNS)
        yield table

    @property
    def table(self) -> LogTable:
        return self.query_one("#events", LogTable)

    @property
    def follow_line(self) -> Static:
        return self.query_one("#follow-line", Static)

    @property
    def follow_text(self) -> str:
        """What the follow line says now ('' when not following)."""
        return str(self.follow_line.content) if self.following else ""

    # -- the table ---------------------------------------------------------------------------

    def show_events(self, events: Iterable[LogEvent]) -> None:
        """Replace the rows with ``events`` in the order given."""
        self.events = list(events)
        self._ids = {e.log_id for e in self.events}
        self.table.set_rows((e.log_id, self._cells(e)) for e in self.events)

    def add_event(self, event: LogEvent) -> bool:
        """Append ``event`` at the bottom unless it is shown already; the cursor follows it
        when it was on the last row. ``True`` when it was new."""
        if event.log_id in self._ids:
            return False
        table = self.table
        at_end = table.row_count == 0 or table.cursor_row >= table.row_count - 1
        self._ids.add(event.log_id)
        self.events.append(event)
        if table.append_row(event.log_id, self._cells(event)) and at_end:
            table.move_cursor(row=table.row_count - 1)
        return True

    @staticmethod
    def _cells(event: LogEvent) -> tuple[Text, ...]:
        return tuple(cell(value) for value in event_cells(event))

    def selected(self) -> LogEvent | None:
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((e for e in self.events if e.log_id == key), None)

    @on(DataTable.RowSelected, "#events")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        found = next((e for e in self.events if e.log_id == event.row_key.value), None)
        if found is not None:
            self.app.push_screen(DetailScreen(f"Log event {found.log_id}", event_rows(found)))

    def filter_changed(self) -> None:
        table = self.table
        if table.filter_text:
            self.status.say(f"{table.row_count} of {table.total} events match the filter.")

    # -- reading -----------------------------------------------------------------------------

    def load(self) -> None:
        self._read_latest()

    def action_reload(self) -> None:
        """Read the latest events again (newest first); following stops."""
        self.stop_following()
        self._read_latest()

    @work(exclusive=True, group="support-logs", exit_on_error=False)
    async def _read_latest(self) -> None:
        if self.refuse_if_unavailable("reload"):
            return
        self.status.say("Loading log events…", "busy")
        try:
            page = await self.desk.user_logs(self.user.user_id, per_page=RECENT)
        except TuiConsoleError as error:
            self.show_read_error(error, what="the log events")
            return
        self.show_events(page.events)
        self.status.say(self._summary(page.has_more, page.total), "info")

    def _summary(self, more: bool, total: int | None) -> str:
        count = len(self.events)
        if not count:
            return f"{self.user.user_id} has no recent log events · f: follow new ones"
        text = f"{count} event{'' if count == 1 else 's'}, newest first"
        if more:
            text += f" (the latest of {total})" if total else " (the latest)"
        return text + " · Enter: details · f: follow"

    # -- following ---------------------------------------------------------------------------

    def action_follow(self) -> None:
        """Start following new events, or stop."""
        if self.following:
            self.stop_following()
            self.status.say("Stopped following. f follows again; r reads the latest.", "info")
            return
        if self.refuse_if_unavailable("follow"):
            return
        self.following = True
        self.refresh_bindings()
        self._say_following("starting…")
        self.follow_line.set_class(True, "-shown")
        self._follow()

    def action_stop_following(self) -> None:
        """Stop following (the rows stay)."""
        self.action_follow()

    def stop_following(self) -> None:
        """End the tail (its worker is cancelled; nothing is lost, nothing more is read)."""
        if not self.following:
            return
        self.following = False
        self.workers.cancel_group(self, "support-logs-follow")
        self.follow_line.set_class(False, "-shown", "-waiting")
        self.refresh_bindings()

    def on_hide(self) -> None:
        """Leaving the tab stops the tail (leaving the page removes the pane and its worker)."""
        self.stop_following()

    def _say_following(self, state: str, *, waiting: bool = False) -> None:
        line = self.follow_line
        line.update(Content(f"Following new events: {state} · f: stop"))
        line.set_class(waiting, "-waiting")

    @work(exclusive=True, group="support-logs-follow", exit_on_error=False)
    async def _follow(self) -> None:
        try:
            tail = await self.desk.log_tail(self.user.user_id)
            recent = await self._patiently(tail.start)
            self.show_events(recent)
            if self.table.row_count:
                self.table.move_cursor(row=self.table.row_count - 1)
            count = len(self.events)
            self.status.say(
                f"{count} recent event{'' if count == 1 else 's'}, oldest first: new ones "
                "appear at the bottom.",
                "info",
            )
            while self.following:
                batch: TailBatch = await self._patiently(tail.poll)
                added = sum(self.add_event(e) for e in batch.events)
                if added:
                    self.status.say(f"{added} new · {len(self.events)} events shown.", "info")
                if batch.caught_up:
                    self._say_following("up to date, checking every "
                                        f"{words(self.poll_seconds)}")  # fmt: skip
                    await self.sleep(self.poll_seconds)
        except TuiConsoleError as error:
            self.stop_following()
            self.show_read_error(error, what="new log events")

    async def _patiently(self, read: Callable[[], Awaitable[T]]) -> T:
        """``read()`` until it answers: after a 429 or a lost connection, wait (said on the
        follow line, counting down) and read again from the same checkpoint."""
        return await read_patiently(
            read,
            wait=self._count_down,
            resumed=lambda: self._say_following("resumed, no event skipped"),
        )

    async def _count_down(self, seconds: float, why: str) -> None:
        left = seconds
        while left > 0:
            self._say_following(
                f"waiting {words(max(1.0, left))}: {why}; then going on from the last event",
                waiting=True,
            )
            step = min(1.0, left)
            await self.sleep(step)
            left -= step
