"""The rate-limit board: the latest known state of every bucket, and who wants to hear of it.

Auth0 limits by token bucket, per API and endpoint family (auth0-reference.md §7, docs G1/D2:
"Read Users", "Write Users", "Write Device Credentials", ``/userinfo``, ``/oauth/token`` each have
their own burst and refill). :func:`bucket_for` names the bucket a request draws from, the
transport :meth:`~RateLimitBoard.record`\\ s every response's headers here, and
:meth:`~RateLimitBoard.delay_before_next` tells the gate how long to hold the next request so it
is not sent into a 429.

The delay is "until one token is back", never "until reset": ``X-RateLimit-Reset`` is when the
bucket is full again (auth0-recordings/NOTES.md §7), and waiting for it over-sleeps, the
mistake ux-notes.md P11 lists. Requests already sent but not answered count against the
remaining tokens, so concurrent callers released by the same refill don't burst together.

Observers (:meth:`~RateLimitBoard.subscribe`) get ``(bucket, BucketView)`` on every change: the
UI turns that into the live gauge, the command line into :meth:`~RateLimitBoard.summary_line`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from tui_console.ratelimit.headers import RateLimitState

__all__ = [
    "DEVICE_CREDENTIALS_WRITE",
    "MANAGEMENT_READ",
    "MANAGEMENT_WRITE",
    "MY_ACCOUNT_READ",
    "MY_ACCOUNT_WRITE",
    "OTHER",
    "TOKEN",
    "USERINFO",
    "BucketObserver",
    "BucketView",
    "RateLimitBoard",
    "bucket_for",
]

USERINFO = "userinfo"
MANAGEMENT_READ = "management-read"
MANAGEMENT_WRITE = "management-write"
DEVICE_CREDENTIALS_WRITE = "device-credentials-write"
MY_ACCOUNT_READ = "my-account-read"
MY_ACCOUNT_WRITE = "my-account-write"
TOKEN = "token"
OTHER = "other"

_WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})


def bucket_for(method: str, path: str) -> str:
    """The bucket a request to ``path`` with ``method`` draws from.

    Follows the endpoint groups of Auth0's rate-limit tables (docs D2): Management reads and
    writes apart, device-credential writes (``POST``/``DELETE``) on their own, ``/userinfo``
    and ``/oauth/*`` each separate; the My Account API (``/me/v1/``), whose limits are per
    user and tiny, in reads and writes of its own (§8.4 [D2]).
    """
    method = method.upper()
    if path == "/userinfo":
        return USERINFO
    if path.startswith("/oauth/"):
        return TOKEN
    if path.startswith("/me/v1/"):
        return MY_ACCOUNT_WRITE if method in _WRITES else MY_ACCOUNT_READ
    if path.startswith("/api/v2/"):
        if method not in _WRITES:
            return MANAGEMENT_READ
        if method in ("POST", "DELETE") and path.startswith("/api/v2/device-credentials"):
            return DEVICE_CREDENTIALS_WRITE
        return MANAGEMENT_WRITE
    return OTHER


@dataclass(frozen=True)
class BucketView:
    """What a gauge shows for one bucket. ``None`` fields: no response has reported them yet.

    ``remaining`` is as last reported; ``reset`` (epoch seconds, local clock) is when the bucket
    is full again; ``waiting_until`` is set while the gate holds a request back.
    """

    limit: int | None
    remaining: int | None
    reset: float | None
    waiting_until: float | None


BucketObserver = Callable[[str, BucketView], None]


@dataclass
class _Bucket:
    state: RateLimitState | None = None
    in_flight: int = 0
    waiters: int = 0
    waiting_until: float | None = None

    def view(self) -> BucketView:
        state = self.state
        return BucketView(
            limit=state.limit if state else None,
            remaining=state.remaining if state else None,
            reset=state.reset if state else None,
            waiting_until=self.waiting_until,
        )


def _duration(seconds: float) -> str:
    """A short wait in plain words: ``"12 s"``, ``"43 min"``, ``"3 h"`` (rounded up)."""
    if seconds < 120:
        return f"{math.ceil(seconds)} s"
    if seconds < 2 * 3600:
        return f"{math.ceil(seconds / 60)} min"
    return f"{math.ceil(seconds / 3600)} h"


class RateLimitBoard:
    """Latest state per bucket, requests in flight, waits in progress, and their observers.

    ``clock`` gives epoch seconds (tests pass a fake). Observers are called synchronously on the
    event loop and must not raise.
    """

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._observers: list[BucketObserver] = []

    def _bucket(self, name: str) -> _Bucket:
        return self._buckets.setdefault(name, _Bucket())

    def _notify(self, name: str) -> None:
        view = self._bucket(name).view()
        for observer in list(self._observers):
            observer(name, view)

    def subscribe(self, observer: BucketObserver) -> Callable[[], None]:
        """Call ``observer(bucket, view)`` on every change; returns the function that stops it."""
        self._observers.append(observer)

        def unsubscribe() -> None:
            if observer in self._observers:
                self._observers.remove(observer)

        return unsubscribe

    def record(self, bucket: str, state: RateLimitState) -> None:
        """Take ``state`` (parsed from a response) as the truth about ``bucket``."""
        self._bucket(bucket).state = state
        self._notify(bucket)

    def started(self, bucket: str) -> None:
        """A request from ``bucket`` went out; it holds a token until :meth:`finished`."""
        self._bucket(bucket).in_flight += 1

    def finished(self, bucket: str) -> None:
        """The request's answer (or failure) arrived; its token is now in the reported state."""
        entry = self._bucket(bucket)
        entry.in_flight = max(0, entry.in_flight - 1)

    def delay_before_next(self, bucket: str, now: float | None = None) -> float:
        """Seconds to hold the next request from ``bucket`` so it finds a token; 0 to send now.

        0 when nothing is known, when a token is left (after counting requests in flight) or
        once the reset has passed; otherwise the time until one more token refills.
        """
        now = self.clock() if now is None else now
        entry = self._buckets.get(bucket)
        if entry is None or entry.state is None or now >= entry.state.reset:
            return 0.0
        needed = entry.in_flight + 1 - entry.state.remaining
        return max(0.0, entry.state.token_available_at(needed) - now)

    def mark_waiting(self, bucket: str, until: float) -> None:
        """A request from ``bucket`` is held until ``until`` (shown as "waiting N s")."""
        entry = self._bucket(bucket)
        entry.waiters += 1
        if entry.waiting_until is None or until > entry.waiting_until:
            entry.waiting_until = until
        self._notify(bucket)

    def clear_waiting(self, bucket: str) -> None:
        """One held request was released (or cancelled); the mark goes with the last of them."""
        entry = self._bucket(bucket)
        entry.waiters = max(0, entry.waiters - 1)
        if entry.waiters == 0:
            entry.waiting_until = None
        self._notify(bucket)

    def snapshot(self) -> dict[str, BucketView]:
        """Every bucket that has reported a state or is holding a request, by name."""
        return {
            name: entry.view()
            for name, entry in self._buckets.items()
            if entry.state is not None or entry.waiting_until is not None
        }

    def summary_line(self, now: float | None = None) -> str:
        """One line in plain words, e.g. ``rate limits: management-read 8/10 (full in 12 s)``.

        Counts are estimated for ``now`` (tokens refill between responses); buckets are sorted
        by name so the line is stable.
        """
        now = self.clock() if now is None else now
        parts: list[str] = []
        for name in sorted(self._buckets):
            entry = self._buckets[name]
            notes: list[str] = []
            text = name
            if entry.state is not None:
                left = entry.state.remaining_at(now)
                text += f" {left}/{entry.state.limit}"
                if left < entry.state.limit:
                    notes.append(f"full in {_duration(entry.state.reset - now)}")
            if entry.waiting_until is not None and entry.waiting_until > now:
                notes.append(f"waiting {_duration(entry.waiting_until - now)}")
            if entry.state is None and not notes:
                continue
            parts.append(text + (f" ({', '.join(notes)})" if notes else ""))
        return "rate limits: " + (" · ".join(parts) if parts else "none reported yet")
