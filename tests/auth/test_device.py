"""The device authorization grant (RFC 8628): request/parse pairs and the polling loop.

The token endpoint is an ``httpx.MockTransport`` handler answering from a script; time is a
fake wall clock that the fake sleep (and each response's latency) moves forward.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from tests.clocks import Clock
from tui_console.auth.device import (
    DEVICE_CODE_GRANT,
    DeviceAuthorization,
    PollProgress,
    build_device_authorization_request,
    build_device_token_request,
    parse_device_authorization_response,
    poll_for_tokens,
)
from tui_console.auth.tokens import TokenSet
from tui_console.errors import (
    AuthError,
    ConfigError,
    LoginCancelled,
    LoginTimedOut,
    NetworkError,
    OAuthError,
    ResponseLost,
    TokenValidationError,
)
from tui_console.redact import Secret

from .fakes import AUDIENCE, CLIENT_ID, METADATA, NOW, FakeSleep, form, json_response

LATENCY = 0.5
DEVICE_CODE = "Ag_EE...ko1p"


def oauth_error(status: int, error: str, description: str = "") -> httpx.Response:
    return json_response(status, {"error": error, "error_description": description})


PENDING = oauth_error(403, "authorization_pending", "User has yet to authorize device code.")
SLOW_DOWN = oauth_error(429, "slow_down", "You are polling faster than the specified interval.")
SUCCESS = json_response(
    200,
    {
        "access_token": "access-1",
        "refresh_token": "refresh-1",
        "id_token": "id-1",
        "token_type": "Bearer",
        "expires_in": 86400,
        "scope": "openid offline_access",
    },
)


class TokenEndpoint:
    """Answers polls from a script (responses or exceptions to raise), logging send times."""

    def __init__(self, clock: Clock, script: Sequence[httpx.Response | Exception]) -> None:
        self.clock = clock
        self.script = list(script)
        self.sent: list[float] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(self.clock.now - NOW)
        self.requests.append(request)
        self.clock.now += LATENCY
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def authorization(now: float = NOW, **overrides: Any) -> DeviceAuthorization:
    body = {
        "device_code": DEVICE_CODE,
        "user_code": "WDJB-MJHT",
        "verification_uri": "https://tenant.example/activate",
        "verification_uri_complete": "https://tenant.example/activate?user_code=WDJB-MJHT",
        "expires_in": 900,
        "interval": 5,
    }
    body.update(overrides)
    return parse_device_authorization_response(json_response(200, body), now=now)


async def poll(
    script: Sequence[httpx.Response | Exception],
    *,
    clock: Clock | None = None,
    grant: DeviceAuthorization | None = None,
    progress: list[PollProgress] | None = None,
    sleep: FakeSleep | None = None,
    **kwargs: Any,
) -> tuple[TokenSet, TokenEndpoint]:
    """Run :func:`poll_for_tokens` against ``script``; returns the tokens and the endpoint."""
    clock = clock or Clock(NOW)
    endpoint = TokenEndpoint(clock, script)
    async with httpx.AsyncClient(transport=httpx.MockTransport(endpoint)) as client:
        tokens = await poll_for_tokens(
            client,
            METADATA,
            grant or authorization(clock.now),
            client_id=CLIENT_ID,
            on_progress=None if progress is None else progress.append,
            sleep=sleep or FakeSleep(clock),
            clock=clock,
            **kwargs,
        )
    return tokens, endpoint


# -- the request/parse pairs ---------------------------------------------------------------------


def test_the_authorization_request_is_a_public_client_form_post() -> None:
    """client_id, scope and audience go in the form; no secret (Auth0 refuses one there)."""
    request = build_device_authorization_request(
        METADATA, client_id=CLIENT_ID, scope="openid offline_access", audience=AUDIENCE
    )
    assert request.method == "POST"
    assert str(request.url) == METADATA.device_authorization_endpoint
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert form(request) == {
        "client_id": CLIENT_ID,
        "scope": "openid offline_access",
        "audience": AUDIENCE,
    }


def test_no_audience_parameter_without_an_audience() -> None:
    """Without an audience the token is only good for /userinfo, and nothing is sent."""
    request = build_device_authorization_request(METADATA, client_id=CLIENT_ID, scope="openid")
    assert "audience" not in form(request)


def test_an_issuer_without_a_device_endpoint_is_a_config_error() -> None:
    """The person learns the flow is not offered, not a KeyError."""
    metadata = METADATA.__class__(**{**METADATA.__dict__, "device_authorization_endpoint": None})
    with pytest.raises(ConfigError, match="device flow"):
        build_device_authorization_request(metadata, client_id=CLIENT_ID, scope="openid")


def test_the_authorization_response_is_parsed() -> None:
    """Every field arrives typed; the device code is a Secret and expiry is wall-clock."""
    grant = authorization(now=1000.0)
    assert grant.device_code == Secret(DEVICE_CODE)
    assert DEVICE_CODE not in repr(grant)
    assert grant.user_code == "WDJB-MJHT"
    assert grant.verification_uri == "https://tenant.example/activate"
    assert grant.verification_uri_complete == (
        "https://tenant.example/activate?user_code=WDJB-MJHT"
    )
    assert (grant.expires_in, grant.interval, grant.expires_at) == (900, 5, 1900.0)


def test_a_missing_interval_means_five_seconds() -> None:
    """RFC 8628 §3.2: the default polling interval is 5 s; the complete URI is optional."""
    grant = authorization(interval=None, verification_uri_complete=None)
    assert grant.interval == 5
    assert grant.verification_uri_complete is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("device_code", None),
        ("user_code", 1234),
        ("verification_uri", ""),
        ("verification_uri_complete", 5),
        ("expires_in", "900"),
        ("expires_in", True),
        ("interval", -1),
    ],
)
def test_a_bad_field_is_named(field: str, value: Any) -> None:
    """The error says which field was wrong, as oauth4webapi's does."""
    with pytest.raises(AuthError, match=f"response's {field} "):
        authorization(**{field: value})


def test_an_error_answer_is_an_oauth_error() -> None:
    """A refused device authorization raises the server's error code."""
    response = oauth_error(403, "unauthorized_client", "Grant type not allowed for the client.")
    with pytest.raises(OAuthError) as caught:
        parse_device_authorization_response(response)
    assert (caught.value.error, caught.value.status) == ("unauthorized_client", 403)


def test_a_non_json_answer_is_an_answer_lost() -> None:
    """A 200 HTML page is not a device authorization: a passing fault, not a wrong issuer."""
    with pytest.raises(ResponseLost, match="HTML page instead of JSON"):
        parse_device_authorization_response(httpx.Response(200, text="<html>hi</html>"))


def test_the_token_request_carries_the_device_code_grant() -> None:
    """RFC 8628 §3.4: grant_type, device_code and client_id, to the token endpoint."""
    request = build_device_token_request(
        METADATA, client_id=CLIENT_ID, device_code=Secret(DEVICE_CODE)
    )
    assert str(request.url) == METADATA.token_endpoint
    assert form(request) == {
        "grant_type": DEVICE_CODE_GRANT,
        "device_code": DEVICE_CODE,
        "client_id": CLIENT_ID,
    }


# -- polling -----------------------------------------------------------------------------------


async def test_pending_slow_down_pending_success() -> None:
    """Polls wait `interval` after each response; slow_down adds 5 s for good."""
    progress: list[PollProgress] = []
    clock = Clock(NOW)
    sleep = FakeSleep(clock)
    tokens, endpoint = await poll(
        [PENDING, SLOW_DOWN, PENDING, SUCCESS],
        clock=clock,
        progress=progress,
        sleep=sleep,
        audience=AUDIENCE,
    )
    # Sent 5 s after the grant, then 5, 10, 10 s after each (0.5 s late) response.
    assert endpoint.sent == [5.0, 10.5, 21.0, 31.5]
    assert all(form(r)["grant_type"] == DEVICE_CODE_GRANT for r in endpoint.requests)
    assert sleep.calls == [1.0] * 30
    assert [p.interval for p in progress] == [5.0] * 10 + [10.0] * 20
    assert [p.attempts for p in progress] == [0] * 5 + [1] * 5 + [2] * 10 + [3] * 10
    assert [p.last_error for p in progress] == (
        [None] * 5
        + ["authorization_pending"] * 5
        + ["slow_down"] * 10
        + ["authorization_pending"] * 10
    )
    lefts = [p.seconds_left for p in progress]
    assert lefts[:5] == [900.0, 899.0, 898.0, 897.0, 896.0]
    assert all(a > b for a, b in zip(lefts, lefts[1:], strict=False))
    assert tokens.access_token == Secret("access-1")
    assert tokens.refresh_token == Secret("refresh-1")
    assert tokens.audience == AUDIENCE
    assert tokens.expires_at == NOW + 32.0 + 86400


async def test_slow_down_accumulates() -> None:
    """Each slow_down adds another 5 s (RFC 8628 §3.5)."""
    _, endpoint = await poll([SLOW_DOWN, SLOW_DOWN, SUCCESS])
    assert endpoint.sent == [5.0, 15.5, 31.0]


async def test_a_429_html_page_is_read_as_slow_down() -> None:
    """A 429 without an OAuth body still asks us to slow down, not to give up."""
    page = httpx.Response(429, text="<html>Too Many Requests</html>")
    _, endpoint = await poll([page, SUCCESS])
    assert endpoint.sent == [5.0, 15.5]


@pytest.mark.parametrize("status", [400, 403, 429])
async def test_the_status_never_decides(status: int) -> None:
    """authorization_pending keeps polling whatever status carries it."""
    tokens, endpoint = await poll([oauth_error(status, "authorization_pending"), SUCCESS])
    assert len(endpoint.sent) == 2
    assert tokens.access_token == Secret("access-1")


async def test_expired_token_times_out_with_a_next_step() -> None:
    """expired_token ends the flow with LoginTimedOut that says to start again."""
    with pytest.raises(LoginTimedOut, match="(?i)start the sign-in again") as caught:
        await poll([PENDING, oauth_error(403, "expired_token")])
    assert "expired" in caught.value.message


async def test_access_denied_is_a_cancelled_sign_in() -> None:
    """The person (or a rule) refused: LoginCancelled, with the server's reason."""
    denied = oauth_error(403, "access_denied", "User cancelled the confirmation prompt.")
    with pytest.raises(LoginCancelled, match="denied on the server") as caught:
        await poll([PENDING, denied])
    assert "User cancelled the confirmation prompt." in caught.value.message


async def test_invalid_grant_says_the_code_is_no_longer_valid() -> None:
    """After expiry (or reuse) Auth0 answers invalid_grant: a timed-out sign-in."""
    with pytest.raises(LoginTimedOut, match="no longer valid"):
        await poll([oauth_error(403, "invalid_grant")])


async def test_other_errors_are_raised_as_they_are() -> None:
    """unauthorized_client is a configuration problem the caller shows as such."""
    with pytest.raises(OAuthError) as caught:
        await poll([oauth_error(403, "unauthorized_client", "Grant type not allowed.")])
    assert caught.value.error == "unauthorized_client"


async def test_the_local_expiry_ends_the_flow_without_another_poll() -> None:
    """When the code's lifetime runs out, stop at once rather than poll a dead code."""
    clock = Clock(NOW)
    with pytest.raises(LoginTimedOut, match="expired"):
        await poll([PENDING] * 5, clock=clock, grant=authorization(clock.now, expires_in=12))
    assert clock.now == NOW + 12


async def test_expiry_follows_the_wall_clock() -> None:
    """A laptop asleep past the expiry finds the code expired on waking, without polling."""
    clock = Clock(NOW)

    class Suspend(FakeSleep):
        async def __call__(self, seconds: float) -> None:
            await super().__call__(seconds)
            self.clock.now += 3600  # suspended for an hour during this sleep

    with pytest.raises(LoginTimedOut):  # a poll would have succeeded
        await poll([SUCCESS], clock=clock, sleep=Suspend(clock))


async def test_transport_errors_are_retried_with_growing_pauses() -> None:
    """Two failed polls then success: pauses of interval+2 s and interval+4 s."""
    failure = httpx.ConnectError("refused")
    tokens, endpoint = await poll([failure, failure, SUCCESS])
    assert endpoint.sent == [5.0, 12.5, 22.0]
    assert tokens.access_token == Secret("access-1")


async def test_persistent_transport_errors_are_a_network_error() -> None:
    """After a few failures in a row the person is told the server is unreachable."""
    with pytest.raises(NetworkError, match="tenant.example"):
        await poll([httpx.ConnectError("refused")] * 4)


async def test_a_server_error_is_retried_then_reported() -> None:
    """A 503 page is transient; four in a row are reported with the status."""
    page = httpx.Response(503, text="<html>unavailable</html>")
    tokens, _ = await poll([page, SUCCESS])
    assert tokens.access_token == Secret("access-1")
    with pytest.raises(ResponseLost, match="HTTP 503") as caught:
        await poll([page] * 4)
    assert "try again" in caught.value.hint


async def test_validate_runs_before_the_tokens_are_returned() -> None:
    """The caller's validation sees the tokens, and its refusal ends the flow."""
    seen: list[TokenSet] = []

    async def validate(tokens: TokenSet) -> None:
        seen.append(tokens)

    tokens, _ = await poll([SUCCESS], validate=validate)
    assert seen == [tokens]

    async def refuse(tokens: TokenSet) -> None:
        raise TokenValidationError("bad ID token")

    with pytest.raises(TokenValidationError):
        await poll([SUCCESS], validate=refuse)


async def test_cancelling_the_task_stops_polling() -> None:
    """Task cancellation propagates as CancelledError and no further poll is sent."""
    clock = Clock(NOW)
    endpoint = TokenEndpoint(clock, [PENDING] * 10)
    task: asyncio.Task[TokenSet] | None = None

    def on_progress(progress: PollProgress) -> None:
        if progress.attempts == 2 and task is not None:
            task.cancel()

    async with httpx.AsyncClient(transport=httpx.MockTransport(endpoint)) as client:
        task = asyncio.create_task(
            poll_for_tokens(
                client,
                METADATA,
                authorization(clock.now),
                client_id=CLIENT_ID,
                on_progress=on_progress,
                sleep=FakeSleep(clock),
                clock=clock,
            )
        )
        with pytest.raises(asyncio.CancelledError):
            await task
    assert task.cancelled()
    assert len(endpoint.sent) == 2
