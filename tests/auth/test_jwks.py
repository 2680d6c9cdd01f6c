"""The issuer's key set: cached by kid, refetched once (and not too often) on an unknown kid."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.clocks import Clock
from tui_console.auth.jwks import JwksCache
from tui_console.errors import DiscoveryError, NetworkError, TokenValidationError

from .fakes import METADATA, NOW, jwks_handler, public_jwk, rsa_key


def cache(handler: Any, clock: Clock) -> tuple[JwksCache, httpx.AsyncClient]:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return JwksCache(client, METADATA.jwks_uri, clock=clock), client


class RotatingIssuer:
    """Serves one key set, then (after ``rotate``) another; counts fetches."""

    def __init__(self) -> None:
        self.keys = [public_jwk(rsa_key(0), "old")]
        self.fetches = 0

    def rotate(self) -> None:
        self.keys = [public_jwk(rsa_key(0), "old"), public_jwk(rsa_key(1), "new")]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == METADATA.jwks_uri
        self.fetches += 1
        return httpx.Response(200, json={"keys": self.keys})


async def test_keys_are_fetched_once_and_cached() -> None:
    """Repeated lookups within the TTL cost one request."""
    issuer, clock = RotatingIssuer(), Clock(NOW)
    jwks, client = cache(issuer, clock)
    async with client:
        first = await jwks.signing_key("old")
        clock.now += 599
        assert await jwks.signing_key("old") is first
    assert issuer.fetches == 1
    assert first.key.public_numbers() == rsa_key(0).public_key().public_numbers()


async def test_the_cache_expires_after_the_ttl() -> None:
    """After ten minutes the set is fetched again."""
    issuer, clock = RotatingIssuer(), Clock(NOW)
    jwks, client = cache(issuer, clock)
    async with client:
        await jwks.signing_key("old")
        clock.now += 600
        await jwks.signing_key("old")
    assert issuer.fetches == 2


async def test_an_unknown_kid_refetches_exactly_once() -> None:
    """A rotated key is found by one refetch; a flood of bad kids adds no more requests."""
    issuer, clock = RotatingIssuer(), Clock(NOW)
    jwks, client = cache(issuer, clock)
    async with client:
        await jwks.signing_key("old")
        clock.now += 60
        issuer.rotate()
        new = await jwks.signing_key("new")
        assert issuer.fetches == 2
        for n in range(20):
            with pytest.raises(TokenValidationError, match="no key with kid 'bogus-"):
                await jwks.signing_key(f"bogus-{n}")
        assert issuer.fetches == 2  # no refetch within 30 s of the last one
        clock.now += 30
        with pytest.raises(TokenValidationError):
            await jwks.signing_key("bogus")
        assert issuer.fetches == 3  # one more, once the pause has passed
    assert new.key.public_numbers() == rsa_key(1).public_key().public_numbers()


async def test_a_token_without_kid_uses_the_only_key() -> None:
    """No kid is fine when the set is unambiguous, and refused when it is not."""
    clock = Clock(NOW)
    jwks, client = cache(jwks_handler(public_jwk(rsa_key(0), None)), clock)
    async with client:
        assert (await jwks.signing_key(None)).key is not None
    two = jwks_handler(public_jwk(rsa_key(0), "a"), public_jwk(rsa_key(1), "b"))
    jwks, client = cache(two, clock)
    async with client:
        with pytest.raises(TokenValidationError, match="kid None"):
            await jwks.signing_key(None)


async def test_encryption_and_unusable_keys_are_skipped() -> None:
    """Only signature keys pyjwt can load are candidates."""
    keys = [
        public_jwk(rsa_key(0), "enc", use="enc"),
        {"kty": "weird", "kid": "weird"},
        public_jwk(rsa_key(1), "sig"),
    ]
    jwks, client = cache(jwks_handler(*keys), Clock(NOW))
    async with client:
        assert (await jwks.signing_key("sig")).key is not None
        with pytest.raises(TokenValidationError):
            await jwks.signing_key("enc")
        with pytest.raises(TokenValidationError):
            await jwks.signing_key("weird")


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(500, text="oops"), "HTTP 500"),
        (httpx.Response(200, text="<html>"), "not a JSON object"),
        (httpx.Response(200, json={"keys": "nope"}), "no 'keys' list"),
        (httpx.Response(200, json={"keys": ["nope"]}), "not an object"),
    ],
)
async def test_a_malformed_key_set_is_a_discovery_error(
    response: httpx.Response, message: str
) -> None:
    """The issuer's key set is unusable: DiscoveryError naming why."""
    jwks, client = cache(lambda request: response, Clock(NOW))
    async with client:
        with pytest.raises(DiscoveryError, match=message):
            await jwks.signing_key("any")


async def test_an_unreachable_key_set_is_a_network_error() -> None:
    """Transport failures are NetworkError, not httpx exceptions."""

    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out")

    jwks, client = cache(fail, Clock(NOW))
    async with client:
        with pytest.raises(NetworkError, match="tenant.example"):
            await jwks.signing_key("any")
