"""Finding a user: by e-mail, by user id, or by a Lucene query, one page at a time.

The field takes what a support ticket holds: an e-mail address (looked up exactly with
``users-by-email``, which is case-sensitive on Auth0: the pane says so when nothing matched
and the address had capitals), a user id (``auth0|…``), or a query (``name:ada*``,
``email:*@example.com AND logins_count:[10 TO *]``; ``search_engine=v3``). Results list
name, e-mail with its verification, connection, last login, logins count and blocked; Enter
opens the user's page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Static

from tui_console.errors import TuiConsoleError
from tui_console.support import SupportSession, SupportUser, UserSearch
from tui_console.ui.format import cell
from tui_console.ui.support._pane import SupportPane
from tui_console.ui.support.messages import UserChosen
from tui_console.ui.support.times import relative
from tui_console.ui.widgets.filter_table import FilterTable, TableFilter
from tui_console.ui.widgets.status_line import StatusLine, Tone

__all__ = ["UserSearchPane", "user_cells"]

_COLUMNS = ("Name", "Email", "Connection", "Last login", "Logins", "Blocked")


def _connection(user: SupportUser) -> str:
    """The primary connection, and how many more are linked (``github +2``)."""
    connections = user.connections
    if not connections:
        return "—"
    more = f" +{len(connections) - 1}" if len(connections) > 1 else ""
    return connections[0] + more


def user_cells(user: SupportUser, now: float) -> tuple[str, ...]:
    """The results row for ``user`` (plain text; the table makes cells of it)."""
    account = user.user
    verified = {True: " ✓", False: " (unverified)", None: ""}[account.email_verified]
    return (
        account.name or account.nickname or "—",
        f"{account.email}{verified}" if account.email else "—",
        _connection(user),
        relative(account.last_login, now, missing="never"),
        str(account.logins_count or 0),
        "blocked" if user.blocked else "",
    )


class UserSearchPane(SupportPane):
    """The search field, what the search found, and the results table.

    | Key | Action |
    | --- | --- |
    | `f` | Put the cursor in the search field |
    | `enter` | Search (in the field) / open the user (in the table) |
    | `n` / `p` | Next / previous page of a query's results |
    | `/` | Filter the rows shown |
    """

    DEFAULT_CSS = """
    UserSearchPane {
        & #search-row { height: 3; }
        & #search-row > Label { padding: 1 0 0 1; width: auto; }
        & #search-row > Input { width: 1fr; }
        & #users { height: 1fr; }
        & #search-hint { padding: 0 1; color: $text-muted; height: auto; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "focus_search", "Find", id="support.find", tooltip="Search for a user"),
        Binding(
            "n", "page(1)", "Next page", id="support.next_page", tooltip="The next page of users"
        ),
        Binding(
            "p",
            "page(-1)",
            "Prev page",
            id="support.previous_page",
            tooltip="The previous page of users",
        ),
    ]

    SUPPORT_ACTIONS = {"focus_search": "users.find", "page": "users.find"}
    FILTER_TABLE = "#users"

    def __init__(
        self, desk: SupportSession, *, clock: Callable[[], float] = time.time, id: str | None = None
    ) -> None:
        super().__init__(desk, clock=clock, id=id)
        self.found: UserSearch | None = None
        """The search on show (``None`` before the first)."""

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, classes="pane--banner")
        with Horizontal(id="search-row"):
            yield Label("find:")
            field = Input(
                placeholder="e-mail, user id (auth0|…) or a query like name:ada*", id="search"
            )
            field.cursor_blink = False
            yield field
        yield Static(
            'e-mail (exact) · user id · query: field:value "phrase" prefix* AND OR',
            markup=False,
            id="search-hint",
        )
        yield StatusLine(classes="pane--status")
        yield TableFilter()
        table = FilterTable(id="users")
        table.add_columns(*_COLUMNS)
        yield table

    @property
    def search_field(self) -> Input:
        return self.query_one("#search", Input)

    @property
    def table(self) -> FilterTable:
        return self.query_one("#users", FilterTable)

    def home(self) -> Input | FilterTable:
        """The search field until something was found, then the results."""
        return self.table if self.table.total else self.search_field

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":
            found = self.found
            if found is None or found.by != "query":
                return False
            step = parameters[0] if parameters else 1
            if (step == 1 and not found.has_more) or (step == -1 and found.page == 0):
                return None
        return super().check_action(action, parameters)

    # -- actions -----------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        """Put the cursor in the search field (its text selected, to type a new search)."""
        self.search_field.focus()

    def action_page(self, step: int) -> None:
        """The next (``1``) or previous (``-1``) page of the query's results."""
        found = self.found
        if found is None or found.by != "query" or self.refuse_if_unavailable("page"):
            return
        page = found.page + step
        if page < 0 or (step > 0 and not found.has_more):
            return
        self.search(found.query, page=page)

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.refuse_if_unavailable("focus_search"):
            return
        self.search(event.value)

    @on(DataTable.RowSelected, "#users")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        found = self.found
        key = event.row_key.value
        if found is None or key is None:
            return
        user = next((u for u in found.users if u.user_id == key), None)
        if user is not None:
            self.post_message(UserChosen(user))

    # -- searching ---------------------------------------------------------------------------

    @work(exclusive=True, group="support-search", exit_on_error=False)
    async def search(self, query: str, *, page: int = 0) -> None:
        """Run the search and show one page of what it found (a newer search wins)."""
        if not query.strip():
            self.status.say("Type an e-mail address, a user id or a query, then Enter.", "info")
            return
        self.status.say(f"Searching for {query.strip()}…", "busy")
        try:
            found = await self.desk.find_users(query, page=page)
        except TuiConsoleError as error:
            self.show_error(error, doing="Searching")
            return
        self.show_found(found)

    def show_found(self, found: UserSearch) -> None:
        """Fill the table with ``found`` and say what it is."""
        self.found = found
        now = self.clock()
        self.table.set_rows(
            (u.user_id, tuple(cell(v) for v in user_cells(u, now))) for u in found.users
        )
        self.status.say(*self._summary(found))
        self.refresh_bindings()
        if found.users:
            self.table.focus()

    def _summary(self, found: UserSearch) -> tuple[str, Tone]:
        how = {"email": "by e-mail", "user_id": "by user id", "query": "by query"}[found.by]
        if not found.users:
            text = f"No user matches {found.query} ({how})."
            if found.note:
                text += f"\n{found.note}"
            return text, "warning"
        count = len(found.users)
        text = f"{count} user{'s' if count != 1 else ''} found {how}"
        if found.by == "query":
            text += f" · page {found.page + 1}"
            if found.total is not None:
                text += f" ({found.total} in all)"
            if found.has_more:
                text += " · n: next page"
            if found.page:
                text += " · p: previous"
        return text + " · Enter: open", "info"
