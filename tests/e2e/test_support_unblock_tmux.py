"""``tui-console demo --support`` in a real terminal (tmux, 80x24): "why can't Grace sign in?"
Her Logs tab says a brute-force block; the Blocks tab shows the IP, and unblocking it after
typing the word releases it.

The ``support_console`` fixture (``conftest.py``, :mod:`tests.e2e.tmux`): a private tmux server,
isolated XDG directories, killed at the end; every wait is bounded.
"""

from __future__ import annotations

import shutil

import pytest

from tests.e2e.tmux import TmuxSession
from tui_console.devtenant.story import GRACE_BLOCKED_IP

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def test_support_sees_grace_s_block_and_unblocks_her(
    support_console: TmuxSession,
) -> None:
    tmux = support_console
    tmux.wait_for("Signed in. Find a user", timeout=30)
    tmux.send("-l", "grace@example.com")
    tmux.press("Enter")
    tmux.wait_for("1 user found by e-mail")
    tmux.press("Enter")
    tmux.wait_for("4 Logs  5 Blocks  6 MFA  7 Devices")

    tmux.press("4")
    tmux.wait_for("events, newest first")
    tmux.wait_for("limit_wc  Blocked: too many failed sign-ins")

    tmux.press("5")
    tmux.wait_for("1 brute-force block")
    screen = tmux.wait_for(f"{GRACE_BLOCKED_IP}  grace@example.com")
    assert "Administrator's block: off" in screen

    tmux.press("u")
    tmux.wait_for("Type unblock to confirm")
    tmux.send("-l", "unblock")
    tmux.press("Enter")
    screen = tmux.wait_for("Released every brute-force block")
    assert GRACE_BLOCKED_IP not in screen.split("Blocked IP")[-1]

    tmux.press("r")
    tmux.wait_for("has no brute-force blocks")
    tmux.press("C-q")
    tmux.wait_for_exit()
    assert not tmux.alive()
