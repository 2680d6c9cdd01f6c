"""Time left, in words a person reads at a glance, and a widget that counts it down.

The functions are pure (seconds in, text out) so the session strip, the rate-limit gauge and
the sign-in screen word durations the same way. :class:`Countdown` re-renders every second
from an injected ``clock``: tests and snapshots pass a frozen clock and get a still picture.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

__all__ = ["Countdown", "clock_text", "words"]


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


class Countdown(Widget):
    """A line like "Code expires in 14:32", counting down to :attr:`deadline` every second.

    ``template`` holds ``{left}`` (as ``14:32``) and/or ``{words}`` (as ``14 min 32 s``);
    ``expired`` is shown once the deadline has passed. With no deadline the widget is blank.
    """

    DEFAULT_CSS = """
    Countdown {
        height: 1;
        width: 1fr;
    }
    """

    deadline: reactive[float | None] = reactive(None)
    """Epoch seconds at which the countdown reaches zero (``None``: nothing to count)."""

    def __init__(
        self,
        template: str = "{left} left",
        *,
        expired: str = "time is up",
        clock: Callable[[], float] = time.time,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.template = template
        self.expired = expired
        self.clock = clock

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    @property
    def seconds_left(self) -> float | None:
        """Seconds until the deadline now (negative after it), ``None`` without one."""
        return None if self.deadline is None else self.deadline - self.clock()

    def render(self) -> Content:
        left = self.seconds_left
        if left is None:
            return Content("")
        if left <= 0:
            return Content(self.expired)
        return Content(self.template.format(left=clock_text(left), words=words(left)))
