"""The console's dialogs: a body that scrolls, buttons that always show, keys that answer.

Every modal question (:class:`~tui_console.ui.widgets.confirm.ConfirmScreen`, the metadata
conflict, the add-key form) is a :class:`Dialog`. At 80x24 a long body scrolls inside the
dialog while the buttons stay docked at its bottom, and the focused control is scrolled into
view, so nothing a person must read or press is ever below the screen (issue 10 §1).

Keys, the same in every dialog (issue 10 §2), unless the focus is in a text field:

| Key | Action |
| --- | --- |
| `y` / `n` | Press the confirm / cancel button |
| first letter of a button | Press that button (when no other button starts with it) |
| `left` / `right` | Move between the buttons |
| `up` / `down`, `pageup` / `pagedown` | Scroll the body |
| `tab` / `shift+tab` | Move between the controls (never onto the scrolling body) |
| `escape` | Cancel, in every field too |
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual import events
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.events import Click
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Static, TextArea

__all__ = ["Dialog", "DialogBody", "button_row"]

ResultType = TypeVar("ResultType")


class DialogBody(VerticalScroll, can_focus=False):
    """The dialog's frame: scrolls when the content is taller than the screen.

    Not focusable: Tab goes from control to control, and focusing one scrolls it into view.
    """


def button_row(*buttons: Button, hint: str = "") -> Horizontal:
    """The dialog's row of buttons (docked at the bottom), with a short key hint on the left."""
    return Horizontal(Static(Content(hint), markup=False, id="keys-hint"), *buttons, id="buttons")


class Dialog(ModalScreen[ResultType]):
    """A modal with a scrolling body (``DialogBody#dialog``) and a docked ``#buttons`` row.

    Subclasses compose ``with DialogBody(id="dialog"):`` holding their content and, last,
    :func:`button_row`. ``YES`` and ``NO`` name the buttons ``y`` and ``n`` press; ``NO`` is
    also what Escape and a click outside the dialog choose (:meth:`action_cancel`).
    """

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        background: $background 60%;
        & > #dialog {
            width: 76;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: thick $primary;
            background: $surface;
            padding: 0 1;
            scrollbar-size-vertical: 1;
        }
        &.-danger > #dialog { border: thick $error; }
        &:ansi > #dialog { border: thick ansi_blue; }
        & #title { text-style: bold; width: 1fr; margin-bottom: 1; }
        & #buttons {
            dock: bottom;
            height: auto;
            align-horizontal: right;
            background: $surface;
            padding-top: 1;
        }
        & #buttons Button { margin-left: 2; }
        & #keys-hint { width: 1fr; height: 3; content-align: left middle; color: $text-muted; }
    }
    """

    YES: ClassVar[str] = "confirm"
    """The id of the button ``y`` presses."""
    NO: ClassVar[str] = "cancel"
    """The id of the button ``n`` presses (and what Escape means)."""
    LETTERS: ClassVar[dict[str, str]] = {}
    """Extra letter → button id, for buttons whose first letters clash."""

    def buttons(self) -> list[Button]:
        """The enabled buttons of the ``#buttons`` row, left to right."""
        return [button for button in self.query("#buttons Button").results(Button)]

    def key_hint(self) -> str:
        """``y/n · ←→ · esc``-style words for the row's left end."""
        letters = sorted(self._letter_map())
        keys = "/".join(letters)
        return f"keys: {keys} · ←→ · esc" if keys else "←→ · esc"

    def _letter_map(self) -> dict[str, Button]:
        """Letter → button: ``y``/``n`` for YES/NO, and each unambiguous first letter."""
        mapping: dict[str, Button] = {}
        firsts: dict[str, list[Button]] = {}
        for button in self.buttons():
            label = str(button.label).strip().lower()
            if label:
                firsts.setdefault(label[0], []).append(button)
        for letter, owners in firsts.items():
            if len(owners) == 1:
                mapping[letter] = owners[0]
        for letter, button_id in (*self.LETTERS.items(), ("y", self.YES), ("n", self.NO)):
            found = [button for button in self.buttons() if button.id == button_id]
            if found:
                mapping[letter] = found[0]
        return mapping

    def on_mount(self) -> None:
        hints = self.query("#keys-hint")
        if hints:
            hints.first(Static).update(Content(self.key_hint()))

    def scroll_to_center(self, widget: Widget, *args: Any, **kwargs: Any) -> None:
        """Show a control that gets the focus without centring it (Textual's focus scroll).

        Textual centres a newly focused widget it thinks is out of view, with an animation;
        at mount, before the layout settles, it thinks so of the first field too, and the
        centring scrolled that field's label and the dialog's title off the top at 80x24.
        """
        self.call_after_refresh(self._reveal, widget)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A field in view whose label is not (Tab back up to it) shows its label too."""
        self.call_after_refresh(self._reveal, event.widget)

    def _reveal(self, widget: Widget) -> None:
        """Scroll the body, at once, so the focused ``widget`` and its field label show."""
        bodies = self.query(DialogBody)
        if self.focused is not widget or not bodies:
            return
        body = bodies.first(DialogBody)
        if body not in widget.ancestors or widget.parent is None:
            return
        siblings = list(widget.parent.children)
        index = siblings.index(widget)
        if index > 0 and siblings[index - 1].has_class("field-label"):
            body.scroll_to_widget(siblings[index - 1], animate=False, immediate=True)
        body.scroll_to_widget(widget, animate=False, immediate=True)

    def on_key(self, event: events.Key) -> None:
        """Letters answer, arrows move between buttons (not while typing in a field)."""
        if isinstance(self.focused, Input | TextArea):
            return
        buttons = [button for button in self.buttons() if not button.disabled]
        if event.key in ("left", "right") and buttons:
            step = -1 if event.key == "left" else 1
            current = self.focused if isinstance(self.focused, Button) else None
            index = buttons.index(current) if current in buttons else -step
            buttons[(index + step) % len(buttons)].focus()
            event.stop()
            event.prevent_default()
            return
        if event.key in ("up", "down", "pageup", "pagedown", "home", "end"):
            body = self.query(DialogBody)
            if body:
                frame = body.first(DialogBody)
                {
                    "up": frame.scroll_up,
                    "down": frame.scroll_down,
                    "pageup": frame.scroll_page_up,
                    "pagedown": frame.scroll_page_down,
                    "home": frame.scroll_home,
                    "end": frame.scroll_end,
                }[event.key]()
                event.stop()
                event.prevent_default()
            return
        character = (event.character or "").lower()
        if len(character) != 1 or not character.isalpha():
            return
        button = self._letter_map().get(character)
        if button is not None and not button.disabled:
            event.stop()
            event.prevent_default()
            button.focus()
            button.press()

    def action_cancel(self) -> None:
        """Choose the NO button's answer (Escape)."""
        found = [button for button in self.buttons() if button.id == self.NO]
        if found:
            found[0].press()

    def on_click(self, event: Click) -> None:
        """A click outside the dialog cancels."""
        if event.widget is self:
            self.action_cancel()
