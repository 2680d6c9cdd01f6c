"""The e2e fixtures: the demo console, and the support demo console, each in its own tmux."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.tmux import TmuxSession, console_in_tmux


@pytest.fixture
def demo_console(tmp_path: Path) -> Iterator[TmuxSession]:
    """``python -m tui_console demo`` at 80x24, its files under ``tmp_path``."""
    with console_in_tmux(tmp_path, "demo") as session:
        yield session


@pytest.fixture
def support_console(tmp_path: Path) -> Iterator[TmuxSession]:
    """``python -m tui_console demo --support`` at 80x24, its files under ``tmp_path``."""
    with console_in_tmux(tmp_path, "demo", "--support") as session:
        yield session
