"""TokenManager: proactive, single-flight refresh that never spends a refresh token twice.

In-process tests drive the token endpoint through ``httpx.MockTransport`` and count what
reaches it. ``TestAcrossProcesses`` runs real processes against a small rotating token
server on 127.0.0.1 that counts refresh-token reuse, the way Auth0 detects it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.clocks import Clock
from tui_console.auth.refresh import TokenManager
from tui_console.auth.tokens import TokenSet
from tui_console.errors import (
    NetworkError,
    NotSignedIn,
    OAuthError,
    RateLimited,
    ResponseLost,
    SessionExpired,
)
from tui_console.redact import Secret
from tui_console.storage.file_lock import InterProcessLock
from tui_console.storage.token_store import FileTokenStore

API = "https://tenant.example/api/v2/"
TOKEN_ENDPOINT = "https://tenant.example/oauth/token"
CLIENT_ID = "client-123"
NOW = 1_900_000_000.0


Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


class TokenEndpoint:
    """A refresh-grant endpoint that rotates refresh tokens and records what it was sent.

    ``answer`` replaces the normal answer when a test wants a failure.
    """

    def __init__(self, *, rotate: bool = True, delay: float = 0.02) -> None:
        self.rotate = rotate
        self.delay = delay
        self.presented: list[str] = []
        self.answer: Handler | None = None

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        form = dict(urllib.parse.parse_qsl(request.content.decode()))
        assert form["grant_type"] == "refresh_token"
        assert form["client_id"] == CLIENT_ID
        self.presented.append(form["refresh_token"])
        await asyncio.sleep(self.delay)  # let other tasks pile up behind the refresh
        if self.answer is not None:
            return await self.answer(request)
        serial = len(self.presented)
        body = {"access_token": f"at-{serial}", "token_type": "Bearer", "expires_in": 3600}
        if self.rotate:
            body["refresh_token"] = f"rt-{serial}"
        return httpx.Response(200, json=body)


def tokens(
    access: str = "at-0",
    refresh: str | None = "rt-0",
    *,
    expires_at: float = NOW + 3600,
    issued_at: float = NOW - 3600,
    audience: str | None = API,
) -> TokenSet:
    return TokenSet(
        access_token=Secret(access),
        expires_at=expires_at,
        scope=("openid", "offline_access"),
        refresh_token=Secret(refresh) if refresh else None,
        audience=audience,
        issued_at=issued_at,
    )


EXPIRED_AT = NOW - 1


@pytest.fixture
def store(tmp_path: Path) -> FileTokenStore:
    return FileTokenStore(tmp_path / "tokens", "default")


@pytest.fixture
def endpoint() -> TokenEndpoint:
    return TokenEndpoint()


@pytest.fixture
def changes() -> list[TokenSet | None]:
    return []


@pytest.fixture
async def manager(
    store: FileTokenStore, endpoint: TokenEndpoint, changes: list[TokenSet | None]
) -> AsyncIterator[TokenManager]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(endpoint)) as http:
        yield TokenManager(
            http=http,
            token_endpoint=TOKEN_ENDPOINT,
            client_id=CLIENT_ID,
            store=store,
            lock=InterProcessLock(store.lock_path, timeout=10),
            clock=Clock(NOW),
            on_change=changes.append,
        )


def access(token_set: TokenSet | None) -> str | None:
    return token_set.access_token.reveal() if token_set else None


def refresh(token_set: TokenSet | None) -> str | None:
    return token_set.refresh_token.reveal() if token_set and token_set.refresh_token else None


class TestWhenToRefresh:
    async def test_an_unexpired_token_is_returned_without_a_request(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """A token good for longer than the leeway is handed out as stored."""
        store.put(tokens())
        assert access(await manager.valid_token(API)) == "at-0"
        assert endpoint.presented == []
        assert manager.refresh_count == 0
        assert manager.state(API) == "fresh"

    async def test_an_expired_token_is_refreshed_once_and_stored(
        self,
        manager: TokenManager,
        store: FileTokenStore,
        endpoint: TokenEndpoint,
        changes: list[TokenSet | None],
    ) -> None:
        """An expired token costs one refresh request, whose answer is persisted and announced."""
        store.put(tokens(expires_at=EXPIRED_AT))
        assert manager.state(API) == "expired"
        renewed = await manager.valid_token(API)
        assert (access(renewed), refresh(renewed)) == ("at-1", "rt-1")
        assert endpoint.presented == ["rt-0"]
        assert manager.refresh_count == 1
        assert store.get(API) == renewed
        assert changes == [renewed]
        assert manager.state(API) == "fresh"

    async def test_a_token_inside_the_leeway_is_refreshed(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """A token expiring within the 60 s leeway is renewed before it fails a request."""
        store.put(tokens(expires_at=NOW + 30))
        assert access(await manager.valid_token(API)) == "at-1"
        assert len(endpoint.presented) == 1

    async def test_the_leeway_never_exceeds_half_a_token_lifetime(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """A 10 s token is not "stale at birth" under a 60 s leeway: it is used for ~5 s."""
        store.put(tokens(expires_at=NOW + 6, issued_at=NOW - 4))
        assert access(await manager.valid_token(API)) == "at-0"
        store.put(tokens(expires_at=NOW + 4, issued_at=NOW - 6))
        assert access(await manager.valid_token(API)) == "at-1"
        assert len(endpoint.presented) == 1

    async def test_no_session_is_not_signed_in(self, manager: TokenManager) -> None:
        """Without stored tokens the answer is NotSignedIn with the command that fixes it."""
        assert manager.state(API) == "signed out"
        with pytest.raises(NotSignedIn) as caught:
            await manager.valid_token(API)
        assert "tui-console login" in caught.value.hint

    async def test_audiences_are_refreshed_separately(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """The userinfo-only token and an API token each keep their own refresh."""
        store.put(tokens(audience=API, expires_at=EXPIRED_AT))
        store.put(tokens("userinfo-at", "userinfo-rt", audience=None))
        await manager.valid_token(API)
        assert access(await manager.valid_token(None)) == "userinfo-at"
        assert endpoint.presented == ["rt-0"]
        assert access(store.get(None)) == "userinfo-at"


class TestSingleFlight:
    async def test_fifty_concurrent_callers_cause_exactly_one_refresh(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """50 tasks asking for an expired token share one refresh request and its result."""
        store.put(tokens(expires_at=EXPIRED_AT))
        results = await asyncio.gather(*(manager.valid_token(API) for _ in range(50)))
        assert endpoint.presented == ["rt-0"]
        assert manager.refresh_count == 1
        assert {access(result) for result in results} == {"at-1"}

    async def test_fifty_concurrent_forced_refreshes_for_one_rejected_token_send_one(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """Many 401s for the same token force one refresh, not one each."""
        store.put(tokens())
        rejected = Secret("at-0")
        results = await asyncio.gather(
            *(manager.valid_token(API, force=True, rejected=rejected) for _ in range(50))
        )
        assert endpoint.presented == ["rt-0"]
        assert {access(result) for result in results} == {"at-1"}

    async def test_a_token_renewed_while_waiting_for_the_file_lock_is_adopted(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """If another process renews while we wait for its lock, we take its token, send nothing."""
        store.put(tokens(expires_at=EXPIRED_AT))
        other_process = InterProcessLock(store.lock_path)
        other_process.acquire()
        waiting = asyncio.create_task(manager.valid_token(API))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        assert manager.state(API) == "refreshing"
        store.put(tokens("at-other", "rt-other", issued_at=NOW))  # the other process's result
        other_process.release()
        adopted = await waiting
        assert (access(adopted), refresh(adopted)) == ("at-other", "rt-other")
        assert endpoint.presented == []
        assert manager.refresh_count == 0

    async def test_a_forced_refresh_adopts_a_token_other_than_the_rejected_one(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """A 401 for an old token is answered with the newer stored token, no request."""
        store.put(tokens("at-newer"))
        result = await manager.valid_token(API, force=True, rejected=Secret("at-old"))
        assert access(result) == "at-newer"
        assert endpoint.presented == []

    async def test_a_forced_refresh_of_the_stored_token_sends_one_request(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """``force`` renews an unexpired token when it is the one the server refused."""
        store.put(tokens())
        assert access(await manager.valid_token(API, force=True)) == "at-1"
        assert endpoint.presented == ["rt-0"]

    async def test_a_cancelled_caller_does_not_lose_the_rotated_token(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """Cancelling the caller mid-exchange still stores the new refresh token."""
        endpoint.delay = 0.2
        store.put(tokens(expires_at=EXPIRED_AT))
        caller = asyncio.create_task(manager.valid_token(API))
        await asyncio.sleep(0.05)
        assert endpoint.presented == ["rt-0"]
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        await asyncio.sleep(0.4)
        assert refresh(store.get(API)) == "rt-1"


class TestRotation:
    async def test_the_rotated_refresh_token_replaces_the_spent_one(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """Each refresh presents the refresh token the previous one returned."""
        store.put(tokens(expires_at=EXPIRED_AT))
        await manager.valid_token(API)
        await manager.valid_token(API, force=True)
        assert endpoint.presented == ["rt-0", "rt-1"]
        assert refresh(store.get(API)) == "rt-2"

    async def test_an_answer_without_a_refresh_token_keeps_the_old_one(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """Without rotation the server omits refresh_token and the stored one stays."""
        endpoint.rotate = False
        store.put(tokens(expires_at=EXPIRED_AT))
        renewed = await manager.valid_token(API)
        assert (access(renewed), refresh(renewed)) == ("at-1", "rt-0")
        assert refresh(store.get(API)) == "rt-0"
        assert renewed.scope == ("openid", "offline_access")


def answer(status: int, body: object) -> Handler:
    async def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body)

    return respond


INVALID_GRANT: dict[str, object] = {
    "error": "invalid_grant",
    "error_description": "Unknown or invalid refresh token.",
}


class TestFailures:
    async def test_invalid_grant_ends_the_session_and_wipes_that_audience(
        self,
        manager: TokenManager,
        store: FileTokenStore,
        endpoint: TokenEndpoint,
        changes: list[TokenSet | None],
    ) -> None:
        """A refused refresh token is SessionExpired with the server's reason; it is wiped."""
        endpoint.answer = answer(403, INVALID_GRANT)
        store.put(tokens(expires_at=EXPIRED_AT))
        store.put(tokens("userinfo-at", "userinfo-rt", audience=None))
        with pytest.raises(SessionExpired) as caught:
            await manager.valid_token(API)
        assert caught.value.message == (
            "The session for this profile has ended: you were signed out elsewhere (on another "
            "device, or by an administrator or support), or the session expired. Auth0 "
            "rejected the refresh token: Unknown or invalid refresh token."
        )
        assert caught.value.hint == "Sign in again: tui-console login"
        assert isinstance(caught.value.__cause__, OAuthError)
        assert store.get(API) is None
        assert store.get(None) is not None
        assert changes == [None]
        assert len(endpoint.presented) == 1  # no retry loop
        with pytest.raises(NotSignedIn):
            await manager.valid_token(API)

    async def test_a_stale_invalid_grant_never_wipes_a_newer_session(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """If the store got a newer session while we refreshed, invalid_grant leaves it alone."""

        async def sign_in_elsewhere_then_refuse(request: httpx.Request) -> httpx.Response:
            store.put(tokens("at-new-login", "rt-new-login", issued_at=NOW))
            return httpx.Response(403, json=INVALID_GRANT)

        endpoint.answer = sign_in_elsewhere_then_refuse
        store.put(tokens(expires_at=EXPIRED_AT))
        result = await manager.valid_token(API)
        assert (access(result), refresh(result)) == ("at-new-login", "rt-new-login")
        assert refresh(store.get(API)) == "rt-new-login"

    async def test_a_stale_invalid_grant_with_an_expired_newer_session_keeps_it(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """Even when the newer session can't be used right away, it is not deleted."""

        async def write_newer_then_refuse(request: httpx.Request) -> httpx.Response:
            store.put(tokens("at-newer", "rt-newer", expires_at=EXPIRED_AT))
            return httpx.Response(403, json=INVALID_GRANT)

        endpoint.answer = write_newer_then_refuse
        store.put(tokens(expires_at=EXPIRED_AT))
        with pytest.raises(SessionExpired):
            await manager.valid_token(API)
        assert refresh(store.get(API)) == "rt-newer"

    async def test_the_reason_never_echoes_the_refresh_token(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """A server that quotes the refresh token back does not get it onto the screen."""
        endpoint.answer = answer(
            400, {"error": "invalid_grant", "error_description": "token rt-0 is revoked"}
        )
        store.put(tokens(expires_at=EXPIRED_AT))
        with pytest.raises(SessionExpired) as caught:
            await manager.valid_token(API)
        assert "rt-0" not in str(caught.value)

    async def test_an_expired_token_without_a_refresh_token_is_session_expired(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """No refresh token, no renewal: SessionExpired, nothing sent, nothing deleted."""
        store.put(tokens(refresh=None, expires_at=EXPIRED_AT))
        with pytest.raises(SessionExpired, match="no refresh token"):
            await manager.valid_token(API)
        assert endpoint.presented == []
        assert store.get(API) is not None

    async def test_a_network_failure_keeps_the_tokens(
        self, manager: TokenManager, store: FileTokenStore, endpoint: TokenEndpoint
    ) -> None:
        """An unreachable token endpoint is NetworkError; the session survives for a retry."""

        async def unreachable(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        endpoint.answer = unreachable
        store.put(tokens(expires_at=EXPIRED_AT))
        with pytest.raises(NetworkError) as caught:
            await manager.valid_token(API)
        assert "rt-0" not in str(caught.value)
        assert store.get(API) == tokens(expires_at=EXPIRED_AT)

    @pytest.mark.parametrize(
        ("status", "body"),
        [
            (500, {"error": "server_error", "error_description": "oops"}),
            (503, "Service Unavailable"),
            (429, {"error": "too_many_requests", "error_description": "slow down"}),
        ],
    )
    async def test_server_trouble_keeps_the_tokens(
        self,
        manager: TokenManager,
        store: FileTokenStore,
        endpoint: TokenEndpoint,
        status: int,
        body: object,
    ) -> None:
        """5xx (ResponseLost) and 429 (RateLimited) are not SessionExpired, and delete nothing."""
        endpoint.answer = answer(status, body)
        store.put(tokens(expires_at=EXPIRED_AT))
        expected = RateLimited if status == 429 else ResponseLost
        with pytest.raises(expected) as caught:
            await manager.valid_token(API)
        assert not isinstance(caught.value, SessionExpired)
        kept = store.get(API)
        assert kept is not None
        # A 5xx may have rotated the token at the server: the store remembers that it did.
        assert (kept.refresh_answer_lost_at is not None) == (status >= 500)
        assert replace(kept, refresh_answer_lost_at=None) == tokens(expires_at=EXPIRED_AT)


# --- across processes -------------------------------------------------------------------


class RotatingTokenServer(ThreadingHTTPServer):
    """A refresh-grant endpoint with Auth0's rotation and reuse detection, on 127.0.0.1.

    Every exchange spends the presented refresh token and issues a new one. Presenting a spent
    one counts a reuse and revokes the family, as Auth0 does (auth0-reference.md §3.3).
    """

    def __init__(self, lifetime: float) -> None:
        super().__init__(("127.0.0.1", 0), _TokenRequestHandler)
        self.lifetime = lifetime
        self.live = {"rt-0"}
        self.spent: set[str] = set()
        self.refreshes = 0
        self.reuses = 0
        self.guard = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/oauth/token"

    def exchange(self, presented: str) -> tuple[int, dict[str, object]]:
        with self.guard:
            if presented in self.live:
                self.live.remove(presented)
                self.spent.add(presented)
                self.refreshes += 1
                new = f"rt-{self.refreshes}"
                self.live.add(new)
                return 200, {
                    "access_token": f"at-{self.refreshes}",
                    "refresh_token": new,
                    "token_type": "Bearer",
                    "expires_in": self.lifetime,
                }
            if presented in self.spent:
                self.reuses += 1
                self.live.clear()  # the whole family is revoked
            return 403, INVALID_GRANT


class _TokenRequestHandler(BaseHTTPRequestHandler):
    server: RotatingTokenServer

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        status, body = self.server.exchange(form.get("refresh_token", ""))
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


WORKER = textwrap.dedent(
    """
    import asyncio, sys, time
    from pathlib import Path

    import httpx

    from tui_console.auth.refresh import TokenManager
    from tui_console.storage.token_store import FileTokenStore

    directory, endpoint, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])

    async def main() -> None:
        store = FileTokenStore(Path(directory), "default")
        async with httpx.AsyncClient() as http:
            manager = TokenManager(
                http=http, token_endpoint=endpoint, client_id="client-123", store=store,
                leeway=0.3,
            )
            deadline = time.monotonic() + seconds
            calls = 0
            while time.monotonic() < deadline:
                await asyncio.gather(*(manager.valid_token(None) for _ in range(3)))
                calls += 1
                await asyncio.sleep(0.02)
            print(calls, manager.refresh_count)

    asyncio.run(main())
    """
)


@pytest.fixture
def token_server() -> Iterator[RotatingTokenServer]:
    server = RotatingTokenServer(lifetime=1)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class TestAcrossProcesses:
    def test_processes_refreshing_together_never_reuse_a_refresh_token(
        self, tmp_path: Path, token_server: RotatingTokenServer
    ) -> None:
        """Three processes, 1 s tokens, 3 s of calls: many refreshes, zero reuse at the server."""
        directory = tmp_path / "tokens"
        FileTokenStore(directory, "default").put(
            tokens("at-0", "rt-0", expires_at=time.time() - 1, audience=None)
        )
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, str(directory), token_server.url, "3"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(3)
        ]
        outputs = [worker.communicate(timeout=30) for worker in workers]
        for worker, (_, stderr) in zip(workers, outputs, strict=True):
            assert worker.returncode == 0, stderr
        calls, refreshes = zip(*(map(int, stdout.split()) for stdout, _ in outputs), strict=True)
        assert token_server.reuses == 0
        assert token_server.refreshes >= 2
        assert sum(refreshes) == token_server.refreshes
        assert min(calls) >= 10


class RotationServer:
    """Auth0's rotation with a reuse interval: the previous token is accepted again inside
    ``reuse_interval`` seconds of its first use; outside it, reuse revokes the family.

    ``lose_answers`` answers that many refreshes by rotating and then dropping the connection,
    as a reset after the server did the work.
    """

    def __init__(self, *, reuse_interval: float, lose_answers: int = 0) -> None:
        self.reuse_interval = reuse_interval
        self.lose_answers = lose_answers
        self.current = "rt-0"
        self.previous: str | None = None
        self.revoked = False
        self.serial = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        presented = dict(urllib.parse.parse_qsl(request.content.decode()))["refresh_token"]
        reused = presented == self.previous
        if self.revoked or (presented != self.current and not reused):
            return httpx.Response(403, json={"error": "invalid_grant", "error_description": "x"})
        if reused and self.reuse_interval == 0:
            self.revoked = True
            return httpx.Response(
                403,
                json={
                    "error": "invalid_grant",
                    "error_description": "Unknown or invalid refresh token.",
                },
            )
        self.serial += 1
        if not reused:
            self.previous, self.current = presented, f"rt-{self.serial}"
        body = {
            "access_token": f"at-{self.serial}",
            "expires_in": 3600,
            "refresh_token": self.current,
        }
        if self.lose_answers:
            self.lose_answers -= 1
            raise httpx.ReadError("connection reset by peer", request=request)
        return httpx.Response(200, json=body)


@contextlib.asynccontextmanager
async def rotation_manager(
    server: RotationServer, store: FileTokenStore
) -> AsyncIterator[TokenManager]:
    """A TokenManager whose token endpoint is ``server``, its access token due for renewal."""
    store.put(tokens(expires_at=EXPIRED_AT))
    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
        yield TokenManager(
            http=http,
            token_endpoint=TOKEN_ENDPOINT,
            client_id=CLIENT_ID,
            store=store,
            clock=Clock(NOW),
        )


class TestLostRefreshAnswers:
    """A refresh whose answer is lost: the session is kept, and a later refusal explained."""

    async def test_inside_the_reuse_interval_the_immediate_retry_keeps_the_session(
        self, store: FileTokenStore, tmp_path: Path
    ) -> None:
        server = RotationServer(reuse_interval=30, lose_answers=1)
        async with rotation_manager(server, store) as manager:
            renewed = await manager.valid_token(API)
        assert access(renewed) == "at-2"
        assert renewed.refresh_token == Secret("rt-1") or renewed.refresh_token == Secret("rt-2")
        stored = store.get(API)
        assert stored is not None and stored.refresh_answer_lost_at is None  # cleared
        assert not server.revoked

    async def test_with_no_reuse_interval_the_refusal_names_the_likely_cause(
        self, store: FileTokenStore
    ) -> None:
        """Reuse detection after a lost answer: SessionExpired naming the reuse interval."""
        server = RotationServer(reuse_interval=0, lose_answers=1)
        async with rotation_manager(server, store) as manager:
            with pytest.raises(SessionExpired) as caught:
                await manager.valid_token(API)
        assert server.revoked
        assert "answer to an earlier refresh was lost" in caught.value.message
        assert "reuse interval" in caught.value.message
        assert "tui-console login" in caught.value.hint
        assert "reuse interval" in caught.value.hint and "30 s" in caught.value.hint
        assert "rt-0" not in str(caught.value) and "rt-1" not in str(caught.value)

    async def test_a_plain_refusal_does_not_blame_the_reuse_interval(
        self, store: FileTokenStore
    ) -> None:
        server = RotationServer(reuse_interval=0)
        server.revoked = True
        async with rotation_manager(server, store) as manager:
            with pytest.raises(SessionExpired) as caught:
                await manager.valid_token(API)
        assert "reuse interval" not in str(caught.value)

    async def test_a_lost_answer_twice_keeps_the_tokens_and_says_try_again(
        self, store: FileTokenStore
    ) -> None:
        """Two lost answers in a row: ResponseLost, the session kept and marked."""
        server = RotationServer(reuse_interval=30, lose_answers=2)
        async with rotation_manager(server, store) as manager:
            with pytest.raises(ResponseLost) as caught:
                await manager.valid_token(API)
        assert "was sent, but its answer was lost" in caught.value.message
        assert "may have replaced the refresh token" in caught.value.message
        assert "session is kept" in caught.value.hint
        kept = store.get(API)
        assert kept is not None and kept.refresh_token == Secret("rt-0")
        assert kept.refresh_answer_lost_at is not None
