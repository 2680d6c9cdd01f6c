"""The status line of a pane or screen: what just happened, in words; the colour only repeats it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from textual.content import Content
from textual.widgets import Static

from tui_console.terminal_text import printable

__all__ = ["StatusLine", "Tone"]


Tone = Literal["info", "ok", "warning", "error", "busy"]

_PREFIX: Mapping[Tone, str] = {
    "info": "",
    "ok": "✓ ",
    "warning": "⚠ ",
    "error": "✗ ",
    "busy": "… ",
}


class StatusLine(Static):
    """One or two lines saying what just happened, in words (the colour only repeats it)."""

    DEFAULT_CSS = """
    StatusLine {
        height: auto;
        padding: 0 1;
        color: $text-muted;
        &.-ok { color: $text-success; }
        &.-warning { color: $text-warning; }
        &.-error { color: $text-error; }
        &:ansi.-error { text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", markup=False, id=id, classes=classes)
        self.tone: Tone = "info"
        self.display = False

    def say(self, text: str, tone: Tone = "info") -> None:
        """Show ``text`` (plain, never markup) with a word-level marker for ``tone``."""
        self.tone = tone
        for name in _PREFIX:
            self.set_class(name == tone, f"-{name}")
        self.update(Content(_PREFIX[tone] + printable(text)) if text else Content(""))
        self.display = bool(text)

    def clear(self) -> None:
        self.say("")

    @property
    def text(self) -> str:
        """What the line says now (for tests and the help screen)."""
        return str(self.content)
