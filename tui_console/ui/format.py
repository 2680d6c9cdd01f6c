"""Text for the console's panes and tables: times in words, safe cells, errors with a next step.

Everything here turns a value into words a person reads; nothing parses markup, and every
string from outside goes through :func:`~tui_console.terminal_text.printable` first.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from tui_console.durations import words
from tui_console.errors import TuiConsoleError
from tui_console.terminal_text import printable

__all__ = ["ago", "cell", "error_text", "local_time"]


def ago(seconds: float) -> str:
    """``just now``, ``12 s ago``, ``3 min 07 s ago``: how old something is."""
    if seconds < 1:
        return "just now"
    return f"{words(seconds)} ago"


def local_time(epoch: float | datetime) -> str:
    """``2024-03-13 14:05:18 UTC``: a moment in the local time zone, with its name."""
    moment = epoch if isinstance(epoch, datetime) else datetime.fromtimestamp(epoch)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def cell(value: object, style: str = "") -> Text:
    """A table cell that is never parsed as markup, control characters shown as escapes
    (``None`` reads as an em dash)."""
    return Text("—" if value is None else printable(str(value), one_line=True), style=style)


def error_text(error: TuiConsoleError) -> str:
    """The error's message and next step, each on its own line."""
    text = f"{error.message}\n{error.hint}" if error.hint else error.message
    return printable(text)
