"""The Refresh tokens tab of a user's page: which applications can renew their access, and
revoking one.

A row per refresh token record (``GET /api/v2/users/{id}/refresh-tokens``; never the token
itself): the application, the session it belongs to, whether it rotates, the APIs and scopes
it can mint access tokens for (Auth0 sends the scopes as one string), when it was created and
last exchanged, its idle and absolute expiry, and the device it was last used from. Enter
shows the record; ``x`` revokes it. Enterprise-only at Auth0, like sessions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from tui_console.errors import TuiConsoleError
from tui_console.support import RefreshToken
from tui_console.ui.support.confirmations import revoke_token_confirm
from tui_console.ui.support.records_pane import PAGE_SIZE, RecordAction, RecordsPane
from tui_console.ui.support.sessions_tab import agent_words
from tui_console.ui.support.times import countdown, moment, relative

__all__ = ["RefreshTokensTab", "token_cells", "token_rows"]

_COLUMNS = (
    "Application",
    "Session",
    "Rotating",
    "APIs",
    "Scopes",
    "Created",
    "Last exchanged",
    "Idle expiry",
    "Expires",
    "Device",
)


def _rotating(token: RefreshToken) -> str:
    return {True: "yes", False: "no", None: "—"}[token.rotating]


def token_cells(token: RefreshToken, now: float) -> tuple[str, ...]:
    """The table row for ``token`` at ``now`` (plain text)."""
    scopes = sorted({s for grant in token.resource_servers for s in grant.scopes})
    return (
        token.client_id or "—",
        token.session_id or "none",
        _rotating(token),
        ", ".join(g.audience for g in token.resource_servers) or "—",
        " ".join(scopes) or "—",
        relative(token.created_at, now),
        relative(token.last_exchanged_at, now, missing="not reported"),
        countdown(token.idle_expires_at, now),
        countdown(token.expires_at, now),
        agent_words(token.device.last_user_agent or token.device.initial_user_agent)
        if token.device
        else "—",
    )


def token_rows(token: RefreshToken, now: float) -> list[tuple[str, str]]:
    """The detail view's ``label: value`` rows for ``token``."""
    rows = [
        ("Refresh token", token.id),
        ("Application", token.client_id or "—"),
        ("Session", token.session_id or "none (issued before sessions were tracked)"),
        ("Rotating", _rotating(token)),
        ("Created", moment(token.created_at, now)),
        ("Last exchanged", moment(token.last_exchanged_at, now, missing="not reported by Auth0")),
        ("Idle expiry", moment(token.idle_expires_at, now, missing="none (never idles out)")),
        ("Expires", moment(token.expires_at, now, missing="none (never expires)")),
    ]
    for grant in token.resource_servers:
        rows.append(("API", grant.audience))
        rows.append(("  scopes", " ".join(grant.scopes) or "—"))
    device = token.device
    if device is not None:
        rows.append(("Last device", device.last_agent.words))
        rows.append(("Last IP", f"{device.last_ip or '—'} (ASN {device.last_asn or '—'})"))
        rows.append(("First IP", f"{device.initial_ip or '—'} (ASN {device.initial_asn or '—'})"))
    return rows


class RefreshTokensTab(RecordsPane[RefreshToken]):
    """The user's refresh tokens, a detail view each, and revoking one.

    | Key | Action |
    | --- | --- |
    | `enter` | The whole record |
    | `x` | Revoke the selected refresh token |
    | `m` | Load more refresh tokens (the next page) |
    | `r` | Reload |
    | `/` | Filter the rows |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "revoke", "Revoke", id="support.tokens.revoke",
                tooltip="Revoke the selected refresh token (asks first)"),
    ]  # fmt: skip

    SUPPORT_ACTIONS = {
        "revoke": "refresh_tokens.revoke",
        "more": "refresh_tokens.list",
        "reload": "refresh_tokens.list",
    }
    RECORD_ACTIONS = frozenset({"revoke"})
    NOUN = ("refresh token", "refresh tokens")
    COLUMNS = _COLUMNS
    LIST_ACTION = "refresh_tokens.list"
    KEYS_HINT = "Enter: details · x: revoke"

    async def fetch(
        self, checkpoint: str | None
    ) -> tuple[Sequence[RefreshToken], str | None, int | None]:
        page = await self.desk.refresh_tokens(
            self.user.user_id, checkpoint=checkpoint, take=PAGE_SIZE
        )
        return page.tokens, page.next, page.total

    def record_id(self, record: RefreshToken) -> str:
        return record.id

    def cells(self, record: RefreshToken, now: float) -> tuple[str, ...]:
        return token_cells(record, now)

    # -- acting ------------------------------------------------------------------------------

    def show_record(self, record: RefreshToken) -> None:
        """The whole record, with Revoke."""
        revoke = RecordAction(
            "revoke", "Revoke", "refresh_tokens.revoke", lambda: self.confirm_revoke(record)
        )
        self.show_detail("Refresh token", token_rows(record, self.clock()), (revoke,))

    def action_revoke(self) -> None:
        """Revoke the selected refresh token (asks for a typed confirmation)."""
        if self.refuse_if_unavailable("revoke"):
            return
        token = self.selected()
        if token is None:
            self.status.say("No refresh token is selected: there is nothing to revoke.", "info")
            return
        self.confirm_revoke(token)

    def confirm_revoke(self, token: RefreshToken) -> None:
        """Ask (typed), then revoke ``token``."""

        def answered(yes: bool | None) -> None:
            if yes:
                self._revoke(token.id)

        dialog = revoke_token_confirm(token, token.client_id or "its application")
        self.app.push_screen(dialog, answered)

    @work(group="support-token-actions", exit_on_error=False)
    async def _revoke(self, token_id: str) -> None:
        self.status.say(f"Revoking refresh token {token_id}…", "busy")
        try:
            outcome = await self.desk.revoke_refresh_token(token_id)
        except TuiConsoleError as error:
            self.show_action_error(error, doing="Revoking the refresh token")
            return
        self.forget(token_id)
        self.show_outcome(outcome)
