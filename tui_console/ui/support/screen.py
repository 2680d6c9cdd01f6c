"""The support console's first screen: the machine's strip, the user search, the footer.

:class:`~tui_console.ui.app.ConsoleApp` shows this instead of the end-user main screen when
the profile is a machine (support) profile. It holds the one
:class:`~tui_console.support.SupportSession` of the run, and opens a user's page
(:class:`~tui_console.ui.support.user_screen.UserScreen`) over itself when a result is chosen;
Escape there comes back to the same results. A machine profile whose token is missing or gone
is signed in again here from its stored secret or key: there is no person to ask.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker

from tui_console.account import AccountSession
from tui_console.errors import TuiConsoleError
from tui_console.support import SupportSession
from tui_console.ui.support._pane import worker_failure
from tui_console.ui.support.messages import UserChosen
from tui_console.ui.support.search import UserSearchPane
from tui_console.ui.support.strip import SupportStrip

__all__ = ["SupportScreen"]


class SupportScreen(Screen[None]):
    """Find a user; Enter opens their page."""

    AUTO_FOCUS = "#search"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+t",
            "app.inspect_token",
            "Inspect token",
            id="support.inspect_token",
            tooltip="Paste a token: its claims, and what could be verified",
        ),
    ]
    BINDING_GROUP_TITLE = "Support"

    def __init__(self, session: AccountSession, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.desk = SupportSession(session)
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield SupportStrip(self.desk.account, clock=self.clock, id="session-strip")
        yield UserSearchPane(self.desk, clock=self.clock, id="pane-search")
        yield Footer()

    @property
    def search(self) -> UserSearchPane:
        return self.query_one(UserSearchPane)

    def on_mount(self) -> None:
        self.search.reload()  # the scope banner; there is nothing to load before a search
        try:
            signed_in = self.desk.account.status().signed_in
        except TuiConsoleError as error:  # damaged token files: say so, the sign-in replaces them
            self.search.show_error(error, doing="Reading the stored token")
            signed_in = False
        if not signed_in:
            self._sign_in()

    @work(exclusive=True, group="support-sign-in", exit_on_error=False)
    async def _sign_in(self) -> None:
        """No token stored: mint one with the profile's stored secret or key."""
        self.search.status.say("Signing the application in (client credentials)…", "busy")
        try:
            await self.desk.account.login_with_client_credentials()
        except TuiConsoleError as error:
            self.search.show_error(error, doing="Signing the application in")
            return
        self.query_one(SupportStrip).update_now()
        self.search.reload()
        self.search.status.say("Signed in. Find a user: e-mail, user id or a query.", "ok")

    def follow_session(self, session_id: str) -> None:
        """Open the page of the user a session belongs to, on that session (a pasted ``sid``)."""
        self._follow(session_id)

    @work(exclusive=True, group="support-follow", exit_on_error=False)
    async def _follow(self, session_id: str) -> None:
        from tui_console.ui.support.user_screen import UserScreen

        status = self.search.status
        status.say(f"Opening session {session_id}…", "busy")
        try:
            session = await self.desk.session(session_id)
            if session.user_id is None:
                status.say(f"Session {session_id} names no user.", "warning")
                return
            user = await self.desk.user(session.user_id)
        except TuiConsoleError as error:
            self.search.show_error(error, doing=f"Opening session {session_id}")
            return
        status.clear()
        self.app.push_screen(
            UserScreen(self.desk, user, tab="sessions", session_id=session_id, clock=self.clock)
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A bug in this screen's own workers (signing in, following a session): in words."""
        text = worker_failure(event) if event.worker.node is self else None
        if text is not None:
            self.search.status.say(text, "error")

    @on(UserChosen)
    def _open_user(self, event: UserChosen) -> None:
        from tui_console.ui.support.user_screen import UserScreen

        event.stop()
        self.app.push_screen(UserScreen(self.desk, event.user, clock=self.clock))

    def palette_commands(self) -> Iterator[SystemCommand]:
        """The support console's command-palette entries (``support: …``)."""
        yield SystemCommand(
            "support: find a user",
            "Put the cursor in the search field (key f)",
            self.search.action_focus_search,
        )
