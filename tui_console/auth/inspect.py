"""Looking inside tokens for the person who supports a user: header, claims, signature verdict.

The token inspector shows what a token says and whether its signature checks out against the
issuer's JWKS. Access tokens for an API are the API's business (Auth0 asks clients to treat
them as opaque, auth0-reference.md §5), so the verdict is information for a human, never an
input to a decision. Opaque tokens (Auth0's ``/userinfo``-only tokens) are reported as such.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tui_console.errors import TuiConsoleError
from tui_console.redact import Secret

if TYPE_CHECKING:
    from tui_console.auth.jwks import JwksCache

__all__ = [
    "SignatureStatus",
    "TokenView",
    "check_signature",
    "inspect_token",
    "signature_status",
]


@dataclass(frozen=True)
class TokenView:
    """A token's decoded parts (``opaque`` when it is not a JWT)."""

    opaque: bool
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)


def _segment(text: str) -> dict[str, Any]:
    value = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def inspect_token(token: Secret) -> TokenView:
    """The header and claims of ``token`` **unverified**, for display only."""
    parts = token.reveal().split(".")
    if len(parts) != 3:
        return TokenView(opaque=True)
    try:
        return TokenView(opaque=False, header=_segment(parts[0]), claims=_segment(parts[1]))
    except ValueError:
        return TokenView(opaque=True)


SignatureStatus = Literal["valid", "invalid", "not checked"]
"""What a signature check found: it matches the issuer's key, it does not, or it could not
be checked (opaque token, an algorithm that is never verified, no such key)."""


async def signature_status(
    token: Secret, jwks: JwksCache, *, algorithms: tuple[str, ...] = ("RS256", "PS256")
) -> tuple[SignatureStatus, str]:
    """The signature's status and a sentence on it (never raises for bad tokens).

    Only asymmetric ``algorithms`` are tried: ``none`` is no signature, and an ``HS*`` token
    claims a shared secret the issuer's public keys cannot check (a public key used as the
    HMAC secret is a known forgery, so it is never tried).
    """
    import jwt  # deferred (with cryptography, ~35 ms): the console opens without a check

    view = inspect_token(token)
    if view.opaque:
        return "not checked", "opaque token: nothing to verify (only the issuer can read it)"
    algorithm = view.header.get("alg")
    if algorithm not in algorithms:
        return "not checked", f"not verified: algorithm {algorithm!r} is not accepted"
    kid = view.header.get("kid")
    try:
        key = await jwks.signing_key(kid if isinstance(kid, str) else None)
        jwt.decode(
            token.reveal(),
            key.key,
            algorithms=[algorithm],
            options={"verify_aud": False, "verify_exp": False, "verify_iat": False},
        )
    except TuiConsoleError as exc:
        return "not checked", f"not verified: {exc.message}"
    except jwt.InvalidSignatureError:
        return "invalid", "INVALID: the signature does not match the issuer's key"
    except jwt.PyJWTError as exc:
        return "invalid", f"INVALID: {type(exc).__name__}"
    return "valid", f"valid: signed with the issuer's key {kid}"


async def check_signature(token: Secret, jwks: JwksCache) -> str:
    """A sentence on the signature: valid for key X, or why not (never raises for bad tokens)."""
    return (await signature_status(token, jwks))[1]
