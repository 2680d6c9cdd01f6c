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
from tui_console.durations import iso_utc, words
from tui_console.errors import UsageError

__all__ = ["inspect"]

_MAX_TOKEN = 64 * 1024
_TIMES = (("iat", "Issued"), ("nbf", "Not before"), ("exp", "Expires"), ("auth_time", "Signed in"))


def _token_text(argument: str | None) -> str:
    if argument not in (None, "-"):
        return argument
    if argument is None and sys.stdin.isatty():
        return getpass.getpass("Paste the token (not shown): ")
    text = sys.stdin.read(_MAX_TOKEN + 1)
    if len(text) > _MAX_TOKEN:
        raise UsageError("The input is larger than any token (64 KiB).")
    return text


def _relative(moment: float, now: float) -> str:
    delta = moment - now
    return f"in {words(delta)}" if delta >= 0 else f"{words(-delta)} ago"


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
            for claim, _ in _TIMES
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
    rows: list[tuple[str, str | None]] = [("Kind", report.what)]
    if report.kind == "jwt":
        kid = report.header.get("kid")
        rows.append(("Algorithm", f"{report.algorithm}" + (f" (key {kid})" if kid else "")))
        rows += [
            ("Issuer", report.issuer),
            ("Subject", report.claims.get("sub")),
            ("Audience", ", ".join(report.audiences)),
            ("Client", report.claims.get("azp") or report.claims.get("client_id")),
            ("Scopes", " ".join(report.scopes)),
        ]
        for claim, label in _TIMES:
            moment = report.time(claim)
            if moment is not None and abs(moment) < 253_402_300_800:
                rows.append((label, f"{iso_utc(moment)} ({_relative(moment, now)})"))
        rows.append(("Session", report.session_id))
        if report.dpop_jkt:
            rows.append(("Bound to", f"the DPoP key with thumbprint {report.dpop_jkt} (cnf.jkt)"))
        else:
            rows.append(("Bound to", "nothing: a bearer token, usable by whoever holds it"))
        rows.append(("Signature", report.signature_detail))
    for label, value in rows:
        if value:
            print(f"{label + ':':<12}{cell(value)}")
    if report.verified:
        print(f"{'Verdict:':<12}verified: signed by the issuer and within its lifetime")
    else:
        reasons = list(report.problems) + [n for n in report.not_checked]
        say(f"{'Verdict:':<12}NOT VERIFIED: {'; '.join(reasons) or report.signature_detail}")
