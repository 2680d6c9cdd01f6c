"""Discovery on a bad day: a passing fault says "try again", not "wrong issuer", and never
"could not reach" once the request has left."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tui_console.auth.discovery import discover
from tui_console.errors import DiscoveryError, NetworkError, ResponseLost

ISSUER = "https://tenant.example/"


async def run(handler: Callable[[httpx.Request], httpx.Response]) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        await discover(client, ISSUER)


async def test_a_5xx_is_a_server_problem_to_retry() -> None:
    with pytest.raises(ResponseLost) as caught:
        await run(lambda request: httpx.Response(503, text="<html>down</html>"))
    assert "answered HTTP 503" in caught.value.message
    assert "try again" in caught.value.hint


async def test_an_html_page_names_both_causes() -> None:
    with pytest.raises(DiscoveryError) as caught:
        await run(lambda request: httpx.Response(200, text="<!doctype html><p>portal</p>"))
    assert "HTML page" in caught.value.message
    assert "passing fault: try again" in caught.value.hint
    assert "/.well-known/openid-configuration" in caught.value.hint


@pytest.mark.parametrize(
    ("exc", "expected", "said"),
    [
        (httpx.ConnectError, NetworkError, "nothing was sent"),
        (httpx.ReadError, ResponseLost, "answer was lost"),
    ],
)
async def test_transport_failures_say_whether_anything_was_sent(
    exc: type[httpx.TransportError], expected: type[Exception], said: str
) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise exc("boom", request=request)

    with pytest.raises(expected) as caught:
        await run(fail)
    assert type(caught.value) is expected
    assert said in str(caught.value)
