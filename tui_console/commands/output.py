"""How the command line talks: exit statuses, errors with their next step, JSON."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from tui_console.errors import ConfigError, TuiConsoleError, UsageError

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "exit_status",
    "print_error",
    "print_json",
]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def exit_status(exc: TuiConsoleError) -> int:
    """The exit status for ``exc``: usage (an unknown profile, a refusal) apart from the rest."""
    return EXIT_USAGE if isinstance(exc, ConfigError | UsageError) else EXIT_FAILED


def print_error(exc: TuiConsoleError, stream: TextIO | None = None) -> None:
    """``error: what failed`` and, indented below it, what to do next."""
    stream = stream or sys.stderr
    print(f"error: {exc.message}", file=stream)
    if exc.hint:
        print(f"  {exc.hint}", file=stream)


def print_json(data: Any) -> None:
    """Pretty JSON on stdout, for scripts and ``jq``."""
    print(json.dumps(data, indent=2, sort_keys=True, default=str))
