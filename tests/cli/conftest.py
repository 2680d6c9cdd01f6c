"""Run ``tui-console`` as a person would: a real process, its own config and state dirs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui_console.devtenant import RunningTenant, TenantSettings, serve

ROOT = Path(__file__).resolve().parents[2]
FAKE_BROWSER = ROOT / "tests" / "cli" / "fake_browser.py"


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

    def use_browser(self, email: str, password: str) -> None:
        """Make ``BROWSER`` a script that signs in at the dev tenant as ``email``."""
        self.env["BROWSER"] = f"{sys.executable} {FAKE_BROWSER} {email} {password} %s"
        self.env["PYTHONPATH"] = str(ROOT)

    def popen(self, args: Sequence[str]) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "tui_console", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def free_ports(count: int) -> list[int]:
    """``count`` loopback ports that were free a moment ago (for callback URLs)."""
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def write_profile(cli: Cli, issuer: str, client_id: str, ports: list[int]) -> None:
    """Save the default profile with these registered callback ports (no flag sets them)."""
    config = Path(cli.env["XDG_CONFIG_HOME"]) / "tui-console" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        'default_profile = "default"\n[profiles.default]\n'
        f'issuer = "{issuer}"\nclient_id = "{client_id}"\n'
        f'audience = "{issuer}api/v2/"\nredirect_ports = {json.dumps(ports)}\n'
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


@pytest.fixture
def signed_in(cli: Cli) -> Iterator[RunningTenant]:
    """A dev tenant, and the CLI signed in to it as Ada through the device flow."""
    with serve(TenantSettings(auto_approve=0.2, device_interval=1)) as tenant:
        login = cli.run(
            "--issuer", tenant.issuer, "--client-id", tenant.client_id, "login", "--device"
        )
        assert login.returncode == 0, login.stderr
        yield tenant
