"""Proof Key for Code Exchange (RFC 7636) and the other one-time values of a sign-in.

A sign-in through the browser carries three random values: the PKCE verifier (kept here,
its S256 challenge goes to ``/authorize``; RFC 7636 §4.1-§4.2), ``state`` (binds the
redirect to the sign-in that started it; RFC 6749 §10.12) and ``nonce`` (binds the ID token
to it; OIDC Core §3.1.2.1). All come from :mod:`secrets`.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass

from tui_console.redact import Secret

__all__ = ["PkcePair", "new_nonce", "new_pkce", "new_state", "s256_challenge"]

# RFC 7636 §4.1: code-verifier = 43*128unreserved (ALPHA / DIGIT / "-" / "." / "_" / "~")
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


@dataclass(frozen=True)
class PkcePair:
    """A PKCE verifier (secret until the code exchange) and the challenge derived from it."""

    verifier: Secret
    challenge: str
    method: str = "S256"


def s256_challenge(verifier: str) -> str:
    """``BASE64URL(SHA256(verifier))`` without padding (RFC 7636 §4.2).

    Refuses a verifier outside the RFC's alphabet or length, because the server would
    reject the exchange much later with a far less helpful message.
    """
    if not _VERIFIER.fullmatch(verifier):
        raise ValueError(
            "A PKCE verifier is 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)."
        )
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_pkce() -> PkcePair:
    """A fresh S256 pair: 64 random bytes give an 86-character verifier (RFC 7636 §7.1)."""
    verifier = secrets.token_urlsafe(64)
    return PkcePair(verifier=Secret(verifier), challenge=s256_challenge(verifier))


def new_state() -> str:
    """An unguessable ``state`` (256 bits) to tie the redirect to this sign-in."""
    return secrets.token_urlsafe(32)


def new_nonce() -> str:
    """An unguessable ``nonce`` (256 bits) to tie the ID token to this sign-in."""
    return secrets.token_urlsafe(32)
