"""A tail of one user's log events that loses none and shows none twice.

Auth0 has no "follow" endpoint. What it has (auth0-reference.md §8.6 [L1]; logs.json, NOTES.md
§11) is the checkpoint read ``GET /api/v2/logs?from=<log_id>&take=N``: the N events with the
next greater ``log_id``\\ s, oldest first, across the **whole tenant** (every other parameter,
``q`` included, is ignored in that mode). So a tail is:

1. **start**: note the tenant's newest ``log_id`` (the checkpoint), then read the user's recent
   events (``GET /users/{id}/logs``) and keep those at or before the checkpoint: whatever
   happened since will come from step 2, and nothing is shown twice;
2. **poll**: read forward from the checkpoint one batch at a time, keep the user's events (and
   the asked-for types), and move the checkpoint to the batch's greatest ``log_id`` only once
   the batch is in hand. A request that fails (a 429, a dropped connection) leaves the
   checkpoint where it was, so the next poll asks for the same events again: none is lost.

``log_id``\\ s are compared as numbers written in decimal (length, then text), never parsed:
they are 56 digits long. Rate limits are the transport's (the board gates every request); what
a caller does on :class:`~tui_console.errors.RateLimited` (or a lost connection) is to wait
:func:`retry_wait` and poll again, which :func:`read_patiently` does for the command line
and the console alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from tui_console.errors import NetworkError, RateLimited
from tui_console.management.sign_in_trouble_models import (
    LogEvent,
)
from tui_console.management.support_client import SupportClient

__all__ = [
    "LONGEST_RETRY_WAIT",
    "LogTail",
    "TailBatch",
    "log_order",
    "read_patiently",
    "retry_wait",
]

T = TypeVar("T")

LONGEST_RETRY_WAIT = 60.0
"""Seconds a tail waits at most before reading again, whatever a failure asks for."""

_TAKE = 100
_RECENT = 100


async def read_patiently(
    read: Callable[[], Awaitable[T]],
    *,
    wait: Callable[[float, str], Awaitable[None]],
    resumed: Callable[[], None],
) -> T:
    """``read()`` until it answers. After a 429 or a lost connection, ``wait(seconds, why)``
    (:func:`retry_wait`; the caller says it and sleeps) and read again: the tail's checkpoint
    did not move, so nothing is skipped. ``resumed()`` once a read answers after failures."""
    failures = 0
    while True:
        try:
            result = await read()
        except (RateLimited, NetworkError) as error:
            failures += 1
            await wait(*retry_wait(error, failures))
            continue
        if failures:
            resumed()
        return result


def retry_wait(error: RateLimited | NetworkError, failures: int) -> tuple[float, str]:
    """How long to wait before reading again after ``error``, the ``failures``-th in a row,
    and why in words: Auth0's ``Retry-After`` when it said one, else 2, 4, 8... seconds,
    between 1 s and :data:`LONGEST_RETRY_WAIT`."""
    if isinstance(error, RateLimited):
        wait = error.retry_after if error.retry_after is not None else 2.0**failures
        why = "rate limited (Auth0's limit for reading logs is used up)"
    else:
        wait = 2.0**failures
        why = f"Auth0 could not be reached ({error.message})"
    return min(LONGEST_RETRY_WAIT, max(1.0, wait)), why


def log_order(log_id: str) -> tuple[int, str]:
    """A sort key for ``log_id``\\ s: decimal strings ordered as the numbers they write."""
    return len(log_id), log_id


@dataclass(frozen=True)
class TailBatch:
    """What one poll found: the user's new ``events`` (oldest first), and whether it reached
    the newest event (``caught_up``: wait before polling again) or more are waiting."""

    events: tuple[LogEvent, ...]
    caught_up: bool


class LogTail:
    """The checkpoint tail of ``user_id``'s events, optionally only of some ``types``."""

    def __init__(
        self,
        client: SupportClient,
        user_id: str,
        *,
        types: Iterable[str] = (),
        take: int = _TAKE,
    ) -> None:
        self._client = client
        self.user_id = user_id
        self.types = frozenset(types)
        self._take = take
        self.checkpoint: str | None = None
        """The greatest ``log_id`` read so far (``None``: the tenant had no events yet)."""

    def wanted(self, event: LogEvent) -> bool:
        """Whether ``event`` is the user's, and of an asked-for type."""
        return event.user_id == self.user_id and (not self.types or event.type in self.types)

    async def start(self, *, recent: int = _RECENT) -> tuple[LogEvent, ...]:
        """The user's latest events up to now (at most ``recent``, oldest first), and the
        checkpoint the polls walk on from."""
        newest = await self._client.latest_logs(per_page=1)
        self.checkpoint = max((e.log_id for e in newest), key=log_order, default=None)
        page = await self._client.user_logs(self.user_id, per_page=recent)
        events = page.events
        if self.checkpoint is None:  # the tenant's log was empty a moment ago
            self.checkpoint = max((e.log_id for e in events), key=log_order, default=None)
        else:
            limit = log_order(self.checkpoint)
            events = tuple(e for e in events if log_order(e.log_id) <= limit)
        return _oldest_first(e for e in events if self.wanted(e))

    async def poll(self) -> TailBatch:
        """One batch of events after the checkpoint; the checkpoint moves past it only when it
        arrived whole. Raises what the request raised, checkpoint unchanged."""
        if self.checkpoint is None:
            batch = await self._client.latest_logs(per_page=self._take)  # all new: none seen
            caught_up = True
        else:
            batch = await self._client.logs_after(self.checkpoint, take=self._take)
            caught_up = len(batch) < self._take
        if not batch:
            return TailBatch((), caught_up=True)
        before = log_order(self.checkpoint) if self.checkpoint is not None else None
        self.checkpoint = max((e.log_id for e in batch), key=log_order)
        new = (e for e in batch if before is None or log_order(e.log_id) > before)
        return TailBatch(_oldest_first(e for e in new if self.wanted(e)), caught_up=caught_up)


def _oldest_first(events: Iterable[LogEvent]) -> tuple[LogEvent, ...]:
    return tuple(sorted(events, key=lambda e: log_order(e.log_id)))
