"""Profiles from the command line: one-off flags stay one-off, ``profiles`` lists, uses, removes.

Only a successful ``login`` saves flags into a profile; every other command uses them for that
run alone, and a stored session is only ever shown or used with the issuer and client it was
issued for.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tui_console.devtenant import RunningTenant, TenantSettings, serve


def _config(cli: Cli) -> Path:
    return Path(cli.env["XDG_CONFIG_HOME"]) / "tui-console" / "config.toml"


def _token_file(cli: Cli, profile: str = "default") -> Path:
    return Path(cli.env["XDG_STATE_HOME"]) / "tui-console" / "tokens" / f"{profile}.json"


def _login(cli: Cli, tenant: RunningTenant, *extra: str) -> subprocess.CompletedProcess[str]:
    flags = ("--issuer", tenant.issuer, "--client-id", tenant.client_id)
    result = cli.run(*flags, *extra, "login", "--device")
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def signed_in(cli: Cli) -> Iterator[RunningTenant]:
    """A dev tenant, and the CLI signed in to it as Ada with the flags of the first login."""
    with serve(TenantSettings(auto_approve=0.2, device_interval=1)) as tenant:
        _login(cli, tenant)
        yield tenant


def test_a_successful_login_saves_the_flags_and_says_so(cli: Cli) -> None:
    """Flags given to ``login`` are saved once the sign-in worked, with "Saved profile"."""
    with serve(TenantSettings(auto_approve=0.2, device_interval=1)) as tenant:
        login = _login(cli, tenant)
        assert "Saved profile default." in login.stderr
        assert f'issuer = "{tenant.issuer}"' in _config(cli).read_text()
        again = _login(cli, tenant)  # nothing changed: nothing to save
        assert "Saved profile" not in again.stderr


def test_one_off_flags_never_rewrite_the_saved_profile(cli: Cli, signed_in: RunningTenant) -> None:
    """``--issuer``/``--client-id``/``--domain`` on any other command leave config.toml alone."""
    saved = _config(cli).read_bytes()
    token = cli.run("token").stdout.strip()
    runs = [
        ("--issuer", "https://x.invalid/", "--client-id", "x", "status"),
        ("--issuer", "https://x.invalid/", "--client-id", "x", "userinfo"),
        ("--domain", "http://evil.example", "status"),
        ("--domain", "http://evil.example", "token"),
        ("--client-id", "other-client", "status", "--json"),
        ("--client-id", "other-client", "token"),
        ("--client-id", "other-client", "userinfo", "--json"),
        ("--client-id", "other-client", "user", "--json"),
    ]
    for args in runs:
        result = cli.run(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert token not in result.stdout + result.stderr, args
        assert _config(cli).read_bytes() == saved, args
        assert f"belongs to {signed_in.issuer} (client {signed_in.client_id})" in (
            result.stdout + result.stderr
        ), args
    # The session itself is untouched: no flags, and everything works as before.
    status = json.loads(cli.run("status", "--json").stdout)
    assert status["signed_in"] is True and status["issuer"] == signed_in.issuer
    assert cli.run("token").stdout.strip() == token


def test_another_clients_run_shows_and_sends_no_stored_token(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """``status --json`` with another client id reports signed out and names the real owner."""
    other = cli.run("--client-id", "other-client", "status", "--json")
    data = json.loads(other.stdout)
    assert data["signed_in"] is False and data["tokens"] == [] and data["user"] == {}
    assert data["other_session"] == f"{signed_in.issuer} (client {signed_in.client_id})"
    revocations = signed_in.state.stats.revocations
    logout = cli.run("--client-id", "other-client", "logout")
    assert f"belongs to {signed_in.issuer} (client {signed_in.client_id})" in logout.stderr
    assert signed_in.state.stats.revocations == revocations  # nothing revoked, nothing wiped
    assert _token_file(cli).exists()


def test_an_unknown_profile_is_a_usage_error_naming_the_saved_ones(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """``--profile typo`` fails with exit 2 and the saved names; only ``login`` makes profiles."""
    saved = _config(cli).read_bytes()
    flags = ("--issuer", signed_in.issuer, "--client-id", signed_in.client_id)
    for args in (("--profile", "typo", "status"), ("--profile", "typo", *flags, "status")):
        result = cli.run(*args)
        assert result.returncode == 2, result.stderr
        assert "'typo'" in result.stderr and "saved profiles: default" in result.stderr
        assert _config(cli).read_bytes() == saved
    made = _login(cli, signed_in, "--profile", "typo")
    assert "Saved profile typo." in made.stderr
    assert cli.run("--profile", "typo", "status").returncode == 0


def test_profiles_lists_from_disk_only(cli: Cli) -> None:
    """``profiles --json`` is exactly the list, read offline: the tenant is gone by then."""
    with serve(TenantSettings(auto_approve=0.2, device_interval=1)) as tenant:
        _login(cli, tenant)
        _login(cli, tenant, "--profile", "work")
        cli.run("--profile", "work", "logout")
        expires_at = json.loads(cli.run("status", "--json").stdout)["tokens"][0]["expires_at"]
    listed = cli.run("profiles", "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == [
        {
            "name": "default",
            "issuer": tenant.issuer,
            "client_id": tenant.client_id,
            "default": True,
            "user": "Ada Lovelace <ada@example.com>",
            "token_state": "valid",
            "expires_at": int(expires_at),
        },
        {
            "name": "work",
            "issuer": tenant.issuer,
            "client_id": tenant.client_id,
            "default": False,
            "user": None,
            "token_state": "signed_out",
            "expires_at": None,
        },
    ]
    text = cli.run("profiles")
    default_line, work_line = text.stdout.splitlines()[1:]
    assert default_line.startswith("*") and "Ada Lovelace" in default_line
    assert "valid, expires in" in default_line
    assert not work_line.startswith("*") and "signed out" in work_line


def test_profiles_shows_a_damaged_token_file_without_failing(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """One unreadable token file is a state in the list, not an error for every profile."""
    _token_file(cli).write_text("{not json")
    [row] = json.loads(cli.run("profiles", "--json").stdout)
    assert row["token_state"] == "damaged" and row["user"] is None
    assert "damaged" in cli.run("profiles").stdout


def test_profiles_use_sets_the_default(cli: Cli) -> None:
    """``profiles use NAME`` changes the default; an unknown NAME is a usage error."""
    with serve(TenantSettings(auto_approve=0.2, device_interval=1)) as tenant:
        _login(cli, tenant)
        _login(cli, tenant, "--profile", "work")
        assert cli.run("profiles", "use", "work").returncode == 0
        assert json.loads(cli.run("status", "--json").stdout)["profile"] == "work"
        unknown = cli.run("profiles", "use", "nope")
        assert unknown.returncode == 2
        assert "saved profiles: default, work" in unknown.stderr
        assert json.loads(cli.run("status", "--json").stdout)["profile"] == "work"


def _run_on_a_terminal(
    cli: Cli, args: tuple[str, ...], answer: str
) -> subprocess.CompletedProcess[str]:
    """Run with a pseudo-terminal as stdin, the answer already typed."""
    primary, secondary = pty.openpty()
    try:
        os.write(primary, answer.encode())
        return subprocess.run(
            [sys.executable, "-m", "tui_console", *args],
            env=cli.env,
            stdin=secondary,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.close(primary)
        os.close(secondary)


def test_profiles_remove_signs_out_first_and_asks(cli: Cli, signed_in: RunningTenant) -> None:
    """No terminal and no --yes: refused (2); "n": kept; "y": revoked, wiped and deleted."""
    _login(cli, signed_in, "--profile", "work")
    token_file = _token_file(cli, "work")
    refused = cli.run("profiles", "remove", "work", input_text="y\n")  # a pipe, not a terminal
    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    assert token_file.exists() and "work" in _config(cli).read_text()

    kept = _run_on_a_terminal(cli, ("profiles", "remove", "work"), "n\n")
    assert kept.returncode == 0, kept.stderr
    assert "Remove profile work" in kept.stderr and "Nothing was changed" in kept.stderr
    assert token_file.exists() and "work" in _config(cli).read_text()

    revocations = signed_in.state.stats.revocations
    removed = _run_on_a_terminal(cli, ("profiles", "remove", "work"), "y\n")
    assert removed.returncode == 0, removed.stderr
    assert f"Revoked the refresh token for {signed_in.management_audience}" in removed.stderr
    assert "Removed profile work." in removed.stderr
    assert signed_in.state.stats.revocations == revocations + 1
    assert not token_file.exists()
    assert [row["name"] for row in json.loads(cli.run("profiles", "--json").stdout)] == ["default"]


def test_profiles_remove_yes_needs_no_terminal_and_drops_the_default(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """``--yes`` removes without asking; removing the default leaves no default set."""
    removed = cli.run("profiles", "remove", "default", "--yes")
    assert removed.returncode == 0, removed.stderr
    assert not _token_file(cli).exists()
    assert json.loads(cli.run("profiles", "--json").stdout) == []
    status = cli.run("status")
    assert status.returncode == 2 and "There is no profile" in status.stderr


def test_a_config_file_that_is_not_utf8_is_named_without_a_traceback(cli: Cli) -> None:
    """Latin-1 bytes in config.toml: one error naming the file and what to do, exit 2."""
    config = _config(cli)
    config.parent.mkdir(parents=True)
    config.write_bytes(b'[profiles.default]\nissuer = "https://caf\xe9.example/"\n')
    for args in (("status",), ("profiles",), ("login", "--device")):
        result = cli.run(*args)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert f"{config} is not UTF-8" in result.stderr


def test_removing_a_profile_edited_since_sign_in_revokes_where_the_tokens_came_from(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """The client id was edited by hand: the list says so, and ``remove`` revokes the tokens
    with the client they were issued to, never sending them under the edited one."""
    config = _config(cli)
    config.write_text(config.read_text().replace(signed_in.client_id, "edited-client"))
    [row] = json.loads(cli.run("profiles", "--json").stdout)
    assert (row["client_id"], row["token_state"], row["user"]) == (
        "edited-client",
        "other_session",
        None,
    )
    assert "other session" in cli.run("profiles").stdout
    revocations = signed_in.state.stats.revocations
    removed = cli.run("profiles", "remove", "default", "--yes")
    assert removed.returncode == 0, removed.stderr
    assert signed_in.state.stats.revocations == revocations + 1
    assert not _token_file(cli).exists()
