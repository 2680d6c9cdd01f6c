"""Warnings the core has for the person, and the one place that shows them.

The core never prints: it may run under the Textual console, where a stray write to stderr
would tear the screen. What a person should still hear about (a token file another user
could read, found and tightened) goes to the ``tui_console`` logger at ``WARNING``; the
package itself attaches only a null handler, so nothing shows by default. The command line calls
:func:`show_warnings_on_stderr` once, and each such record becomes one ``warning: …`` line on
stderr, made printable (a path can hold escape sequences). Python's ``logging`` rather than
``warnings``: a warning filter set to ``error`` (pytest's, ``python -W error``) would turn a
notice into a crash.
"""

from __future__ import annotations

import logging
import sys

from tui_console.terminal_text import printable

__all__ = ["LOGGER", "StderrWarnings", "show_warnings_on_stderr"]

LOGGER = logging.getLogger("tui_console")
"""The parent of every core module's logger (``logging.getLogger(__name__)``). The package
gives it a null handler (``tui_console/__init__.py``), so nothing shows unless asked for."""


class StderrWarnings(logging.Handler):
    """Writes each ``WARNING`` (or worse) record as ``warning: MESSAGE`` on ``sys.stderr``.

    ``sys.stderr`` is looked up at every record, so a redirected stderr is honoured.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(f"warning: {printable(record.getMessage())}", file=sys.stderr)
        except Exception:  # a logging handler must never raise into the caller
            self.handleError(record)


def show_warnings_on_stderr() -> None:
    """Show the core's warnings on stderr from now on (idempotent: one handler at most)."""
    if not any(isinstance(handler, StderrWarnings) for handler in LOGGER.handlers):
        LOGGER.addHandler(StderrWarnings())
    if LOGGER.getEffectiveLevel() > logging.WARNING:
        LOGGER.setLevel(logging.WARNING)
