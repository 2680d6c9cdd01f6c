"""Time left, in words a person reads at a glance, and a widget that counts it down.

The wording comes from :mod:`tui_console.durations`, shared with the command line, so every
place words durations the same way. :class:`Countdown` re-renders every second
from an injected ``clock``: tests and snapshots pass a frozen clock and get a still picture.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tui_console.durations import clock_text, words

__all__ = ["Countdown"]


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
