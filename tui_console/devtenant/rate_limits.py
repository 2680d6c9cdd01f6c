"""Token buckets that answer like Auth0's rate limiter.

Auth0 limits with token buckets: the burst is the bucket size, the sustained rate its refill,
and the key is an endpoint plus something like the target user id (auth0-reference.md §7 [G1],
§4.3 [D2]: ``/userinfo`` has burst 10, 5 per minute, per user). Every response carries

* ``X-RateLimit-Limit``: the bucket size;
* ``X-RateLimit-Remaining``: whole requests left now;
* ``X-RateLimit-Reset``: an epoch **second** at which the bucket is *full* again, i.e.
  ``now + (limit - remaining) × refill interval``. That is what 585 recorded responses show
  (NOTES.md §7), not "when the next request is allowed".

An exhausted bucket answers 429; the body depends on the API (``/userinfo`` gives
:data:`USERINFO_TOO_MANY_REQUESTS`, documented in auth0-reference.md §4.2 [D5]; the Management
API has its own shape), so the buckets here know nothing of bodies and the routes add them.
:class:`BucketRegistry` is generic so the Management API routes can reuse it with their own
size, rate and key.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "USERINFO_TOO_MANY_REQUESTS",
    "BucketRegistry",
    "RateLimitDecision",
    "TokenBucket",
]

#: The ``/userinfo`` 429 body (auth0-reference.md §4.2 [D5]).
USERINFO_TOO_MANY_REQUESTS: dict[str, str] = {
    "error": "too_many_requests",
    "error_description": (
        "Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and "
        "X-RateLimit-Reset headers."
    ),
}


@dataclass(frozen=True)
class RateLimitDecision:
    """The outcome of one request against a bucket, and the headers that report it."""

    allowed: bool
    limit: int
    remaining: int
    reset: int
    """Epoch second at which the bucket will be full again."""

    def headers(self) -> dict[str, str]:
        """``X-RateLimit-Limit``, ``-Remaining`` and ``-Reset`` as decimal strings."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }


class TokenBucket:
    """``capacity`` tokens, refilled continuously at ``refill_per_second``; one per request.

    Not thread-safe on its own; :class:`BucketRegistry` serialises access.
    """

    def __init__(self, capacity: int, refill_per_second: float, *, now: float) -> None:
        if capacity < 1 or refill_per_second <= 0:
            raise ValueError("a bucket needs capacity >= 1 and a positive refill rate")
        self.capacity = capacity
        self.refill_per_second = refill_per_second
        self._tokens = float(capacity)
        self._updated = now

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(float(self.capacity), self._tokens + elapsed * self.refill_per_second)
        self._updated = max(self._updated, now)

    def _decision(self, allowed: bool, now: float) -> RateLimitDecision:
        remaining = max(0, math.floor(self._tokens))
        full_in = (self.capacity - remaining) / self.refill_per_second
        return RateLimitDecision(
            allowed=allowed,
            limit=self.capacity,
            remaining=remaining,
            reset=math.ceil(now + full_in),
        )

    def take(self, now: float, cost: int = 1) -> RateLimitDecision:
        """Spend ``cost`` tokens if there are that many; report either way."""
        self._refill(now)
        if self._tokens >= cost:
            self._tokens -= cost
            return self._decision(True, now)
        return self._decision(False, now)

    def peek(self, now: float) -> RateLimitDecision:
        """The bucket's state without spending anything."""
        self._refill(now)
        return self._decision(self._tokens >= 1, now)

    @property
    def is_full(self) -> bool:
        return self._tokens >= self.capacity


class BucketRegistry:
    """One rate-limit policy (size, refill) applied per key, e.g. per user id.

    Thread-safe: the server thread takes tokens while tests read from the main thread.
    ``clock`` returns epoch seconds; the tenant passes its own so tests can move time.
    """

    def __init__(
        self,
        capacity: int,
        refill_per_second: float,
        clock: Callable[[], float],
    ) -> None:
        self.capacity = capacity
        self.refill_per_second = refill_per_second
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    @classmethod
    def per_minute(
        cls, capacity: int, per_minute: float, clock: Callable[[], float]
    ) -> BucketRegistry:
        """A registry described as Auth0's tables do: burst and refill per minute."""
        return cls(capacity, per_minute / 60.0, clock)

    def _bucket(self, key: str, now: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) > 10_000:  # forget keys whose buckets refilled completely
                for stale in [k for k, b in self._buckets.items() if (b.peek(now), b.is_full)[1]]:
                    del self._buckets[stale]
            bucket = TokenBucket(self.capacity, self.refill_per_second, now=now)
            self._buckets[key] = bucket
        return bucket

    def take(self, key: str, cost: int = 1) -> RateLimitDecision:
        """Spend from ``key``'s bucket (a new key starts full)."""
        with self._lock:
            now = self._clock()
            return self._bucket(key, now).take(now, cost)

    def peek(self, key: str) -> RateLimitDecision:
        with self._lock:
            now = self._clock()
            return self._bucket(key, now).peek(now)

    def clear(self) -> None:
        """Refill every bucket (forget all keys)."""
        with self._lock:
            self._buckets.clear()
