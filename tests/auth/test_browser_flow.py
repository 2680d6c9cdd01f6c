"""The browser sign-in end to end: a real loopback listener, a fake browser, a mock issuer."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tui_console.auth.browser_flow import run_browser_flow
from tui_console.auth.pkce import s256_challenge
from tui_console.auth.tokens import TokenSet
from tui_console.errors import AuthError, LoginCancelled, LoginTimedOut, NetworkError, OAuthError
from tui_console.redact import Secret

from .fakes import AUDIENCE, CLIENT_ID, METADATA, form, json_response

TOKENS = {
    "access_token": "access-1",
    "id_token": "id-1",
    "refresh_token": "refresh-1",
    "token_type": "Bearer",
    "expires_in": 86400,
}


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


class Issuer:
    """The token endpoint: records each exchange and answers ``response``."""

    def __init__(self, response: httpx.Response | Exception | None = None) -> None:
        self.response = response or json_response(200, TOKENS)
        self.exchanges: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == METADATA.token_endpoint
        self.exchanges.append(form(request))
        if isinstance(self.response, Exception):
            raise self.response
        return self.response


class Browser:
    """``open_url`` that follows the authorize URL to its redirect, like a signed-in browser.

    ``answer`` turns the authorize parameters into the redirect's parameters; ``None``
    plays a machine with no usable browser (returns False, does nothing).
    """

    def __init__(
        self,
        answer: Callable[[dict[str, str]], dict[str, str]] | None = (
            lambda params: {"code": "code-1", "state": params["state"]}
        ),
        delay: float = 0.0,
    ) -> None:
        self.answer = answer
        self.delay = delay
        self.opened: list[str] = []
        self.pages: list[httpx.Response] = []
        self._visits: list[asyncio.Task[None]] = []

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        if self.answer is None:
            return False
        self._visits.append(asyncio.get_running_loop().create_task(self._visit(url)))
        return True

    async def _visit(self, url: str) -> None:
        params = query(url)
        await asyncio.sleep(self.delay)
        async with httpx.AsyncClient(trust_env=False, timeout=5) as client:
            assert self.answer is not None
            target = params["redirect_uri"] + "?" + urlencode(self.answer(params))
            self.pages.append(await client.get(target))

    async def settled(self) -> None:
        await asyncio.gather(*self._visits, return_exceptions=True)


@pytest.fixture
async def issuer() -> Issuer:
    return Issuer()


@pytest.fixture
async def http(issuer: Issuer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(issuer)) as client:
        yield client


async def sign_in(
    http: httpx.AsyncClient,
    browser: Browser,
    *,
    pasted_redirect: Callable[[], Awaitable[str]] | None = None,
    timeout: float = 5,
    on_progress: Callable[[float], None] | None = None,
    validate: Callable[[TokenSet, str], Awaitable[None]] | None = None,
    on_bad_paste: Callable[[AuthError], None] | None = None,
) -> TokenSet:
    try:
        return await run_browser_flow(
            http,
            METADATA,
            client_id=CLIENT_ID,
            scope="openid profile offline_access",
            audience=AUDIENCE,
            ports=[0],
            open_url=browser,
            pasted_redirect=pasted_redirect,
            timeout=timeout,
            on_progress=on_progress,
            validate=validate,
            on_bad_paste=on_bad_paste,
        )
    finally:
        await browser.settled()


def port_is_free(port: int) -> bool:
    """Whether the next sign-in could bind ``port`` (with SO_REUSEADDR, as asyncio does)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


async def test_the_browser_redirect_signs_in(http: httpx.AsyncClient, issuer: Issuer) -> None:
    """open_url → redirect to the listener → code exchange with PKCE → validate(nonce)."""
    browser = Browser()
    validated: list[tuple[TokenSet, str]] = []

    async def validate(tokens: TokenSet, nonce: str) -> None:
        validated.append((tokens, nonce))

    tokens = await sign_in(http, browser, validate=validate)

    authorize = query(browser.opened[0])
    [exchange] = issuer.exchanges
    assert exchange["code"] == "code-1"
    assert exchange["redirect_uri"] == authorize["redirect_uri"]
    assert s256_challenge(exchange["code_verifier"]) == authorize["code_challenge"]
    assert authorize["audience"] == AUDIENCE
    assert tokens.access_token == Secret("access-1")
    assert tokens.audience == AUDIENCE
    assert validated == [(tokens, authorize["nonce"])]
    assert browser.pages[0].status_code == 200
    assert "Signed in" in browser.pages[0].text
    assert port_is_free(httpx.URL(authorize["redirect_uri"]).port or 0)


async def test_a_pasted_redirect_signs_in(http: httpx.AsyncClient, issuer: Issuer) -> None:
    """With no usable browser here, the redirect URL pasted from elsewhere works."""
    browser = Browser(answer=None)

    async def paste() -> str:
        params = query(browser.opened[0])
        return f"{params['redirect_uri']}?code=code-2&state={params['state']}\n"

    tokens = await sign_in(http, browser, pasted_redirect=paste)
    assert issuer.exchanges[0]["code"] == "code-2"
    assert tokens.refresh_token == Secret("refresh-1")


async def test_an_empty_paste_leaves_the_browser_to_finish(
    http: httpx.AsyncClient, issuer: Issuer
) -> None:
    """An empty line (or end of input) is "no paste": the redirect still wins."""
    browser = Browser(delay=0.05)

    async def paste() -> str:
        return ""

    await sign_in(http, browser, pasted_redirect=paste)
    assert issuer.exchanges[0]["code"] == "code-1"


async def test_the_browser_wins_over_a_pending_paste(http: httpx.AsyncClient) -> None:
    """The paste prompt is cancelled once the redirect arrived."""
    browser = Browser()
    cancelled = asyncio.Event()

    async def paste() -> str:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()
        return "unreachable"

    await sign_in(http, browser, pasted_redirect=paste)
    assert cancelled.is_set()


async def test_a_pasted_url_from_another_sign_in_is_refused(
    http: httpx.AsyncClient, issuer: Issuer
) -> None:
    """The pasted URL's state must match: no code is exchanged otherwise."""

    async def paste() -> str:
        return "http://127.0.0.1:8400/callback?code=stolen&state=someone-else"

    with pytest.raises(AuthError, match="state does not match"):
        await sign_in(http, Browser(answer=None), pasted_redirect=paste)
    assert issuer.exchanges == []


async def test_a_wrong_paste_is_reported_and_the_next_paste_signs_in(
    http: httpx.AsyncClient, issuer: Issuer
) -> None:
    """With ``on_bad_paste``, another sign-in's link and a cut-off address are reported and
    the sign-in waits for the next paste, which completes it; nothing wrong is exchanged."""
    browser = Browser(answer=None)
    pastes = [
        "http://127.0.0.1:8400/callback?code=stolen&state=someone-else",
        "http://127.0.0.1:8400/callback?code=cut-off",
    ]

    async def paste() -> str:
        if pastes:
            return pastes.pop(0)
        params = query(browser.opened[0])
        return f"{params['redirect_uri']}?code=code-3&state={params['state']}"

    refused: list[AuthError] = []
    tokens = await sign_in(http, browser, pasted_redirect=paste, on_bad_paste=refused.append)
    assert [error.message for error in refused] == [
        "The state does not match: this redirect is not from the sign-in you started.",
        "The redirect has no state parameter.",
    ]
    assert [exchange["code"] for exchange in issuer.exchanges] == ["code-3"]
    assert tokens.refresh_token == Secret("refresh-1")


async def test_a_denial_pasted_from_this_sign_in_ends_it_even_with_re_paste(
    http: httpx.AsyncClient, issuer: Issuer
) -> None:
    """This sign-in's own error redirect is its answer, not a mistake: no second paste."""
    browser = Browser(answer=None)

    async def paste() -> str:
        params = query(browser.opened[0])
        return f"{params['redirect_uri']}?error=access_denied&state={params['state']}"

    refused: list[AuthError] = []
    with pytest.raises(LoginCancelled):
        await sign_in(http, browser, pasted_redirect=paste, on_bad_paste=refused.append)
    assert refused == [] and issuer.exchanges == []


async def test_denied_in_the_browser_is_cancelled(http: httpx.AsyncClient, issuer: Issuer) -> None:
    """error=access_denied on the redirect: LoginCancelled, nothing exchanged."""
    browser = Browser(answer=lambda p: {"error": "access_denied", "state": p["state"]})
    with pytest.raises(LoginCancelled):
        await sign_in(http, browser)
    assert issuer.exchanges == []
    assert "access_denied" in browser.pages[0].text


async def test_the_wait_times_out_with_progress(http: httpx.AsyncClient) -> None:
    """No redirect and no paste: LoginTimedOut; on_progress counted the seconds down."""
    left: list[float] = []
    cancelled = asyncio.Event()

    async def paste() -> str:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()
        return "unreachable"

    with pytest.raises(LoginTimedOut):
        await sign_in(
            http, Browser(answer=None), pasted_redirect=paste, timeout=0.2, on_progress=left.append
        )
    assert left and 0 < left[0] <= 0.2
    assert cancelled.is_set()


async def test_cancelling_the_flow_cleans_up(http: httpx.AsyncClient) -> None:
    """Task cancellation stops the paste prompt and frees the port."""
    browser = Browser(answer=None)
    cancelled = asyncio.Event()

    async def paste() -> str:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()
        return "unreachable"

    flow = asyncio.create_task(sign_in(http, browser, pasted_redirect=paste))
    while not browser.opened:
        await asyncio.sleep(0.01)
    flow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await flow
    assert cancelled.is_set()
    redirect_uri = query(browser.opened[0])["redirect_uri"]
    assert port_is_free(httpx.URL(redirect_uri).port or 0)


async def test_a_refused_exchange_is_the_servers_error() -> None:
    """invalid_grant at the token endpoint arrives as OAuthError with its code."""
    issuer = Issuer(json_response(403, {"error": "invalid_grant", "error_description": "Bad code"}))
    async with httpx.AsyncClient(transport=httpx.MockTransport(issuer)) as http:
        with pytest.raises(OAuthError) as caught:
            await sign_in(http, Browser())
    assert caught.value.error == "invalid_grant"


async def test_an_unreachable_token_endpoint_is_a_network_error() -> None:
    """The exchange failing at the transport is NetworkError, not an httpx exception."""
    issuer = Issuer(httpx.ConnectError("refused"))
    async with httpx.AsyncClient(transport=httpx.MockTransport(issuer)) as http:
        with pytest.raises(NetworkError):
            await sign_in(http, Browser())
