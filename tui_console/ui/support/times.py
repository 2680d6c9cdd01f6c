"""Times in the support console's words: when something happened, and how long is left.

A support person answers "when did that happen?" and "when will it end?", so every time is
relative to now ("3 h 05 min ago", "in 6 days") with the UTC moment beside it where there is
room (the detail views). The wording comes from :mod:`tui_console.durations`, as everywhere
else in the console and the command line.
"""

from __future__ import annotations

from datetime import datetime

from tui_console.durations import iso_utc, words

__all__ = ["countdown", "earliest", "moment", "relative"]


def _span(seconds: float) -> str:
    """:func:`words`, without the seconds once it is a minute or more: a table re-drawn every
    half minute must not show seconds that are already wrong."""
    text = words(seconds)
    if 60 <= seconds < 3600:
        return text.split(" min ")[0] + " min"
    return text


def relative(when: datetime | None, now: float, *, missing: str = "—") -> str:
    """``3 h 05 min ago`` or ``in 6 days``; ``missing`` when there is no time."""
    if when is None:
        return missing
    delta = when.timestamp() - now
    if abs(delta) < 1:
        return "just now"
    return f"in {_span(delta)}" if delta > 0 else f"{_span(-delta)} ago"


def countdown(when: datetime | None, now: float, *, missing: str = "never") -> str:
    """Time left until an expiry: ``in 2 h 13 min``, ``ended`` once passed, ``missing`` if
    there is no expiry (Auth0 sends ``null`` for a token that never expires)."""
    if when is None:
        return missing
    left = when.timestamp() - now
    return f"in {_span(left)}" if left > 0 else "ended"


def moment(when: datetime | None, now: float, *, missing: str = "—") -> str:
    """``2024-03-13T14:05:18Z (3 h 05 min ago)``: the UTC time and how far it is from now."""
    if when is None:
        return missing
    return f"{iso_utc(when)} ({relative(when, now)})"


def earliest(*moments: datetime | None) -> datetime | None:
    """The first of the times that are known (which expiry comes first), or ``None``."""
    known = [m for m in moments if m is not None]
    return min(known) if known else None
