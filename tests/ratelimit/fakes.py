"""Test doubles for the rate-limit tests: a sleeper and a token-bucket server (the clock is
:class:`tests.clocks.Clock`)."""

from __future__ import annotations

import asyncio
import math
from email.utils import formatdate

import httpx

from tests.clocks import Clock

NOW = 1_700_000_000.25  # a fractional instant, so second-resolution headers must be rounded


class FakeSleep:
    """``asyncio.sleep`` on ``clock``: yields once, then the clock is at least at the wake time.

    Concurrent sleepers that started together wake at the same fake instant, so a client that
    releases them all at once shows up as a burst.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        wake = self.clock.now + seconds
        await asyncio.sleep(0)
        self.clock.now = max(self.clock.now, wake)


class TokenBucketServer:
    """A MockTransport handler that limits like Auth0: a bucket of ``size`` tokens refilled one
    every ``refill`` seconds, answering with ``X-RateLimit-*`` (reset = when full, an integer
    epoch second, NOTES.md §7) and ``Date``, and 429 when empty.

    ``rejected`` counts the requests that arrived while the bucket was empty.
    """

    def __init__(self, clock: Clock, *, size: int, refill: float) -> None:
        self.clock = clock
        self.size = size
        self.refill = refill
        self.tokens = float(size)
        self.last = clock.now
        self.accepted = 0
        self.rejected = 0

    def _headers(self, now: float) -> dict[str, str]:
        reset = math.ceil(now + (self.size - self.tokens) * self.refill)
        return {
            "X-RateLimit-Limit": str(self.size),
            "X-RateLimit-Remaining": str(math.floor(self.tokens)),
            "X-RateLimit-Reset": str(reset),
            "Date": formatdate(now, usegmt=True),
        }

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        now = self.clock.now
        self.tokens = min(self.size, self.tokens + (now - self.last) / self.refill)
        self.last = now
        if self.tokens < 1:
            self.rejected += 1
            body = {"statusCode": 429, "error": "Too Many Requests", "message": "Global limit"}
            response = httpx.Response(429, json=body, headers=self._headers(now))
        else:
            self.tokens -= 1
            self.accepted += 1
            response = httpx.Response(200, json={"ok": True}, headers=self._headers(now))
        await asyncio.sleep(0)  # in flight: other callers run before this answer arrives
        return response
