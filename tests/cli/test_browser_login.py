"""The browser flow from the command line, with a scripted browser doing the clicking."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

from tests.cli.conftest import Cli
from tui_console.devtenant import TenantSettings, serve

ROOT = Path(__file__).resolve().parents[2]


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def _write_profile(cli: Cli, issuer: str, client_id: str, ports: list[int]) -> None:
    config = Path(cli.env["XDG_CONFIG_HOME"]) / "tui-console" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        'default_profile = "default"\n[profiles.default]\n'
        f'issuer = "{issuer}"\nclient_id = "{client_id}"\n'
        f'audience = "{issuer}api/v2/"\nredirect_ports = {json.dumps(ports)}\n'
    )


def test_browser_login_through_the_loopback_redirect(cli: Cli) -> None:
    """`login --browser` binds a registered port, the browser signs in, the console stores it."""
    ports = _free_ports(2)
    with serve(TenantSettings(callback_ports=tuple(ports))) as tenant:
        _write_profile(cli, tenant.issuer, tenant.client_id, ports)
        script = ROOT / "tests" / "cli" / "fake_browser.py"
        cli.env["BROWSER"] = f"{sys.executable} {script} ada@example.com lovelace %s"
        cli.env["PYTHONPATH"] = str(ROOT)
        login = cli.run("login", "--browser", timeout=60)
        assert login.returncode == 0, login.stderr
        assert f"127.0.0.1%3A{ports[0]}" in login.stderr or f"127.0.0.1:{ports[0]}" in login.stderr
        assert "Signed in as Ada Lovelace" in login.stderr

        status = json.loads(cli.run("status", "--json").stdout)
        assert status["user"]["email"] == "ada@example.com"
        assert status["tokens"][0]["has_refresh_token"] is True


def test_browser_login_refuses_when_no_registered_port_is_free(cli: Cli) -> None:
    """With every registered port taken, the login says which ports and what to do."""
    ports = _free_ports(1)
    with socket.socket() as busy, serve(TenantSettings(callback_ports=tuple(ports))) as tenant:
        busy.bind(("127.0.0.1", ports[0]))
        busy.listen()
        _write_profile(cli, tenant.issuer, tenant.client_id, ports)
        login = cli.run("login", "--browser")
        assert login.returncode == 1
        assert str(ports[0]) in login.stderr
        assert "Traceback" not in login.stderr
