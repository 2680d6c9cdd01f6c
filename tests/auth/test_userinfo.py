"""The UserInfo endpoint: profiles, and errors read from headers rather than bodies."""

from __future__ import annotations

from collections.abc import Generator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tui_console.auth.userinfo import (
    build_userinfo_request,
    fetch_userinfo,
    parse_userinfo_response,
)
from tui_console.errors import AuthError, NetworkError, OAuthError, RateLimited, ResponseLost

from .fakes import METADATA, NOW, json_response

ENDPOINT = METADATA.userinfo_endpoint or ""
PROFILE = {
    "sub": "auth0|6132828a407ec6006935a858",
    "nickname": "ada",
    "name": "ada@example.com",
    "picture": "https://s.gravatar.com/avatar/x.png",
    "updated_at": "2021-09-03T20:16:12.029Z",
    "email": "ada@example.com",
    "email_verified": False,
}


def profile_response(**overrides: Any) -> httpx.Response:
    return json_response(200, {**PROFILE, **overrides})


def test_the_request_is_a_plain_get() -> None:
    """The token is added by the httpx.Auth on the send, not baked into the request."""
    request = build_userinfo_request(ENDPOINT)
    assert (request.method, str(request.url)) == ("GET", ENDPOINT)
    assert "authorization" not in request.headers


def test_a_profile_is_parsed() -> None:
    """Standard claims are typed; every claim stays available, read-only."""
    profile = parse_userinfo_response(profile_response(**{"unknown-param": "v"}))
    assert profile.sub == PROFILE["sub"]
    assert (profile.name, profile.nickname, profile.email) == (
        "ada@example.com",
        "ada",
        "ada@example.com",
    )
    assert profile.email_verified is False
    assert profile.picture == PROFILE["picture"]
    assert profile.updated_at == datetime(2021, 9, 3, 20, 16, 12, 29000, tzinfo=UTC)
    assert profile.claims["unknown-param"] == "v"
    with pytest.raises(TypeError):
        profile.claims["sub"] = "someone else"  # type: ignore[index]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1630700172, datetime(2021, 9, 3, 20, 16, 12, tzinfo=UTC)),
        (1630700172.5, datetime(2021, 9, 3, 20, 16, 12, 500000, tzinfo=UTC)),
        ("2021-09-03T20:16:12.029Z", datetime(2021, 9, 3, 20, 16, 12, 29000, tzinfo=UTC)),
        ("2021-09-03T20:16:12", datetime(2021, 9, 3, 20, 16, 12, tzinfo=UTC)),
        ("last tuesday", None),
        (True, None),
        (None, None),
    ],
)
def test_updated_at_reads_both_documented_shapes(value: Any, expected: datetime | None) -> None:
    """OIDC says epoch seconds, Auth0 sends ISO 8601: both parse, nonsense is unknown."""
    assert parse_userinfo_response(profile_response(updated_at=value)).updated_at == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(True, True), ("true", True), ("False", False), ("yes", None)]
)
def test_email_verified_as_bool_or_string(value: Any, expected: bool | None) -> None:
    """Some connections send email_verified as a string."""
    profile = parse_userinfo_response(profile_response(email_verified=value))
    assert profile.email_verified is expected


def test_a_claim_of_the_wrong_type_reads_as_none() -> None:
    """A provider's odd picture does not break the profile page."""
    profile = parse_userinfo_response(profile_response(picture={"url": "x"}, name=None))
    assert (profile.picture, profile.name) == (None, None)


def test_a_401_is_read_from_www_authenticate_only() -> None:
    """The plain-text body "Unauthorized" is never decoded; the header gives the reason."""
    response = httpx.Response(
        401,
        content=b"Unauthorized",
        headers={
            "WWW-Authenticate": 'Bearer realm="Users", error="invalid_token", '
            'error_description="The access token signature could not be validated."'
        },
    )
    with pytest.raises(OAuthError) as caught:
        parse_userinfo_response(response)
    assert caught.value.error == "invalid_token"
    assert caught.value.description == "The access token signature could not be validated."
    assert caught.value.status == 401


def test_a_401_without_a_challenge_is_still_invalid_token() -> None:
    """No header at all: the token was refused, say so."""
    with pytest.raises(OAuthError) as caught:
        parse_userinfo_response(httpx.Response(401, content=b"Unauthorized"))
    assert (caught.value.error, caught.value.description) == ("invalid_token", "")


def test_a_403_insufficient_scope_challenge() -> None:
    """RFC 6750 §3.1: a 403 with a Bearer error is an OAuth error too."""
    challenge = 'Bearer error="insufficient_scope"'
    response = httpx.Response(403, headers={"www-authenticate": challenge})
    with pytest.raises(OAuthError) as caught:
        parse_userinfo_response(response)
    assert (caught.value.error, caught.value.status) == ("insufficient_scope", 403)


DATE_NOW = datetime(2021, 9, 3, 20, 16, 12, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("headers", "content", "now", "retry_after"),
    [
        ({"Retry-After": "7"}, b"<html><body>Too Many Requests</body></html>", NOW, 7.0),
        ({"retry-after": "Fri, 03 Sep 2021 20:16:40 GMT"}, b"<html></html>", DATE_NOW, 28.0),
        ({"X-Ratelimit-Reset": str(int(NOW) + 13)}, b'{"error":"too_many_requests"}', NOW, 13.0),
        ({"x-ratelimit-reset": str(int(NOW) - 5)}, b"", NOW, 0.0),
        ({"Retry-After": "soon"}, b"", NOW, None),
        ({"Retry-After": "inf"}, b"", NOW, None),
        ({}, b"<html></html>", NOW, None),
    ],
)
def test_a_429_is_rate_limited_with_the_wait(
    headers: dict[str, str], content: bytes, now: float, retry_after: float | None
) -> None:
    """Retry-After (seconds or date) or X-RateLimit-Reset, any case; HTML or JSON body."""
    with pytest.raises(RateLimited) as caught:
        parse_userinfo_response(httpx.Response(429, headers=headers, content=content), now=now)
    assert caught.value.retry_after == retry_after


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(403, text="Forbidden"), "HTTP 403"),
        (json_response(200, {"name": "no sub"}), "sub"),
    ],
)
def test_other_failures_are_auth_errors(response: httpx.Response, message: str) -> None:
    """Anything else is an AuthError that says what was wrong."""
    with pytest.raises(AuthError, match=message):
        parse_userinfo_response(response)


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(500, text="<html>oops</html>"), "HTTP 500 \\(an HTML error page\\)"),
        (httpx.Response(200, text="<html>login page</html>"), "HTML page instead of JSON"),
        (json_response(200, ["not", "an", "object"]), "not the expected JSON"),
    ],
)
def test_a_server_problem_or_garbled_answer_is_a_lost_answer(
    response: httpx.Response, message: str
) -> None:
    """A 5xx or a body that is not JSON is the server's passing fault: try again."""
    response.request = httpx.Request("GET", "https://tenant.example/userinfo")
    with pytest.raises(ResponseLost, match=message) as caught:
        parse_userinfo_response(response)
    assert "nothing was changed, so try again" in caught.value.hint


class AddToken(httpx.Auth):
    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = "Bearer access-1"
        yield request


async def test_fetch_sends_through_the_given_auth() -> None:
    """The httpx.Auth passed in adds the bearer token."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return profile_response()

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        profile = await fetch_userinfo(client, ENDPOINT, auth=AddToken())
    assert profile.sub == PROFILE["sub"]
    assert seen[0].headers["authorization"] == "Bearer access-1"


async def test_fetch_keeps_the_clients_own_auth_by_default() -> None:
    """Without ``auth`` the client's configured auth still applies."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return profile_response()

    transport = httpx.MockTransport(handler)
    async with httpx.AsyncClient(transport=transport, auth=AddToken()) as client:
        await fetch_userinfo(client, ENDPOINT)
    assert seen[0].headers["authorization"] == "Bearer access-1"


async def test_fetch_turns_transport_errors_into_network_errors() -> None:
    """DNS failures and refused connections are NetworkError."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("name resolution failed")

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(NetworkError, match="tenant.example"):
            await fetch_userinfo(client, ENDPOINT)
