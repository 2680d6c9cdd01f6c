"""Warnings the core has for the person, and the one place that shows them.

The core never prints: it may run under the Textual console, where a stray write to stderr
would tear the screen. What a person should still hear about (a token file another user
could read, found and tightened) goes to the ``tui_console`` logger at ``WARNING``; the
package itself attaches only a null handler, so nothing shows by default. The command line calls
:func:`show_warnings` once with its own way of saying things (one ``warning: …`` line on
stderr, made printable since a path can hold escape sequences, or a JSON line under
``--json``). Python's ``logging`` rather than
``warnings``: a warning filter set to ``error`` (pytest's, ``python -W error``) would turn a
notice into a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

__all__ = ["LOGGER", "WarningsTo", "show_warnings"]

LOGGER = logging.getLogger("tui_console")
"""The parent of every core module's logger (``logging.getLogger(__name__)``). The package
gives it a null handler (``tui_console/__init__.py``), so nothing shows unless asked for."""


class WarningsTo(logging.Handler):
    """Hands each ``WARNING`` (or worse) record's message to ``say``."""

    def __init__(self, say: Callable[[str], None]) -> None:
        super().__init__(logging.WARNING)
        self.say = say

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.say(record.getMessage())
        except Exception:  # a logging handler must never raise into the caller
            self.handleError(record)


def show_warnings(say: Callable[[str], None]) -> None:
    """Give the core's warnings to ``say`` from now on (one such handler at most: the last)."""
    for handler in [h for h in LOGGER.handlers if isinstance(h, WarningsTo)]:
        LOGGER.removeHandler(handler)
    LOGGER.addHandler(WarningsTo(say))
    if LOGGER.getEffectiveLevel() > logging.WARNING:
        LOGGER.setLevel(logging.WARNING)
