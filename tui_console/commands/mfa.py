"""``tui-console mfa``: your own sign-in methods through Auth0's My Account API.

* ``mfa [--json]`` lists them (type, name, created, last used, confirmed);
* ``mfa add totp|email|phone|recovery-code`` enrolls one. On a terminal, TOTP draws the
  ``otpauth://`` URI as a QR code, shows the manual code and asks for the 6-digit code; email
  and phone ask for the code that was sent. Without a terminal (or with ``--json``) it prints
  the pending id and what to use it with, and ``mfa verify ID CODE`` completes it later (the
  enrollment's session is kept 0600 until it expires);
* a recovery code is printed once with a "store this now" warning and is never written to a
  file or a log;
* ``mfa verify ID [CODE]``, ``mfa rename ID NAME``, ``mfa remove ID [--yes]``.

Where the My Account API is not available, ``mfa`` says the dashboard steps on stderr and
lists what the Management API shows the sign-in instead, the Guardian enrollments, labelled
read-only (``"read_only": true`` and ``"source": "guardian"`` under ``--json``).

Data goes to stdout (exact JSON with ``--json``); narration, prompts, the QR code and the
rate-limit summary go to stderr. Server text passes through
:func:`~tui_console.terminal_text.printable` before it reaches the terminal.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import time
from typing import Any

from tui_console.account import AccountSession
from tui_console.commands.output import EXIT_OK, confirm, print_json, reports_rate_limits
from tui_console.durations import epoch_seconds
from tui_console.errors import TuiConsoleError
from tui_console.qr import qr_lines
from tui_console.self_service import (
    GUARDIAN_READ_ONLY,
    PASSKEY_NOTE,
    AuthenticationMethod,
    Enrollment,
    GuardianEnrollment,
    MyAccountUnavailable,
    SignInMethods,
    qr_otpauth,
)
from tui_console.terminal_text import printable

__all__ = ["mfa"]


def _shell(method_id: str) -> str:
    """``method_id`` as a shell word: ids carry ``|``, which a shell would read as a pipe."""
    return shlex.quote(method_id)


def _grouped(code: str) -> str:
    """A manual TOTP code in groups of four, easier to read and type (apps ignore spaces)."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def _say(text: str = "") -> None:
    print(text, file=sys.stderr, flush=True)


def _ask(prompt: str) -> None:
    """A prompt on stderr, the answer typed on the same line."""
    print(prompt, end="", file=sys.stderr, flush=True)


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d") if moment is not None else "-"


def _row(
    method_id: str, label: str, detail: str, usage: str, since: Any, last: Any, state: str
) -> str:
    """One line of the methods table, a My Account method or a Guardian enrollment alike:
    id, kind, detail, usage, since, last used, and ``state`` when it is not confirmed."""
    return (
        f"{printable(method_id, one_line=True):<32} {printable(label, one_line=True):<18} "
        f"{printable(detail, one_line=True)[:24]:<24} {usage:<10} "
        f"{_when(since):<10} {_when(last)}{state}"
    )


def _method_row(method: AuthenticationMethod) -> str:
    state = "" if method.confirmed is not False else "  (not verified)"
    usage = ",".join(method.usage)
    return _row(
        method.id, method.label, method.detail, usage, method.created_at, method.last_auth_at, state
    )


def _warn_missing(methods: SignInMethods) -> None:
    if methods.missing_scopes:
        _say(
            "note: the My Account token lacks "
            f"{', '.join(methods.missing_scopes)}; those actions will be refused."
        )


def _finish(args: argparse.Namespace, data: dict[str, Any]) -> int:
    """``data`` on stdout under ``--json`` (exactly the data: the rate-limit report goes to
    stderr through :func:`reports_rate_limits`, as for every command)."""
    if args.json:
        print_json(data)
    return EXIT_OK


@reports_rate_limits
async def mfa(session: AccountSession, args: argparse.Namespace) -> int:
    """Dispatch ``mfa`` and its actions."""
    methods = session.sign_in_methods()
    action = getattr(args, "action", None)
    if action == "add":
        return await _add(session, methods, args)
    if action == "verify":
        method = await methods.verify(args.id, args.code)
        return _done(session, args, method, "Verified")
    if action == "rename":
        method = await methods.rename(args.id, args.name)
        return _done(session, args, method, "Renamed")
    if action == "remove":
        return await _remove(session, methods, args)
    return await _list(session, methods, args)


def _done(
    session: AccountSession, args: argparse.Namespace, method: AuthenticationMethod, verb: str
) -> int:
    if not args.json:
        print(f"{verb} {printable(method.id, one_line=True)} ({method.label}).")
    return _finish(args, {"authentication_method": method.to_json()})


def _guardian_row(enrollment: GuardianEnrollment) -> str:
    state = "" if enrollment.confirmed is not False else "  (not confirmed)"
    e = enrollment
    return _row(e.id, e.label, e.detail, "", e.enrolled_at, e.last_auth, state)


async def _list_guardian(
    methods: SignInMethods, args: argparse.Namespace, unavailable: MyAccountUnavailable
) -> int:
    """The read-only fallback: say why the My Account API is not used, then list the Guardian
    enrollments. When those cannot be read either, the My Account error is the answer."""
    try:
        found = await methods.guardian_enrollments()
    except TuiConsoleError as error:
        _say(f"The read-only fallback failed too: {printable(error.message)}")
        raise unavailable from None
    _say(printable(unavailable.message))
    if unavailable.hint:
        _say(printable(unavailable.hint))
    _say(GUARDIAN_READ_ONLY)
    if not args.json:
        if not found:
            _say("No Guardian enrollments.")
        for enrollment in found:
            print(_guardian_row(enrollment))
    return _finish(
        args,
        {
            "source": "guardian",
            "read_only": True,
            "enrollments": [e.to_json() for e in found],
            "my_account_unavailable": {
                "message": unavailable.message,
                "hint": unavailable.hint,
            },
        },
    )


async def _list(session: AccountSession, methods: SignInMethods, args: argparse.Namespace) -> int:
    try:
        found = await methods.methods()
    except MyAccountUnavailable as unavailable:
        return await _list_guardian(methods, args, unavailable)
    _warn_missing(methods)
    if not args.json:
        if not found:
            _say("No sign-in methods.")
        for method in found:
            print(_method_row(method))
        if any(m.type == "passkey" for m in found):
            _say(PASSKEY_NOTE)
    return _finish(
        args,
        {
            "authentication_methods": [m.to_json() for m in found],
            "missing_scopes": list(methods.missing_scopes),
        },
    )


async def _remove(session: AccountSession, methods: SignInMethods, args: argparse.Namespace) -> int:
    question = f"Remove sign-in method {args.id}?"
    command = f"tui-console mfa remove {_shell(args.id)}"
    if not confirm(question, yes=args.yes, change=f"Removing {args.id}", command=command):
        _say("Nothing was removed.")
        return EXIT_OK
    await methods.remove(args.id)
    if not args.json:
        print(f"Removed {printable(args.id, one_line=True)}.")
    return _finish(args, {"removed": args.id})


async def _add(session: AccountSession, methods: SignInMethods, args: argparse.Namespace) -> int:
    enrollment = await methods.enroll(
        args.kind, name=args.name, email=args.email, phone_number=args.phone
    )
    _warn_missing(methods)
    pending = methods.pending.get(enrollment.id)
    expires = time.strftime("%H:%M", time.localtime(pending.expires_at)) if pending else "soon"
    if args.json or not _interactive():
        _print_pending(enrollment, args, expires)
        until = pending.expires_at if pending else None
        return _finish(args, _pending_json(enrollment, expires_at=until))
    _show_enrollment(enrollment)
    code: str | None = None
    try:
        if enrollment.needs_code:
            prompt = "6-digit code from the app" if enrollment.type == "totp" else "code sent"
            _ask(f"{prompt}: ")
            code = sys.stdin.readline().replace(" ", "").strip()
            if not code:
                raise EOFError
        else:
            _ask("Press Enter once you have stored it (Ctrl-C to decide later): ")
            if not sys.stdin.readline():
                raise EOFError
    except (EOFError, KeyboardInterrupt):
        _say(
            f"\nNot verified yet. The enrollment waits until {expires}: "
            f"tui-console mfa verify {_shell(enrollment.id)}"
            f"{' CODE' if enrollment.needs_code else ''}"
        )
        return EXIT_OK
    method = await methods.verify(enrollment.id, code)
    return _done(session, args, method, "Enrolled")


def _show_enrollment(enrollment: Enrollment) -> None:
    """Narrate an enrollment on a terminal: the QR code and manual code, or the sent code."""
    if enrollment.barcode_uri is not None:
        lines = qr_lines(qr_otpauth(enrollment.barcode_uri.reveal()))
        rows = shutil.get_terminal_size((80, 24)).lines
        needed = len(lines) + 2  # the code, the manual code line, the prompt line
        if needed > rows:
            _say(f"(The QR code needs {needed} lines; enlarge the terminal to scan it.)")
        for line in lines:
            _say(line)
        if enrollment.manual_input_code is not None:
            code = _grouped(printable(enrollment.manual_input_code.reveal(), one_line=True))
            _say(f"Scan it, or type this code into the app: {code}")
    elif enrollment.recovery_code is not None:
        _say("Your recovery code. Store this now (a password manager, or on paper): it is shown")
        _say("only this once and tui-console keeps no copy.")
        print(printable(enrollment.recovery_code.reveal(), one_line=True), flush=True)
    else:
        _say("A one-time code was sent. Check your email or phone.")


def _print_pending(enrollment: Enrollment, args: argparse.Namespace, expires: str) -> None:
    if args.json:
        return
    print(f"id: {enrollment.id}")
    if enrollment.barcode_uri is not None:
        print(f"uri: {enrollment.barcode_uri.reveal()}")
    if enrollment.manual_input_code is not None:
        print(f"manual code: {enrollment.manual_input_code.reveal()}")
    if enrollment.recovery_code is not None:
        _say("Store this recovery code now: it is shown only this once.")
        print(f"recovery code: {enrollment.recovery_code.reveal()}")
    code = " CODE" if enrollment.needs_code else ""
    _say(f"Complete it before {expires}: tui-console mfa verify {_shell(enrollment.id)}{code}")


def _pending_json(enrollment: Enrollment, *, expires_at: float | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": enrollment.id,
        "type": enrollment.type,
        "expires_at": epoch_seconds(expires_at),
        "verify": f"tui-console mfa verify {_shell(enrollment.id)}"
        + (" CODE" if enrollment.needs_code else ""),
    }
    if enrollment.barcode_uri is not None:
        data["barcode_uri"] = enrollment.barcode_uri.reveal()
    if enrollment.manual_input_code is not None:
        data["manual_input_code"] = enrollment.manual_input_code.reveal()
    if enrollment.recovery_code is not None:
        data["recovery_code"] = enrollment.recovery_code.reveal()
        data["warning"] = "Store this recovery code now: it is shown only this once."
    return data
