"""DPoP proofs for the dev-tenant tests, made with pyjwt and cryptography only.

Like :mod:`tests.devtenant.flows`, nothing here imports ``tui_console.auth``: the tenant's
checks are tested against proofs written independently of the client's.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def ath(access_token: str) -> str:
    return b64url(hashlib.sha256(access_token.encode("ascii")).digest())


class ProofKey:
    """A key pair that signs DPoP proofs with ``alg`` (ES256, RS256 or PS256)."""

    def __init__(self, alg: str = "ES256") -> None:
        self.alg = alg
        if alg == "ES256":
            self.private_key: Any = ec.generate_private_key(ec.SECP256R1())
            jwk_text = jwt.algorithms.ECAlgorithm.to_jwk(self.private_key.public_key())
            members: tuple[str, ...] = ("crv", "kty", "x", "y")
        else:
            self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            jwk_text = jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key())
            members = ("e", "kty", "n")
        self.jwk: dict[str, Any] = json.loads(jwk_text)
        canonical = json.dumps({m: self.jwk[m] for m in members}, separators=(",", ":"))
        self.thumbprint = b64url(hashlib.sha256(canonical.encode()).digest())

    def proof(
        self,
        method: str,
        url: str,
        *,
        nonce: str | None = None,
        access_token: str | None = None,
        iat: float | None = None,
        claims: dict[str, Any] | None = None,
        header: dict[str, Any] | None = None,
        signer: ProofKey | None = None,
        drop: tuple[str, ...] = (),
    ) -> str:
        """A proof for ``method url``; ``claims``/``header`` override, ``drop`` removes claims,
        ``signer`` signs with another key than the one in the header."""
        body: dict[str, Any] = {
            "jti": secrets.token_urlsafe(12),
            "htm": method,
            "htu": url,
            "iat": int(iat if iat is not None else time.time()),
        }
        if nonce is not None:
            body["nonce"] = nonce
        if access_token is not None:
            body["ath"] = ath(access_token)
        body.update(claims or {})
        for name in drop:
            body.pop(name, None)
        headers = {"typ": "dpop+jwt", "jwk": self.jwk, **(header or {})}
        key = (signer or self).private_key
        return jwt.encode(body, key, algorithm=(header or {}).get("alg", self.alg), headers=headers)
