"""DPoP from the command line: ``login --dpop`` (or ``dpop = true``) through to a refresh."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import jwt

from tests.cli.conftest import Cli
from tui_console.auth.dpop_key import DPoPKey
from tui_console.devtenant import TenantSettings, serve


def key_thumbprint(path: str) -> str:
    return DPoPKey.from_jwk(json.loads(Path(path).read_text())).thumbprint


def test_login_dpop_then_status_token_userinfo_and_a_silent_refresh(cli: Cli) -> None:
    """The issue's walk-through: a DPoP device login, status shows the binding, token and
    userinfo work, and an expiring token is refreshed (with the same key) without a word."""
    settings = TenantSettings(auto_approve=0.2, device_interval=1, management_api_dpop=True)
    with serve(settings) as tenant:
        login = cli.run(
            "--issuer", tenant.issuer, "--client-id", tenant.client_id, "login", "--device",
            "--dpop",
        )  # fmt: skip
        assert login.returncode == 0, login.stderr

        status = cli.run("status", "--json")
        assert status.returncode == 0, status.stderr
        data = json.loads(status.stdout)
        [token] = data["tokens"]
        key_file = data["dpop_key_file"]
        assert key_file and stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
        jkt = key_thumbprint(key_file)
        assert (token["dpop_bound"], token["dpop_jkt"], token["token_type"]) == (True, jkt, "DPoP")
        assert token["dpop_fallback"] is False
        assert f"DPoP:     bound to key {jkt}" in cli.run("status").stdout

        printed = cli.run("token")
        assert printed.returncode == 0, printed.stderr
        first = printed.stdout.strip()
        claims = jwt.decode(first, options={"verify_signature": False})
        assert claims["cnf"] == {"jkt": jkt}
        assert "DPoP-bound" in printed.stderr

        userinfo = cli.run("userinfo", "--json")
        assert userinfo.returncode == 0, userinfo.stderr
        assert json.loads(userinfo.stdout)["sub"] == tenant.demo_user["user_id"]

        # The stored token runs out (its expiry moved to the past in the file, which is what
        # the client goes by; no wall-clock sleep that a loaded machine could outrun).
        token_file = Path(data["token_file"])
        document = json.loads(token_file.read_text())
        for entry in document["tokens"].values():
            entry["expires_at"] = time.time() - 1
        token_file.write_text(json.dumps(document))
        assert tenant.state.stats.refresh_exchanges == 0
        refreshed = cli.run("token")
        assert refreshed.returncode == 0, refreshed.stderr
        second = refreshed.stdout.strip()
        assert second != first
        assert jwt.decode(second, options={"verify_signature": False})["cnf"] == {"jkt": jkt}
        assert tenant.state.stats.refresh_exchanges == 1
        assert "error" not in refreshed.stderr
        assert cli.run("userinfo").returncode == 0


def test_profile_setting_with_the_management_api_falling_back_to_bearer(cli: Cli) -> None:
    """``dpop = true`` in the profile signs in with DPoP; the Management API (no DPoP there)
    gets a Bearer token, status says so, the account verbs work, and logout deletes the key."""
    with serve(TenantSettings(auto_approve=0.2, device_interval=1)) as tenant:
        config = Path(cli.env["XDG_CONFIG_HOME"]) / "tui-console" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text(
            'default_profile = "default"\n[profiles.default]\n'
            f'issuer = "{tenant.issuer}"\nclient_id = "{tenant.client_id}"\n'
            f'audience = "{tenant.management_audience}"\ndpop = true\n'
        )
        login = cli.run("login", "--device")
        assert login.returncode == 0, login.stderr

        data = json.loads(cli.run("status", "--json").stdout)
        [token] = data["tokens"]
        assert (token["dpop_bound"], token["dpop_fallback"]) == (False, True)
        assert token["dpop_jkt"] == key_thumbprint(data["dpop_key_file"])
        assert "Bearer" in token["dpop_note"]
        assert "DPoP:     Bearer fallback" in cli.run("status").stdout

        user = cli.run("user", "--json")
        assert user.returncode == 0, user.stderr
        assert json.loads(user.stdout)["user_id"] == tenant.demo_user["user_id"]
        assert tenant.state.stats.dpop_nonce_challenges == 1

        logout = cli.run("logout")
        assert logout.returncode == 0, logout.stderr
        assert "Deleted the DPoP key." in logout.stderr
        assert not os.path.exists(data["dpop_key_file"])
        assert "dpop = true" in config.read_text()  # the setting stays with the profile
