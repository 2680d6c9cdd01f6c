"""Token authentication for httpx: Bearer (RFC 6750 §2.1) or DPoP (RFC 9449 §7), one flow.

An ``httpx.Auth`` so that API clients carry no token logic: every request gets a valid
access token from the :class:`TokenManager`, and a 401 (the server stopped accepting the
token early: revoked, clock skew, key rollover) earns exactly one forced refresh and one
retry. The refresh takes locks and touches disk, so this overrides ``async_auth_flow``, as
httpx's docs advise for such schemes, rather than the generic ``auth_flow``.

A DPoP-bound token (``token_type: DPoP``, or ``cnf.jkt``) goes as ``Authorization: DPoP``
with a fresh proof carrying ``ath``; any other token as Bearer, even in a DPoP session (an
API without sender-constraining gets Bearer tokens; RFC 9449 §7.1 and Auth0's table in
"Configure Sender Constraining"). A ``401`` whose ``DPoP`` challenge says ``use_dpop_nonce``
earns exactly one retry with the server's new nonce, by the same rule as the token endpoint
(:class:`~tui_console.auth.dpop.NonceRetry`); a second one is a
:class:`~tui_console.auth.dpop.DPoPError`. So a request is sent at most three times: as is,
with a new nonce, and with a refreshed token.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator

import httpx

from tui_console.auth.dpop import NonceRetry
from tui_console.auth.refresh import TokenManager
from tui_console.auth.tokens import TokenSet

__all__ = ["BearerAuth"]


class BearerAuth(httpx.Auth):
    """Sends ``audience``'s access token as Bearer, or as DPoP with a proof (async only).

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
        """Send with a valid token; one nonce retry and one forced refresh, never more."""
        # httpx honours ``requires_request_body`` only in the default ``async_auth_flow``, which
        # this overrides: read a streamed body here, or a retry would find it consumed.
        await request.aread()
        token = await self._manager.valid_token(self._audience)
        retry = self._authorize(request, token, retried=False)
        refreshed = False
        while True:
            response = yield request
            unauthorized = response.status_code == httpx.codes.UNAUTHORIZED
            if unauthorized:
                await response.aread()  # the retry or the error below needs it closed
            if retry is not None and retry.again(response):
                continue
            if not unauthorized or refreshed:
                return
            fresh = await self._manager.valid_token(
                self._audience, force=True, rejected=token.access_token
            )
            if fresh.access_token == token.access_token:
                return
            token, refreshed = fresh, True
            retry = self._authorize(request, token, retried=retry is not None and retry.retried)

    def _authorize(
        self, request: httpx.Request, token: TokenSet, *, retried: bool
    ) -> NonceRetry | None:
        """Put ``token`` on ``request``: DPoP with a proof for a bound token (its
        :class:`NonceRetry` returned), Bearer otherwise (``None``)."""
        dpop = self._manager.dpop_for(token) if token.dpop_bound else None
        if dpop is not None:
            request.headers["Authorization"] = f"DPoP {token.access_token.reveal()}"
            return dpop.prove(request, access_token=token.access_token, retried=retried)
        request.headers.pop("DPoP", None)
        # RFC 6750's scheme name is case-insensitive; Auth0 says "Bearer", some servers
        # "bearer".
        request.headers["Authorization"] = f"Bearer {token.access_token.reveal()}"
        return None
