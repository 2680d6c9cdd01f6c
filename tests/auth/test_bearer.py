"""BearerAuth: the header, one forced refresh and one retry on 401, and never a loop."""

from __future__ import annotations

import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tui_console.auth.bearer import BearerAuth
from tui_console.auth.refresh import TokenManager
from tui_console.auth.tokens import TokenSet
from tui_console.errors import NetworkError
from tui_console.redact import Secret
from tui_console.storage.token_store import FileTokenStore

API = "https://tenant.example/api/v2/"
USER_URL = "https://tenant.example/api/v2/users/me"


class TokenEndpoint:
    """Rotates on every refresh; ``same_token`` makes it hand back the access token it had."""

    def __init__(self) -> None:
        self.requests = 0
        self.same_token = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        form = dict(urllib.parse.parse_qsl(request.content.decode()))
        assert form["grant_type"] == "refresh_token"
        access = "at-0" if self.same_token else f"at-{self.requests}"
        return httpx.Response(
            200,
            json={
                "access_token": access,
                "refresh_token": f"rt-{self.requests}",
                "expires_in": 3600,
            },
        )


class Api:
    """An API that accepts only the access tokens in ``accepted`` and records each call."""

    def __init__(self, *accepted: str) -> None:
        self.accepted = {f"Bearer {token}" for token in accepted}
        self.seen: list[tuple[str, bytes]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        authorization = request.headers.get("Authorization", "")
        self.seen.append((authorization, request.content))
        if authorization in self.accepted:
            return httpx.Response(200, json={"user_id": "auth0|1"})
        return httpx.Response(401, json={"error": "invalid_token"})


@pytest.fixture
def store(tmp_path: Path) -> FileTokenStore:
    store = FileTokenStore(tmp_path / "tokens", "default")
    store.put(
        TokenSet(
            access_token=Secret("at-0"),
            token_type="bearer",
            refresh_token=Secret("rt-0"),
            expires_at=4_000_000_000.0,
            audience=API,
        )
    )
    return store


@pytest.fixture
def endpoint() -> TokenEndpoint:
    return TokenEndpoint()


@pytest.fixture
async def manager(store: FileTokenStore, endpoint: TokenEndpoint) -> AsyncIterator[TokenManager]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(endpoint)) as http:
        yield TokenManager(
            http=http,
            token_endpoint="https://tenant.example/oauth/token",
            client_id="client-123",
            store=store,
        )


def client(api: Api, manager: TokenManager) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(api), auth=BearerAuth(manager, API))


async def test_the_header_carries_the_stored_access_token(
    manager: TokenManager, endpoint: TokenEndpoint
) -> None:
    """A valid token goes out as ``Authorization: Bearer <token>``, with no refresh."""
    api = Api("at-0")
    async with client(api, manager) as http:
        response = await http.get(USER_URL)
    assert response.status_code == 200
    assert api.seen == [("Bearer at-0", b"")]
    assert endpoint.requests == 0


async def test_a_401_forces_one_refresh_and_one_retry(
    manager: TokenManager, endpoint: TokenEndpoint, store: FileTokenStore
) -> None:
    """A token the API refuses is renewed once and the request, body included, sent again."""
    api = Api("at-1")
    async with client(api, manager) as http:
        response = await http.post(USER_URL, content=b'{"user_metadata": {}}')
    assert response.status_code == 200
    assert endpoint.requests == 1
    assert api.seen == [
        ("Bearer at-0", b'{"user_metadata": {}}'),
        ("Bearer at-1", b'{"user_metadata": {}}'),
    ]
    renewed = store.get(API)
    assert renewed is not None
    assert renewed.access_token == Secret("at-1")


async def test_a_second_401_is_returned_as_is(
    manager: TokenManager, endpoint: TokenEndpoint
) -> None:
    """If the renewed token is refused too, the 401 comes back: one refresh, no loop."""
    api = Api()
    async with client(api, manager) as http:
        response = await http.get(USER_URL)
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_token"}
    assert endpoint.requests == 1
    assert [header for header, _ in api.seen] == ["Bearer at-0", "Bearer at-1"]


async def test_no_retry_when_the_refresh_yields_the_same_token(
    manager: TokenManager, endpoint: TokenEndpoint
) -> None:
    """A refresh that hands back the refused token is not worth a second request."""
    endpoint.same_token = True
    api = Api()
    async with client(api, manager) as http:
        response = await http.get(USER_URL)
    assert response.status_code == 401
    assert len(api.seen) == 1


async def test_a_token_renewed_elsewhere_is_retried_without_a_refresh(
    manager: TokenManager, endpoint: TokenEndpoint, store: FileTokenStore
) -> None:
    """If another process renewed the token, the retry uses it and nothing is refreshed."""
    api = Api("at-elsewhere")

    def renew_elsewhere_then_refuse(request: httpx.Request) -> httpx.Response:
        if not api.seen:
            store.put(
                TokenSet(
                    access_token=Secret("at-elsewhere"),
                    refresh_token=Secret("rt-elsewhere"),
                    expires_at=4_000_000_000.0,
                    audience=API,
                )
            )
        return api(request)

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(renew_elsewhere_then_refuse),
        auth=BearerAuth(manager, API),
    ) as http:
        response = await http.get(USER_URL)
    assert response.status_code == 200
    assert endpoint.requests == 0
    assert [header for header, _ in api.seen] == ["Bearer at-0", "Bearer at-elsewhere"]


async def test_errors_and_reprs_never_show_the_token(store: FileTokenStore) -> None:
    """A refresh failing behind a 401 surfaces as a domain error without token text."""

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(unreachable)) as token_http:
        failing = TokenManager(
            http=token_http,
            token_endpoint="https://tenant.example/oauth/token",
            client_id="client-123",
            store=store,
        )
        auth = BearerAuth(failing, API)
        api = Api()
        async with httpx.AsyncClient(transport=httpx.MockTransport(api), auth=auth) as http:
            with pytest.raises(NetworkError) as caught:
                await http.get(USER_URL)
    sent = httpx.Request("GET", USER_URL, headers={"Authorization": "Bearer at-0"})
    for text in (str(caught.value), repr(caught.value), repr(auth), repr(sent.headers)):
        assert "at-0" not in text
        assert "rt-0" not in text
    assert [header for header, _ in api.seen] == ["Bearer at-0"]


def test_sync_clients_are_refused(manager: TokenManager) -> None:
    """The refresh behind the header is async, so a sync client gets a clear error."""
    with httpx.Client(transport=httpx.MockTransport(Api("at-0"))) as http:
        with pytest.raises(RuntimeError, match="BearerAuth is async-only"):
            http.get(USER_URL, auth=BearerAuth(manager, API))


class StreamingApi(httpx.AsyncBaseTransport):
    """Reads each request body as a server does, chunk by chunk off ``request.stream``."""

    def __init__(self, *accepted: str) -> None:
        self.accepted = {f"Bearer {token}" for token in accepted}
        self.seen: list[tuple[str, bytes]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        body = b"".join([chunk async for chunk in request.stream])
        authorization = request.headers.get("Authorization", "")
        self.seen.append((authorization, body))
        if authorization in self.accepted:
            return httpx.Response(200, json={"user_id": "auth0|1"})
        return httpx.Response(401, json={"error": "invalid_token"})


async def test_a_streamed_body_is_sent_again_whole_after_a_401(
    manager: TokenManager, endpoint: TokenEndpoint
) -> None:
    """A body from an async generator is read before the first send, so the retry has it too.

    httpx reads the body for ``requires_request_body`` only in the default ``async_auth_flow``;
    overriding it without reading raised ``StreamConsumed`` on the retry.
    """

    async def body() -> AsyncIterator[bytes]:
        yield b'{"user_metadata": '
        yield b'{"theme": "dark"}}'

    api = StreamingApi("at-1")
    async with httpx.AsyncClient(transport=api, auth=BearerAuth(manager, API)) as http:
        response = await http.post(USER_URL, content=body())
    assert response.status_code == 200
    assert endpoint.requests == 1
    whole = b'{"user_metadata": {"theme": "dark"}}'
    assert api.seen == [("Bearer at-0", whole), ("Bearer at-1", whole)]
