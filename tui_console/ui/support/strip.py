"""The support console's strip: which application is signed in, its token, and its scopes.

A machine sign-in has no person behind it, so where the end-user strip names the user this one
says ``machine: CLIENT (support)`` (:attr:`~tui_console.account.SessionStatus.who`), and a
second line lists the scopes the token was granted: what the support person can do at all.
The token of a client-credentials grant has no refresh token; the console mints a new one when
it is due, so "expired" here is not a reason to sign in again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from tui_console.durations import clock_text
from tui_console.errors import TuiConsoleError
from tui_console.terminal_text import printable
from tui_console.ui.widgets.session_strip import SessionStrip

if TYPE_CHECKING:
    from tui_console.account import TokenDetails

__all__ = ["SupportStrip", "scopes_text"]


def scopes_text(scopes: frozenset[str]) -> str:
    """``scopes (3): read:sessions read:users …`` sorted, or a note when none are known."""
    if not scopes:
        return "scopes: none known (the token does not list them; Auth0 decides per call)"
    return f"scopes ({len(scopes)}): " + " ".join(sorted(scopes))


class SupportStrip(SessionStrip):
    """Two lines at the top: the machine and its token's time left; the granted scopes."""

    DEFAULT_CSS = """
    SupportStrip {
        height: 2;
        layout: grid;
        grid-size: 2 2;
        grid-columns: 1fr auto;
        & > #support-scopes {
            column-span: 2;
            padding: 0 1;
            color: $text-muted;
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
    }
    """

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Static(id="support-scopes", markup=False)

    @property
    def text(self) -> str:
        scopes = self.query_one("#support-scopes", Static).content
        return f"{super().text} | {scopes}"

    def update_now(self) -> None:
        """Re-read the stored machine token (no network) and redraw both lines."""
        session = self.session
        if session is None:
            super().update_now()
            return
        scopes = ""
        try:
            status = session.status()
            details = session.token_details()
            scopes = scopes_text(session.granted_scopes())
        except TuiConsoleError as exc:
            who, token = f"Profile {session.profile.name}", f"session unreadable: {exc.message}"
        else:
            who = f"Profile {status.profile} · {status.who}"
            token = self._token_words(details, session.profile.audience)
        self._show(who, token)
        line = self.query_one("#support-scopes", Static)
        line.update(Content(printable(scopes, one_line=True)))

    def _token_words(self, details: Sequence[TokenDetails], audience: str | None) -> str:
        if not details:
            return "no token yet — one is minted on the first call"
        token = next((d for d in details if d.audience == audience), details[0])
        expires_at = token.expires_at
        if expires_at is None:
            return "token never expires"
        left = expires_at - self.clock()
        if left <= 0:
            return "token expired — a new one is minted on the next call"
        return f"token {clock_text(left)} left"
