"""The token endpoint on a bad day: a passing fault says "try again", never "wrong issuer"."""

from __future__ import annotations

import httpx
import pytest

from tui_console.auth.tokens import parse_token_response
from tui_console.errors import AuthError, RateLimited, ResponseLost

TOKEN_URL = "https://tenant.example/oauth/token"


def answer(status: int, **kwargs: object) -> httpx.Response:
    response = httpx.Response(status, **kwargs)  # type: ignore[arg-type]
    response.request = httpx.Request("POST", TOKEN_URL)
    return response


@pytest.mark.parametrize(
    ("response", "said"),
    [
        (answer(503, text="<html><h1>Service Unavailable</h1></html>"), "HTTP 503 (an HTML"),
        (answer(502, text="Bad Gateway"), "HTTP 502"),
        (answer(200, text="<!doctype html><p>maintenance</p>"), "HTML page instead of JSON"),
        (answer(200, content=b'{"access_token": "abc", "expi'), "not the expected JSON"),
    ],
)
def test_server_trouble_is_a_lost_answer_to_try_again(response: httpx.Response, said: str) -> None:
    with pytest.raises(ResponseLost) as caught:
        parse_token_response(response)
    assert said in caught.value.message
    assert "try again" in caught.value.hint
    assert "OpenID provider" not in str(caught.value)


def test_a_429_without_an_oauth_body_is_rate_limited() -> None:
    with pytest.raises(RateLimited) as caught:
        parse_token_response(answer(429, text="slow down", headers={"Retry-After": "7"}))
    assert caught.value.retry_after == 7


@pytest.mark.parametrize("expires_in", ["1e400", "-1e400", "NaN", "-5"])
def test_an_impossible_lifetime_is_refused(expires_in: str) -> None:
    body = f'{{"access_token": "abc", "token_type": "Bearer", "expires_in": {expires_in}}}'
    with pytest.raises(AuthError, match="expires_in"):
        parse_token_response(answer(200, content=body.encode()))


def test_a_4xx_without_an_oauth_body_still_points_at_the_issuer() -> None:
    with pytest.raises(AuthError, match="HTTP 404") as caught:
        parse_token_response(answer(404, text="Not Found"))
    assert "OpenID provider" in caught.value.hint
