"""The console in a real terminal: a private tmux server, an isolated environment, keys sent.

:func:`console_in_tmux` runs ``python -m tui_console ARGS`` in a detached tmux window of its own
tmux server (``-L`` with a fresh socket name, no config file), with an environment whose XDG
directories are under the test's ``tmp_path``, so the demo tenant's state and tokens never
touch the person's own; the server is killed at the end, pass or fail. Every wait is bounded.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: What of the caller's environment the console must not see: another tenant, real XDG dirs,
#: an SSH session or a display (they change the sign-in flow), the tmux the tests run in.
_LEFT_OUT_PREFIXES = ("AUTH0_", "XDG_", "SSH_", "TUI_CONSOLE_", "TMUX")
_LEFT_OUT = ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER", "NO_COLOR")


class TmuxSession:
    """One command in a detached tmux window of a private tmux server."""

    def __init__(self, command: list[str], env: dict[str, str], width: int, height: int) -> None:
        self.socket = f"tui-e2e-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.user_code: str | None = None
        self.tenant_file: Path | None = None
        """The demo tenant's state file, to check what the console changed there."""
        self._tmux("-f", "/dev/null", "new-session", "-d", "-s", "demo", "-x", str(width),
                   "-y", str(height), " ".join(command))  # fmt: skip
        self._tmux("set-option", "-g", "set-clipboard", "on")

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=10,
        )

    def screen(self) -> str:
        """The visible pane as text."""
        return self._tmux("capture-pane", "-t", "demo", "-p").stdout

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "demo", *keys)

    def press(self, *keys: str) -> None:
        """Send keys one at a time with a pause: a terminal reads ESC then a key as alt+key."""
        for key in keys:
            self.send(key)
            time.sleep(0.3)

    def wait_for(self, pattern: str | re.Pattern[str], timeout: float = 20.0) -> str:
        """The screen once it shows ``pattern`` (text or regex); fails with the screen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            found = pattern.search(screen) if isinstance(pattern, re.Pattern) else pattern in screen
            if found:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} never appeared:\n{self.screen()}")

    def wait_for_exit(self, timeout: float = 10.0) -> None:
        """Until the console has quit (its window, and so the session, is gone), or ``timeout``
        seconds: the caller asserts ``not alive()``."""
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.1)

    def clipboard(self) -> str:
        """tmux's newest paste buffer: what OSC 52 put there."""
        return self._tmux("show-buffer", check=False).stdout

    def alive(self) -> bool:
        return self._tmux("has-session", "-t", "demo", check=False).returncode == 0

    def kill(self) -> None:
        self._tmux("kill-server", check=False)


def isolated_env(tmp_path: Path) -> dict[str, str]:
    """This process's environment without what :data:`_LEFT_OUT` names, XDG under ``tmp_path``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_LEFT_OUT_PREFIXES) and key not in _LEFT_OUT
    }
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        TERM="xterm-256color",
    )
    return env


@contextmanager
def console_in_tmux(
    tmp_path: Path, *args: str, size: tuple[int, int] = (80, 24)
) -> Iterator[TmuxSession]:
    """``python -m tui_console ARGS`` in tmux at ``size``; the tmux server is killed after."""
    command = [sys.executable, "-m", "tui_console", *args]
    session = TmuxSession(command, isolated_env(tmp_path), *size)
    session.tenant_file = tmp_path / "data" / "tui-console" / "demo-tenant.json"
    try:
        yield session
    finally:
        session.kill()
