"""The session strip: who is signed in, with which profile, and how long the token lasts.

Always visible at the top of the main screen and re-read every second, because the state it
shows changes on its own: the access token counts down, a refresh starts and ends, another
tui-console process signs out. Everything is in words ("fresh", "refreshing", "expired — will
refresh on next call", "signed out"), so it reads the same under ``NO_COLOR``. Nothing here
ever holds token text: :meth:`AccountSession.token_details` returns decoded views and times.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from tui_console.durations import clock_text
from tui_console.errors import TuiConsoleError
from tui_console.terminal_text import printable

if TYPE_CHECKING:
    from tui_console.account import SessionStatus
    from tui_console.session_start import SessionStart
    from tui_console.ui.console_session import ConsoleSession

__all__ = ["SessionStrip", "describe_session"]


def _who(user: Mapping[str, Any]) -> str:
    name = user.get("name") or user.get("nickname")
    email = user.get("email")
    if name and email and name != email:
        return f"{name} <{email}>"
    return str(name or email or user.get("sub") or "signed in (no ID token)")


class TokenState(Protocol):
    """What the strip says of one stored token: :class:`~tui_console.account.TokenDetails`
    once the session is open, :class:`StoredToken` from the files before."""

    @property
    def audience(self) -> str | None: ...
    @property
    def expires_at(self) -> float | None: ...
    @property
    def has_refresh_token(self) -> bool: ...
    @property
    def refresh_state(self) -> str: ...


@dataclass(frozen=True)
class StoredToken:
    """A token as its file tells it, before the session (and its refresh manager) is open:
    ``fresh`` or ``expired``, as the session says of a token it is not refreshing."""

    audience: str | None
    expires_at: float | None
    has_refresh_token: bool
    refresh_state: str


def stored_tokens(status: SessionStatus, now: float) -> list[StoredToken]:
    """The strip's view of every token in ``status``, at ``now``."""
    tokens = []
    for token in status.tokens:
        left = token.seconds_left(now)
        tokens.append(
            StoredToken(
                audience=token.audience,
                expires_at=token.expires_at,
                has_refresh_token=token.has_refresh_token,
                refresh_state="expired" if left is not None and left <= 0 else "fresh",
            )
        )
    return tokens


def _refresh_words(details: TokenState) -> str:
    state = details.refresh_state
    if state == "refreshing":
        return "refreshing…"
    if state == "expired":
        if details.has_refresh_token:
            return "expired — will refresh on next call"
        return "expired — sign in again"
    return state  # "fresh" or "signed out"


def describe_session(
    profile: str,
    user: Mapping[str, Any],
    details: Sequence[TokenState],
    audience: str | None,
    now: float,
) -> tuple[str, str]:
    """``(who, token)``: the strip's two halves in words, for the session at ``now``."""
    if not details:
        return f"Profile {profile} · not signed in", "signed out"
    token = next((d for d in details if d.audience == audience), details[0])
    who = f"Profile {profile} · {_who(user)}"
    state = _refresh_words(token)
    if token.expires_at is None:
        return who, f"token never expires · {state}"
    left = token.expires_at - now
    if left <= 0:
        return who, f"token {state}"
    return who, f"token {clock_text(left)} left · {state}"


class SessionStrip(Horizontal):
    """One line: profile and user on the left, token countdown and refresh state on the right."""

    DEFAULT_CSS = """
    SessionStrip {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        & > #session-who {
            width: 1fr;
            padding: 0 1;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
        & > #session-token {
            width: auto;
            padding: 0 1;
            text-style: bold;
        }
    }
    """

    def __init__(
        self,
        session: ConsoleSession | None,
        *,
        preview: SessionStart | None = None,
        clock: Callable[[], float] = time.time,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.session = session
        self.preview = preview
        """Until the session is open (``session`` is ``None``): what its files said at start."""
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield Static(id="session-who", markup=False)
        yield Static(id="session-token", markup=False)

    def on_mount(self) -> None:
        self.update_now()
        self.set_interval(1.0, self.update_now)

    @property
    def text(self) -> str:
        """What the strip says right now (for tests and screen readers)."""
        who = self.query_one("#session-who", Static).content
        token = self.query_one("#session-token", Static).content
        return f"{who} | {token}"

    def attach(self, session: ConsoleSession) -> None:
        """The session is open: read from it from now on."""
        self.session = session
        self.preview = None
        self.update_now()

    def update_now(self) -> None:
        """Re-read the stored session (no network) and redraw."""
        session = self.session
        if session is None:
            self._show_preview()
            return
        try:
            status = session.status()
            details = session.token_details()
        except TuiConsoleError as exc:
            who, token = f"Profile {session.profile.name}", f"session unreadable: {exc.message}"
        else:
            who, token = describe_session(
                status.profile, status.user, details, session.profile.audience, self.clock()
            )
        self._show(who, token)

    def _show_preview(self) -> None:
        preview = self.preview
        assert preview is not None, "a strip has a session or a preview"
        status, now = preview.status, self.clock()
        tokens = stored_tokens(status, now)
        audience = preview.profile.audience
        self._show(*describe_session(status.profile, status.user, tokens, audience, now))

    def _show(self, who: str, token: str) -> None:
        self.query_one("#session-who", Static).update(Content(printable(who, one_line=True)))
        self.query_one("#session-token", Static).update(Content(printable(token, one_line=True)))
