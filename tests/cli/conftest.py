"""Run ``tui-console`` as a person would: a real process, its own config and state dirs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Cli:
    """Runs the console script in a subprocess with an isolated environment."""

    env: dict[str, str]
    home: Path

    def run(
        self, *args: str, timeout: float = 60, input_text: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tui_console", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=input_text,
        )

    def popen(self, args: Sequence[str]) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "tui_console", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    """A ``tui-console`` with XDG dirs under ``tmp_path`` and no browser, display or SSH."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AUTH0_", "XDG_", "SSH_", "TUI_CONSOLE_"))
        and key not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")
    }
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        PYTHONUNBUFFERED="1",
    )
    yield Cli(env=env, home=tmp_path)
