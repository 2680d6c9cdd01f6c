"""``tui-console demo --support`` in a real terminal (tmux, 80x24): a support person finds Ada,
opens her sessions, and signs her out everywhere after typing her e-mail.

The same private tmux server and isolated XDG directories as :mod:`tests.e2e.test_demo_tmux`;
every wait is bounded, and the tmux server is killed at the end, pass or fail.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_demo_tmux import TmuxSession

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture
def support_console(tmp_path: Path) -> Iterator[TmuxSession]:
    """``python -m tui_console demo --support`` at 80x24, its files under ``tmp_path``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AUTH0_", "XDG_", "SSH_", "TUI_CONSOLE_", "TMUX"))
        and key not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER", "NO_COLOR")
    }
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        TERM="xterm-256color",
    )
    command = [sys.executable, "-m", "tui_console", "demo", "--support"]
    session = TmuxSession(command, env, 80, 24)
    try:
        yield session
    finally:
        session.kill()


def _press(tmux: TmuxSession, *keys: str) -> None:
    for key in keys:
        tmux.send(key)
        time.sleep(0.3)


def test_support_demo_finds_ada_and_signs_her_out_everywhere(
    support_console: TmuxSession,
) -> None:
    tmux = support_console
    screen = tmux.wait_for("Signed in. Find a user", timeout=30)
    assert "Profile demo-support · machine: " in screen and "scopes (14)" in screen

    tmux.send("-l", "ada@example.com")
    _press(tmux, "Enter")
    screen = tmux.wait_for("1 user found by e-mail")
    assert "Ada Lovelace" in screen and "ada@example.com ✓" in screen

    _press(tmux, "Enter")
    tmux.wait_for("1 Profile  2 Sessions  3 Refresh tokens")
    _press(tmux, "2")
    screen = tmux.wait_for("3 sessions")
    for device in ("Firefox 128 on Linux", "Safari 17 on iOS", "Chrome 126 on Windows"):
        assert device in screen

    _press(tmux, "o")
    tmux.wait_for("Type ada@example.com to confirm")
    tmux.send("-l", "sign out")
    _press(tmux, "Enter")
    tmux.wait_for("type ada@example.com exactly")  # a wrong phrase does nothing
    _press(tmux, "C-u")
    tmux.send("-l", "ada@example.com")
    _press(tmux, "Enter")
    screen = tmux.wait_for("Auth0 accepted signing")
    assert "out everywhere" in screen

    _press(tmux, "r")
    tmux.wait_for("has no sessions")
    _press(tmux, "C-q")
    deadline = time.monotonic() + 10
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not tmux.alive()  # the console quit, and the demo tenant with it
