"""The browser flow from the command line, with a scripted browser doing the clicking."""

from __future__ import annotations

import json
import socket

from tests.cli.conftest import Cli, free_ports, write_profile
from tui_console.devtenant import TenantSettings, serve


def test_browser_login_through_the_loopback_redirect(cli: Cli) -> None:
    """`login --browser` binds a registered port, the browser signs in, the console stores it."""
    ports = free_ports(2)
    with serve(TenantSettings(callback_ports=tuple(ports))) as tenant:
        write_profile(cli, tenant.issuer, tenant.client_id, ports)
        cli.use_browser("ada@example.com", "lovelace")
        login = cli.run("login", "--browser", timeout=60)
        assert login.returncode == 0, login.stderr
        assert f"127.0.0.1%3A{ports[0]}" in login.stderr or f"127.0.0.1:{ports[0]}" in login.stderr
        assert "Signed in as Ada Lovelace" in login.stderr

        status = json.loads(cli.run("status", "--json").stdout)
        assert status["user"]["email"] == "ada@example.com"
        assert status["tokens"][0]["has_refresh_token"] is True


def test_browser_login_refuses_when_no_registered_port_is_free(cli: Cli) -> None:
    """With every registered port taken, the login says which ports and what to do."""
    ports = free_ports(1)
    with socket.socket() as busy, serve(TenantSettings(callback_ports=tuple(ports))) as tenant:
        busy.bind(("127.0.0.1", ports[0]))
        busy.listen()
        write_profile(cli, tenant.issuer, tenant.client_id, ports)
        login = cli.run("login", "--browser")
        assert login.returncode == 2  # a ConfigError: the profile's ports
        assert str(ports[0]) in login.stderr
        assert "Traceback" not in login.stderr
