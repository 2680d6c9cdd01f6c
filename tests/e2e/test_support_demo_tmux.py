"""``tui-console demo --support`` in a real terminal (tmux, 80x24): a support person finds Ada,
opens her sessions, and signs her out everywhere after typing her e-mail.

The ``support_console`` fixture (``conftest.py``, :mod:`tests.e2e.tmux`): a private tmux server
and isolated XDG directories; every wait is bounded, and the tmux server is killed at the end,
pass or fail.
"""

from __future__ import annotations

import shutil

import pytest

from tests.e2e.tmux import TmuxSession

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def test_support_demo_finds_ada_and_signs_her_out_everywhere(
    support_console: TmuxSession,
) -> None:
    tmux = support_console
    screen = tmux.wait_for("Signed in. Find a user", timeout=30)
    assert "Profile demo-support · machine: " in screen and "scopes (14)" in screen

    tmux.send("-l", "ada@example.com")
    tmux.press("Enter")
    screen = tmux.wait_for("1 user found by e-mail")
    assert "Ada Lovelace" in screen and "ada@example.com ✓" in screen

    tmux.press("Enter")
    tmux.wait_for("1 Profile  2 Sessions  3 Refresh tokens")
    tmux.press("2")
    screen = tmux.wait_for("3 sessions")
    for device in ("Firefox 128 on Linux", "Safari 17 on iOS", "Chrome 126 on Windows"):
        assert device in screen

    tmux.press("o")
    tmux.wait_for("Type ada@example.com to confirm")
    tmux.send("-l", "sign out")
    tmux.press("Enter")
    tmux.wait_for("type ada@example.com exactly")  # a wrong phrase does nothing
    tmux.press("C-u")
    tmux.send("-l", "ada@example.com")
    tmux.press("Enter")
    screen = tmux.wait_for("Auth0 accepted signing")
    assert "out everywhere" in screen

    tmux.press("r")
    tmux.wait_for("has no sessions")
    tmux.press("C-q")
    tmux.wait_for_exit()
    assert not tmux.alive()  # the console quit, and the demo tenant with it
