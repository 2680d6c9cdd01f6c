"""Bearer token authentication for httpx (RFC 6750 §2.1), refreshing once on a 401.

An ``httpx.Auth`` so that API clients carry no token logic: every request gets a valid
access token from the :class:`TokenManager`, and a 401 (the server stopped accepting the
token early: revoked, clock skew, key rollover) earns exactly one forced refresh and one
retry. The refresh takes locks and touches disk, so this overrides ``async_auth_flow``, as
httpx's docs advise for such schemes, rather than the generic ``auth_flow``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator

import httpx

from tui_console.auth.refresh import TokenManager
from tui_console.auth.tokens import TokenSet

__all__ = ["BearerAuth"]


class BearerAuth(httpx.Auth):
    """Sends ``Authorization: Bearer <access token>`` for ``audience`` (async clients only).

    Usage::

        client = httpx.AsyncClient(auth=BearerAuth(manager, audience))
    """

    # The body must be buffered so the retry after a 401 can send it again.
    requires_request_body = True

    def __init__(self, manager: TokenManager, audience: str | None) -> None:
        self._manager = manager
        self._audience = audience

    def __repr__(self) -> str:
        return f"BearerAuth(audience={self._audience!r})"

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Refused: the refresh behind the token is async (locks, disk, the token endpoint)."""
        raise RuntimeError("BearerAuth is async-only")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Send with a valid token; on a 401, force one refresh and retry once, never more."""
        token = await self._manager.valid_token(self._audience)
        _authorize(request, token)
        response = yield request
        if response.status_code != httpx.codes.UNAUTHORIZED:
            return
        await response.aread()
        fresh = await self._manager.valid_token(
            self._audience, force=True, rejected=token.access_token
        )
        if fresh.access_token == token.access_token:
            return
        _authorize(request, fresh)
        yield request


def _authorize(request: httpx.Request, token: TokenSet) -> None:
    # RFC 6750's scheme name is case-insensitive; Auth0 says "Bearer", some servers "bearer".
    scheme = "Bearer" if token.token_type.lower() == "bearer" else token.token_type
    request.headers["Authorization"] = f"{scheme} {token.access_token.reveal()}"
