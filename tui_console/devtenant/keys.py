"""The tenant's RSA signing key and its JWKS document.

Auth0 signs ID tokens and API access tokens with RS256 and publishes the public half at
``/.well-known/jwks.json``, each key named by ``kid`` (auth0-reference.md §5 [E4]; recorded
token headers are ``{"alg": "RS256", "typ": "JWT", "kid": ...}``, NOTES.md §8). Clients cache
the set by ``kid`` and refetch on an unknown one, so the ``kid`` here is stable for a key: the
RFC 7638 thumbprint. A key is generated at start, or loaded from a saved state file so tokens
issued in an earlier run still verify.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["SigningKey"]


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    """An RSA-2048 private key with its ``kid``; signs RS256 JWTs."""

    private_key: rsa.RSAPrivateKey
    kid: str

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh 2048-bit key (about 50 ms)."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(private_key=key, kid=_thumbprint(key))

    @classmethod
    def from_pem(cls, pem: str) -> SigningKey:
        """The key saved by :meth:`to_pem`; the ``kid`` is recomputed, so it cannot drift."""
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("the saved signing key is not an RSA key")
        return cls(private_key=key, kid=_thumbprint(key))

    def to_pem(self) -> str:
        """PKCS#8 PEM, unencrypted: the dev tenant's state file is a local, throwaway secret."""
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")

    def public_jwk(self) -> dict[str, str]:
        """The public key as a JWK, with the members Auth0 publishes for verification."""
        numbers = self.private_key.public_key().public_numbers()
        return {
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": _b64url_uint(numbers.n),
            "e": _b64url_uint(numbers.e),
        }

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The document served at ``/.well-known/jwks.json``."""
        return {"keys": [self.public_jwk()]}

    def sign(self, claims: dict[str, Any]) -> str:
        """``claims`` as a compact RS256 JWT with header ``{alg, typ: JWT, kid}``."""
        return jwt.encode(
            claims, self.private_key, algorithm="RS256", headers={"typ": "JWT", "kid": self.kid}
        )

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of ``token`` if this key signed it (no time or audience checks here).

        Raises :class:`jwt.PyJWTError` otherwise. Callers check ``exp``, ``iss`` and ``aud``
        against the tenant's own clock so tests can move time forward.
        """
        claims: dict[str, Any] = jwt.decode(
            token,
            self.private_key.public_key(),
            algorithms=["RS256"],
            options={"verify_exp": False, "verify_aud": False, "verify_iat": False},
        )
        return claims


def _thumbprint(key: rsa.RSAPrivateKey) -> str:
    """RFC 7638 SHA-256 JWK thumbprint, base64url: a stable ``kid`` for the key."""
    numbers = key.public_key().public_numbers()
    canonical = json.dumps(
        {"e": _b64url_uint(numbers.e), "kty": "RSA", "n": _b64url_uint(numbers.n)},
        separators=(",", ":"),
        sort_keys=True,
    )
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
