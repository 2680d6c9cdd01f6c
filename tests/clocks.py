"""Clocks the tests hand to the code under test, shared by every test folder.

Two kinds, because tests need two things from time:

* :class:`Clock` stands still until the test moves it: expiry, countdowns and rate-limit
  resets are decided by the test, never by how fast the machine is.
* :class:`OffsetClock` is the wall clock plus an offset, for a session talking to the dev
  tenant: the tenant signs tokens with real ``iat``/``exp`` and keeps its own offset
  (``TenantState.advance_clock``), so the test moves both by the same amount.
"""

from __future__ import annotations

import time

__all__ = ["Clock", "OffsetClock"]


class Clock:
    """A settable epoch-seconds clock: ``clock.now`` is what it says."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class OffsetClock:
    """The wall clock plus ``offset`` seconds, moved together with the dev tenant's."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset
