"""The account verbs end to end: the demo user's account changes, and the tenant shows it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli, free_ports, write_profile
from tui_console.devtenant import RunningTenant, TenantSettings, serve


def _ada(tenant: RunningTenant):  # type: ignore[no-untyped-def]
    user = tenant.state.get_user(tenant.demo_user["user_id"])
    assert user is not None
    return user


def test_user_json_is_the_user_and_the_rate_limits_go_to_stderr(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """``user --json``: stdout is the Management API user; one JSON line of buckets on stderr."""
    result = cli.run("user", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["user_id"] == signed_in.demo_user["user_id"]
    assert {i["provider"] for i in data["identities"]} >= {"auth0", "google-oauth2"}
    bucket = json.loads(result.stderr.strip().splitlines()[-1])["rate_limits"]["management-read"]
    assert bucket["limit"] >= 1 and 0 <= bucket["remaining"] < bucket["limit"]

    plain = cli.run("user")
    assert "Ada Lovelace" in plain.stdout
    assert plain.stderr.startswith("rate limits: ")


def test_metadata_set_and_unset_change_the_tenant(cli: Cli, signed_in: RunningTenant) -> None:
    """``metadata set`` merges top-level keys (JSON values), ``unset`` deletes them."""
    result = cli.run("metadata", "set", "theme=dark", 'prefs={"lang": "en", "n": 2}')
    assert result.returncode == 0, result.stderr
    stored = _ada(signed_in).user_metadata
    assert stored["theme"] == "dark"
    assert stored["prefs"] == {"lang": "en", "n": 2}

    assert cli.run("metadata", "unset", "theme").returncode == 0
    assert "theme" not in _ada(signed_in).user_metadata
    assert _ada(signed_in).user_metadata["prefs"] == {"lang": "en", "n": 2}

    shown = json.loads(cli.run("metadata", "--json").stdout)
    assert shown["prefs"]["lang"] == "en"


def test_metadata_key_names_are_refused_before_sending(cli: Cli, signed_in: RunningTenant) -> None:
    """A key with '.' is refused locally with the reason; the tenant is untouched."""
    before = dict(_ada(signed_in).user_metadata or {})
    result = cli.run("metadata", "set", "a.b=1")
    assert result.returncode == 2
    assert "a.b" in result.stderr and "Traceback" not in result.stderr
    assert dict(_ada(signed_in).user_metadata or {}) == before


def test_unlink_moves_the_identity_out_and_refuses_the_primary(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """Unlinking github makes it a standalone user; the primary identity is refused."""
    github = next(i for i in _ada(signed_in).identities if i.provider == "github")
    result = cli.run("unlink", "github", str(github.user_id), "--yes")
    assert result.returncode == 0, result.stderr
    assert "github" not in {i.provider for i in _ada(signed_in).identities}
    assert signed_in.state.get_user(f"github|{github.user_id}") is not None

    primary = signed_in.demo_user["user_id"].split("|", 1)[1]
    refused = cli.run("unlink", "auth0", primary, "--yes")
    assert refused.returncode == 2  # refused before sending: nothing went to Auth0
    assert "primary" in refused.stderr.lower()


def test_devices_list_needs_an_admin_scope_but_add_and_revoke_work(
    cli: Cli, signed_in: RunningTenant, tmp_path: Path
) -> None:
    """Listing is Auth0-admin only, said plainly; adding and revoking a key still work."""
    listed = cli.run("devices")
    assert listed.returncode == 3
    assert "read:device_credentials" in listed.stderr
    assert "revok" in listed.stderr.lower()

    key = tmp_path / "key.pem"
    key.write_text(
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQc=\n-----END PUBLIC KEY-----\n"
    )
    added = cli.run("devices", "add", "laptop", "--public-key", str(key), "--device-id", "lap-1")
    assert added.returncode == 0, added.stderr
    new_id = added.stdout.strip()
    assert new_id.startswith("dcr_")
    assert new_id in signed_in.state.device_credentials

    again = cli.run("devices", "add", "laptop", "--public-key", str(key), "--device-id", "lap-1")
    assert again.returncode == 3
    assert "already" in again.stderr.lower()

    revoked = cli.run("devices", "revoke", new_id)
    assert revoked.returncode == 0, revoked.stderr
    assert new_id not in signed_in.state.device_credentials


def test_link_signs_in_to_the_second_account_and_links_it(cli: Cli) -> None:
    """``link`` runs a browser sign-in as Charles and links his identity to Ada's account."""
    ports = free_ports(1)
    settings = TenantSettings(auto_approve=0.2, device_interval=1, callback_ports=tuple(ports))
    with serve(settings) as tenant:
        write_profile(cli, tenant.issuer, tenant.client_id, ports)
        assert cli.run("login", "--device").returncode == 0
        charles = tenant.state.directory.find_user_by_email("charles@example.com")
        assert charles is not None
        cli.use_browser("charles@example.com", "babbage")
        result = cli.run("link", "--json")
        assert result.returncode == 0, result.stderr
        linked = {(i["provider"], i["user_id"]) for i in json.loads(result.stdout)}
        assert ("auth0", charles.user_id.split("|", 1)[1]) in linked
        assert tenant.state.get_user(charles.user_id) is None  # no longer a standalone user
        assert len(_ada(tenant).identities) == len(linked)
