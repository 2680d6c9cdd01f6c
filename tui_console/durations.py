"""Durations and moments as a person (or a script) reads them, the same everywhere.

Pure functions. Durations are rounded *up*, so that "0:00" and "0 s" mean the moment has come,
never that one more second remains. Moments are ISO 8601 in UTC with a ``Z``, to the second
(``2024-03-13T14:05:18Z``): unambiguous in a log, sortable as text, and what ``date -u
-Iseconds`` and JavaScript's ``Date`` parse; JSON carries them as integer epoch seconds.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

__all__ = ["clock_text", "epoch_seconds", "iso_utc", "words"]


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


def iso_utc(moment: datetime | float) -> str:
    """``2024-03-13T14:05:18Z``: a datetime (naive ones are taken as UTC) or epoch seconds."""
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, UTC)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_seconds(moment: float | None) -> int | None:
    """A moment as whole epoch seconds for JSON (rounded down, like ``date +%s``)."""
    return None if moment is None else math.floor(moment)
