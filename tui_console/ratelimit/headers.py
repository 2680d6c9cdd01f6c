"""Reading Auth0's rate-limit headers into a :class:`RateLimitState` (pure functions).

Auth0 sends ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (an
epoch second) on its responses (auth0-reference.md §7, docs G3). The recorded traffic
(auth0-recordings/NOTES.md §7, ``ratelimit-headers.json``) settles two things the docs leave
open:

* the names arrive in any casing (``x-ratelimit-limit`` on HTTP/2, ``X-Ratelimit-Limit`` in
  Ruby's recorder), so they are matched case-insensitively;
* ``reset`` is when the bucket is **full again**, not when the next request is allowed:
  ``reset − Date`` grows linearly with ``limit − remaining``. The limiter is a token bucket, so
  one token comes back every ``(reset − now) / (limit − remaining)`` seconds, and waiting for
  ``reset`` after a 429 over-sleeps (ux-notes.md P11).

``reset`` is the server's clock. When the response carries a ``Date`` header the reset is moved
onto the local clock by the server-to-local offset, so a skewed laptop clock neither waits
minutes nor never waits. ``Retry-After`` (RFC 9110 §10.2.3: seconds or an HTTP date) is parsed
by :func:`parse_retry_after`; Auth0 documents it for the My Account API only, so it is honoured
when present and never expected.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

__all__ = ["RateLimitState", "parse_rate_limit", "parse_retry_after", "wait_after_429"]


@dataclass(frozen=True)
class RateLimitState:
    """One bucket as a response saw it: ``limit`` tokens, ``remaining`` left, full at ``reset``.

    ``reset`` and ``observed_at`` are epoch seconds on the local clock.
    """

    limit: int
    remaining: int
    reset: float
    observed_at: float

    @property
    def refill_interval(self) -> float | None:
        """Seconds per returning token, or ``None`` when the bucket was full (nothing to infer).

        NOTES.md §7: ``reset`` = observed + (limit − remaining) × interval.
        """
        used = self.limit - self.remaining
        if used <= 0:
            return None
        return max(0.0, self.reset - self.observed_at) / used

    def remaining_at(self, now: float) -> int:
        """Tokens estimated to be available at ``now``: the observed ones plus those refilled."""
        if now >= self.reset:
            return self.limit
        interval = self.refill_interval
        if not interval:
            return self.remaining
        refilled = int(max(0.0, now - self.observed_at) / interval)
        return min(self.limit, self.remaining + refilled)

    def token_available_at(self, tokens_needed: int) -> float:
        """When ``tokens_needed`` more tokens than were observed will have refilled.

        One token (``tokens_needed=1`` on an empty bucket) comes back after one refill interval,
        well before ``reset`` (NOTES.md §7); the answer never passes ``reset``, when all are back.
        """
        if tokens_needed <= 0:
            return self.observed_at
        interval = self.refill_interval
        if interval is None:
            return self.observed_at
        return min(self.reset, self.observed_at + tokens_needed * interval)

    def next_token_at(self) -> float:
        """When the next request may go: now if a token was left, else after one refill."""
        return self.token_available_at(1 - self.remaining)


def _integer(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    return int(text) if text.isascii() and text.isdecimal() else None


def _seconds(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _http_date(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        return None


def _lowercase(headers: Mapping[str, str] | httpx.Headers) -> Mapping[str, str]:
    if isinstance(headers, httpx.Headers):
        return headers  # already case-insensitive
    return {name.lower(): value for name, value in headers.items()}


def parse_rate_limit(
    headers: Mapping[str, str] | httpx.Headers, *, now: float
) -> RateLimitState | None:
    """The bucket described by ``headers`` at local time ``now``, or ``None`` if they don't say.

    Missing, non-decimal or inconsistent values (``remaining > limit``, ``limit == 0``) give
    ``None``: a junk header must never make the client wait or burst.
    """
    lower = _lowercase(headers)
    limit = _integer(lower.get("x-ratelimit-limit"))
    remaining = _integer(lower.get("x-ratelimit-remaining"))
    reset = _seconds(lower.get("x-ratelimit-reset"))
    if limit is None or remaining is None or reset is None or not 0 <= remaining <= limit:
        return None
    if limit == 0 or reset < 0:
        return None
    server_now = _http_date(lower.get("date"))
    local_reset = now + (reset - server_now) if server_now is not None else reset
    return RateLimitState(limit=limit, remaining=remaining, reset=local_reset, observed_at=now)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds or an HTTP date), never negative.

    ``None`` when the value is absent or unreadable.
    """
    delay = _seconds(value)
    if delay is None:
        moment = _http_date(value)
        delay = moment - now if moment is not None else None
    return max(0.0, delay) if delay is not None else None


def wait_after_429(headers: Mapping[str, str] | httpx.Headers, now: float) -> float | None:
    """How long a 429 asks to wait: ``Retry-After`` if present, else the time until one token
    of the bucket refills (never until ``reset``, which over-sleeps); ``None`` when neither
    says. What an error tells a person, not the transport's retry (which also knows the board).
    """
    delay = parse_retry_after(_lowercase(headers).get("retry-after"), now)
    if delay is not None:
        return delay
    state = parse_rate_limit(headers, now=now)
    return max(0.0, state.next_token_at() - now) if state is not None else None
