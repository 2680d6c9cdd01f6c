"""``login --client-credentials`` from a shell: the secret from stdin or a file, the key's path
remembered, ``status`` naming the machine and its scopes, nothing secret in ``config.toml``."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

from tests.cli.conftest import ROOT, Cli
from tests.cli.machine_login import machine_login
from tui_console.devtenant import RunningTenant


def _tokens(cli: Cli) -> Path:
    return Path(cli.env["XDG_STATE_HOME"]) / "tui-console" / "tokens"


def _config(cli: Cli) -> str:
    return (Path(cli.env["XDG_CONFIG_HOME"]) / "tui-console" / "config.toml").read_text()


def test_a_secret_from_stdin_signs_in_and_stays_out_of_the_config(
    cli: Cli, dev_tenant: RunningTenant
) -> None:
    client = dev_tenant.support_client
    login = machine_login(cli, dev_tenant)
    assert login.returncode == 0, login.stderr
    assert f"machine: {client['client_id']} (support)" in login.stderr
    assert "read:sessions" in login.stderr
    assert client["client_secret"] not in login.stderr + login.stdout
    config = _config(cli)
    assert client["client_secret"] not in config and 'client_auth = "secret"' in config
    secret_file = _tokens(cli) / "support.client-secret"
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600

    status = cli.run("--profile", "support", "status")
    assert status.returncode == 0
    assert f"Signed in: machine: {client['client_id']} (support)" in status.stdout
    assert "read:sessions" in status.stdout
    as_json = json.loads(cli.run("--profile", "support", "status", "--json").stdout)
    assert as_json["machine"] == client["client_id"]
    assert "delete:refresh_tokens" in as_json["tokens"][0]["scopes"]

    again = cli.run("--profile", "support", "login", "--client-credentials")  # the stored secret
    assert again.returncode == 0, again.stderr


def test_a_private_key_is_remembered_by_its_path_only(cli: Cli, dev_tenant: RunningTenant) -> None:
    client = dev_tenant.support_jwt_client
    key_file = client["private_key_file"]
    login = machine_login(cli, dev_tenant, profile="jwt", with_key=True)
    assert login.returncode == 0, login.stderr
    config = _config(cli)
    assert f'private_key_file = "{key_file}"' in config
    assert "PRIVATE KEY" not in config
    tokens = _tokens(cli)
    assert sorted(p.name for p in tokens.iterdir()) == ["jwt.json", "jwt.lock"]
    assert cli.run("--profile", "jwt", "token").returncode == 0


def test_without_credentials_or_with_a_wrong_secret(cli: Cli, dev_tenant: RunningTenant) -> None:
    client_id = dev_tenant.support_client["client_id"]
    flags = ("--profile", "s", "--issuer", dev_tenant.issuer, "--client-id", client_id, "login")
    bare = cli.run(*flags, "--client-credentials")
    assert bare.returncode == 2 and "--client-secret-file" in bare.stderr
    wrong = cli.run(
        *flags, "--client-credentials", "--client-secret-file", "-", input_text="nope\n"
    )
    assert wrong.returncode == 3, wrong.stderr
    assert "client secret" in wrong.stderr and "Traceback" not in wrong.stderr
    assert not (Path(cli.env["XDG_CONFIG_HOME"]) / "tui-console" / "config.toml").exists()


def test_processes_that_find_the_machine_token_due_mint_one_new_token(
    cli: Cli, dev_tenant: RunningTenant
) -> None:
    login = machine_login(cli, dev_tenant, secret_ending="")
    assert login.returncode == 0, login.stderr
    path = _tokens(cli) / "support.json"
    data = json.loads(path.read_text())
    for tokens in data["tokens"].values():
        tokens["expires_at"] = time.time() - 1  # due, as if a day had passed
    path.write_text(json.dumps(data))
    before = dev_tenant.state.stats.token_requests
    runs = [cli.popen(["--profile", "support", "token"]) for _ in range(4)]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], [err for _, err in outputs]
    assert dev_tenant.state.stats.token_requests - before == 1  # single-flight across processes
    assert len({out for out, _ in outputs}) == 1


def test_with_keyring_the_secret_is_kept_in_the_os_keyring(
    cli: Cli, dev_tenant: RunningTenant
) -> None:
    store = cli.home / "keyring.json"
    cli.env.update(
        PYTHON_KEYRING_BACKEND="tests.support.file_keyring.FileKeyring",
        TUI_CONSOLE_TEST_KEYRING=str(store),
        PYTHONPATH=str(ROOT),
    )
    client = dev_tenant.support_client
    login = machine_login(cli, dev_tenant, "--keyring", secret_ending="")
    assert login.returncode == 0, login.stderr
    entry = f"tui-console/support:{client['client_id']}"
    assert json.loads(store.read_text()) == {entry: client["client_secret"]}
    assert "Kept the client secret in the OS keyring" in login.stderr
    assert 'secret_store = "keyring"' in _config(cli)
    tokens = _tokens(cli)
    assert not (tokens / "support.client-secret").exists()
    again = cli.run("--profile", "support", "login")  # signs in with the secret from the keyring
    assert again.returncode == 0, again.stderr
    out = cli.run("--profile", "support", "logout")
    assert "Deleted the stored client secret." in out.stderr
    assert json.loads(store.read_text()) == {}


def _doctor(cli: Cli, profile: str) -> tuple[int, dict[str, dict[str, str]]]:
    result = cli.run("--profile", profile, "doctor", "--json")
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, {check["name"]: check for check in json.loads(result.stdout)}


def test_doctor_checks_a_machine_profiles_own_credential(
    cli: Cli, dev_tenant: RunningTenant
) -> None:
    """No callback ports or browser for a machine sign-in; its secret file or key instead."""
    login = machine_login(cli, dev_tenant)
    assert login.returncode == 0, login.stderr
    status, checks = _doctor(cli, "support")
    assert status == 0, checks
    assert checks["client secret"]["outcome"] == "ok"
    assert "ports" not in checks and "browser" not in checks
    (_tokens(cli) / "support.client-secret").unlink()
    status, checks = _doctor(cli, "support")
    assert status == 7
    assert checks["client secret"]["outcome"] == "fail"
    assert "--client-secret-file" in checks["client secret"]["fix"]

    jwt_client = dev_tenant.support_jwt_client
    key_file = Path(jwt_client["private_key_file"])
    login = machine_login(cli, dev_tenant, profile="jwt", with_key=True)
    assert login.returncode == 0, login.stderr
    assert _doctor(cli, "jwt")[1]["private key"]["outcome"] == "ok"
    moved = key_file.with_name("moved.pem")
    key_file.rename(moved)
    try:
        status, checks = _doctor(cli, "jwt")
    finally:
        moved.rename(key_file)
    assert status == 7 and checks["private key"]["outcome"] == "fail"
