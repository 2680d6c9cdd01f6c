"""The rate-limit gauge: every bucket's remaining/limit, a text bar, and when it is full again.

It subscribes to the session's :class:`~tui_console.ratelimit.RateLimitBoard` on mount and
unsubscribes on unmount. Board observers may be called from wherever a response arrives, so
the observer only posts a message (thread-safe) and the redraw happens on the widget's own
turn. A one-second timer keeps the countdowns moving between responses.

The bar is glyphs (``█`` used, ``░`` left), the counts are numbers and the states are words
("empty", "waiting 3 s", "full in 24 s"), so the gauge reads without colour (``NO_COLOR``).
Colour only repeats what the words say.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

from tui_console.durations import words
from tui_console.ui.messages import RateLimitUpdated

if TYPE_CHECKING:
    from tui_console.account import BucketView, RateLimitBoard

__all__ = ["BAR_WIDTH", "RateLimitGauge", "bucket_line"]

BAR_WIDTH = 10
"""Characters in each bucket's bar."""

#: Short names for the board's buckets, as the gauge labels them.
LABELS = {
    "userinfo": "userinfo",
    "management-read": "mgmt read",
    "management-write": "mgmt write",
    "device-credentials-write": "device writes",
    "my-account-read": "my acct read",
    "my-account-write": "my acct write",
    "token": "token",
    "other": "other",
}
_LABEL_WIDTH = 13
_TITLE = "Rate limits"


def bucket_line(name: str, view: BucketView, now: float) -> tuple[str, str]:
    """``(text, level)`` for one bucket at ``now``; level is ``ok``, ``low`` or ``empty``.

    After ``reset`` the bucket is full again (Auth0 refills continuously; reset is when it
    is back to the limit), so the count shown is the limit, not the stale report. A held
    request's "waiting N s" comes first among the notes: at 80 columns the line is cut from
    the right, and the wait is what the person needs to see.
    """
    label = LABELS.get(name, name)[:_LABEL_WIDTH].ljust(_LABEL_WIDTH)
    notes: list[str] = []
    level = "ok"
    if view.waiting_until is not None and view.waiting_until > now:
        # First, so a narrow terminal cuts the refill time, never the wait that matters.
        notes.append(f"waiting {words(view.waiting_until - now)}")
        level = "empty"
    if view.limit is None or view.remaining is None:
        counts = "  ?/?".ljust(9)
        bar = "·" * BAR_WIDTH
    else:
        limit = max(1, view.limit)
        remaining = view.remaining
        if view.reset is not None and now >= view.reset:
            remaining = limit
        remaining = max(0, min(remaining, limit))
        counts = f"{remaining:>4}/{limit:<4}"
        filled = math.ceil(BAR_WIDTH * remaining / limit) if remaining else 0
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        if remaining == 0:
            level = "empty"
            notes.append("empty")
        elif remaining * 5 <= limit:
            level = "empty" if level == "empty" else "low"
            notes.append("low")
        if remaining < limit and view.reset is not None:
            notes.append(f"full in {words(view.reset - now)}")
        elif remaining >= limit:
            notes.append("full")
    return f"{label} {counts} {bar} {', '.join(notes)}".rstrip(), level


class RateLimitGauge(Widget):
    """One line per bucket the session has heard of, sorted by name."""

    DEFAULT_CSS = """
    RateLimitGauge {
        height: auto;
        max-height: 5;
        padding: 0 1;
        background: $surface;
        color: $foreground;
        & > .gauge--title { text-style: bold; }
        & > .gauge--low { color: $warning; }
        & > .gauge--empty { color: $error; text-style: bold; }
        & > .gauge--bar-ok { color: $success; }
        & > .gauge--bar-low { color: $warning; }
        & > .gauge--bar-empty { color: $error; }
    }
    """

    COMPONENT_CLASSES = {
        "gauge--low",
        "gauge--empty",
        "gauge--title",
        "gauge--bar-ok",
        "gauge--bar-low",
        "gauge--bar-empty",
    }
    """
    | Class | Description |
    | :- | :- |
    | `gauge--title` | The "Rate limits" heading. |
    | `gauge--bar-ok`, `gauge--bar-low`, `gauge--bar-empty` | The bar, by level. |
    | `gauge--low` | A bucket at a fifth of its limit or less. |
    | `gauge--empty` | A bucket with nothing left, or holding a request back. |
    """

    def __init__(
        self,
        board: RateLimitBoard,
        *,
        clock: Callable[[], float] = time.time,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.board = board
        self.clock = clock
        self._views: dict[str, BucketView] = dict(board.snapshot())
        self._unsubscribe: Callable[[], None] | None = None

    def on_mount(self) -> None:
        self._unsubscribe = self.board.subscribe(self._observe)
        self.set_interval(1.0, self.refresh)

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _observe(self, bucket: str, view: BucketView) -> None:
        self.post_message(RateLimitUpdated(bucket, view))

    def on_rate_limit_updated(self, message: RateLimitUpdated) -> None:
        message.stop()
        self._views[message.bucket] = message.view
        self.refresh(layout=True)

    @property
    def lines(self) -> list[str]:
        """The gauge as plain text lines (what a test or screen reader should see)."""
        return [line.plain for line in self._render_lines()]

    def _render_lines(self) -> list[Content]:
        now = self.clock()
        title = self.get_visual_style("gauge--title", partial=True)
        # The heading column (and its padding) is one styled run, apart from the bucket text:
        # SVG renderers drop leading spaces of a text run, which would shift the screenshots.
        heading = Content.styled(_TITLE + "  ", title)
        blank = Content.styled(" " * len(heading.plain), title)
        views = self._views
        if not views:
            return [heading + Content("none reported yet")]
        lines: list[Content] = []
        for index, name in enumerate(sorted(views)):
            text, level = bucket_line(name, views[name], now)
            body = Content(text)
            start = _LABEL_WIDTH + 11  # label, space, counts (9), space
            body = body.stylize(
                self.get_visual_style(f"gauge--bar-{level}"), start, start + BAR_WIDTH
            )
            if level != "ok":
                body = body.stylize(self.get_visual_style(f"gauge--{level}", partial=True))
            lines.append((heading if index == 0 else blank) + body)
        return lines

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return max(1, len(self._views))

    def render(self) -> Content:
        return Content("\n").join(self._render_lines())
