"""The console on the frozen Ada, as the UI tests start it, and its main screen once settled.

:func:`console_app` builds :class:`~tui_console.ui.app.ConsoleApp` on a
:class:`~tests.ui.fakes.FakeSession` with the frozen clock, a recording browser opener and no
usable browser. :func:`settled_main_screen` waits for the main screen and for every worker
(each tab's first load) to finish, then lets the screen repaint; :func:`on_main_screen` runs a
console there.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.pilot import Pilot

from tests.ui.fakes import FakeSession, frozen_clock
from tests.ui.helpers import NO_BROWSER, Opener, wait_for
from tui_console.ui.app import ConsoleApp
from tui_console.ui.screens.main import MainScreen

#: The terminal every key and layout test uses.
SIZE = (80, 24)


def console_app(session: FakeSession | None, **options: Any) -> ConsoleApp:
    """The console on ``session`` (``None``: no profile yet, so the setup screen); ``options``
    are ConsoleApp's, over the defaults (frozen clock, an :class:`Opener`, no browser)."""
    options.setdefault("opener", Opener())
    options.setdefault("clock", frozen_clock)
    options.setdefault("browser_check", lambda: NO_BROWSER)
    return ConsoleApp(session, **options)


async def settled_main_screen(pilot: Pilot[Any]) -> MainScreen:
    """The main screen, once shown, its workers done and the screen repainted."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


@asynccontextmanager
async def on_main_screen(
    session: FakeSession | None = None, *, size: tuple[int, int] = SIZE, **options: Any
) -> AsyncIterator[tuple[ConsoleApp, Pilot[None], MainScreen]]:
    """The console on ``session`` (default: a signed-in :class:`FakeSession`) running at
    ``size``, from its :func:`settled_main_screen` on: ``(app, pilot, main screen)``."""
    app = console_app(FakeSession() if session is None else session, **options)
    async with app.run_test(size=size) as pilot:
        yield app, pilot, await settled_main_screen(pilot)
