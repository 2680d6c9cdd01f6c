"""The issuer's signing keys: a JWK Set (RFC 7517 §5) fetched from ``jwks_uri`` and cached.

Keys are looked up by ``kid``. An unknown ``kid`` usually means the issuer rotated its
keys (OIDC Core §10.1.1), so the set is fetched again, but at most once per
:data:`REFETCH_INTERVAL`, so a stream of tokens with made-up ``kid``\\ s cannot turn us
into a flood of requests against the issuer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from tui_console.auth._http import json_object
from tui_console.errors import DiscoveryError, TokenValidationError
from tui_console.exchange_failures import send

if TYPE_CHECKING:
    import jwt

__all__ = ["JwksCache"]

REFETCH_INTERVAL = 30.0
"""Seconds that must pass since the last fetch before an unknown ``kid`` triggers another."""


def _usable_keys(document: dict[str, Any], jwks_uri: str) -> list[tuple[str | None, jwt.PyJWK]]:
    """``(kid, key)`` for each signature key pyjwt can load; others are skipped (RFC 7517 §5)."""
    import jwt  # deferred (with cryptography, ~35 ms): loaded with the first key set

    keys = document.get("keys")
    if not isinstance(keys, list):
        raise DiscoveryError(f"The key set at {jwks_uri} has no 'keys' list.")
    usable: list[tuple[str | None, jwt.PyJWK]] = []
    for entry in keys:
        if not isinstance(entry, dict):
            raise DiscoveryError(f"The key set at {jwks_uri} holds an entry that is not an object.")
        if entry.get("use", "sig") != "sig":
            continue  # an encryption key never verifies a signature
        try:
            key = jwt.PyJWK(entry)
        except jwt.PyJWTError:
            continue  # a key type or curve we cannot use; the issuer may list several
        kid = entry.get("kid")
        usable.append((kid if isinstance(kid, str) else None, key))
    return usable


class JwksCache:
    """Signing keys of one issuer, cached for ``ttl`` seconds.

    ``clock`` is monotonic by default: cache ages should not jump with the wall clock.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        jwks_uri: str,
        *,
        ttl: float = 600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._jwks_uri = jwks_uri
        self._ttl = ttl
        self._clock = clock
        self._keys: list[tuple[str | None, jwt.PyJWK]] = []
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def signing_key(self, kid: str | None) -> jwt.PyJWK:
        """The key with ``kid`` (or the only key, when the token names none).

        Raises :class:`TokenValidationError` when the issuer has no such key even after a
        refetch, :class:`DiscoveryError` when the key set is malformed.
        """
        async with self._lock:  # one fetch at a time; waiters then see its result
            if self._fetched_at is None or self._clock() - self._fetched_at >= self._ttl:
                await self._fetch()
            key = self._find(kid)
            if key is None and self._clock() - (self._fetched_at or 0.0) >= REFETCH_INTERVAL:
                await self._fetch()
                key = self._find(kid)
        if key is None:
            raise TokenValidationError(
                f"The ID token names no key the issuer publishes (no key with kid {kid!r}).",
                hint="If the issuer just rotated its keys, sign in again in a minute.",
            )
        return key

    def _find(self, kid: str | None) -> jwt.PyJWK | None:
        if kid is None:
            # Without a kid only an unambiguous key set will do (OIDC Core §10.1).
            return self._keys[0][1] if len(self._keys) == 1 else None
        return next((key for key_id, key in self._keys if key_id == kid), None)

    async def _fetch(self) -> None:
        request = httpx.Request("GET", self._jwks_uri, headers={"Accept": "application/json"})
        response = await send(self._client, request)
        if not response.is_success:
            raise DiscoveryError(
                f"The key set at {self._jwks_uri} answered HTTP {response.status_code}.",
                hint="The issuer may be having trouble; try again shortly.",
            )
        document = json_object(response)
        if document is None:
            raise DiscoveryError(f"The key set at {self._jwks_uri} is not a JSON object.")
        self._keys = _usable_keys(document, self._jwks_uri)
        self._fetched_at = self._clock()
