"""Snapshots of the console's screens at 80x24 and 120x40, and the main screen under NO_COLOR.

Sync tests (``snap_compare`` runs its own event loop, textual-notes.md §3). The session is
:class:`~tests.ui.fakes.FakeSession`: a frozen clock, a fixed user code, fixed data, so every
run draws the same picture. Baselines live in ``__snapshots__/test_snapshots/``; rewrite them
with ``pytest tests/ui/test_snapshots.py --snapshot-update`` after a deliberate change, and
look at them before committing.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.ui.console import console_app
from tests.ui.fakes import FakeSession
from tests.ui.helpers import wait_for
from tui_console.ui.app import ConsoleApp
from tui_console.ui.screens.help import HelpScreen
from tui_console.ui.screens.main import MainScreen
from tui_console.ui.screens.sign_in import SignInScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def _app(*, signed_in: bool) -> ConsoleApp:
    return console_app(FakeSession(signed_in=signed_in))


async def _settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and timers fire, then stop input cursors from blinking."""
    for _ in range(3):
        await pilot.pause(0.05)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False


async def _device_code_shown(pilot: Pilot[Any]) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SignInScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: getattr(screen, "phase", None) == "waiting")
    await _settle(pilot)


async def _main_loaded(pilot: Pilot[Any]) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    await pilot.app.workers.wait_for_complete()
    await _settle(pilot)


async def _help_open(pilot: Pilot[Any]) -> None:
    await _main_loaded(pilot)
    await pilot.press("f1")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
    await _settle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_device_view(snap_compare: Any, size: tuple[int, int]) -> None:
    """The device flow: large code, URL, QR code, countdown and poll interval."""
    assert snap_compare(_app(signed_in=False), run_before=_device_code_shown, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    """Session strip, the seven tabs on Profile, the rate-limit gauge and the footer."""
    assert snap_compare(_app(signed_in=True), run_before=_main_loaded, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    """F1 lists every key by screen."""
    assert snap_compare(_app(signed_in=True), run_before=_help_open, terminal_size=size)


def test_main_screen_no_color(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under NO_COLOR the monochrome theme keeps every state readable (words, not colour)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = _app(signed_in=True)  # NO_COLOR is read in App.__init__
    assert app.theme == "console-mono"
    assert snap_compare(app, run_before=_main_loaded, terminal_size=(80, 24))
