"""Durations in words a person reads at a glance, the same on the command line and in the UI.

Pure functions, seconds in and text out, rounded *up* so that "0:00" and "0 s" mean the
moment has come, never that one more second remains.
"""

from __future__ import annotations

import math

__all__ = ["clock_text", "words"]


def clock_text(seconds: float) -> str:
    """``14:32`` or ``1:02:03`` (rounded up, so "0:00" means it is over)."""
    total = max(0, math.ceil(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def words(seconds: float) -> str:
    """``42 s``, ``3 min 07 s``, ``2 h 05 min`` or ``3 days``: as precise as a person needs."""
    total = max(0, math.ceil(seconds))
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} days"
