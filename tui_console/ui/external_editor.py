"""Handing text to the person's own editor (``$VISUAL``, then ``$EDITOR``) and taking it back.

The text goes through a private temporary file (``mkstemp``: 0600, in the temp directory),
removed afterwards whatever happened, because what is edited may be personal data. The
console is suspended while the editor runs, so the editor has the terminal to itself. Every
way it can go wrong is an :class:`EditorOutcome` with a sentence saying what happened, never
an exception: an editor that cannot start, one that exits non-zero (its text is not taken:
nothing changes), one whose file cannot be read back, a command line that does not split.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

__all__ = ["EditorOutcome", "Suspendable", "edit_externally", "editor_command"]


class Suspendable(Protocol):
    """What gives the terminal to a child process: a Textual ``App`` (``App.suspend``)."""

    def suspend(self) -> AbstractContextManager[None]: ...


def editor_command() -> str | None:
    """The person's editor command line: ``$VISUAL``, else ``$EDITOR`` (``None``: neither)."""
    return os.environ.get("VISUAL") or os.environ.get("EDITOR") or None


@dataclass(frozen=True)
class EditorOutcome:
    """What came back: the edited ``text``, or ``None`` and why not (``problem``, ``tone``)."""

    text: str | None
    problem: str = ""
    tone: Literal["warning", "error"] = "warning"


def edit_externally(
    app: Suspendable, command: str, text: str, *, prefix: str, suffix: str
) -> EditorOutcome:
    """Run ``command`` on a private temporary file holding ``text``; what it wrote, or why not.

    ``command`` is split as a shell would (``code --wait`` works) and gets the file's path as
    its last argument. ``prefix``/``suffix`` name the file (the suffix lets the editor pick
    its syntax).
    """
    try:
        argv = shlex.split(command)
    except ValueError as error:  # an unbalanced quote
        return EditorOutcome(
            None, f"Could not read the editor command {command!r}: {error}.", "error"
        )
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            with app.suspend():
                code = subprocess.call([*argv, str(path)])
        except OSError as error:
            return EditorOutcome(
                None, f"Could not start {command}: {error.strerror or error}.", "error"
            )
        if code != 0:
            return EditorOutcome(None, f"{command} exited with status {code}; nothing changed.")
        try:
            return EditorOutcome(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            return EditorOutcome(None, f"Could not read what the editor wrote: {error}.", "error")
    finally:
        path.unlink(missing_ok=True)
