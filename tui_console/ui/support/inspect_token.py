"""Inspect a pasted token: the console's screen for ``tui-console inspect``, for everyone.

A token from a support ticket or a log is pasted into a masked field and read by the same
core as the command line (:func:`tui_console.token_inspection.inspect_pasted`): header and
claims, times in words, audience and scopes, the DPoP binding, the session, and what could be
verified. The issuer's keys are fetched only for a saved profile's issuer, or once the person
presses "Trust issuer" for the issuer the token names. The token is never stored, logged, put in the
call log or a notification: the field is emptied as soon as the token is read, the screen
keeps only the decoded report, and closing it forgets that too.

In the support console (``open_session`` given) a token's ``sid`` can be followed to that
session.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker

from tui_console.errors import TuiConsoleError
from tui_console.redact import Secret
from tui_console.terminal_text import printable
from tui_console.token_inspection import (
    TokenReport,
    inspect_pasted,
    issuer_needs_trust,
    token_rows,
    token_verdict,
)
from tui_console.ui.support._pane import worker_failure
from tui_console.ui.widgets.dialog import Dialog, DialogBody, button_row

__all__ = ["InspectTokenScreen"]


def _here(text: str) -> str:
    """The core words it for the command line; here the same choice is a button."""
    return text.replace("add --trust-issuer to fetch them", "t: Trust issuer fetches them")


class InspectTokenScreen(Dialog[None]):
    """Paste a token, read what it says and what could be checked.

    | Key | Action |
    | --- | --- |
    | `enter` | Read the pasted token (in the field) |
    | `t` | Trust the token's issuer: fetch its keys and check the signature |
    | `s` | Open the token's session (support console) |
    | `up` / `down`, `pageup` / `pagedown` | Scroll the report |
    | `escape` | Close (the report is forgotten) |
    """

    DEFAULT_CSS = """
    InspectTokenScreen #verdict { text-style: bold; margin-top: 1; height: auto; }
    InspectTokenScreen #verdict.-verified { color: $text-success; }
    InspectTokenScreen #verdict.-not-verified { color: $text-error; }
    InspectTokenScreen #report, InspectTokenScreen #claims { height: auto; }
    InspectTokenScreen #claims-title { margin-top: 1; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="inspect.close", tooltip="Close and forget"),
    ]

    NO = "close"
    LETTERS: ClassVar[dict[str, str]] = {"t": "trust", "s": "session"}

    def __init__(
        self,
        *,
        open_session: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.open_session = open_session
        """Support console: follow a ``sid`` to its session (``None``: no session link)."""
        self.clock = clock
        self.report: TokenReport | None = None
        self._pasted: Secret | None = None
        """The token text, only while the person decides to trust its issuer; never shown."""

    def compose(self) -> ComposeResult:
        with DialogBody(id="dialog"):
            yield Label("Inspect a token", id="title")
            yield Static(
                "Paste an ID or access token, then Enter. It is read here and never stored, "
                "logged or sent; keys are fetched only from a saved profile's issuer unless you "
                "trust the token's.",
                markup=False,
                id="intro",
            )
            field = Input(password=True, placeholder="token (hidden as you paste)", id="token")
            field.cursor_blink = False
            yield field
            yield Static("", markup=False, id="verdict")
            yield Static("", markup=False, id="report")
            yield Label("", id="claims-title")
            yield Static("", markup=False, id="claims")
            yield button_row(
                Button("Trust issuer", id="trust", disabled=True),
                Button("Session", id="session", disabled=True),
                Button("Close", id="close"),
            )

    def on_mount(self) -> None:
        super().on_mount()
        for button_id in ("trust", "session"):
            self.query_one(f"#{button_id}", Button).display = False
        self.query_one("#token", Input).focus()

    @on(Input.Submitted, "#token")
    def _pasted_token(self, event: Input.Submitted) -> None:
        event.stop()
        pasted = Secret(event.value)
        event.input.value = ""  # the widget does not keep the token
        self.read(pasted)

    @work(exclusive=True, group="inspect-token", exit_on_error=False)
    async def read(self, pasted: Secret, *, trust_issuer: bool = False) -> None:
        """Read ``pasted`` as a token and show the report (a Secret: the worker's description
        shows its arguments)."""
        self._say("Reading the token…", None)
        try:
            report = await inspect_pasted(pasted, trust_issuer=trust_issuer)
        except TuiConsoleError as error:
            self._say(f"{error.message} {error.hint}".strip(), False)
            return
        self._pasted = pasted if issuer_needs_trust(report) else None
        self.show(report)

    def show(self, report: TokenReport) -> None:
        """Fill the screen from ``report``."""
        self.report = report
        self._say(_here(token_verdict(report)), report.verified)
        rows = [(label, _here(value)) for label, value in token_rows(report, self.clock())]
        width = max(len(label) for label, _ in rows) + 2
        text = "\n".join(f"{label + ':':<{width}}{printable(value)}" for label, value in rows)
        self.query_one("#report", Static).update(Content(text))
        if report.kind == "jwt":
            claims = json.dumps(
                {"header": dict(report.header), "claims": dict(report.claims)},
                indent=2,
                sort_keys=True,
                ensure_ascii=False,
                default=str,
            )
            self.query_one("#claims-title", Label).update("Header and claims, as decoded:")
            self.query_one("#claims", Static).update(Content(printable(claims)))
        else:
            self.query_one("#claims-title", Label).update("")
            self.query_one("#claims", Static).update("")
        trust = self.query_one("#trust", Button)
        trust.display = self._pasted is not None
        trust.disabled = self._pasted is None
        if self._pasted is not None and report.issuer:
            trust.label = "Trust issuer"
            trust.tooltip = f"Fetch the keys of {report.issuer} and check the signature"
        session = self.query_one("#session", Button)
        linkable = self.open_session is not None and report.session_id is not None
        session.display = linkable
        session.disabled = not linkable
        self._refresh_hint()
        self.query_one("#close", Button).focus()  # arrows scroll the report, letters press

    def _refresh_hint(self) -> None:
        """Re-word the key hint for the buttons on show now."""
        hints = self.query("#keys-hint")
        if hints:
            hints.first(Static).update(Content(self.key_hint()))

    def buttons(self) -> list[Button]:
        return [b for b in super().buttons() if b.display]

    def _say(self, text: str, verified: bool | None) -> None:
        verdict = self.query_one("#verdict", Static)
        verdict.update(Content(printable(text)))
        verdict.set_class(verified is True, "-verified")
        verdict.set_class(verified is False, "-not-verified")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A bug while reading the token: said where the verdict goes, without the token."""
        text = worker_failure(event) if event.worker.node is self else None
        if text is not None:
            self._say(text, False)

    @on(Button.Pressed, "#trust")
    def _trust(self, event: Button.Pressed) -> None:
        event.stop()
        text, self._pasted = self._pasted, None
        if text is not None:
            self.read(text, trust_issuer=True)

    @on(Button.Pressed, "#session")
    def _session(self, event: Button.Pressed) -> None:
        event.stop()
        report = self.report
        if self.open_session is not None and report is not None and report.session_id:
            self.dismiss(None)
            self.open_session(report.session_id)

    @on(Button.Pressed, "#close")
    def _close(self, event: Button.Pressed) -> None:
        event.stop()
        self._pasted = None
        self.dismiss(None)
