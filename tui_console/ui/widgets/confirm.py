"""Asking before anything that cannot be undone.

:class:`ConfirmScreen` is a yes/no modal; :class:`TypedConfirmScreen` makes the person type a
word (the provider of the identity to unlink, say) before the button works, for actions where a
stray Enter must not be enough (ux-notes.md P15). Both dismiss with ``True`` only on an explicit
confirmation; Escape, the Cancel button or clicking outside is ``False``.

The title, body and word usually contain names from the server, so they are shown as plain
text, never as markup.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from tui_console.ui.widgets.dialog import Dialog, DialogBody, button_row

__all__ = ["ConfirmScreen", "TypedConfirmScreen"]


class ConfirmScreen(Dialog[bool]):
    """A yes/no question about one named thing; ``True`` only when the person confirms.

    ``details`` are extra widgets shown under the body (a diff, a table); the body scrolls and
    the buttons stay visible. With ``danger`` the Cancel button has the focus, so Enter alone
    does nothing harmful.

    | Key | Action |
    | --- | --- |
    | `y` / `n`, first letters | Confirm / cancel |
    | `left` / `right`, `tab` | Move between the buttons |
    | `escape` | Cancel |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="confirm.cancel", tooltip="Do nothing"),
    ]

    def __init__(
        self,
        title: str,
        body: str = "",
        *details: Widget,
        confirm_label: str = "Confirm",
        cancel_label: str = "Cancel",
        danger: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="-danger" if danger else None)
        self._title = title
        self._body = body
        self._details = details
        self._confirm_label = confirm_label
        self._cancel_label = cancel_label
        self._danger = danger

    def compose(self) -> ComposeResult:
        with DialogBody(id="dialog"):
            yield Label(Content(self._title), id="title")
            if self._body:
                yield Static(Content(self._body), markup=False, id="body-text")
            yield from self._details
            yield button_row(
                Button(self._cancel_label, id="cancel"),
                Button(
                    self._confirm_label,
                    id="confirm",
                    variant="error" if self._danger else "primary",
                ),
            )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#cancel" if self._danger else "#confirm", Button).focus()

    @on(Button.Pressed, "#confirm")
    def _confirmed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(False)


class TypedConfirmScreen(Dialog[bool]):
    """Confirm by typing ``word`` exactly; the confirm button stays disabled until then.

    Enter with a wrong word says what is wrong under the field, instead of doing nothing.

    | Key | Action |
    | --- | --- |
    | `enter` | Confirm (only once the word matches) |
    | `escape` | Cancel |
    """

    DEFAULT_CSS = """
    TypedConfirmScreen #prompt { margin-top: 1; }
    TypedConfirmScreen #mismatch { color: $text-error; height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="confirm.cancel", tooltip="Do nothing"),
    ]

    def __init__(
        self,
        title: str,
        body: str,
        word: str,
        *,
        confirm_label: str = "Confirm",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="-danger")
        self._title = title
        self._body = body
        self.word = word
        self._confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with DialogBody(id="dialog"):
            yield Label(Content(self._title), id="title")
            yield Static(Content(self._body), markup=False, id="body-text")
            yield Static(Content(f"Type {self.word} to confirm:"), markup=False, id="prompt")
            yield Input(placeholder=self.word, id="word")
            yield Static("", markup=False, id="mismatch")
            yield button_row(
                Button("Cancel", id="cancel"),
                Button(self._confirm_label, id="confirm", variant="error", disabled=True),
            )

    def on_mount(self) -> None:
        super().on_mount()
        word = self.query_one("#word", Input)
        word.cursor_blink = False
        word.focus()

    @on(Input.Changed, "#word")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm", Button).disabled = event.value != self.word
        self.query_one("#mismatch", Static).update("")

    @on(Input.Submitted, "#word")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value == self.word:
            self.dismiss(True)
            return
        typed = "Nothing typed" if not event.value else "That is not it"
        self.query_one("#mismatch", Static).update(
            Content(f"{typed}: type {self.word} exactly, or Escape to cancel.")
        )

    @on(Button.Pressed, "#confirm")
    def _confirmed(self) -> None:
        if self.query_one("#word", Input).value == self.word:
            self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(False)
