"""``tui-console inspect [TOKEN|-] [--json]``: read any token, say what could be checked.

For everyone, not only support: the token comes as an argument, or on stdin when the argument
is ``-`` or absent and stdin is not a terminal (on a terminal it is asked for without echo).
It is never printed back, stored, logged or sent: only its decoded header and claims are
shown (:mod:`tui_console.auth.pasted_token`). The signature is checked against the issuer's
keys only for a saved profile's issuer or with ``--trust-issuer``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from typing import Any

from tui_console.auth.pasted_token import TokenReport, inspect_pasted_token, read_token
from tui_console.commands.output import EXIT_OK, cell, print_json, say
from tui_console.config import load_profiles
from tui_console.durations import iso_utc
from tui_console.errors import UsageError
from tui_console.token_inspection import TOKEN_TIMES, token_rows, token_verdict

__all__ = ["inspect"]

_MAX_TOKEN = 64 * 1024


def _token_text(argument: str | None) -> str:
    if argument not in (None, "-"):
        return argument
    if argument is None and sys.stdin.isatty():
        return getpass.getpass("Paste the token (not shown): ")
    text = sys.stdin.read(_MAX_TOKEN + 1)
    if len(text) > _MAX_TOKEN:
        raise UsageError("The input is larger than any token (64 KiB).")
    return text


async def inspect(args: argparse.Namespace) -> int:
    token = read_token(_token_text(args.token))
    if not token:
        raise UsageError(
            "No token was given.",
            hint="Pass it as an argument, or pipe it: ... | tui-console inspect",
        )
    profiles, _ = load_profiles()
    report = await inspect_pasted_token(
        token,
        trusted_issuers={p.issuer for p in profiles.values()},
        trust_issuer=args.trust_issuer,
    )
    now = time.time()
    if args.json:
        print_json(_as_json(report, now))
    else:
        _print(report, now)
    return EXIT_OK


def _as_json(report: TokenReport, now: float) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "what": report.what,
        "header": dict(report.header),
        "claims": dict(report.claims),
        "times": {
            claim: iso_utc(moment)
            for claim, _ in TOKEN_TIMES
            if (moment := report.time(claim)) is not None and abs(moment) < 253_402_300_800
        },
        "audiences": list(report.audiences),
        "scopes": list(report.scopes),
        "dpop_jkt": report.dpop_jkt,
        "sid": report.session_id,
        "signature": report.signature,
        "signature_detail": report.signature_detail,
        "problems": list(report.problems),
        "not_checked": list(report.not_checked),
        "verified": report.verified,
    }


def _print(report: TokenReport, now: float) -> None:
    for label, value in token_rows(report, now):
        print(f"{label + ':':<12}{cell(value)}")
    verdict = token_verdict(report)
    if report.verified:
        print(f"{'Verdict:':<12}{verdict}")
    else:
        say(f"{'Verdict:':<12}{verdict}")
