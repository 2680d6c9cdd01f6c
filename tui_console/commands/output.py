"""How the command line talks: exit statuses, errors with their next step, data, rate limits.

The rules every verb follows (README, "Command line rules"):

* stdout carries exactly the data: the table or text a person reads, or under ``--json`` one
  JSON document (the claims, the user, the metadata object...), nothing else;
* stderr carries everything else: narration, warnings, the rate-limit report (one line, or one
  JSON line under ``--json``) and errors (``error: ...`` and the next step, or under ``--json``
  one JSON object ``{"code", "message", "hint"}``);
* the exit status says what kind of failure it was, from one table (:func:`exit_statuses`), so
  a script can tell "sign in again" from "try later" from "fix the arguments".

Text that came from a server, a file or a person goes through
:func:`~tui_console.terminal_text.printable` before it reaches a terminal (:func:`say`,
:func:`cell`); JSON needs no such care, ``json.dumps`` escapes control characters itself.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TextIO

from tui_console.durations import epoch_seconds
from tui_console.errors import (
    AuthError,
    ConfigError,
    NetworkError,
    NotSignedIn,
    RateLimited,
    ResponseLost,
    SessionExpired,
    StorageError,
    TuiConsoleError,
    UsageError,
)
from tui_console.terminal_text import printable

if TYPE_CHECKING:
    from tui_console.account import AccountSession

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_NETWORK",
    "EXIT_OK",
    "EXIT_PROBLEM_FOUND",
    "EXIT_RATE_LIMITED",
    "EXIT_REFUSED",
    "EXIT_SIGNED_OUT",
    "EXIT_STORAGE",
    "EXIT_USAGE",
    "cell",
    "confirm",
    "error_code",
    "exit_status",
    "exit_statuses",
    "may_have_applied",
    "notice",
    "print_error",
    "print_interrupted",
    "print_json",
    "reports_rate_limits",
    "say",
]

EXIT_OK = 0
EXIT_SIGNED_OUT = 1
"""No session for this profile, or it expired: ``tui-console login``."""
EXIT_USAGE = 2
"""Bad arguments or input values, an unknown profile, a refused destructive command (argparse
uses 2 for its own usage errors too)."""
EXIT_REFUSED = 3
"""The server answered and refused (an OAuth error, a Management API error)."""
EXIT_NETWORK = 4
"""The server could not be reached, or the answer to a sent request was lost."""
EXIT_RATE_LIMITED = 5
"""A rate limit is used up: try again later."""
EXIT_STORAGE = 6
"""A local file (config, tokens, DPoP key, lock) is damaged or unsafe."""
EXIT_PROBLEM_FOUND = 7
"""``tui-console doctor`` found a problem."""
EXIT_INTERRUPTED = 130
"""Interrupted (Ctrl+C), as a shell reports SIGINT."""


@functools.cache
def exit_statuses() -> Sequence[tuple[type[TuiConsoleError], int, str]]:
    """Error class -> (exit status, the ``code`` of a ``--json`` error): the one table.

    The first class an error is an instance of wins, so subclasses come before their bases.
    A function, so that ``tui-console --version`` does not import httpx for the Management
    API's classes.
    """
    from tui_console.management.errors import ManagementAPIError, RequestRefused

    return (
        (NotSignedIn, EXIT_SIGNED_OUT, "not_signed_in"),
        (SessionExpired, EXIT_SIGNED_OUT, "session_expired"),
        (UsageError, EXIT_USAGE, "usage"),
        (ConfigError, EXIT_USAGE, "config"),
        (RequestRefused, EXIT_USAGE, "invalid_input"),
        (ResponseLost, EXIT_NETWORK, "response_lost"),
        (NetworkError, EXIT_NETWORK, "network"),
        (RateLimited, EXIT_RATE_LIMITED, "rate_limited"),
        (StorageError, EXIT_STORAGE, "storage"),
        (ManagementAPIError, EXIT_REFUSED, "api_refused"),
        (AuthError, EXIT_REFUSED, "auth_refused"),
    )


def _entry(exc: TuiConsoleError) -> tuple[int, str]:
    for kind, status, code in exit_statuses():
        if isinstance(exc, kind):
            return status, code
    return EXIT_REFUSED, "error"  # a TuiConsoleError outside the table: a failure all the same


def exit_status(exc: TuiConsoleError) -> int:
    """The process exit status for ``exc`` (:func:`exit_statuses`)."""
    return _entry(exc)[0]


def error_code(exc: TuiConsoleError) -> str:
    """The stable ``code`` of ``exc`` in a ``--json`` error object."""
    return _entry(exc)[1]


def say(text: str, stream: TextIO | None = None) -> None:
    """Print a line that may hold untrusted text, with control characters made visible."""
    print(printable(text), file=stream or sys.stdout)


def confirm(question: str, *, yes: bool, change: str, command: str) -> bool:
    """``--yes``, or the person's "y" to ``question`` on a terminal.

    Without a terminal and without ``--yes`` (a script) it is a :class:`UsageError` naming the
    ``change`` and the ``command`` line that confirms it, so nothing destructive happens by
    accident and the script's author sees how to say yes.
    """
    if yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError(
            f"{change} needs a confirmation, but there is no terminal to ask on.",
            hint=f"Add --yes to confirm on the command line: {command} --yes",
        )
    print(f"{printable(question)} [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def cell(value: object) -> str:
    """One table cell or one-line value: untrusted text on one line, ``None`` as empty."""
    return "" if value is None else printable(str(value), one_line=True)


def print_error(
    exc: TuiConsoleError, *, as_json: bool = False, stream: TextIO | None = None
) -> None:
    """``error: what failed`` and, indented below it, what to do next; or one JSON object."""
    stream = stream or sys.stderr
    if as_json:
        error: dict[str, Any] = {"code": error_code(exc), "message": exc.message, "hint": exc.hint}
        if isinstance(exc, RateLimited):
            error["retry_after"] = exc.retry_after
        print(json.dumps(error, sort_keys=True), file=stream)
        return
    say(f"error: {exc.message}", stream)
    if exc.hint:
        say(f"  {exc.hint}", stream)


def print_interrupted(*, as_json: bool) -> None:
    """Ctrl+C (exit 130): ``Cancelled.`` on its own line, or under ``--json`` the same error
    object every other failure prints, so stderr stays JSON lines to the end."""
    if as_json:
        error = {"code": "interrupted", "message": "Cancelled.", "hint": ""}
        print(json.dumps(error, sort_keys=True), file=sys.stderr)
    else:
        print("\nCancelled.", file=sys.stderr)


def notice(text: str, *, as_json: bool, kind: str = "notice") -> None:
    """A note or warning on stderr: a line of text, or under ``--json`` one JSON line
    ``{kind: text}``, so that stderr of a ``--json`` command is JSON lines throughout."""
    if as_json:
        print(json.dumps({kind: text}), file=sys.stderr)
    else:
        say(text if kind == "notice" else f"{kind}: {text}", sys.stderr)


def print_json(data: Any) -> None:
    """Pretty JSON on stdout, for scripts and ``jq``: the command's data and nothing else."""
    print(json.dumps(data, indent=2, sort_keys=True, default=str))


def may_have_applied(exc: ResponseLost, how_to_check: str) -> ResponseLost:
    """``exc`` for a write whose answer was lost, its hint saying how to see whether it applied.

    ``how_to_check`` ends the sentence "The change may have applied: ...", e.g. "check with
    `tui-console metadata` before trying again."
    """
    return ResponseLost(exc.message, hint=f"The change may have applied: {how_to_check}")


def _report_rate_limits(session: AccountSession, *, as_json: bool) -> None:
    """The buckets the command drew from, on stderr; nothing when it called no limited API.

    Under ``--json`` one line ``{"rate_limits": {bucket: {limit, remaining, reset,
    waiting_until}}}``, times as integer epoch seconds.
    """
    buckets = session.rate_limits.snapshot()
    if not buckets:
        return
    if as_json:
        views = {
            name: {
                **asdict(view),
                "reset": epoch_seconds(view.reset),
                "waiting_until": epoch_seconds(view.waiting_until),
            }
            for name, view in sorted(buckets.items())
        }
        print(json.dumps({"rate_limits": views}, sort_keys=True), file=sys.stderr)
    else:
        print(session.rate_limits.summary_line(), file=sys.stderr)


Verb = Callable[["AccountSession", argparse.Namespace], Awaitable[int]]


def reports_rate_limits(verb: Verb) -> Verb:
    """Wrap a verb so its rate-limit report reaches stderr after it, failed or not."""

    @functools.wraps(verb)
    async def run(session: AccountSession, args: argparse.Namespace) -> int:
        try:
            return await verb(session, args)
        finally:
            _report_rate_limits(session, as_json=bool(getattr(args, "json", False)))

    return run
