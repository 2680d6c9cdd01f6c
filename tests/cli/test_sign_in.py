"""The command line end to end against the dev tenant on a real loopback port."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import jwt

from tests.cli.conftest import Cli
from tui_console.devtenant import TenantSettings, serve


def _login_device(cli: Cli, tenant: object) -> None:
    result = cli.run(
        "--issuer", tenant.issuer, "--client-id", tenant.client_id, "login", "--device"
    )
    assert result.returncode == 0, result.stderr
    return result


def test_device_login_then_status_userinfo_token_logout(cli: Cli) -> None:
    """The issue's walk-through: sign in with a code, then every verb behaves as documented."""
    with serve(TenantSettings(auto_approve=1, device_interval=1)) as tenant:
        login = _login_device(cli, tenant)
        assert "enter the code" in login.stderr
        assert tenant.demo_user["name"] in login.stderr
        assert login.stdout == ""  # narration goes to stderr only

        status = cli.run("status", "--json")  # the successful login saved the flags
        assert status.returncode == 0, status.stderr
        data = json.loads(status.stdout)
        assert data["signed_in"] is True
        assert data["issuer"] == tenant.issuer
        assert data["user"]["email"] == "ada@example.com"
        [token] = data["tokens"]
        assert token["audience"] == tenant.management_audience
        assert token["has_refresh_token"] is True
        assert "read:current_user" in token["scopes"]

        token_file = data["token_file"]
        assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(os.path.dirname(token_file)).st_mode) == 0o700

        userinfo = cli.run("userinfo", "--json")
        assert userinfo.returncode == 0, userinfo.stderr
        assert json.loads(userinfo.stdout)["sub"] == tenant.demo_user["user_id"]

        printed = cli.run("token")
        assert printed.returncode == 0, printed.stderr
        claims = jwt.decode(printed.stdout.strip(), options={"verify_signature": False})
        assert claims["sub"] == tenant.demo_user["user_id"]
        assert tenant.management_audience in claims["aud"]

        revocations = tenant.state.stats.revocations
        logout = cli.run("logout")
        assert logout.returncode == 0, logout.stderr
        assert "Revoked the refresh token" in logout.stderr
        assert tenant.state.stats.revocations == revocations + 1
        assert not os.path.exists(token_file)

        after = cli.run("status", "--json")
        assert after.returncode == 1
        assert json.loads(after.stdout)["signed_in"] is False


def test_human_status_never_prints_a_token(cli: Cli) -> None:
    """``status`` describes the session without any token text; ``token`` is the only way."""
    with serve(TenantSettings(auto_approve=0.5, device_interval=1)) as tenant:
        login = _login_device(cli, tenant)
        token = cli.run("token").stdout.strip()
        status = cli.run("status")
        assert status.returncode == 0
        assert "Ada Lovelace" in status.stdout
        for text in (status.stdout, status.stderr, login.stdout, login.stderr):
            assert token not in text
            assert "eyJ" not in text


def test_denied_device_login_says_so_and_stores_nothing(cli: Cli) -> None:
    """A code denied at the tenant ends the login with a clear message and exit status 3."""
    with serve(TenantSettings(device_interval=1)) as tenant:
        process = cli.popen(
            ["--issuer", tenant.issuer, "--client-id", tenant.client_id, "login", "--device"]
        )
        try:
            tenant.state.wait_for_pending_device_code(timeout=20)
            tenant.state.deny_pending_device_codes()
            _, stderr = process.communicate(timeout=30)
        finally:
            process.kill()
        assert process.returncode == 3  # the server refused: exit_statuses()
        assert "denied" in stderr.lower()
        assert "Traceback" not in stderr
        assert not (Path(cli.env["XDG_CONFIG_HOME"]) / "tui-console" / "config.toml").exists()
        assert cli.run("status").returncode == 2  # the flags of a failed login were not saved


def test_signed_out_and_misconfigured_commands_explain_themselves(cli: Cli) -> None:
    """No profile, a bad domain and a signed-out token request each get a specific message."""
    none = cli.run("status")
    assert none.returncode == 2
    assert "--domain" in none.stderr and "Traceback" not in none.stderr

    bad = cli.run("--domain", "not a domain", "--client-id", "abc", "status")
    assert bad.returncode == 2
    assert "is not a domain name" in bad.stderr

    plain_http = cli.run("--issuer", "http://example.com/", "--client-id", "abc", "status")
    assert plain_http.returncode == 2
    assert "plain http" in plain_http.stderr

    with serve(TenantSettings()) as tenant:
        token = cli.run("--issuer", tenant.issuer, "--client-id", tenant.client_id, "token")
        assert token.returncode == 1
        assert "tui-console login" in token.stderr
        assert token.stdout == ""


def test_output_cut_short_by_a_pipe_is_not_an_error(cli: Cli) -> None:
    """Writing to a pipe whose reader left (``| head``) ends the command without a traceback."""
    import subprocess
    import sys

    code = (
        "import os, sys\n"
        "read, write = os.pipe(); os.close(read); os.dup2(write, 1)\n"  # the reader is gone
        "from tui_console.cli import main\n"
        "sys.exit(main(['--domain', 'tenant.example.com', '--client-id', 'abc',\n"
        "                'status', '--json']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=cli.env, capture_output=True, text=True, timeout=60
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert "BrokenPipe" not in result.stderr
