"""Warnings the core has for the person, and the one place that shows them.

The core never prints: it may run under the Textual console, where a stray write to stderr
would tear the screen. What a person should still hear about (a token file another user
could read, found and tightened) goes to a logger under ``tui_console`` at ``WARNING``,
obtained from :func:`core_logger`; that attaches a null handler to the ``tui_console``
logger, so nothing shows by default (without it logging's "last resort" would print the
warning even under the console). The command line calls :func:`show_warnings` once with its
own way of saying things (one ``warning: …`` line on stderr, made printable since a path can
hold escape sequences, or a JSON line under ``--json``). Python's ``logging`` rather than
``warnings``: a warning filter set to ``error`` (pytest's, ``python -W error``) would turn a
notice into a crash.

``logging`` itself (about 8 ms with what it imports) is imported only when a warning is
about to be logged or the command line asks to show them after one was: ``tui-console token``
with a valid token never pays for it.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging

__all__ = ["LOGGER_NAME", "core_logger", "show_warnings"]

LOGGER_NAME = "tui_console"
"""The parent of every core module's logger (``core_logger(__name__)``)."""

_shown_with: Callable[[str], None] | None = None
"""What :func:`show_warnings` was last given (``None``: nothing shows)."""


def core_logger(name: str) -> logging.Logger:
    """The logger of core module ``name`` (under ``tui_console``), ready to warn with.

    Call it where the warning is logged, not at import: it imports ``logging``.
    """
    import logging

    parent = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(h, logging.NullHandler) for h in parent.handlers):
        parent.addHandler(logging.NullHandler())
    if _shown_with is not None:
        _attach(parent, _shown_with)
    return logging.getLogger(name)


def show_warnings(say: Callable[[str], None]) -> None:
    """Give the core's warnings to ``say`` from now on (one such handler at most: the last)."""
    global _shown_with
    _shown_with = say
    if "logging" in sys.modules:  # a logger may exist already: hand it over now
        _attach(sys.modules["logging"].getLogger(LOGGER_NAME), say)


def _attach(parent: logging.Logger, say: Callable[[str], None]) -> None:
    """Make ``say`` the one warnings handler of ``parent``."""
    import logging

    handler_type = _warnings_handler_type()
    current = [h for h in parent.handlers if isinstance(h, handler_type)]
    if len(current) == 1 and getattr(current[0], "say", None) is say:
        return
    for handler in current:
        parent.removeHandler(handler)
    parent.addHandler(handler_type(say))
    if parent.getEffectiveLevel() > logging.WARNING:
        parent.setLevel(logging.WARNING)


@functools.cache
def _warnings_handler_type() -> type[Any]:
    """The handler class, made on first use: its base class is in :mod:`logging`."""
    import logging

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

    return WarningsTo
