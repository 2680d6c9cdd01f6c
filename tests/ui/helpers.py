"""Small helpers for Pilot tests: wait for a condition while the app keeps running, read what
a widget shows and whether the person can see it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

NO_BROWSER = (False, "tests have no display")
DESKTOP = (True, "a graphical display is available")


async def wait_for(
    pilot: Pilot[Any], condition: Callable[[], object], *, timeout: float = 10.0
) -> None:
    """Pause the test (not the app) until ``condition()`` is true, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met in {timeout} s: {condition}")
        await pilot.pause(0.05)
        await asyncio.sleep(0)


def text_of(widget: Any) -> str:
    """The plain text a Static (or anything with ``content``) shows."""
    return str(widget.content)


class Opener:
    """Stands in for a browser: records the URLs it was asked to open."""

    def __init__(self, result: bool = True) -> None:
        self.result = result
        self.urls: list[str] = []

    def __call__(self, url: str) -> bool:
        self.urls.append(url)
        return self.result


def visible_region(widget: Widget) -> Region:
    """The part of ``widget`` the person can see: clipped by the screen and each scroller."""
    visible = widget.region.intersection(widget.screen.region)
    for ancestor in widget.ancestors:
        if isinstance(ancestor, Widget) and ancestor.is_scrollable:
            visible = visible.intersection(ancestor.content_region)
    return visible
