"""A read-only record in a dialog (a session, a refresh token), with the actions it offers.

Rows of ``label: value`` in a scrolling body, so a long record (every authentication method,
both devices, the full user agent) still fits 80x24 with its buttons on screen. Values come
from the tenant and are shown as plain text. It dismisses with the id of the button pressed,
or ``None`` for Close / Escape.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Button, Label, Static

from tui_console.terminal_text import printable
from tui_console.ui.widgets.dialog import Dialog, DialogBody, button_row

__all__ = ["DetailScreen"]


class DetailScreen(Dialog["str | None"]):
    """``rows`` of one record; ``actions`` are ``(button id, label)`` shown before Close.

    | Key | Action |
    | --- | --- |
    | first letter of a button | Press it |
    | `up` / `down`, `pageup` / `pagedown` | Scroll the record |
    | `escape` | Close |
    """

    DEFAULT_CSS = """
    DetailScreen #detail-rows { height: auto; }
    DetailScreen .detail-row { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="detail.close", tooltip="Close the record"),
    ]

    NO = "close"

    def __init__(
        self,
        title: str,
        rows: Sequence[tuple[str, str]],
        *,
        actions: Sequence[tuple[str, str]] = (),
        disabled: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self._title = title
        self.rows = tuple(rows)
        self.actions = tuple(actions)
        self.off_actions = frozenset(disabled)
        """Action ids shown but not pressable (their scope is missing; the rows say why)."""

    def compose(self) -> ComposeResult:
        width = max((len(label) for label, _ in self.rows), default=0) + 2
        with DialogBody(id="dialog"):
            yield Label(Content(printable(self._title, one_line=True)), id="title")
            for label, value in self.rows:
                text = f"{label + ':':<{width}}{printable(value)}"
                yield Static(Content(text), markup=False, classes="detail-row")
            buttons = [
                Button(text, id=button_id, variant="error", disabled=button_id in self.off_actions)
                for button_id, text in self.actions
            ]
            yield button_row(*buttons, Button("Close", id="close"), hint="")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#close", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None if event.button.id == "close" else event.button.id)
