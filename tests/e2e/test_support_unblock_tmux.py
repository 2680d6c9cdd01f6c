"""``tui-console demo --support`` in a real terminal (tmux, 80x24): "why can't Grace sign in?"
Her Logs tab says a brute-force block; the Blocks tab shows the IP, and unblocking it after
typing the word releases it.

The fixture is :mod:`tests.e2e.test_support_demo_tmux`'s (private tmux server, isolated XDG
directories, killed at the end); every wait is bounded.
"""

from __future__ import annotations

import shutil
import time

import pytest

from tests.e2e.test_demo_tmux import TmuxSession
from tests.e2e.test_support_demo_tmux import support_console  # noqa: F401
from tui_console.devtenant.story import GRACE_BLOCKED_IP

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _press(tmux: TmuxSession, *keys: str) -> None:
    for key in keys:
        tmux.send(key)
        time.sleep(0.3)


def test_support_sees_grace_s_block_and_unblocks_her(
    support_console: TmuxSession,  # noqa: F811
) -> None:
    tmux = support_console
    tmux.wait_for("Signed in. Find a user", timeout=30)
    tmux.send("-l", "grace@example.com")
    _press(tmux, "Enter")
    tmux.wait_for("1 user found by e-mail")
    _press(tmux, "Enter")
    tmux.wait_for("4 Logs  5 Blocks  6 MFA  7 Devices")

    _press(tmux, "4")
    tmux.wait_for("events, newest first")
    tmux.wait_for("limit_wc  Blocked: too many failed sign-ins")

    _press(tmux, "5")
    tmux.wait_for("1 brute-force block")
    screen = tmux.wait_for(f"{GRACE_BLOCKED_IP}  grace@example.com")
    assert "Administrator's block: off" in screen

    _press(tmux, "u")
    tmux.wait_for("Type unblock to confirm")
    tmux.send("-l", "unblock")
    _press(tmux, "Enter")
    screen = tmux.wait_for("Released every brute-force block")
    assert GRACE_BLOCKED_IP not in screen.split("Blocked IP")[-1]

    _press(tmux, "r")
    tmux.wait_for("has no brute-force blocks")
    _press(tmux, "C-q")
    deadline = time.monotonic() + 10
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not tmux.alive()
