"""The DPoP key pair and the proofs it signs (RFC 9449 §4.2), apart from the rest of DPoP.

A proof's header is ``typ: dpop+jwt``, ``alg: ES256`` and the public ``jwk``; its claims are
``jti``, ``htm``, ``htu`` (the target URI without query and fragment), ``iat``, plus ``ath``
(the access token's SHA-256, base64url) on resource calls and ``nonce`` once the server
demanded one.

Its own module because it is the only part of DPoP that needs cryptography and pyjwt (about
45 ms of imports here, ``python -X importtime``): the nonce rules, the error codes and the
``httpx.Auth`` in :mod:`tui_console.auth.dpop` are on every request's path, a key only on a
DPoP profile's. So a console whose tokens are plain bearer tokens sends ``/userinfo`` without
importing either.
"""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import Mapping
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from tui_console.auth.dpop import (
    ALGORITHM,
    PROOF_TYPE,
    access_token_hash,
    b64url,
    jwk_thumbprint,
    proof_target,
)
from tui_console.redact import Secret

__all__ = ["DPoPKey"]

_P256_BYTES = 32


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class DPoPKey:
    """An ES256 (P-256) key pair that signs DPoP proofs.

    The private half leaves this object only through :meth:`private_jwk`, for the key file;
    ``repr`` shows the thumbprint alone.
    """

    algorithm = ALGORITHM

    def __init__(self, private_key: ec.EllipticCurvePrivateKey) -> None:
        if not isinstance(private_key.curve, ec.SECP256R1):
            raise ValueError("a DPoP key for ES256 must be on the P-256 curve")
        self._private_key = private_key
        numbers = private_key.public_key().public_numbers()
        self._public_jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(_P256_BYTES, "big")),
            "y": b64url(numbers.y.to_bytes(_P256_BYTES, "big")),
        }
        self._thumbprint = jwk_thumbprint(self._public_jwk)

    @classmethod
    def generate(cls) -> DPoPKey:
        """A fresh key pair (well under a millisecond)."""
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def from_jwk(cls, data: Mapping[str, Any]) -> DPoPKey:
        """The key saved by :meth:`private_jwk`; ``ValueError`` when it is not one."""
        if data.get("kty") != "EC" or data.get("crv") != "P-256":
            raise ValueError("not a P-256 EC private JWK")
        try:
            d, x, y = (int.from_bytes(_b64url_decode(str(data[m])), "big") for m in "dxy")
            public = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1())
            key = ec.EllipticCurvePrivateNumbers(d, public).private_key()
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError("the JWK does not hold a valid P-256 private key") from exc
        return cls(key)

    def private_jwk(self) -> dict[str, str]:
        """The key pair as a private JWK (RFC 7518 §6.2.2), for the 0600 key file only."""
        d = self._private_key.private_numbers().private_value
        return {**self._public_jwk, "d": b64url(d.to_bytes(_P256_BYTES, "big"))}

    @property
    def public_jwk(self) -> dict[str, str]:
        """The public half as a JWK: what every proof carries in its header."""
        return dict(self._public_jwk)

    @property
    def thumbprint(self) -> str:
        """The RFC 7638 thumbprint: ``dpop_jkt`` at ``/authorize``, ``cnf.jkt`` in tokens."""
        return self._thumbprint

    def __repr__(self) -> str:
        return f"DPoPKey(jkt={self._thumbprint!r})"

    def proof(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        access_token: str | Secret | None = None,
        nonce: str | None = None,
        now: float | None = None,
    ) -> str:
        """A signed DPoP proof for one request (RFC 9449 §4.2).

        ``access_token`` adds ``ath`` (resource calls); ``nonce`` is the server's latest
        ``DPoP-Nonce``. A fresh random ``jti`` every time: servers refuse a replayed proof.
        """
        claims: dict[str, Any] = {
            "jti": secrets.token_urlsafe(16),
            "htm": method.upper(),
            "htu": proof_target(url),
            "iat": int(now if now is not None else time.time()),
        }
        if access_token is not None:
            claims["ath"] = access_token_hash(access_token)
        if nonce is not None:
            claims["nonce"] = nonce
        return jwt.encode(
            claims,
            self._private_key,
            algorithm=ALGORITHM,
            headers={"typ": PROOF_TYPE, "jwk": self.public_jwk},
        )
