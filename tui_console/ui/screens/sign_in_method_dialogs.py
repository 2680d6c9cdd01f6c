"""The Security tab's smaller dialogs: what to add, its address and name, a new name, and the
recovery code shown once.

The code prompt with the QR code is :mod:`.verify_code`. Everything shown here that came from
the server or the person is plain text (``Content``, ``markup=False``), never markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui_console.redact import Secret
from tui_console.self_service import PASSKEY_NOTE
from tui_console.terminal_text import printable
from tui_console.ui.widgets.dialog import Dialog, DialogBody, button_row

__all__ = [
    "METHOD_CHOICES",
    "ChooseMethodScreen",
    "NewMethod",
    "NewMethodScreen",
    "RecoveryCodeScreen",
    "RenameMethodScreen",
]

#: What the add dialog offers, in order: (type, words). Passkeys are there to say why not.
METHOD_CHOICES: tuple[tuple[str, str], ...] = (
    ("totp", "Authenticator app (scan a QR code)"),
    ("email", "Email one-time code"),
    ("phone", "Phone one-time code (SMS)"),
    ("phone-voice", "Phone one-time code (voice call)"),
    ("recovery-code", "Recovery code"),
    ("passkey", "Passkey"),
)

_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


class ChooseMethodScreen(Dialog["str | None"]):
    """Pick the kind of method to add; a passkey is explained (a terminal cannot make one).

    | Key | Action |
    | --- | --- |
    | `up` / `down`, `enter` | Choose |
    | `escape` | Add nothing |
    """

    DEFAULT_CSS = """
    ChooseMethodScreen {
        & #choices { height: auto; max-height: 8; margin-bottom: 1; }
        & #passkey-note { height: auto; color: $text-warning; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="add_method.cancel", tooltip="Add nothing"),
    ]

    def compose(self) -> ComposeResult:
        with DialogBody(id="dialog"):
            yield Label("Add a sign-in method", id="title")
            yield OptionList(
                *(Option(words, id=kind) for kind, words in METHOD_CHOICES), id="choices"
            )
            yield Static("", markup=False, id="passkey-note")
            yield button_row(Button("Cancel", id="cancel"))

    def on_mount(self) -> None:
        super().on_mount()
        choices = self.query_one("#choices", OptionList)
        choices.highlighted = 0
        choices.focus()

    def on_key(self, event: events.Key) -> None:
        """Arrows move through the choices (the dialog would scroll its body with them)."""
        choices = self.query_one("#choices", OptionList)
        move = {
            "up": choices.action_cursor_up,
            "down": choices.action_cursor_down,
            "home": choices.action_first,
            "end": choices.action_last,
        }.get(event.key)
        if move is not None and self.focused is choices:
            move()
            event.stop()
            event.prevent_default()  # and not the dialog's scrolling (Dialog.on_key)

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == "passkey":
            self.query_one("#passkey-note", Static).update(Content(PASSKEY_NOTE))
            return
        self.dismiss(event.option.id)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class NewMethod:
    """What :class:`NewMethodScreen` collected."""

    kind: str
    name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    preferred: str | None = None
    """``sms`` or ``voice``, for a phone."""


_ASKS = {
    "totp": ("Add an authenticator app", None, None),
    "email": ("Add an email code", "Email address (a code is sent there)", "ada@example.com"),
    "phone": ("Add a phone (SMS)", "Phone number, with the country code", "+14155550100"),
    "phone-voice": (
        "Add a phone (voice call)",
        "Phone number, with the country code",
        "+14155550100",
    ),
}


class NewMethodScreen(Dialog["NewMethod | None"]):
    """The address (email, phone) and an optional name for a new method.

    | Key | Action |
    | --- | --- |
    | `enter` | Continue (in a field) |
    | `escape` | Add nothing |
    """

    DEFAULT_CSS = """
    NewMethodScreen {
        & .field-label { margin-top: 1; }
        & #error { color: $text-error; height: auto; }
    }
    """

    YES = "continue"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="new_method.cancel", tooltip="Add nothing"),
    ]

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        title, asks, example = _ASKS[self.kind]
        with DialogBody(id="dialog"):
            yield Label(title, id="title")
            if asks is not None:
                yield Label(asks, classes="field-label")
                yield Input(placeholder=example or "", id="address")
            yield Label("Name to show in your list (optional)", classes="field-label")
            yield Input(placeholder="e.g. Pixel 8", id="name")
            yield Static("", markup=False, id="error")
            yield button_row(
                Button("Cancel", id="cancel"),
                Button("Continue", id="continue", variant="primary"),
            )

    def on_mount(self) -> None:
        super().on_mount()
        for field in self.query(Input):
            field.cursor_blink = False
        self.query(Input).first().focus()

    def _fail(self, message: str) -> None:
        self.query_one("#error", Static).update(Content(message))

    @on(Button.Pressed, "#continue")
    @on(Input.Submitted)
    def _submit(self) -> None:
        name = self.query_one("#name", Input).value.strip() or None
        if self.kind == "totp":
            self.dismiss(NewMethod("totp", name=name))
            return
        address = self.query_one("#address", Input).value.strip()
        if self.kind == "email":
            if "@" not in address.strip("@"):
                self._fail("Give the email address the code should go to (name@domain).")
                return
            self.dismiss(NewMethod("email", name=name, email=address))
            return
        number = re.sub(r"[\s().-]", "", address)
        if not _E164.match(number):
            self._fail("Give the number with its country code: + then digits, e.g. +14155550100.")
            return
        preferred = "voice" if self.kind == "phone-voice" else "sms"
        self.dismiss(NewMethod("phone", name=name, phone_number=number, preferred=preferred))

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)


class RenameMethodScreen(Dialog["str | None"]):
    """A new name for a method (the old one filled in).

    | Key | Action |
    | --- | --- |
    | `enter` | Rename |
    | `escape` | Keep the name |
    """

    DEFAULT_CSS = """
    RenameMethodScreen #error { color: $text-error; height: auto; }
    """

    YES = "rename"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="rename_method.cancel", tooltip="Keep it"),
    ]

    def __init__(self, what: str, name: str | None) -> None:
        super().__init__()
        self._what = what
        self._current = name or ""

    def compose(self) -> ComposeResult:
        with DialogBody(id="dialog"):
            yield Label(Content(f"Rename {printable(self._what, one_line=True)}"), id="title")
            current = printable(self._current, one_line=True)
            yield Input(current, placeholder="a name you recognise", id="name")
            yield Static("", markup=False, id="error")
            yield button_row(
                Button("Cancel", id="cancel"),
                Button("Rename", id="rename", variant="primary"),
            )

    def on_mount(self) -> None:
        super().on_mount()
        field = self.query_one("#name", Input)
        field.cursor_blink = False
        field.focus()

    @on(Button.Pressed, "#rename")
    @on(Input.Submitted, "#name")
    def _submit(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.query_one("#error", Static).update(Content("Give a name, or Escape to keep it."))
            return
        self.dismiss(name)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)


class RecoveryCodeScreen(Dialog[bool]):
    """The recovery code, shown once: copy it (OSC 52), then say it is stored.

    ``True`` means "stored, finish the enrollment"; ``False`` leaves it pending. The code is
    never put in a notification, a log or a file: the copy goes to the terminal's clipboard.

    | Key | Action |
    | --- | --- |
    | `c` | Copy the code to the clipboard |
    | `s` / `y` | I have stored it: finish |
    | `l` / `n`, `escape` | Later (the enrollment waits) |
    """

    DEFAULT_CSS = """
    RecoveryCodeScreen {
        & #warning { color: $text-warning; text-style: bold; height: auto; }
        & #code {
            margin: 1 0;
            padding: 0 2;
            width: auto;
            text-style: bold;
            border: round $primary;
        }
        & #copied { height: auto; color: $text-muted; }
    }
    """

    YES = "stored"
    NO = "cancel"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Later", id="recovery_code.later", tooltip="Decide later"),
    ]

    def __init__(self, code: Secret) -> None:
        super().__init__()
        self._code = code

    def compose(self) -> ComposeResult:
        code = printable(self._code.reveal(), one_line=True)
        grouped = " ".join(code[i : i + 4] for i in range(0, len(code), 4))
        with DialogBody(id="dialog"):
            yield Label("Your recovery code", id="title")
            yield Static(
                "Store this now (a password manager, or on paper). It is shown only this once "
                "and tui-console keeps no copy. With it you can sign in if you lose your other "
                "factors.",
                markup=False,
                id="warning",
            )
            yield Static(Content(grouped), markup=False, id="code")
            yield Static("", markup=False, id="copied")
            yield button_row(
                Button("Later", id="cancel"),
                Button("Copy", id="copy"),
                Button("Stored it", id="stored", variant="primary"),
            )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#copy", Button).focus()

    @on(Button.Pressed, "#copy")
    def _copy(self) -> None:
        self.app.copy_to_clipboard(self._code.reveal())
        self.query_one("#copied", Static).update(
            Content(
                "Copied to the terminal's clipboard (OSC 52; some terminals need it allowed). "
                "Paste it into your password manager now."
            )
        )

    @on(Button.Pressed, "#stored")
    def _stored(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _later(self) -> None:
        self.dismiss(False)
