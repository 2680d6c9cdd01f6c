"""The Session tab: a token inspector for support staff (ux-notes.md §3, item 9).

For each stored token: its audience, the scopes granted against the scopes each action needs
(in words, ✓/✗, never colour alone), when it was issued and when it expires (counting down),
whether a refresh token is held, the signature verdict against the issuer's keys, and the
decoded header and claims. The raw token is never shown unless the person asks (`v`), and
copying it (`y`) asks first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Static

from tui_console.account import REQUIRED_SCOPES, TokenDetails, TokenView
from tui_console.durations import words
from tui_console.errors import TuiConsoleError
from tui_console.redact import MASK
from tui_console.terminal_text import printable
from tui_console.ui.format import ago, cell, local_time
from tui_console.ui.panes._base import Pane
from tui_console.ui.widgets.confirm import ConfirmScreen
from tui_console.ui.widgets.filter_table import FilterTable, TableFilter
from tui_console.ui.widgets.status_line import StatusLine

__all__ = ["SessionPane", "TokenRow"]

Which = Literal["access", "id"]

#: Claims that hold epoch seconds: shown with the local time next to the number.
_TIME_CLAIMS = frozenset({"iat", "exp", "nbf", "auth_time"})


@dataclass(frozen=True)
class TokenRow:
    """One row of the token table: which token of which stored set."""

    details: TokenDetails
    which: Which

    @property
    def key(self) -> str:
        return f"{self.details.audience or ''}#{self.which}"

    @property
    def view(self) -> TokenView:
        view = self.details.access_token if self.which == "access" else self.details.id_token
        assert view is not None
        return view

    @property
    def label(self) -> str:
        return "access token" if self.which == "access" else "ID token"

    @property
    def audience(self) -> str:
        """Who the token is for: the API for an access token, the client for an ID token."""
        if self.which == "id":
            aud = self.view.claims.get("aud")
            return " ".join(aud) if isinstance(aud, list) else str(aud or "(unknown client)")
        return self.details.audience or "(userinfo only)"

    def _claim_time(self, name: str) -> float | None:
        value = self.view.claims.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return None

    @property
    def issued_at(self) -> float | None:
        if self.which == "access":
            return self.details.issued_at
        return self._claim_time("iat")

    @property
    def expires_at(self) -> float | None:
        if self.which == "access":
            return self.details.expires_at
        return self._claim_time("exp")


def expiry_words(expires_at: float | None, now: float) -> str:
    """``in 23 h 59 min``, ``EXPIRED 3 min 02 s ago`` or ``no expiry given``."""
    if expires_at is None:
        return "no expiry given"
    left = expires_at - now
    if left <= 0:
        return f"EXPIRED {ago(-left)}"
    return f"in {words(left)}"


def claim_value(name: str, value: Any) -> Text:
    """A claim's value as plain text (times get their local reading too)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if name in _TIME_CLAIMS and isinstance(value, int | float) and not isinstance(value, bool):
        text = f"{text}  ({local_time(float(value))})"
    return Text(printable(text))


class SessionPane(Pane):
    """Token inspector: scopes, times, signature, decoded header and claims, guarded raw token.

    | Key | Action |
    | --- | --- |
    | `v` | Reveal or hide the raw token |
    | `y` | Copy the raw token (asks first) |
    | `r` | Read the stored tokens again |
    """

    DEFAULT_CSS = """
    SessionPane {
        & > #session-tokens { height: auto; max-height: 6; }
        & > #session-detail { height: 1fr; }
        & #session-summary, & #session-signature { height: auto; padding: 0 1; }
        & #session-scopes, & #session-claims { height: auto; margin-top: 1; }
        & #session-raw { height: auto; padding: 0 1; margin-top: 1; color: $text-muted; }
        & #session-raw.-revealed { color: $text; background: $warning-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "v",
            "toggle_reveal",
            "Reveal",
            id="session.reveal",
            tooltip="Show or hide the selected raw token",
        ),
        Binding(
            "y",
            "copy_token",
            "Copy",
            id="session.copy",
            tooltip="Copy the selected raw token to the clipboard (asks first)",
        ),
        Binding(
            "r",
            "reload_tokens",
            "Reload",
            id="session.reload",
            show=False,
            tooltip="Read the stored tokens again and re-check their signatures",
        ),
    ]
    BINDING_GROUP_TITLE = "Session"
    HELP = """\
## Session

A token inspector for support. The table lists the stored tokens; the rest describes the
selected one:

- when it was issued and when it expires (counting down), its refresh state, and whether a
  refresh token is held;
- the scopes it was granted against what each console action needs (✓ granted, ✗ missing);
- whether its signature checks out against the tenant's published keys;
- its decoded header and claims (decoded, not trusted: an API decides what it accepts).

The raw token stays hidden. **v** reveals it (and hides it again); **y** copies it after
asking, since anyone who can read your clipboard could use it until it expires.
"""

    rows: tuple[TokenRow, ...] = ()
    FILTER_TABLE = "#session-claims"
    revealed: str | None = None
    """Key of the row whose raw token is on screen (``None``: every token is hidden)."""
    verdicts: Mapping[str, str] = MappingProxyType({})
    """Signature verdict per row key, filled in by the signature worker."""

    def compose(self) -> ComposeResult:
        tokens: DataTable[Text] = DataTable(id="session-tokens", cursor_type="row")
        yield tokens
        with VerticalScroll(id="session-detail"):
            yield Static("", markup=False, id="session-summary")
            yield Static("", markup=False, id="session-signature")
            scopes: DataTable[Text] = DataTable(
                id="session-scopes", cursor_type="none", show_cursor=False
            )
            yield scopes
            yield TableFilter(id="session-claims-filter")
            yield FilterTable(id="session-claims")
            yield Static("", markup=False, id="session-raw")
        yield StatusLine(id="session-status", classes="pane--status")

    def on_mount(self) -> None:
        tokens = self.tokens_table
        tokens.add_column("token", key="token")
        tokens.add_column("audience", key="audience")
        tokens.add_column("expires", key="expires")
        tokens.add_column("refresh", key="refresh")
        scopes = self.query_one("#session-scopes", DataTable)
        scopes.add_column("action", key="action")
        scopes.add_column("needs scope", key="scope")
        scopes.add_column("granted?", key="granted")
        claims = self.query_one("#session-claims", DataTable)
        claims.add_column("part", key="part")
        claims.add_column("name", key="name")
        claims.add_column("value", key="value")
        self.set_interval(1.0, self._tick)

    @property
    def tokens_table(self) -> DataTable[Text]:
        return self.query_one("#session-tokens", DataTable)

    # -- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        self.action_reload_tokens()

    def action_reload_tokens(self) -> None:
        """Read the stored tokens again and re-check their signatures."""
        try:
            details = self.session.token_details()
        except TuiConsoleError as error:
            self.show_error(error, doing="Reading the stored tokens")
            return
        rows: list[TokenRow] = []
        for item in details:
            rows.append(TokenRow(item, "access"))
            if item.id_token is not None:
                rows.append(TokenRow(item, "id"))
        self.rows = tuple(rows)
        self.revealed = None
        self.verdicts = {}
        table = self.tokens_table
        table.clear()
        now = self.clock()
        for row in self.rows:
            table.add_row(
                cell(row.label),
                cell(row.audience),
                cell(expiry_words(row.expires_at, now)),
                cell("held" if row.details.has_refresh_token else "none"),
                key=row.key,
            )
        if not self.rows:
            self.status.say("No tokens are stored for this profile: sign in first.", "warning")
            self._show_detail(None)
            return
        self.status.clear()
        self._show_detail(self.selected())
        self._check_signatures()

    @work(exclusive=True, group="session-signatures", exit_on_error=False)
    async def _check_signatures(self) -> None:
        for row in self.rows:
            try:
                verdict = await self.session.check_signature(row.details.audience, which=row.which)
            except TuiConsoleError as error:
                verdict = f"not checked: {error.message}"
            self.verdicts = {**self.verdicts, row.key: verdict}
            if self.selected() == row:
                self._show_signature(row)

    # -- the selected token ----------------------------------------------------------------

    def selected(self) -> TokenRow | None:
        """The token under the table's cursor."""
        row = self.tokens_table.cursor_row
        if not self.rows or not 0 <= row < len(self.rows):
            return None
        return self.rows[row]

    @on(DataTable.RowHighlighted, "#session-tokens")
    def _highlighted(self) -> None:
        self.revealed = None
        self._show_detail(self.selected())

    def _show_detail(self, row: TokenRow | None) -> None:
        summary = self.query_one("#session-summary", Static)
        scopes = self.query_one("#session-scopes", DataTable)
        claims = self.query_one("#session-claims", FilterTable)
        scopes.clear()
        claims.forget_rows()
        if row is None:
            summary.update("")
            self.query_one("#session-signature", Static).update("")
            self._show_raw(None)
            return
        self._show_summary(row)
        self._show_signature(row)
        if row.which == "access":
            granted = set(row.details.scopes)
            for action, scope in REQUIRED_SCOPES.items():
                ok = scope in granted
                scopes.add_row(
                    cell(action),
                    cell(scope),
                    cell("✓ granted" if ok else "✗ missing", "" if ok else "bold"),
                )
        scopes.display = row.which == "access"
        view = row.view
        rows: list[tuple[str | None, tuple[Text, ...]]] = []
        if view.opaque:
            rows.append((None, (cell("—"), cell("opaque"), cell("not a JWT: nothing to decode"))))
        else:
            for name, value in view.header.items():
                rows.append((None, (cell("header"), cell(name), claim_value(name, value))))
            for name, value in view.claims.items():
                rows.append((None, (cell("claim"), cell(name), claim_value(name, value))))
        claims.set_rows(rows)
        self._show_raw(row)

    def _show_summary(self, row: TokenRow) -> None:
        now = self.clock()
        details = row.details
        lines = [
            f"{row.label} for {details.audience or '/userinfo only'} "
            f"({details.token_type}); refresh state: {details.refresh_state}; "
            f"refresh token: {'held' if details.has_refresh_token else 'none'}",
        ]
        if details.dpop_bound:
            lines.append(
                f"Sender-constrained (DPoP): usable only with this machine's key "
                f"{details.dpop_jkt or '(thumbprint unknown)'}"
            )
        issued = row.issued_at
        lines.append(
            "Issued:  "
            + (f"{local_time(issued)} ({ago(now - issued)})" if issued is not None else "unknown")
        )
        expires = row.expires_at
        lines.append(
            "Expires: "
            + (
                f"{local_time(expires)} ({expiry_words(expires, now)})"
                if expires is not None
                else "no expiry given"
            )
        )
        if row.which == "access":
            lines.append("Granted: " + (" ".join(details.scopes) or "(no scopes)"))
        self.query_one("#session-summary", Static).update(Content(printable("\n".join(lines))))

    def _show_signature(self, row: TokenRow) -> None:
        verdict = self.verdicts.get(row.key, "checking…")
        self.query_one("#session-signature", Static).update(
            Content(printable(f"Signature: {verdict}"))
        )

    def _show_raw(self, row: TokenRow | None) -> None:
        raw = self.query_one("#session-raw", Static)
        shown = row is not None and self.revealed == row.key
        raw.set_class(shown, "-revealed")
        if row is None:
            raw.update("")
        elif shown:
            try:
                raw.update(
                    Content(
                        f"Raw {row.label} (v hides it):\n"
                        + self.session.reveal_token(row.details.audience, which=row.which)
                    )
                )
            except TuiConsoleError as error:
                self.revealed = None
                raw.set_class(False, "-revealed")
                self.show_error(error, doing="Revealing the token")
        else:
            raw.update(Content(f"Raw {row.label}: {MASK} hidden. v: reveal · y: copy (asks first)"))

    def _tick(self) -> None:
        """Count the expiries down."""
        if not self.rows:
            return
        now = self.clock()
        table = self.tokens_table
        for row in self.rows:
            table.update_cell(row.key, "expires", cell(expiry_words(row.expires_at, now)))
        selected = self.selected()
        if selected is not None:
            self._show_summary(selected)

    # -- reveal and copy -------------------------------------------------------------------

    def on_hide(self) -> None:
        """Leaving the tab hides a revealed token: coming back shows it masked again."""
        if self.revealed is not None:
            self.revealed = None
            self._show_raw(self.selected())

    def action_toggle_reveal(self) -> None:
        """Show the selected raw token, or hide it again."""
        row = self.selected()
        if row is None:
            return
        self.revealed = None if self.revealed == row.key else row.key
        self._show_raw(row)
        if self.revealed is not None:
            raw = self.query_one("#session-raw", Static)
            # After the refresh: the revealed token makes the line taller than the mask was.
            self.call_after_refresh(raw.scroll_visible, animate=False, top=False)

    def action_copy_token(self) -> None:
        """Copy the selected raw token to the clipboard, after asking."""
        row = self.selected()
        if row is None:
            return
        expires = row.expires_at
        until = f" until it expires ({local_time(expires)})" if expires is not None else ""

        def answered(confirmed: bool | None) -> None:
            if not confirmed:
                self.status.say("Nothing was copied.")
                return
            try:
                self.app.copy_to_clipboard(
                    self.session.reveal_token(row.details.audience, which=row.which)
                )
            except TuiConsoleError as error:
                self.show_error(error, doing="Copying the token")
                return
            self.status.say(
                f"Copied the {row.label} to the clipboard (through the terminal; it cannot "
                "confirm receipt). Clear the clipboard when you are done.",
                "ok",
            )

        self.app.push_screen(
            ConfirmScreen(
                f"Copy the raw {row.label}?",
                f"Anyone who can read your clipboard can use it{until}. Paste it only where "
                "you mean to.",
                confirm_label="Copy",
                danger=True,
            ),
            answered,
        )
