"""An httpx transport that waits instead of bursting into a 429, and retries a 429 only when safe.

A transport wrapper is the one place that sees every request and response (design.md point 3;
style.md §3), so this is where Auth0's rate limits are handled and the API client carries no
limit logic. For each request:

1. **Gate.** If the :class:`~tui_console.ratelimit.tracker.RateLimitBoard` says the request's
   bucket is empty, wait for one token to refill, visibly (the board marks the bucket "waiting
   until ..."), and cancellably: ``asyncio.CancelledError`` propagates and clears the mark. A
   wait longer than ``max_wait`` is not sat through silently: ``RateLimited`` is raised with
   the time to wait, and nothing is sent.
2. **Record.** Every response's ``X-RateLimit-*`` headers go to the board.
3. **Retry a 429** only for idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE, and a PATCH
   the caller marked with the ``tui_console.idempotent`` request extension), at most
   ``max_attempts`` sends in total, each through the same gate. The wait is ``Retry-After`` if
   present, else the one-token refill the headers imply (auth0-recordings/NOTES.md §7: ``reset``
   is when the bucket is *full*), else exponential backoff from 1 s; plus 0–20 % jitter, capped
   at ``max_wait`` (the shape of go-auth0's Management retrier, NOTES.md §9, with Auth0's reset
   semantics fixed). A non-idempotent 429 is returned as is: the API client raises
   ``RateLimited``.
4. **Never replay an ambiguous failure.** A transport error (timeout, dropped connection) is
   retried like a 429 for idempotent requests only; a POST that may have reached the server is
   not sent twice (NOTES.md §7: a retried call can observe its own earlier effect).
"""

from __future__ import annotations

import asyncio
import random as _random
from collections.abc import Awaitable, Callable

import httpx

from tui_console.errors import RateLimited
from tui_console.ratelimit.headers import parse_rate_limit, parse_retry_after
from tui_console.ratelimit.tracker import RateLimitBoard, bucket_for

__all__ = ["IDEMPOTENT_EXTENSION", "RateLimitedTransport", "is_idempotent"]

IDEMPOTENT_EXTENSION = "tui_console.idempotent"
"""Request extension a caller sets to ``True`` on a PATCH whose replay changes nothing more."""

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_JITTER = 0.2


def is_idempotent(request: httpx.Request) -> bool:
    """Whether sending ``request`` twice leaves the server as sending it once (RFC 9110 §9.2.2).

    A PATCH is not idempotent in general; the caller vouches for one with the
    :data:`IDEMPOTENT_EXTENSION` extension (a metadata merge whose body is the same on replay).
    """
    if request.method in _IDEMPOTENT_METHODS:
        return True
    return request.method == "PATCH" and request.extensions.get(IDEMPOTENT_EXTENSION) is True


class RateLimitedTransport(httpx.AsyncBaseTransport):
    """Wraps ``inner`` (default ``httpx.AsyncHTTPTransport()``) with the gate, record and retry.

    ``sleep``, ``clock`` (epoch seconds; default the board's clock) and ``random`` (a float in
    [0, 1) for the jitter) are injectable so tests run on a fake clock.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        board: RateLimitBoard | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] | None = None,
        random: Callable[[], float] = _random.random,
        max_attempts: int = 3,
        max_wait: float = 60.0,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._inner = inner if inner is not None else httpx.AsyncHTTPTransport()
        self._board = board if board is not None else RateLimitBoard()
        self._sleep = sleep
        self._clock = clock if clock is not None else self._board.clock
        self._random = random
        self._max_attempts = max_attempts
        self._max_wait = max_wait

    @property
    def board(self) -> RateLimitBoard:
        """The board this transport records to and is gated by (for the UI and the CLI)."""
        return self._board

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        bucket = bucket_for(request.method, request.url.path)
        retryable = is_idempotent(request)
        attempt = 1
        while True:
            await self._gate(bucket)
            try:
                response = await self._send_once(request, bucket)
            except _TRANSIENT_ERRORS:
                if not retryable or attempt >= self._max_attempts:
                    raise
                await self._hold(bucket, self._capped(self._backoff(attempt)))
                attempt += 1
                continue
            if response.status_code != 429 or not retryable or attempt >= self._max_attempts:
                return response
            delay = self._retry_delay(response, bucket, attempt)
            await response.aread()  # reading to the end also closes it: the connection is reused
            await self._hold(bucket, delay)
            attempt += 1

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def _send_once(self, request: httpx.Request, bucket: str) -> httpx.Response:
        """One send, counted in flight while it is out, its rate-limit headers recorded."""
        self._board.started(bucket)
        try:
            response = await self._inner.handle_async_request(request)
        finally:
            self._board.finished(bucket)
        state = parse_rate_limit(response.headers, now=self._clock())
        if state is not None:
            self._board.record(bucket, state)
        return response

    async def _gate(self, bucket: str) -> None:
        """Hold until ``bucket`` has a token; refuse (raise) a wait longer than ``max_wait``."""
        while (delay := self._board.delay_before_next(bucket, self._clock())) > 0:
            if delay > self._max_wait:
                raise RateLimited(
                    f"Auth0's rate limit for {bucket} requests is used up for now.",
                    retry_after=delay,
                )
            await self._hold(bucket, delay)

    async def _hold(self, bucket: str, delay: float) -> None:
        """Sleep ``delay`` seconds with the bucket marked as waiting; the mark survives no exit."""
        self._board.mark_waiting(bucket, self._clock() + delay)
        try:
            await self._sleep(delay)
        finally:
            self._board.clear_waiting(bucket)

    def _retry_delay(self, response: httpx.Response, bucket: str, attempt: int) -> float:
        """Wait before resending after a 429: Retry-After, else one token's refill, else backoff."""
        now = self._clock()
        delay = parse_retry_after(response.headers.get("retry-after"), now)
        if delay is None:
            # The board already holds this 429's headers; a bucket it believes non-empty (no
            # headers, or a tenant-wide limit the endpoint's headers don't show) means backoff.
            delay = self._board.delay_before_next(bucket, now) or self._backoff(attempt)
        return self._capped(delay)

    @staticmethod
    def _backoff(attempt: int) -> float:
        """1 s, 2 s, 4 s, ... for the first, second, third failed attempt."""
        return float(2 ** (attempt - 1))

    def _capped(self, delay: float) -> float:
        """``delay`` plus 0–20 % jitter (so clients don't retry in step), at most ``max_wait``."""
        return min(self._max_wait, delay * (1 + _JITTER * self._random()))
