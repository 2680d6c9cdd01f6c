"""The one-time-code prompt that finishes an enrollment, with the authenticator app's QR code.

For an authenticator app the ``otpauth://`` URI is drawn as a QR code (the sign-in screen's
:class:`~tui_console.ui.widgets.qr_code.QrCode`, two modules per cell) with the manual code
beside it, then the 6-digit code is asked for. At 80x24 the code of a typical URI is 43 to 47
cells wide and 22 to 24 rows high, so it sits on the left and everything else in a column on
the right; when even the border does not fit, the dialog drops its frame (``-edge``), and when
the code itself does not fit it is not drawn at all (a clipped code does not scan): the manual
code is enough.

A wrong code keeps the dialog open with Auth0's reason; "Later" (or Escape) leaves the
enrollment pending, and the Security tab offers to finish it until it expires.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from tui_console.errors import TuiConsoleError
from tui_console.redact import Secret
from tui_console.self_service import AuthenticationMethod
from tui_console.terminal_text import printable
from tui_console.ui.widgets.dialog import Dialog, DialogBody, button_row
from tui_console.ui.widgets.qr_code import QrCode

__all__ = ["CodeRequest", "VerifyCodeScreen"]

_SIDE_COLUMNS = 30
"""The narrowest right-hand column (title, manual code, field, buttons) beside the QR code."""
_FRAME = 4
"""Cells the dialog's frame takes across (thick border and padding)."""


@dataclass(frozen=True)
class CodeRequest:
    """What the prompt shows and how it checks the code."""

    title: str
    explain: str
    """What to do: "Scan it with your authenticator app, …" or "A code was sent to …"."""
    verify: Callable[[str], Awaitable[AuthenticationMethod]]
    """Finish the enrollment with the code typed; raises the domain error when refused."""
    qr_uri: Secret | None = None
    """The ``otpauth://`` URI to draw (already shortened by ``qr_otpauth``)."""
    manual_code: Secret | None = None
    outbox: str | None = None
    """In the demo: the message the demo tenant "sent" (it has no mail or SMS to send)."""


def grouped(code: str) -> str:
    """A manual code in groups of four, easier to read and type (apps ignore the spaces)."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


class VerifyCodeScreen(Dialog["AuthenticationMethod | None"]):
    """Ask for the one-time code (showing the QR code for an app) and verify it.

    Dismisses with the verified method, or ``None`` when put off ("Later", Escape).

    | Key | Action |
    | --- | --- |
    | digits, `enter` | Type the code, verify it |
    | `escape` | Later: the enrollment waits until it expires |
    """

    DEFAULT_CSS = """
    VerifyCodeScreen {
        & > #dialog { width: 84; }
        &.-edge > #dialog { border: none; padding: 0; }
        & #enroll-row { height: auto; }
        & #qr { margin-right: 1; }
        & #side { width: 1fr; height: auto; min-width: 24; }
        & #explain, #manual, #qr-note { height: auto; }
        & #manual { text-style: bold; margin-top: 1; }
        & #qr-note { color: $text-muted; }
        & #outbox { height: auto; margin-top: 1; color: $text-warning; display: none; }
        & #code { width: 14; margin-top: 1; }
        & #error { color: $text-error; height: auto; }
        & #buttons { dock: none; }
        & #buttons Button { min-width: 10; margin-left: 1; }
        & #keys-hint { display: none; }
    }
    """

    YES = "verify"
    NO = "cancel"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "cancel",
            "Later",
            id="verify_code.later",
            tooltip="Close; the enrollment waits until it expires",
        ),
    ]

    def __init__(self, request: CodeRequest) -> None:
        super().__init__()
        self.request = request

    def compose(self) -> ComposeResult:
        request = self.request
        with DialogBody(id="dialog"):
            with Horizontal(id="enroll-row"):
                yield QrCode(request.qr_uri.reveal() if request.qr_uri else "", id="qr")
                with Vertical(id="side"):
                    yield Label(Content(request.title), id="title")
                    yield Static(Content(printable(request.explain)), id="explain")
                    if request.manual_code is not None:
                        code = grouped(printable(request.manual_code.reveal(), one_line=True))
                        yield Static(Content(code), markup=False, id="manual")
                    yield Static("", markup=False, id="qr-note")
                    yield Static("", markup=False, id="outbox")
                    yield Input(
                        placeholder="123456",
                        restrict=r"[0-9 ]*",
                        max_length=7,
                        id="code",
                    )
                    yield Static("", markup=False, id="error")
                    yield button_row(
                        Button("Later", id="cancel"),
                        Button("Verify", id="verify", variant="primary"),
                    )

    def on_mount(self) -> None:
        super().on_mount()
        field = self.query_one("#code", Input)
        field.cursor_blink = False
        field.focus()
        if self.request.outbox:
            self.show_outbox(self.request.outbox)
        self._fit()

    def show_outbox(self, message: str) -> None:
        """Show what the demo tenant "sent" (it prints it instead of mailing it)."""
        outbox = self.query_one("#outbox", Static)
        outbox.update(Content(f"Demo tenant's outbox: {printable(message, one_line=True)}"))
        outbox.display = True

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Draw the QR code only whole: with the frame when it fits, without when only that
        fits, else not at all (and say how large the terminal must be)."""
        qr = self.query_one("#qr", QrCode)
        note = self.query_one("#qr-note", Static)
        if not qr.data:
            qr.display = note.display = False
            return
        need = QrCode.size_for(qr.data)
        width, height = self.size
        room_across = width - need.width - 1 - _SIDE_COLUMNS
        framed = room_across >= _FRAME and height >= need.height + 2
        bare = room_across >= 0 and height >= need.height
        self.set_class(bare and not framed, "-edge")
        qr.display = framed or bare
        note.display = not qr.display
        if not qr.display:
            columns = need.width + 1 + _SIDE_COLUMNS
            note.update(
                Content(
                    f"The QR code needs a terminal of {columns}x{need.height}; type the code "
                    "above into the app instead."
                )
            )

    @property
    def error(self) -> Static:
        return self.query_one("#error", Static)

    @on(Button.Pressed, "#verify")
    @on(Input.Submitted, "#code")
    def _submit(self) -> None:
        code = self.query_one("#code", Input).value.replace(" ", "")
        if len(code) != 6:
            self.error.update(Content("Type the 6 digits the app shows (or that were sent)."))
            return
        self.error.update(Content("Checking the code…"))
        self.query_one("#verify", Button).disabled = True
        self._verify(code)

    @work(exclusive=True, group="verify-code", exit_on_error=False)
    async def _verify(self, code: str) -> None:
        try:
            method = await self.request.verify(code)
        except TuiConsoleError as refused:
            field = self.query_one("#code", Input)
            field.value = ""
            field.focus()
            self.error.update(Content(printable(str(refused))))  # the reason, then what to do
            self.query_one("#verify", Button).disabled = False
            return
        self.dismiss(method)

    @on(Button.Pressed, "#cancel")
    def _later(self) -> None:
        self.dismiss(None)
