"""ID token validation: one genuine token accepted, every forgery refused by name.

The issuer's key is a real RSA key; its public half is served as a JWKS through
``httpx.MockTransport``. Forged tokens are built by hand where pyjwt would refuse to make them.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.clocks import Clock
from tui_console.auth.id_token import IdTokenValidator, unverified_claims
from tui_console.auth.jwks import JwksCache
from tui_console.errors import TokenValidationError
from tui_console.redact import Secret

from .fakes import (
    CLIENT_ID,
    ISSUER,
    KID,
    METADATA,
    NOW,
    b64url,
    id_token_claims,
    jwks_handler,
    mint,
    public_jwk,
    rsa_key,
)


def make_validator(client: httpx.AsyncClient) -> IdTokenValidator:
    return IdTokenValidator(
        issuer=ISSUER,
        client_id=CLIENT_ID,
        jwks=JwksCache(client, METADATA.jwks_uri),
        clock=Clock(NOW),
    )


def jwks_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(jwks_handler(public_jwk(rsa_key()))))


@pytest.fixture
async def validator() -> AsyncIterator[IdTokenValidator]:
    async with jwks_client() as client:
        yield make_validator(client)


def unsigned(header: dict[str, Any], claims: dict[str, Any]) -> tuple[str, bytes]:
    """``header.payload`` of a hand-made JWT, and the bytes a signature would cover."""
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    return signing_input, signing_input.encode()


def alg_none(alg: str = "none") -> str:
    signing_input, _ = unsigned({"alg": alg, "typ": "JWT", "kid": KID}, id_token_claims())
    return signing_input + "."


def hs256_with_the_public_key() -> str:
    """The classic confusion attack: HMAC keyed with the issuer's public key PEM."""
    pem = (
        rsa_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    signing_input, data = unsigned({"alg": "HS256", "typ": "JWT", "kid": KID}, id_token_claims())
    return signing_input + "." + b64url(hmac.new(pem, data, hashlib.sha256).digest())


def tampered() -> str:
    """A genuine token whose payload was swapped for another subject's."""
    header, _, signature = mint(id_token_claims()).split(".")
    payload = b64url(json.dumps(id_token_claims(sub="auth0|someone-else")).encode())
    return f"{header}.{payload}.{signature}"


def cut_short() -> str:
    """A genuine token whose signature lost its last bytes (still valid base64url)."""
    signing_input, _, signature = mint(id_token_claims()).rpartition(".")
    raw = base64.urlsafe_b64decode(signature + "==")
    return f"{signing_input}.{b64url(raw[:-3])}"


async def test_a_genuine_token_is_accepted(validator: IdTokenValidator) -> None:
    """Signature, issuer, audience, times and nonce all check out: the claims come back."""
    claims = await validator.validate(Secret(mint(id_token_claims())), nonce="nonce-1")
    assert claims["sub"] == "auth0|user-1"
    assert claims["name"] == "Ada"


@pytest.mark.parametrize(
    "claims",
    [
        id_token_claims(nonce=None),  # no nonce was sent (device flow): none is needed
        id_token_claims(aud=[CLIENT_ID, "https://tenant.example/userinfo"], azp=CLIENT_ID),
        id_token_claims(exp=int(NOW) - 59),  # within the 60 s leeway
        id_token_claims(iat=int(NOW) + 59),
        id_token_claims(nbf=int(NOW) + 59),
    ],
)
async def test_edge_cases_that_are_fine(
    validator: IdTokenValidator, claims: dict[str, Any]
) -> None:
    """Leeway absorbs small skew; several audiences are fine with the right azp."""
    await validator.validate(Secret(mint(claims)))


async def test_a_nonce_in_the_token_is_fine_when_none_was_sent(validator: IdTokenValidator) -> None:
    """The device flow sends no nonce; a token carrying one is not refused for it."""
    await validator.validate(Secret(mint(id_token_claims(nonce="whatever"))), nonce=None)


async def test_ps256_is_accepted(validator: IdTokenValidator) -> None:
    """RSA-PSS is on the default allow-list."""
    await validator.validate(Secret(mint(id_token_claims(), alg="PS256")), nonce="nonce-1")


FORGERIES = {
    "alg none": (lambda: alg_none(), "alg"),
    "alg None": (lambda: alg_none("None"), "alg"),
    "HS256 keyed with the public key": (hs256_with_the_public_key, "alg"),
    "an algorithm outside the list": (lambda: mint(id_token_claims(), alg="RS512"), "alg"),
    "wrong issuer": (lambda: mint(id_token_claims(iss="https://evil.example/")), "iss"),
    "issuer without its slash": (lambda: mint(id_token_claims(iss=ISSUER.rstrip("/"))), "iss"),
    "wrong audience": (lambda: mint(id_token_claims(aud="another-client")), "aud"),
    "audience list without us": (lambda: mint(id_token_claims(aud=["a", "b"], azp="a")), "aud"),
    "several audiences, no azp": (lambda: mint(id_token_claims(aud=[CLIENT_ID, "x"])), "azp"),
    "wrong azp": (lambda: mint(id_token_claims(azp="another-client")), "azp"),
    "wrong nonce": (lambda: mint(id_token_claims(nonce="replayed")), "nonce"),
    "missing nonce": (lambda: mint(id_token_claims(nonce=None)), "nonce"),
    "expired": (lambda: mint(id_token_claims(exp=int(NOW) - 61)), "exp"),
    "no exp": (lambda: mint(id_token_claims(exp=None)), "exp"),
    "exp not a number": (lambda: mint(id_token_claims(exp="tomorrow")), "exp"),
    "issued in the future": (lambda: mint(id_token_claims(iat=int(NOW) + 3600)), "iat"),
    "no iat": (lambda: mint(id_token_claims(iat=None)), "iat"),
    "not valid yet": (lambda: mint(id_token_claims(nbf=int(NOW) + 3600)), "nbf"),
    "no subject": (lambda: mint(id_token_claims(sub=None)), "sub"),
    "unknown kid": (lambda: mint(id_token_claims(), kid="someone-elses-key"), "kid"),
    "signed by another key": (lambda: mint(id_token_claims(), key=rsa_key(1)), "signature"),
    "tampered payload": (tampered, "signature"),
    "signature cut short": (cut_short, "signature"),
    "truncated mid-character": (lambda: mint(id_token_claims())[:-21], "malformed"),
    "truncated to two parts": (lambda: mint(id_token_claims()).rsplit(".", 1)[0], "malformed"),
    "not a JWT at all": (lambda: "opaque-access-token", "malformed"),
}


@pytest.mark.parametrize(("forge", "check"), FORGERIES.values(), ids=FORGERIES.keys())
async def test_forged_tokens_are_rejected(
    validator: IdTokenValidator, forge: Any, check: str
) -> None:
    """Each forgery fails with a TokenValidationError naming its check, never the token."""
    token = forge()
    with pytest.raises(TokenValidationError) as caught:
        await validator.validate(Secret(token), nonce="nonce-1")
    assert check in caught.value.message
    assert token not in str(caught.value)
    assert token.split(".")[0] not in str(caught.value)


@pytest.mark.parametrize("algorithms", [("HS256",), ("RS256", "none"), ()])
def test_symmetric_or_no_algorithms_cannot_be_configured(algorithms: tuple[str, ...]) -> None:
    """A public client has no secret to check an HMAC with."""
    with pytest.raises(ValueError, match="asymmetric"):
        IdTokenValidator(
            issuer=ISSUER,
            client_id=CLIENT_ID,
            jwks=JwksCache(httpx.AsyncClient(), METADATA.jwks_uri),
            algorithms=algorithms,
        )


NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
VALUES = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none())
RESERVED = {"iss", "sub", "aud", "azp", "exp", "iat", "nbf", "nonce"}


@settings(max_examples=40, deadline=None)
@given(nonce=st.text(min_size=1, max_size=64), extra=st.dictionaries(NAMES, VALUES, max_size=5))
def test_any_nonce_round_trips_and_only_it(nonce: str, extra: dict[str, Any]) -> None:
    """The exact nonce passes whatever else the token carries; any other nonce fails."""
    extra = {name: value for name, value in extra.items() if name not in RESERVED}
    token = Secret(mint({**id_token_claims(nonce=nonce), **extra}))

    async def check() -> None:
        async with jwks_client() as client:
            validator = make_validator(client)
            claims = await validator.validate(token, nonce=nonce)
            assert claims["nonce"] == nonce
            with pytest.raises(TokenValidationError, match="nonce"):
                await validator.validate(token, nonce=nonce + "x")

    asyncio.run(check())


def test_unverified_claims_are_for_display_only() -> None:
    """The claims of any JWT, verified or not; a non-JWT is a TokenValidationError."""
    forged = mint(id_token_claims(name="Not Verified"), key=rsa_key(1))
    assert unverified_claims(Secret(forged))["name"] == "Not Verified"
    list_payload = f"e30.{b64url(b'[1, 2]')}.sig"
    for token in ("opaque-access-token", "a.b", "e30.!!!.sig", list_payload):
        with pytest.raises(TokenValidationError, match="not a readable JWT"):
            unverified_claims(Secret(token))
