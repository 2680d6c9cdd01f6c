"""``tui-console support ...`` from a shell: tables and exact JSON on stdout, notes on stderr,
typed confirmations, refusals without a terminal, exit statuses by error class, hostile text
from the tenant shown escaped, and a plan without the Enterprise endpoints."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable

import pytest

from tests.cli.conftest import Cli
from tests.cli.machine_login import machine_login
from tui_console.devtenant import RunningTenant, seed
from tui_console.devtenant.records import SignInContext

ADA = seed.DEMO_USER_ID
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

Support = Callable[..., subprocess.CompletedProcess[str]]


def _signed_in(cli: Cli, tenant: RunningTenant) -> Support:
    login = machine_login(cli, tenant, secret_ending="")
    assert login.returncode == 0, login.stderr

    def support(*args: str, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
        return cli.run("--profile", "support", "support", *args, input_text=input_text)

    return support


@pytest.fixture
def support(cli: Cli, dev_tenant: RunningTenant) -> Support:
    return _signed_in(cli, dev_tenant)


def test_find_and_user_as_a_table_and_as_exact_json(support: Support) -> None:
    found = support("find", seed.DEMO_EMAIL)
    assert found.returncode == 0, found.stderr
    header, row = found.stdout.splitlines()
    assert header.split()[:3] == ["USER", "ID", "NAME"]
    assert ADA in row and "ada@example.com (verified)" in row
    assert "rate limits:" in found.stderr and "rate limits" not in found.stdout

    as_json = json.loads(support("find", seed.DEMO_EMAIL, "--json").stdout)
    assert as_json["by"] == "email" and [u["user_id"] for u in as_json["users"]] == [ADA]

    capitals = support("find", "Ada@Example.com", "--json")
    assert capitals.returncode == 0 and json.loads(capitals.stdout)["users"] == []
    [note] = [json.loads(line) for line in capitals.stderr.splitlines() if "notice" in line]
    assert "case-sensitively" in note["notice"]

    user = support("user", seed.DEMO_EMAIL)
    assert "Name:" in user.stdout and "Identity:" in user.stdout
    assert json.loads(support("user", ADA, "--json").stdout)["user_id"] == ADA
    missing = support("user", "nobody@example.com")
    assert missing.returncode == 2 and "No user has the e-mail address" in missing.stderr


def test_sessions_show_the_application_and_the_device_and_hostile_text_is_escaped(
    support: Support, dev_tenant: RunningTenant
) -> None:
    state = dev_tenant.state
    session = state.create_session(ADA, SignInContext(seed.CLIENT_ID, "203.0.113.7", FIREFOX))
    hostile = state.create_session(
        ADA, SignInContext(seed.CLIENT_ID, "198.51.100.9", "evil/1.0 \x1b]52;c;cHduZWQ=\x07\x1b[2J")
    )
    listed = support("sessions", seed.DEMO_EMAIL)
    assert listed.returncode == 0, listed.stderr
    assert session.id in listed.stdout and seed.CLIENT_ID in listed.stdout
    assert "Firefox 128 on Linux" in listed.stdout
    assert "\x1b" not in listed.stdout and "\x07" not in listed.stdout

    detail = support("session", hostile.id)
    assert "evil/1.0" in detail.stdout and "\x1b" not in detail.stdout
    assert "Signed in by:" in detail.stdout
    raw = json.loads(support("session", hostile.id, "--json").stdout)
    assert raw["device"]["last_user_agent"].endswith("\x1b[2J")  # JSON stays exact
    listed_json = json.loads(support("sessions", ADA, "--json").stdout)
    assert {s["id"] for s in listed_json} == {session.id, hostile.id}


def test_ending_a_session_needs_a_terminal_or_yes_and_is_worded_honestly(
    support: Support, dev_tenant: RunningTenant
) -> None:
    session = dev_tenant.state.create_session(ADA, SignInContext(seed.CLIENT_ID))
    before = dev_tenant.state.stats.management_requests
    refused = support("end-session", session.id)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert dev_tenant.state.stats.management_requests == before  # nothing was sent
    ended = support("end-session", session.id, "--yes")
    assert ended.returncode == 0, ended.stderr
    assert ended.stdout == ""
    assert "accepted" in ended.stderr and "asynchronously" in ended.stderr
    assert "stay valid until they expire" in ended.stderr
    assert dev_tenant.state.sessions.get(session.id) is None


def test_unknown_ids_are_the_server_s_refusal(support: Support) -> None:
    gone = support("session", "no-such-session")
    assert gone.returncode == 3 and "Traceback" not in gone.stderr
    assert "error:" in gone.stderr
    revoke = support("revoke-refresh-token", "no-such-token", "--yes")
    assert revoke.returncode == 3


def test_a_plan_without_sessions(cli: Cli, make_dev_tenant: Callable[..., RunningTenant]) -> None:
    tenant = make_dev_tenant(plan="free")
    support = _signed_in(cli, tenant)
    sessions = support("sessions", ADA)
    assert sessions.returncode == 3
    assert "Enterprise" in sessions.stderr and "sign-out-everywhere" in sessions.stderr
    assert support("find", seed.DEMO_EMAIL).returncode == 0
    out = support("sign-out-everywhere", ADA, "--yes")
    assert out.returncode == 0 and "accepted" in out.stderr


def test_support_commands_refuse_a_person_s_profile(cli: Cli, dev_tenant: RunningTenant) -> None:
    result = cli.run(
        "--issuer", dev_tenant.issuer, "--client-id", dev_tenant.client_id, "support", "find", "x"
    )
    assert result.returncode == 2 and "Machine to Machine" in result.stderr


def _on_a_terminal(cli: Cli, args: list[str], typed: str) -> subprocess.CompletedProcess[str]:
    """Run with stdin on a pseudo-terminal and ``typed`` as the person's answer."""
    main, secondary = pty.openpty()
    try:
        run = subprocess.Popen(
            [sys.executable, "-m", "tui_console", *args],
            env=cli.env,
            stdin=secondary,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.write(main, typed.encode() + b"\n")
        out, err = run.communicate(timeout=60)
    finally:
        os.close(main)
        os.close(secondary)
    return subprocess.CompletedProcess(run.args, run.returncode, out, err)


def test_on_a_terminal_the_ending_needs_the_typed_word(
    support: Support, cli: Cli, dev_tenant: RunningTenant
) -> None:
    session = dev_tenant.state.create_session(ADA, SignInContext(seed.CLIENT_ID))
    args = ["--profile", "support", "support", "end-session", session.id]
    declined = _on_a_terminal(cli, args, "y")
    assert declined.returncode == 0 and "Nothing was changed." in declined.stderr
    assert 'Type "end" to confirm' in declined.stderr
    assert dev_tenant.state.sessions.get(session.id) is not None
    confirmed = _on_a_terminal(cli, args, "end")
    assert confirmed.returncode == 0 and "accepted" in confirmed.stderr
    assert dev_tenant.state.sessions.get(session.id) is None
