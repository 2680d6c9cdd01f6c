"""Token revocation (RFC 7009)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tui_console.auth.discovery import ServerMetadata
from tui_console.auth.revocation import parse_revocation_response, revoke_token
from tui_console.errors import AuthError, NetworkError, OAuthError, ResponseLost
from tui_console.redact import Secret

from .fakes import CLIENT_ID, METADATA, form, json_response


async def revoke(
    handler: Callable[[httpx.Request], httpx.Response], metadata: ServerMetadata = METADATA
) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        await revoke_token(client, metadata, client_id=CLIENT_ID, token=Secret("refresh-1"))


async def test_a_200_with_an_empty_body_is_done() -> None:
    """Auth0 answers 200 and nothing else; the request is a public-client form post."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Content-Type": "application/json"})

    await revoke(handler)
    assert str(seen[0].url) == METADATA.revocation_endpoint
    assert form(seen[0]) == {
        "client_id": CLIENT_ID,
        "token": "refresh-1",
        "token_type_hint": "refresh_token",
    }


def test_an_error_body_is_an_oauth_error() -> None:
    """RFC 7009 §2.2.1: the server's error code comes back."""
    response = json_response(400, {"error": "invalid_request", "error_description": "no token"})
    with pytest.raises(OAuthError) as caught:
        parse_revocation_response(response)
    assert caught.value.error == "invalid_request"


def test_a_failure_without_an_oauth_body_is_a_server_problem() -> None:
    """A 503 page says nothing OAuth: the server had a problem, and trying again may help."""
    with pytest.raises(ResponseLost, match="HTTP 503"):
        parse_revocation_response(httpx.Response(503, text="<html>down</html>"))


async def test_no_revocation_endpoint_is_an_auth_error() -> None:
    """The person learns the token could not be revoked and why."""
    metadata = METADATA.__class__(**{**METADATA.__dict__, "revocation_endpoint": None})
    with pytest.raises(AuthError, match="no revocation endpoint"):
        await revoke(lambda request: httpx.Response(200), metadata)


async def test_an_unreachable_server_is_a_network_error() -> None:
    """Transport failures are NetworkError."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with pytest.raises(NetworkError):
        await revoke(handler)
