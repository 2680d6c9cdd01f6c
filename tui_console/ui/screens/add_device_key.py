"""The add-key dialog of the Devices tab: a device's name, its id and its public key.

The key comes from a file (read in a thread, at most 64 KiB, the same reader and messages as
``tui-console devices add``) or is pasted; it is checked before the dialog closes, so a
private key or an OpenSSH key is refused with the command that converts it.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Button, Input, Label, Static, TextArea

from tui_console.account import public_key_bytes, public_key_from_file
from tui_console.terminal_text import printable
from tui_console.ui.widgets.dialog import Dialog, DialogBody, button_row

__all__ = ["AddDeviceKeyScreen", "NewDeviceKey"]


@dataclass(frozen=True)
class NewDeviceKey:
    """What the add-key dialog collected."""

    name: str
    device_id: str
    public_key: bytes


class AddDeviceKeyScreen(Dialog["NewDeviceKey | None"]):
    """Ask for a device name, its id and a public key (a file path, or pasted).

    The error line sits right above the buttons, and both stay on screen at 80x24 while the
    fields scroll.

    | Key | Action |
    | --- | --- |
    | `enter` | Add (in a one-line field) |
    | `escape` | Cancel, from any field |
    """

    DEFAULT_CSS = """
    AddDeviceKeyScreen {
        & .field-label { margin-top: 1; }
        & #key-text { height: 5; }
        & #error { dock: bottom; color: $text-error; height: auto; background: $surface; }
    }
    """

    YES = "add"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="add_key.cancel", tooltip="Add nothing"),
    ]

    def compose(self) -> ComposeResult:
        with DialogBody(id="dialog"):
            yield Label("Add a device public key", id="title")
            yield Label("Device name", classes="field-label")
            yield Input(placeholder="e.g. Ada's laptop", id="name")
            yield Label("Device id (empty: this machine's host name)", classes="field-label")
            yield Input(placeholder="device id", id="device-id")
            yield Label("Public key file (PEM, base64 or DER)", classes="field-label")
            yield Input(placeholder="~/.ssh/device.pub.pem", id="key-path")
            yield Label("…or paste the public key", classes="field-label")
            yield TextArea("", id="key-text", soft_wrap=True)
            yield Static("", markup=False, id="error")
            yield button_row(
                Button("Cancel", id="cancel"),
                Button("Add key", id="add", variant="primary"),
            )

    def on_mount(self) -> None:
        super().on_mount()
        for field in self.query(Input):
            field.cursor_blink = False
        self.query_one("#name", Input).focus()

    def _fail(self, message: str) -> None:
        self.query_one("#error", Static).update(Content(printable(message)))

    @on(Button.Pressed, "#add")
    @on(Input.Submitted)
    def _submit(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        device_id = self.query_one("#device-id", Input).value.strip() or socket.gethostname()
        path_text = self.query_one("#key-path", Input).value.strip()
        pasted = self.query_one("#key-text", TextArea).text.strip()
        if not name:
            self._fail("Give the device a name.")
            return
        if bool(path_text) == bool(pasted):
            self._fail("Give either a key file or a pasted key (one of the two).")
            return
        self._fail("")
        self._read_key(name, device_id, Path(path_text) if path_text else None, pasted)

    @work(thread=True, exclusive=True, group="add-key-read")
    def _read_key(self, name: str, device_id: str, path: Path | None, pasted: str) -> None:
        """Read and check the key off the event loop: a file may sit on a slow mount."""
        try:
            key = (
                public_key_from_file(path)
                if path is not None
                else public_key_bytes(pasted.encode())
            )
        except ValueError as error:
            self.app.call_from_thread(self._fail, str(error))
            return
        new = NewDeviceKey(name=name, device_id=device_id, public_key=key)
        self.app.call_from_thread(self.dismiss, new)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        """Close without adding anything."""
        self.dismiss(None)
