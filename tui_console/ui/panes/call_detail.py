"""One recorded HTTP call in full, and the same request as a ``curl`` line without the token.

Enter on a row of the Calls tab opens :class:`CallDetailScreen`: the whole path and query (as
recorded: query values other than paging are masked), status or what went wrong, latency,
the rate-limit headers of the answer, and the request and response headers (credentials were
masked when they were recorded). "Copy as curl" (:func:`call_as_curl`) puts the
request on the clipboard with the token as ``$(tui-console --profile NAME token)``, so the
line can be shared or pasted into a shell and never carries the token itself.
"""

from __future__ import annotations

import shlex
from datetime import UTC, datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Button, Label, Static

from tui_console.account import CallRecord
from tui_console.redact import MASK
from tui_console.terminal_text import printable
from tui_console.ui.widgets.dialog import Dialog, DialogBody, button_row

__all__ = ["CallDetailScreen", "call_as_curl", "describe_call"]

#: Paths that take no bearer token (the token endpoint, discovery, keys, revocation).
_NO_BEARER_PREFIXES = ("/oauth/", "/.well-known/", "/oidc/")


def _utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def call_as_curl(record: CallRecord, *, profile: str, scheme: str = "https") -> str:
    """``curl`` for ``record``, the token fetched by ``tui-console token`` when it runs.

    Bodies are not recorded, so a write comes out without its body: the line says so.
    """
    url = f"{scheme}://{record.host}{record.path}"
    parts = ["curl", "-sS"]
    if record.method != "GET":
        parts += ["-X", record.method]
    parts.append(shlex.quote(url))
    line = " ".join(parts)
    if not record.path.startswith(_NO_BEARER_PREFIXES):
        token = f"$(tui-console --profile {shlex.quote(profile)} token)"
        line += f' -H "Authorization: Bearer {token}"'
    if record.method in ("POST", "PATCH", "PUT"):
        line += " -H 'Content-Type: application/json' --data @body.json  # body not recorded"
    return line


def describe_call(record: CallRecord) -> str:
    """The call in words, one fact a line (what a support ticket needs)."""
    lines = [
        f"{record.method} {record.host}{record.path}",
        f"At:      {_utc(record.at)}",
    ]
    if record.status is None:
        lines.append(f"Status:  no answer ({record.error or 'unknown'})")
    else:
        lines.append(f"Status:  {record.status}")
    lines.append(f"Latency: {record.latency_ms:.0f} ms")
    limit = record.rate_limit
    if limit is None:
        lines.append("Rate limit: not reported in this answer")
    else:
        lines.append(
            f"Rate limit: {limit.remaining} of {limit.limit} left; "
            f"bucket full again at {_utc(limit.reset)}"
        )
    for title, headers in (
        ("Request headers", record.request_headers),
        ("Response headers", record.response_headers),
    ):
        if headers:
            lines.append(f"{title}:")
            lines.extend(f"  {name}: {value}" for name, value in headers)
    if MASK in record.path or any(
        MASK in value for _, value in (*record.request_headers, *record.response_headers)
    ):
        lines.append(f"Values shown as {MASK} were masked when recorded (credentials).")
    lines.append("Bodies are not recorded, so nothing here holds a token.")
    return printable("\n".join(lines))


class CallDetailScreen(Dialog[None]):
    """A call's details, with "Copy as curl".

    | Key | Action |
    | --- | --- |
    | `c` | Copy the call as a curl line (token as `$(tui-console token)`) |
    | `escape`, `n` | Close |
    """

    DEFAULT_CSS = """
    CallDetailScreen {
        & #detail, & #curl { height: auto; }
        & #curl { margin-top: 1; color: $text-muted; }
    }
    """

    YES = "copy"
    NO = "close"
    LETTERS: ClassVar[dict[str, str]] = {"c": "copy"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="call_detail.close", tooltip="Close"),
    ]

    def __init__(self, record: CallRecord, *, profile: str, scheme: str = "https") -> None:
        super().__init__()
        self.record = record
        self.curl = call_as_curl(record, profile=profile, scheme=scheme)

    def compose(self) -> ComposeResult:
        with DialogBody(id="dialog"):
            yield Label("Call", id="title")
            yield Static(Content(describe_call(self.record)), markup=False, id="detail")
            yield Static(Content(printable(self.curl)), markup=False, id="curl")
            yield button_row(
                Button("Close", id="close"),
                Button("Copy as curl", id="copy", variant="primary"),
            )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#copy", Button).focus()

    @on(Button.Pressed, "#copy")
    def _copy(self) -> None:
        self.app.copy_to_clipboard(self.curl)
        self.notify(
            "Copied the curl line (through the terminal, which cannot confirm receipt). It "
            "holds no token: $(tui-console token) fetches one when it runs.",
            title="Copied",
        )
        self.dismiss(None)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
