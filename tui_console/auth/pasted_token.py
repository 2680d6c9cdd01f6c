"""A token someone pasted (a support ticket, a log, a colleague): what it says, and what of
that could be checked.

Decoding is for reading only (:func:`~tui_console.auth.inspect.inspect_token`). The signature
is checked against the issuer's published keys only when the person already trusts that
issuer: it is a saved profile's, or they said so (``--trust-issuer``). A token names its own
``iss``, so fetching keys from whatever it names would let a forger pick the keys it is
checked against, and would announce to that host that the token was looked at. ``alg: none``
and ``HS*`` are never verified (RFC 8725 §2.1, §3.1: a shared-secret algorithm against a
public key is a known forgery). Time claims are read against ``now``: a well-signed token
that has expired is not a valid one.

The token itself never leaves this module: it is not stored, logged, sent anywhere (only the
issuer's discovery document and key set are fetched, on a client without the call log) or
put in an error; :class:`TokenReport` holds the decoded parts, never the raw text.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from tui_console.auth.discovery import discover
from tui_console.auth.inspect import SignatureStatus, inspect_token, signature_status
from tui_console.auth.jwks import JwksCache
from tui_console.errors import TuiConsoleError
from tui_console.redact import Secret

__all__ = ["TokenReport", "inspect_pasted_token", "read_token"]

#: Algorithms an Auth0 tenant signs with, the only ones a pasted token is verified for.
_VERIFIABLE = ("RS256", "PS256")
_CLOCK_SKEW = 60


def _number(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else None


def _audiences(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(a for a in value if isinstance(a, str))
    return ()


def _scopes(claims: Mapping[str, Any]) -> tuple[str, ...]:
    """``scope`` (one string, RFC 9068 §2.2.3) or, failing that, Auth0's ``permissions``."""
    scope = claims.get("scope")
    if isinstance(scope, str):
        return tuple(scope.split())
    permissions = claims.get("permissions")
    if isinstance(permissions, list):
        return tuple(p for p in permissions if isinstance(p, str))
    return ()


@dataclass(frozen=True)
class TokenReport:
    """What a pasted token says and what was checked; never the token itself."""

    kind: Literal["jwt", "opaque"]
    header: Mapping[str, Any] = field(default_factory=dict)
    claims: Mapping[str, Any] = field(default_factory=dict)
    signature: SignatureStatus = "not checked"
    signature_detail: str = ""
    problems: tuple[str, ...] = ()
    """What makes the token not valid now (expired, not yet valid), besides the signature."""
    not_checked: tuple[str, ...] = ()
    """What could not be checked, in words."""

    @property
    def verified(self) -> bool:
        """The issuer's key signed it and it is within its lifetime."""
        return self.signature == "valid" and not self.problems

    @property
    def algorithm(self) -> str | None:
        alg = self.header.get("alg")
        return alg if isinstance(alg, str) else None

    @property
    def issuer(self) -> str | None:
        iss = self.claims.get("iss")
        return iss if isinstance(iss, str) else None

    @property
    def audiences(self) -> tuple[str, ...]:
        return _audiences(self.claims.get("aud"))

    @property
    def scopes(self) -> tuple[str, ...]:
        return _scopes(self.claims)

    @property
    def what(self) -> str:
        """ "ID token", "access token" or "machine access token", as the claims suggest."""
        if self.kind == "opaque":
            return "opaque token"
        if self.claims.get("gty") == "client-credentials":
            return "machine access token (client credentials)"
        if "nonce" in self.claims or ("email" in self.claims and "scope" not in self.claims):
            return "ID token"
        return "access token"

    def time(self, claim: str) -> float | None:
        """``iat``, ``exp``, ``nbf`` or ``auth_time`` as epoch seconds, if a number."""
        return _number(self.claims.get(claim))

    @property
    def dpop_jkt(self) -> str | None:
        """``cnf.jkt``: the DPoP key the token is bound to (RFC 9449 §6.1)."""
        cnf = self.claims.get("cnf")
        jkt = cnf.get("jkt") if isinstance(cnf, dict) else None
        return jkt if isinstance(jkt, str) else None

    @property
    def session_id(self) -> str | None:
        sid = self.claims.get("sid")
        return sid if isinstance(sid, str) else None


def read_token(text: str) -> Secret:
    """The token in pasted text: whitespace around it and a ``Bearer``/``DPoP`` prefix dropped."""
    token = text.strip()
    scheme, _, rest = token.partition(" ")
    if scheme.lower() in ("bearer", "dpop") and rest.strip():
        token = rest.strip()
    return Secret(token)


def _time_problems(report: TokenReport, now: float) -> tuple[str, ...]:
    problems = []
    expires, not_before = report.time("exp"), report.time("nbf")
    if expires is not None and expires + _CLOCK_SKEW < now:
        problems.append("it has expired")
    if not_before is not None and not_before - _CLOCK_SKEW > now:
        problems.append("it is not valid yet (nbf is in the future)")
    return tuple(problems)


async def inspect_pasted_token(
    token: Secret,
    *,
    trusted_issuers: Collection[str],
    trust_issuer: bool = False,
    http: httpx.AsyncClient | None = None,
    now: Callable[[], float] = time.time,
) -> TokenReport:
    """Decode ``token`` and verify what can be verified (see the module docstring).

    ``trusted_issuers`` are the saved profiles' issuers; ``trust_issuer`` trusts the token's
    own ``iss`` for this once. Network trouble fetching the keys is reported as "not
    checked", never raised: reading the token still works offline.
    """
    view = inspect_token(token)
    if view.opaque:
        return TokenReport(
            kind="opaque",
            not_checked=(
                "An opaque token can be read only by its issuer: nothing in it could be "
                "decoded or checked here.",
            ),
        )
    report = TokenReport(kind="jwt", header=view.header, claims=view.claims)
    problems = _time_problems(report, now())
    algorithm, issuer = report.algorithm, report.issuer
    if algorithm is None or algorithm.lower() == "none":
        return _unverified(report, problems, "alg none: the token is not signed at all")
    if algorithm.upper().startswith("HS"):
        return _unverified(
            report,
            problems,
            f"{algorithm} is a shared-secret signature: only the holder of the secret can "
            "check it, and Auth0's public keys never sign it (a token signed with a public key "
            "as the HMAC secret is a known forgery)",
        )
    if algorithm not in _VERIFIABLE:
        return _unverified(report, problems, f"{algorithm} is not an algorithm Auth0 signs with")
    if issuer is None:
        return _unverified(report, problems, "the token names no issuer (iss)")
    if issuer not in trusted_issuers and not trust_issuer:
        return _unverified(
            report,
            problems,
            f"the issuer {issuer} is not one of your saved profiles', so its keys were not "
            "fetched (add --trust-issuer to fetch them if you trust it)",
        )
    status, detail = await _check_with_issuer(token, issuer, http)
    not_checked = () if status != "not checked" else (f"the signature: {detail}",)
    return TokenReport(
        kind="jwt",
        header=view.header,
        claims=view.claims,
        signature=status,
        signature_detail=detail,
        problems=problems,
        not_checked=not_checked,
    )


def _unverified(report: TokenReport, problems: tuple[str, ...], why: str) -> TokenReport:
    return TokenReport(
        kind="jwt",
        header=report.header,
        claims=report.claims,
        signature="not checked",
        signature_detail=f"not verified: {why}",
        problems=problems,
        not_checked=(f"the signature: {why}",),
    )


async def _check_with_issuer(
    token: Secret, issuer: str, http: httpx.AsyncClient | None
) -> tuple[SignatureStatus, str]:
    """The signature against ``issuer``'s published keys (discovery, then its JWKS)."""
    client = http or httpx.AsyncClient(timeout=httpx.Timeout(10.0), follow_redirects=False)
    try:
        metadata = await discover(client, issuer)
        return await signature_status(
            token, JwksCache(client, metadata.jwks_uri), algorithms=_VERIFIABLE
        )
    except TuiConsoleError as error:
        return (
            "not checked",
            f"not verified: the issuer's keys could not be fetched ({error.message})",
        )
    finally:
        if http is None:
            await client.aclose()
