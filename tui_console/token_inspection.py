"""A pasted token, for everyone: what it says, in words, and what of it could be verified.

The facade both consoles' inspect screen and ``tui-console inspect`` use (issue 11 §4): it
reads the token (:mod:`tui_console.auth.pasted_token`), fetches the issuer's keys only for a
saved profile's issuer or when the person trusts the token's own, and words the report as
rows and a verdict. The token is never stored, logged or sent; the report holds its decoded
parts, never the raw text.
"""

from __future__ import annotations

from tui_console.auth.pasted_token import TokenReport, inspect_pasted_token, read_token
from tui_console.config import load_profiles
from tui_console.durations import iso_utc, words
from tui_console.errors import UsageError
from tui_console.redact import Secret

__all__ = [
    "TOKEN_TIMES",
    "TokenReport",
    "inspect_pasted",
    "issuer_needs_trust",
    "saved_issuers",
    "token_rows",
    "token_verdict",
]

#: The time claims of a token, and their names in words.
TOKEN_TIMES: tuple[tuple[str, str], ...] = (
    ("iat", "Issued"),
    ("nbf", "Not before"),
    ("exp", "Expires"),
    ("auth_time", "Signed in"),
)
_LAST_REPRESENTABLE = 253_402_300_800  # 10000-01-01: later "times" are not dates


def saved_issuers() -> frozenset[str]:
    """The issuers of the saved profiles: the ones a pasted token's keys may be fetched from."""
    profiles, _ = load_profiles()
    return frozenset(p.issuer for p in profiles.values())


async def inspect_pasted(pasted: Secret, *, trust_issuer: bool = False) -> TokenReport:
    """Read a pasted token (``Bearer``/``DPoP`` prefix and whitespace dropped) and verify what
    can be verified: the issuer's keys are fetched only for a saved profile's issuer, or when
    ``trust_issuer`` (the person confirmed the token's own). Never stored, logged or sent."""
    token = read_token(pasted.reveal())
    if not token:
        raise UsageError("No token was given.", hint="Paste an ID token or an access token.")
    return await inspect_pasted_token(
        token, trusted_issuers=saved_issuers(), trust_issuer=trust_issuer
    )


def issuer_needs_trust(report: TokenReport) -> bool:
    """Whether the signature could be checked if the person trusted the token's issuer: a
    signed token from an issuer no saved profile names, with an algorithm Auth0 signs with."""
    return (
        report.kind == "jwt"
        and report.signature == "not checked"
        and report.issuer is not None
        and report.issuer not in saved_issuers()
        and report.algorithm in ("RS256", "PS256")
    )


def _relative(moment: float, now: float) -> str:
    delta = moment - now
    return f"in {words(delta)}" if delta >= 0 else f"{words(-delta)} ago"


def token_rows(report: TokenReport, now: float) -> list[tuple[str, str]]:
    """What a pasted token says, as ``(label, value)`` rows in words (values untrusted text).

    Shared by ``tui-console inspect`` and the console's inspect screen; rows without a value
    are left out.
    """
    rows: list[tuple[str, str | None]] = [("Kind", report.what)]
    if report.kind == "jwt":
        kid = report.header.get("kid")
        rows.append(("Algorithm", f"{report.algorithm}" + (f" (key {kid})" if kid else "")))
        subject, client = report.claims.get("sub"), report.claims.get("azp")
        rows += [
            ("Issuer", report.issuer),
            ("Subject", str(subject) if subject is not None else None),
            ("Audience", ", ".join(report.audiences)),
            ("Client", str(client or report.claims.get("client_id") or "") or None),
            ("Scopes", " ".join(report.scopes)),
        ]
        for claim, label in TOKEN_TIMES:
            moment = report.time(claim)
            if moment is not None and abs(moment) < _LAST_REPRESENTABLE:
                rows.append((label, f"{iso_utc(moment)} ({_relative(moment, now)})"))
        rows.append(("Session", report.session_id))
        if report.dpop_jkt:
            rows.append(("Bound to", f"the DPoP key with thumbprint {report.dpop_jkt} (cnf.jkt)"))
        else:
            rows.append(("Bound to", "nothing: a bearer token, usable by whoever holds it"))
        rows.append(("Signature", report.signature_detail))
    return [(label, value) for label, value in rows if value]


def token_verdict(report: TokenReport) -> str:
    """``verified: …`` or ``NOT VERIFIED: why``."""
    if report.verified:
        return "verified: signed by the issuer and within its lifetime"
    reasons = [*report.problems, *report.not_checked]
    return f"NOT VERIFIED: {'; '.join(reasons) or report.signature_detail}"
