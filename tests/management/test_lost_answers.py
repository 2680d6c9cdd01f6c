"""Nothing sent, or sent and the answer lost: the Management client tells the two apart.

A connection that never opened changed nothing (NetworkError). A write whose answer was lost
(reset or timeout after sending, a 5xx, a body cut short or not JSON, an HTML error page) may
have applied: ResponseLost says so and how to check, instead of "could not reach" or "check
that the domain is an Auth0 tenant".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from tui_console.errors import NetworkError, ResponseLost
from tui_console.management import ManagementClient, ServerError

from .fakes import AUDIENCE, FakeApi, user_body

USER = "auth0|613282adac819400692c0dd9"
USER_PATH = "/api/v2/users/auth0%7C613282adac819400692c0dd9"

Call = Callable[[ManagementClient], Awaitable[object]]


async def set_theme(client: ManagementClient) -> object:
    return await client.update_user_metadata(USER, set={"theme": "dark"})


async def add_key(client: ManagementClient) -> object:
    return await client.create_device_credential(
        device_name="laptop", device_id="laptop-1", public_key=b"key", client_id="c"
    )


async def revoke_key(client: ManagementClient) -> object:
    await client.revoke_device_credential("dcr_0123")
    return None


WRITES: list[tuple[str, str, Call, str]] = [
    ("PATCH", USER_PATH, set_theme, "tui-console metadata"),
    ("POST", "/api/v2/device-credentials", add_key, "already has one"),
    ("DELETE", "/api/v2/device-credentials/dcr_0123", revoke_key, "Revoking again is safe"),
]


def failing(exc: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def fail(request: httpx.Request) -> httpx.Response:
        raise exc("boom", request=request)

    return fail


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> ManagementClient:
    return ManagementClient(httpx.AsyncClient(transport=httpx.MockTransport(handler)), AUDIENCE)


@pytest.mark.parametrize(("method", "path", "call", "check"), WRITES)
async def test_a_connection_that_never_opened_says_nothing_was_sent(
    method: str, path: str, call: Call, check: str
) -> None:
    with pytest.raises(NetworkError) as caught:
        await call(client_for(failing(httpx.ConnectError)))
    assert type(caught.value) is NetworkError
    assert "nothing was sent" in caught.value.message
    assert "may have applied" not in str(caught.value)


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (httpx.ReadError, "reset"),
        (httpx.ReadTimeout, "timeout"),
        (httpx.RemoteProtocolError, "closed before the whole answer"),
    ],
)
@pytest.mark.parametrize(("method", "path", "call", "check"), WRITES)
async def test_a_write_whose_answer_was_lost_may_have_applied(
    method: str,
    path: str,
    call: Call,
    check: str,
    exc: type[httpx.TransportError],
    reason: str,
) -> None:
    with pytest.raises(ResponseLost) as caught:
        await call(client_for(failing(exc)))
    message = caught.value.message
    assert f"{method} tenant.example{path.replace('%7C', '|')}" in message or method in message
    assert "was sent, but its answer was lost" in message and reason in message
    assert "may have applied" in message
    assert check in caught.value.hint
    assert "could not reach" not in str(caught.value).lower()


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (httpx.Response(503, text="<html><h1>503 Service Unavailable</h1></html>"), "HTML"),
        (httpx.Response(500, json={"statusCode": 500, "message": "internal"}), "HTTP 500"),
        (httpx.Response(502, text="Bad Gateway"), "HTTP 502"),
    ],
)
@pytest.mark.parametrize(("method", "path", "call", "check"), WRITES)
async def test_a_5xx_after_a_write_may_have_applied(
    method: str, path: str, call: Call, check: str, answer: httpx.Response, said: str
) -> None:
    api = FakeApi()
    api.on(method, path, answer)
    with pytest.raises(ResponseLost) as caught:
        await call(api.client())
    assert said in caught.value.message and "may have applied" in caught.value.message
    assert check in caught.value.hint
    assert "Auth0 tenant" not in str(caught.value)


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<!doctype html><title>Proxy</title>"),
        httpx.Response(
            200, content=b'{"user_id": "auth0|6132', headers={"content-type": "application/json"}
        ),
        httpx.Response(200, content=b""),
    ],
)
async def test_a_write_answered_2xx_with_an_unreadable_body_says_it_applied(
    answer: httpx.Response,
) -> None:
    api = FakeApi()
    api.on("PATCH", USER_PATH, answer)
    with pytest.raises(ResponseLost) as caught:
        await set_theme(api.client())
    assert "Its status says the change applied" in caught.value.message
    assert "tui-console metadata" in caught.value.hint
    assert "Auth0 tenant" not in str(caught.value)


async def test_a_read_whose_answer_was_lost_says_try_again() -> None:
    with pytest.raises(ResponseLost) as caught:
        await client_for(failing(httpx.ReadError)).get_user(USER)
    assert "may have applied" not in caught.value.message
    assert "nothing was changed, so try again" in caught.value.hint


async def test_a_5xx_on_a_read_stays_a_server_error_that_says_try_again() -> None:
    api = FakeApi()
    api.on("GET", USER_PATH, httpx.Response(503, text="<html>down</html>"))
    with pytest.raises(ServerError) as caught:
        await api.client().get_user(USER)
    assert "Try again" in caught.value.hint


async def test_a_good_write_still_works() -> None:
    api = FakeApi()
    api.on("PATCH", USER_PATH, httpx.Response(200, json=user_body(user_metadata={"theme": "dark"})))
    update = await set_theme(api.client())
    assert update is not None
