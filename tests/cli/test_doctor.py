"""``tui-console doctor`` against the dev tenant, and against damaged files and settings."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, free_ports, write_profile
from tui_console.commands.doctor import clock_check, tmux_clipboard_check
from tui_console.commands.keymap_check import BindingInfo, check_keymap, console_bindings
from tui_console.devtenant import RunningTenant, TenantSettings, serve


@pytest.fixture
def tenant(cli: Cli) -> Iterator[RunningTenant]:
    """A dev tenant with one free registered callback port, and the CLI signed in to it."""
    ports = free_ports(1)
    settings = TenantSettings(auto_approve=0.2, device_interval=1, callback_ports=tuple(ports))
    with serve(settings) as running:
        write_profile(cli, running.issuer, running.client_id, ports)
        assert cli.run("login", "--device").returncode == 0
        yield running


def _config(cli: Cli) -> Path:
    return Path(cli.env["XDG_CONFIG_HOME"]) / "tui-console" / "config.toml"


def _outcomes(cli: Cli) -> tuple[int, dict[str, dict[str, str]]]:
    result = cli.run("doctor", "--json")
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, {check["name"]: check for check in json.loads(result.stdout)}


def test_a_healthy_setup_passes_every_check_it_can(cli: Cli, tenant: RunningTenant) -> None:
    """Config, files, lock, discovery, keys, clock and ports are ok; exit 0; one line each."""
    status, checks = _outcomes(cli)
    assert status == 0
    for name in ("config", "tokens", "dpop key", "lock", "discovery", "keys", "clock", "ports"):
        assert checks[name]["outcome"] == "ok", checks[name]
    assert checks["browser"]["outcome"] == "warn"  # the tests have no display
    assert "device flow" in checks["browser"]["fix"]

    text = cli.run("doctor")
    assert text.returncode == 0
    assert len(text.stdout.splitlines()) == len(checks)
    assert all(re.match(r"^(ok|warn|fail) ", line) for line in text.stdout.splitlines())


def test_loose_modes_are_failures_with_the_chmod_that_fixes_them(
    cli: Cli, tenant: RunningTenant
) -> None:
    """A 0644 token file and a group-writable config fail, each naming the chmod."""
    token_file = cli.home / "state" / "tui-console" / "tokens" / "default.json"
    token_file.chmod(0o644)
    _config(cli).chmod(0o664)
    status, checks = _outcomes(cli)
    assert status == 7
    assert checks["tokens"]["outcome"] == "fail"
    assert checks["tokens"]["fix"] == f"chmod 0600 {token_file}"
    assert checks["config"]["outcome"] == "fail"
    assert checks["config"]["fix"] == f"chmod 0644 {_config(cli)}"


def test_damaged_files_fail_by_name(cli: Cli, tenant: RunningTenant) -> None:
    """A DPoP key that is not a key and a config that is not TOML are named, nothing crashes."""
    key = cli.home / "state" / "tui-console" / "tokens" / "default.dpop.jwk"
    key.write_text('{"kty": "oct"}')
    key.chmod(0o600)
    status, checks = _outcomes(cli)
    assert status == 7
    assert checks["dpop key"]["outcome"] == "fail"
    assert str(key) in checks["dpop key"]["detail"]

    _config(cli).write_text("[profiles.default\nissuer = ")
    status, checks = _outcomes(cli)
    assert status == 7
    assert checks["config"]["outcome"] == "fail"
    assert "is not valid TOML" in checks["config"]["detail"]


def test_a_held_lock_and_busy_ports_are_reported(cli: Cli, tenant: RunningTenant) -> None:
    """Another process holding the lock is a warning; every callback port taken is a failure."""
    import filelock

    lock = cli.home / "state" / "tui-console" / "tokens" / "default.lock"
    port = tenant.settings.callback_ports[0]
    with socket.socket() as busy, filelock.FileLock(lock):
        busy.bind(("127.0.0.1", port))
        busy.listen()
        status, checks = _outcomes(cli)
    assert checks["lock"]["outcome"] == "warn", checks["lock"]
    assert checks["ports"]["outcome"] == "fail"
    assert str(port) in checks["ports"]["detail"]
    assert status == 7


def test_an_unreachable_issuer_fails_discovery(cli: Cli) -> None:
    """No server at the issuer: the discovery check fails saying so."""
    ports = free_ports(1)
    write_profile(cli, f"http://127.0.0.1:{ports[0]}/", "client", ports)
    status, checks = _outcomes(cli)
    assert status == 7
    assert checks["discovery"]["outcome"] == "fail"
    assert "reach" in checks["discovery"]["detail"].lower()


def test_keymap_problems_are_found_in_the_consoles_own_bindings(
    cli: Cli, tenant: RunningTenant
) -> None:
    """An unknown id is a warning; a remap onto a key the same screen uses is a failure."""
    config = _config(cli)
    original = config.read_text()
    config.write_text(original + '[keymap]\n"no.such.binding" = "z"\n')
    _, checks = _outcomes(cli)
    assert checks["keymap"]["outcome"] == "warn"
    assert "no.such.binding" in checks["keymap"]["detail"]

    config.write_text(original + '[keymap]\n"main.tab.profile" = "2"\n')
    status, checks = _outcomes(cli)
    assert status == 7
    assert checks["keymap"]["outcome"] == "fail"
    assert "main.tab.metadata" in checks["keymap"]["detail"]


def test_keymap_clashes_count_only_when_a_remap_makes_them() -> None:
    """Deliberate pairs of the console (f1 opens and closes help) are not reported."""
    bindings = console_bindings()
    assert {b.binding_id for b in bindings} >= {"app.help", "main.tab.metadata"}
    assert check_keymap({}, bindings).clashes == ()
    pair = [BindingInfo("Help", "help.close", ("f1",)), BindingInfo("Help", "help.f1", ("f1",))]
    assert check_keymap({}, pair).clashes == ()
    assert check_keymap({"help.close": "q"}, pair).clashes == ()
    assert check_keymap({"help.close": "x,f1"}, pair).clashes


def test_clock_skew_against_the_servers_date() -> None:
    """Within 5 s ok, beyond it a warning, beyond the ID-token leeway a failure."""
    now = 1_800_000_000.0
    assert clock_check(formatdate(now + 2, usegmt=True), now).outcome == "ok"
    assert clock_check(formatdate(now - 20, usegmt=True), now).outcome == "warn"
    late = clock_check(formatdate(now + 300, usegmt=True), now)
    assert late.outcome == "fail" and "300 s behind" in late.detail and late.fix
    assert clock_check(None, now).outcome == "warn"
    assert clock_check("yesterday", now).outcome == "warn"


def test_tmux_clipboard_setting() -> None:
    """Only ``on`` passes an application's OSC 52; ``external`` and ``off`` get the fix."""
    assert tmux_clipboard_check("on").outcome == "ok"
    for value in ("external", "off"):
        check = tmux_clipboard_check(value)
        assert check.outcome == "warn" and "set -g set-clipboard on" in check.fix
    assert tmux_clipboard_check(None).outcome == "warn"


def test_an_unknown_profile_fails_naming_the_known_ones(cli: Cli, tenant: RunningTenant) -> None:
    """``doctor --profile typo`` does not check a profile that does not exist."""
    result = cli.run("doctor", "--profile", "typo")
    assert result.returncode == 7
    assert re.search(r"^fail\s+profile .*'typo' \(known: default\)", result.stdout, re.M)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_inside_tmux_the_clipboard_check_reads_set_clipboard(cli: Cli, tmp_path: Path) -> None:
    """Run ``doctor`` in a real tmux with ``set-clipboard off``: the check warns with the fix."""
    socket_name = f"doctor-test-{os.getpid()}"
    out = tmp_path / "doctor.json"
    tmux = ["tmux", "-L", socket_name, "-f", "/dev/null"]
    command = (
        f"{sys.executable} -m tui_console doctor --json > {out}; {' '.join(tmux)} wait -S done"
    )
    try:
        subprocess.run(
            [*tmux, "new-session", "-d", "-x", "80", "-y", "24", "sleep 60"],
            env=cli.env,
            check=True,
            timeout=20,
        )
        subprocess.run([*tmux, "set", "-g", "set-clipboard", "off"], check=True, timeout=20)
        subprocess.run([*tmux, "new-window", command], env=cli.env, check=True, timeout=20)
        subprocess.run([*tmux, "wait", "done"], check=True, timeout=60)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=20)
    checks = {check["name"]: check for check in json.loads(out.read_text())}
    assert checks["clipboard"]["outcome"] == "warn"
    assert "'off'" in checks["clipboard"]["detail"]
    assert "set -g set-clipboard on" in checks["clipboard"]["fix"]
