"""The Sessions tab of a user's page: every sign-in session, where and how, and ending them.

A row per session (``GET /api/v2/users/{id}/sessions``, checkpoint paging): the device in words
(browser and system from the user agent), the last IP and its ASN, when it was last used, when
it ends (idle and absolute expiry, counting down), when it began and was last authenticated,
the applications and how the person signed in. Enter shows the whole record, both devices and
every authentication with its time; ``e`` ends the selected session. Paging and the
moving countdowns are :class:`~tui_console.ui.support.records_pane.RecordsPane`'s.

Sessions are an Enterprise feature at Auth0: on another plan the tab says so and what still
works, and nothing else on the user's page is affected.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from tui_console.errors import TuiConsoleError
from tui_console.support import Session, describe_user_agent
from tui_console.ui.support.confirmations import SignOutConfirm, end_session_confirm
from tui_console.ui.support.records_pane import PAGE_SIZE, RecordAction, RecordsPane
from tui_console.ui.support.times import countdown, earliest, moment, relative

__all__ = ["SessionsTab", "session_cells", "session_rows"]

_COLUMNS = (
    "Device",
    "Last IP",
    "ASN",
    "Last active",
    "Idle expiry",
    "Expires",
    "Created",
    "Authenticated",
    "Applications",
    "Signed in by",
    "Session",
)


def _methods(session: Session) -> str:
    return ", ".join(f"{m.name} ({m.type})" if m.type else m.name for m in session.methods) or "—"


@lru_cache(maxsize=1024)
def agent_words(user_agent: str | None) -> str:
    """A user agent in words, parsed once per distinct string (a table re-draws them all)."""
    return describe_user_agent(user_agent).words


def session_cells(session: Session, now: float) -> tuple[str, ...]:
    """The table row for ``session`` at ``now`` (plain text)."""
    device = session.device
    return (
        agent_words(device.last_user_agent or device.initial_user_agent),
        device.last_ip or device.initial_ip or "—",
        device.last_asn or device.initial_asn or "—",
        relative(session.last_interacted_at, now),
        countdown(session.idle_expires_at, now),
        countdown(session.expires_at, now),
        relative(session.created_at, now),
        relative(session.authenticated_at, now),
        ", ".join(session.client_ids) or "—",
        _methods(session),
        session.id,
    )


def session_rows(session: Session, now: float) -> list[tuple[str, str]]:
    """The detail view's ``label: value`` rows for ``session``."""
    device = session.device
    ends = earliest(session.idle_expires_at, session.expires_at)
    rows = [
        ("Session", session.id),
        ("User", session.user_id or "—"),
        ("Applications", ", ".join(session.client_ids) or "—"),
        ("Ends", countdown(ends, now, missing="never (no expiry)")),
        ("Idle expiry", moment(session.idle_expires_at, now, missing="none")),
        ("Expires", moment(session.expires_at, now, missing="none")),
        ("Created", moment(session.created_at, now)),
        ("Authenticated", moment(session.authenticated_at, now)),
        ("Last active", moment(session.last_interacted_at, now)),
        ("Updated", moment(session.updated_at, now)),
        ("First device", device.initial_agent.words),
        ("First IP", f"{device.initial_ip or '—'} (ASN {device.initial_asn or '—'})"),
        ("First agent", device.initial_user_agent or "—"),
        ("Last device", device.last_agent.words),
        ("Last IP", f"{device.last_ip or '—'} (ASN {device.last_asn or '—'})"),
        ("Last agent", device.last_user_agent or "—"),
    ]
    for method in session.methods:
        kind = f" ({method.type})" if method.type else ""
        rows.append(("Signed in by", f"{method.name}{kind}, {moment(method.timestamp, now)}"))
    return rows


class SessionsTab(RecordsPane[Session]):
    """The user's sessions, a detail view each, and ending one.

    | Key | Action |
    | --- | --- |
    | `enter` | The whole session (both devices, every authentication) |
    | `e` | End the selected session and its refresh tokens |
    | `m` | Load more sessions (the next page) |
    | `r` | Reload the sessions |
    | `/` | Filter the rows |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "end_session", "End", id="support.sessions.end",
                tooltip="End the selected session and revoke its refresh tokens (asks first)"),
    ]  # fmt: skip

    SUPPORT_ACTIONS = {
        "end_session": "sessions.end",
        "more": "sessions.list",
        "reload": "sessions.list",
    }
    RECORD_ACTIONS = frozenset({"end_session"})
    NOUN = ("session", "sessions")
    COLUMNS = _COLUMNS
    LIST_ACTION = "sessions.list"
    KEYS_HINT = "Enter: details · e: end one · o: sign out everywhere"

    reveal: str | None = None
    """A session id to open as soon as it is loaded (a pasted token's ``sid``)."""

    def loaded(self) -> None:
        """Open :attr:`reveal` once, if this page has it."""
        session, self.reveal = self.find(self.reveal), None
        if session is not None:
            self.show_record(session)

    async def fetch(
        self, checkpoint: str | None
    ) -> tuple[Sequence[Session], str | None, int | None]:
        page = await self.desk.sessions(self.user.user_id, checkpoint=checkpoint, take=PAGE_SIZE)
        return page.sessions, page.next, page.total

    def record_id(self, record: Session) -> str:
        return record.id

    def cells(self, record: Session, now: float) -> tuple[str, ...]:
        return session_cells(record, now)

    # -- acting ------------------------------------------------------------------------------

    def show_record(self, record: Session) -> None:
        """The whole record of the session, with its two actions."""
        actions = (
            RecordAction("end", "End session", "sessions.end", lambda: self.confirm_end(record)),
            RecordAction(
                "sign-out", "Sign out of it", "access.revoke", lambda: self.confirm_sign_out(record)
            ),
        )
        title = f"Session of {self.user.user.email or self.user.user_id}"
        self.show_detail(title, session_rows(record, self.clock()), actions)

    def action_end_session(self) -> None:
        """End the selected session and its refresh tokens (asks for a typed confirmation)."""
        if self.refuse_if_unavailable("end_session"):
            return
        session = self.selected()
        if session is None:
            self.status.say("No session is selected: there is nothing to end.", "info")
            return
        self.confirm_end(session)

    def confirm_end(self, session: Session) -> None:
        """Ask (typed), then end ``session`` with its refresh tokens."""

        def answered(yes: bool | None) -> None:
            if yes:
                self._end(session.id)

        dialog = end_session_confirm(session, session.device.last_agent.words)
        self.app.push_screen(dialog, answered)

    def confirm_sign_out(self, session: Session) -> None:
        """Ask (typed), then revoke-access for this one session (refresh tokens optional)."""
        dialog = SignOutConfirm(self.user, session_id=session.id)

        def answered(yes: bool | None) -> None:
            if yes:
                self._sign_out(session.id, dialog.keep_refresh_tokens)

        self.app.push_screen(dialog, answered)

    @work(group="support-session-actions", exit_on_error=False)
    async def _end(self, session_id: str) -> None:
        self.status.say(f"Ending session {session_id}…", "busy")
        try:
            outcome = await self.desk.end_session(session_id)
        except TuiConsoleError as error:
            self.show_action_error(error, doing="Ending the session")
            return
        self.forget(session_id)
        self.show_outcome(outcome)

    @work(group="support-session-actions", exit_on_error=False)
    async def _sign_out(self, session_id: str, keep_refresh_tokens: bool) -> None:
        self.status.say(f"Signing out of session {session_id}…", "busy")
        try:
            outcome = await self.desk.sign_out_everywhere(
                self.user.user_id, session_id=session_id, keep_refresh_tokens=keep_refresh_tokens
            )
        except TuiConsoleError as error:
            self.show_action_error(error, doing="Signing out of the session")
            return
        self.forget(session_id)
        self.show_outcome(outcome)
