"""Test doubles shared by the auth tests: an issuer, a sleeper and a signing key (the clock is
:class:`tests.clocks.Clock`)."""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import urllib.parse
from collections.abc import Callable
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.clocks import Clock
from tui_console.auth.discovery import ServerMetadata

ISSUER = "https://tenant.example/"
CLIENT_ID = "client-123"
AUDIENCE = "https://tenant.example/api/v2/"
KID = "key-1"
NOW = 1_900_000_000.0

METADATA = ServerMetadata(
    issuer=ISSUER,
    authorization_endpoint="https://tenant.example/authorize",
    token_endpoint="https://tenant.example/oauth/token",
    jwks_uri="https://tenant.example/.well-known/jwks.json",
    device_authorization_endpoint="https://tenant.example/oauth/device/code",
    userinfo_endpoint="https://tenant.example/userinfo",
    revocation_endpoint="https://tenant.example/oauth/revoke",
)


class FakeSleep:
    """``asyncio.sleep`` stand-in: advances ``clock`` at once and records each duration."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.clock.now += seconds
        await asyncio.sleep(0)  # a real suspension point, so cancellation can land here


def form(request: httpx.Request) -> dict[str, str]:
    """The form fields of a urlencoded request body (each field once)."""
    return dict(urllib.parse.parse_qsl(request.content.decode(), keep_blank_values=True))


def json_response(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


@functools.cache
def rsa_key(index: int = 0) -> rsa.RSAPrivateKey:
    """An RSA key per ``index``, generated once per test session."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str | None = KID, **extra: str) -> dict[str, Any]:
    """The public half of ``key`` as a JWK (RFC 7517), as an issuer publishes it."""
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    if kid is not None:
        jwk["kid"] = kid
    jwk.update(extra)
    return jwk


def jwks_handler(
    *jwks: dict[str, Any], calls: list[httpx.Request] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    """A MockTransport handler serving ``{"keys": jwks}`` and recording each request."""

    def handle(request: httpx.Request) -> httpx.Response:
        if calls is not None:
            calls.append(request)
        return httpx.Response(200, json={"keys": list(jwks)})

    return handle


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def id_token_claims(**overrides: Any) -> dict[str, Any]:
    """Valid ID token claims for ``CLIENT_ID`` at ``NOW``; ``None`` overrides drop a claim."""
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "auth0|user-1",
        "aud": CLIENT_ID,
        "iat": int(NOW) - 10,
        "exp": int(NOW) + 36000,
        "nonce": "nonce-1",
        "name": "Ada",
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def mint(
    claims: dict[str, Any],
    *,
    key: rsa.RSAPrivateKey | None = None,
    alg: str = "RS256",
    kid: str | None = KID,
) -> str:
    """A JWT signed the way an issuer would (``key`` defaults to the published one)."""
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(claims, key or rsa_key(), algorithm=alg, headers=headers)
