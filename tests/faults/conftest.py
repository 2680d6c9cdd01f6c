"""The command line run in this process, as a person's shell would run it, with its output kept.

In-process (``tui_console.cli.main``) rather than a subprocess: a soak of hundreds of commands
must stay within a minute on a shared machine, and an escaping exception fails the test at
once instead of hiding in captured stderr.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui_console.cli import main


@dataclass(frozen=True)
class Outcome:
    """What one command left: its exit status and everything it printed."""

    code: int
    stdout: str
    stderr: str


@dataclass
class InProcessCli:
    """Runs ``tui-console ARGS`` through :func:`main` with isolated XDG dirs."""

    home: Path
    capture: pytest.CaptureFixture[str]

    @property
    def config_file(self) -> Path:
        return self.home / "config" / "tui-console" / "config.toml"

    @property
    def token_dir(self) -> Path:
        return self.home / "state" / "tui-console" / "tokens"

    def write_profile(self, issuer: str, client_id: str, *, audience: str | None = None) -> None:
        self.config_file.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            'default_profile = "default"',
            "[profiles.default]",
            f'issuer = "{issuer}"',
            f'client_id = "{client_id}"',
        ]
        if audience is not None:
            lines.append(f'audience = "{audience}"')
        self.config_file.write_text("\n".join(lines) + "\n")

    def run(self, *args: str) -> Outcome:
        self.capture.readouterr()
        code = main(list(args))
        out, err = self.capture.readouterr()
        return Outcome(code, out, err)


@pytest.fixture
def cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[InProcessCli]:
    """A ``tui-console`` in this process, its config and state under ``tmp_path``."""
    for name in ("AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "TUI_CONSOLE_CONFIG", "BROWSER", "DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("CONFIG", "STATE", "DATA", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    yield InProcessCli(home=tmp_path, capture=capsys)
