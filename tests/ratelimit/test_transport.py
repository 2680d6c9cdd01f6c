"""The transport: wait instead of bursting into 429s, retry only what may be replayed, bounded."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from email.utils import formatdate
from typing import Any

import httpx
import pytest

from tests.clocks import Clock
from tests.recordings import load
from tui_console.errors import RateLimited
from tui_console.ratelimit import (
    IDEMPOTENT_EXTENSION,
    MANAGEMENT_READ,
    MANAGEMENT_WRITE,
    TOKEN,
    BucketView,
    RateLimitBoard,
    RateLimitedTransport,
    RateLimitState,
)

from .fakes import NOW, FakeSleep, TokenBucketServer

BASE = "https://tenant.example"
TOO_MANY = {
    "statusCode": 429,
    "error": "Too Many Requests",
    "message": "Global limit has been reached",
}


class Rig:
    """A transport on a fake clock around ``handler``, and a client that uses it."""

    def __init__(
        self,
        handler: Callable[[httpx.Request], Any],
        *,
        clock: Clock | None = None,
        max_attempts: int = 3,
        jitter: float = 0.0,
    ) -> None:
        self.clock = clock or Clock(NOW)
        self.sleep = FakeSleep(self.clock)
        self.board = RateLimitBoard(clock=self.clock)
        self.transport = RateLimitedTransport(
            httpx.MockTransport(handler),
            board=self.board,
            sleep=self.sleep,
            random=lambda: jitter,
            max_attempts=max_attempts,
        )
        self.client = httpx.AsyncClient(transport=self.transport, base_url=BASE)


class Script:
    """A handler answering with ``responses`` in turn (the last one repeats), counting calls."""

    def __init__(self, *responses: httpx.Response | Exception) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.responses[min(len(self.requests), len(self.responses)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


def too_many(**headers: str) -> httpx.Response:
    return httpx.Response(429, json=TOO_MANY, headers=headers)


class TestGate:
    async def test_three_k_sequential_calls_never_hit_an_empty_bucket(self) -> None:
        """3k calls against a k-token bucket with a slow refill: no request meets an empty bucket,
        and each wait is one token's refill, not a wait for the full reset."""
        clock = Clock(NOW)
        size, refill = 5, 4.0
        server = TokenBucketServer(clock, size=size, refill=refill)
        rig = Rig(server, clock=clock)
        for _ in range(3 * size):
            response = await rig.client.get("/api/v2/users/auth0%7C1")
            assert response.status_code == 200
        assert server.rejected == 0
        assert server.accepted == 3 * size
        assert rig.sleep.calls, "the bucket ran dry, so the client must have waited"
        assert max(rig.sleep.calls) <= refill * 1.3  # one token at a time, never the full reset
        elapsed = clock.now - NOW
        assert elapsed == pytest.approx(2 * size * refill, rel=0.25)

    async def test_concurrent_callers_are_released_one_token_at_a_time(self) -> None:
        """Callers waiting together on one refill don't all go at once."""
        clock = Clock(NOW)
        size = 3
        server = TokenBucketServer(clock, size=size, refill=2.0)
        rig = Rig(server, clock=clock)

        async def call() -> int:
            response = await rig.client.get("/api/v2/users/auth0%7C1")
            return response.status_code

        # Learn the bucket's state, then fire a crowd at it.
        assert await call() == 200
        statuses = await asyncio.gather(*(call() for _ in range(4 * size)))
        assert statuses == [200] * (4 * size)
        assert server.rejected == 0

    async def test_a_wait_is_marked_on_the_board_while_it_lasts(self) -> None:
        """Observers see "waiting until" when the gate holds a request, and its end."""
        script = Script(httpx.Response(200))
        rig = Rig(script)
        rig.board.record(MANAGEMENT_READ, RateLimitState(10, 0, NOW + 30, NOW))
        seen: list[BucketView] = []
        rig.board.subscribe(lambda name, view: seen.append(view))
        await rig.client.get("/api/v2/users/x")
        assert rig.sleep.calls == [3]
        waits = [view.waiting_until for view in seen]
        assert waits[0] == NOW + 3
        assert waits[1] is None
        assert len(script.requests) == 1

    async def test_a_wait_beyond_the_cap_is_refused_without_sending(self) -> None:
        """An empty /oauth/token bucket refills one token in 864 s: say so, send nothing."""
        script = Script(httpx.Response(200))
        rig = Rig(script)
        rig.board.record(TOKEN, RateLimitState(100, 0, NOW + 86_400, NOW))
        with pytest.raises(RateLimited) as caught:
            await rig.client.post("/oauth/token", data={"grant_type": "refresh_token"})
        assert caught.value.retry_after == pytest.approx(864)
        assert "token" in caught.value.message
        assert script.requests == []
        assert rig.board.snapshot()[TOKEN].waiting_until is None

    async def test_cancelling_a_waiting_request_clears_the_mark_and_sends_nothing(self) -> None:
        """The gate's sleep is cancellable; cancellation propagates and the mark goes."""
        script = Script(httpx.Response(200))
        board = RateLimitBoard(clock=Clock(NOW))
        board.record(MANAGEMENT_READ, RateLimitState(10, 0, NOW + 30, NOW))
        views: list[BucketView] = []
        marked = asyncio.Event()

        def seen(name: str, view: BucketView) -> None:
            views.append(view)
            marked.set()

        board.subscribe(seen)
        transport = RateLimitedTransport(httpx.MockTransport(script), board=board)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            task = asyncio.create_task(client.get("/api/v2/users/x"))
            await asyncio.wait_for(marked.wait(), timeout=5)  # a regression fails, not hangs
            assert board.snapshot()[MANAGEMENT_READ].waiting_until is not None
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        assert board.snapshot()[MANAGEMENT_READ].waiting_until is None
        assert views[-1].waiting_until is None
        assert script.requests == []


class TestRetry:
    async def test_a_429_storm_ends_after_max_attempts(self) -> None:
        """Always 429: three sends, backoff 1 s then 2 s, and the last 429 is returned."""
        script = Script(too_many())
        rig = Rig(script)
        response = await rig.client.get("/api/v2/users/x")
        assert response.status_code == 429
        assert len(script.requests) == 3
        assert rig.sleep.calls == [1, 2]

    async def test_a_429_then_success(self) -> None:
        script = Script(too_many(), too_many(), httpx.Response(200, json={"ok": True}))
        rig = Rig(script)
        response = await rig.client.get("/api/v2/users/x")
        assert response.status_code == 200
        assert len(script.requests) == 3

    async def test_retry_after_seconds_is_honoured(self) -> None:
        script = Script(too_many(**{"Retry-After": "7"}), httpx.Response(200))
        rig = Rig(script)
        assert (await rig.client.get("/api/v2/users/x")).status_code == 200
        assert rig.sleep.calls == [7]

    async def test_retry_after_date_is_honoured(self) -> None:
        retry_at = formatdate(NOW + 20.75, usegmt=True)  # a whole second, as HTTP dates are
        script = Script(too_many(**{"Retry-After": retry_at}), httpx.Response(200))
        rig = Rig(script)
        assert (await rig.client.get("/api/v2/users/x")).status_code == 200
        assert rig.sleep.calls == [pytest.approx(20.75)]

    async def test_without_retry_after_the_wait_is_one_token(self) -> None:
        """A 429 reporting 0 of 50, full in 10 s, waits 0.2 s (one token): not the 10 s to
        reset, and not a blind 1 s backoff either."""
        headers = {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(int(NOW) + 10),
        }
        clock = Clock(float(int(NOW)))
        script = Script(too_many(**headers), httpx.Response(200))
        rig = Rig(script, clock=clock)
        assert (await rig.client.get("/api/v2/users/x")).status_code == 200
        assert rig.sleep.calls == [pytest.approx(0.2)]

    async def test_jitter_adds_up_to_a_fifth_and_the_cap_holds(self) -> None:
        script = Script(too_many(**{"Retry-After": "10"}), too_many(**{"Retry-After": "3600"}))
        rig = Rig(script, jitter=0.999)
        await rig.client.get("/api/v2/users/x")
        assert rig.sleep.calls == [pytest.approx(10 * 1.1998), 60]

    async def test_a_post_429_is_not_replayed(self) -> None:
        script = Script(too_many())
        rig = Rig(script)
        response = await rig.client.post("/api/v2/users/x/identities", json={"link_with": "t"})
        assert response.status_code == 429
        assert len(script.requests) == 1
        assert rig.sleep.calls == []

    async def test_an_unmarked_patch_is_not_replayed(self) -> None:
        script = Script(too_many())
        rig = Rig(script)
        response = await rig.client.patch("/api/v2/users/x", json={"user_metadata": {"a": 1}})
        assert response.status_code == 429
        assert len(script.requests) == 1

    async def test_a_patch_marked_idempotent_is_replayed_with_the_same_body(self) -> None:
        script = Script(too_many(), httpx.Response(200))
        rig = Rig(script)
        request = rig.client.build_request(
            "PATCH",
            "/api/v2/users/x",
            json={"user_metadata": {"a": 1}},
            extensions={IDEMPOTENT_EXTENSION: True},
        )
        assert (await rig.client.send(request)).status_code == 200
        assert [json.loads(r.content) for r in script.requests] == [{"user_metadata": {"a": 1}}] * 2

    @pytest.mark.parametrize("method", ["PUT", "DELETE", "HEAD", "OPTIONS"])
    async def test_other_idempotent_methods_are_replayed(self, method: str) -> None:
        script = Script(too_many(), httpx.Response(204))
        rig = Rig(script)
        assert (await rig.client.request(method, "/api/v2/x")).status_code == 204
        assert len(script.requests) == 2

    async def test_a_post_transport_error_is_not_retried(self) -> None:
        """A timeout after sending is ambiguous: the POST may have happened; don't send it twice."""
        script = Script(httpx.ReadTimeout("timed out"))
        rig = Rig(script)
        with pytest.raises(httpx.ReadTimeout):
            await rig.client.post("/api/v2/device-credentials", json={"device_name": "d"})
        assert len(script.requests) == 1

    async def test_a_get_transport_error_is_retried_then_raised(self) -> None:
        script = Script(httpx.ConnectError("refused"))
        rig = Rig(script)
        with pytest.raises(httpx.ConnectError):
            await rig.client.get("/api/v2/users/x")
        assert len(script.requests) == 3
        assert rig.sleep.calls == [1, 2]

    async def test_a_get_recovers_after_a_transport_error(self) -> None:
        script = Script(httpx.RemoteProtocolError("dropped"), httpx.Response(200))
        rig = Rig(script)
        assert (await rig.client.get("/api/v2/users/x")).status_code == 200

    async def test_a_retried_429_body_is_closed(self) -> None:
        """The discarded 429 is read and closed, so its connection goes back to the pool."""
        closed: list[bool] = []

        class Body(httpx.AsyncByteStream):
            async def __aiter__(self) -> AsyncIterator[bytes]:
                yield json.dumps(TOO_MANY).encode()

            async def aclose(self) -> None:
                closed.append(True)

        answers = iter([httpx.Response(429, stream=Body()), httpx.Response(200)])
        rig = Rig(lambda request: next(answers))
        assert (await rig.client.get("/api/v2/users/x")).status_code == 200
        assert closed == [True]

    async def test_every_response_is_recorded(self) -> None:
        headers = {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": str(int(NOW) + 1),
        }
        rig = Rig(Script(httpx.Response(200, headers=headers)))
        await rig.client.patch("/api/v2/users/x", json={})
        view = rig.board.snapshot()[MANAGEMENT_WRITE]
        assert (view.limit, view.remaining) == (50, 49)

    def test_max_attempts_must_allow_one_send(self) -> None:
        with pytest.raises(ValueError):
            RateLimitedTransport(httpx.MockTransport(Script()), max_attempts=0)

    async def test_closing_closes_the_inner_transport(self) -> None:
        closed: list[bool] = []

        class Inner(httpx.MockTransport):
            async def aclose(self) -> None:
                closed.append(True)

        async with RateLimitedTransport(Inner(Script())):
            pass
        assert closed == [True]


class TestRecordedRetries:
    """ratelimit-429-retry.json: real Management API 429s and what the next attempt got."""

    async def test_recorded_pairs_replay_as_terraform_saw_them(self) -> None:
        """Idempotent requests retry into the recorded next answer; a PATCH is not replayed."""
        records = load("ratelimit-429-retry")
        pairs: dict[int, dict[int, dict[str, Any]]] = {}
        for record in records:
            pairs.setdefault(record["sequence"], {})[record["sequence_step"]] = record
        assert len(pairs) == 19
        for steps in pairs.values():
            first, then = steps[0], steps[1]

            def respond(record: dict[str, Any]) -> httpx.Response:
                return httpx.Response(
                    record["status"],
                    headers=record["response_headers"],
                    content=json.dumps(record["response_body"]).encode(),
                )

            script = Script(respond(first), respond(then))
            rig = Rig(script)
            response = await rig.client.request(first["method"], first["url_path"])
            if first["method"] == "PATCH":
                assert (response.status_code, len(script.requests)) == (429, 1)
            elif then["status"] == 429:
                assert (response.status_code, len(script.requests)) == (429, 3)
            else:
                assert (response.status_code, len(script.requests)) == (then["status"], 2)
