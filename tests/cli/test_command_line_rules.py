"""The command line as scripts use it: data on stdout, the rest on stderr, one exit-status table.

Every exit status of :func:`~tui_console.commands.output.exit_statuses` is produced here by a
real trigger: a signed-out token request, a bad argument, a tenant refusing, a closed port, a
used-up rate limit, a damaged token file, a doctor finding it, and Ctrl+C.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import tui_console
from tests.cli.conftest import Cli, write_profile
from tui_console.commands.output import EXIT_REFUSED, exit_statuses
from tui_console.devtenant import RunningTenant, TenantSettings, serve
from tui_console.errors import TuiConsoleError

ISO_UTC = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\b")


def _token_file(cli: Cli) -> Path:
    return cli.home / "state" / "tui-console" / "tokens" / "default.json"


def test_every_error_class_has_its_own_row_in_the_exit_table() -> None:
    """No error a command can raise falls through to the table's catch-all."""
    for module in pkgutil.walk_packages(tui_console.__path__, prefix="tui_console."):
        skipped = ("tui_console.ui", "tui_console.devtenant", "tui_console.__main__")
        if not module.name.startswith(skipped):
            importlib.import_module(module.name)

    def subclasses(cls: type[TuiConsoleError]) -> Iterator[type[TuiConsoleError]]:
        sub: type[TuiConsoleError]
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    kinds = [kind for kind, _, _ in exit_statuses()]
    for error in subclasses(TuiConsoleError):
        if error.__module__.startswith("tui_console."):
            assert any(issubclass(error, kind) for kind in kinds), error


def test_exit_statuses_signed_out_usage_refused(cli: Cli, signed_in: RunningTenant) -> None:
    """1: signed out; 2: a bad argument or value; 3: the tenant refused."""
    assert cli.run("devices", "revoke", "not-an-id").returncode == 2
    assert cli.run("metadata", "set", "x=[").returncode == 2
    assert cli.run("no-such-verb").returncode == 2  # argparse's own usage error

    signed_in.state.inject_failure("users", 400)
    refused = cli.run("user")
    assert refused.returncode == EXIT_REFUSED, refused.stderr

    assert cli.run("logout").returncode == 0
    signed_out = cli.run("token")
    assert signed_out.returncode == 1
    assert signed_out.stdout == ""


def test_exit_status_4_when_the_issuer_cannot_be_reached(cli: Cli) -> None:
    """A profile whose issuer listens nowhere: exit 4, "could not reach"."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    write_profile(cli, f"http://127.0.0.1:{port}/", "client", [8484])
    result = cli.run("userinfo")
    assert result.returncode == 4, result.stderr
    assert "reach" in result.stderr.lower()


def test_exit_status_5_when_the_rate_limit_is_used_up(cli: Cli, signed_in: RunningTenant) -> None:
    """Every read answered 429: exit 5, and under --json the error says when to retry."""
    signed_in.state.inject_failure("users", 429, times=20, headers={"Retry-After": "1"})
    result = cli.run("user", "--json", timeout=120)
    assert result.returncode == 5, result.stderr
    error = json.loads(result.stderr.strip().splitlines()[-1])
    assert error["code"] == "rate_limited" and error["retry_after"] is not None
    assert result.stdout == ""


def test_exit_statuses_6_and_7_for_a_damaged_token_file(cli: Cli, signed_in: RunningTenant) -> None:
    """A token file that is not JSON: commands exit 6 naming it; ``doctor`` exits 7."""
    _token_file(cli).write_text("{not json")
    status = cli.run("status")
    assert status.returncode == 6, status.stderr
    assert str(_token_file(cli)) in status.stderr
    doctor = cli.run("doctor")
    assert doctor.returncode == 7
    assert re.search(r"^fail\s+tokens", doctor.stdout, re.M), doctor.stdout


def test_exit_status_130_when_interrupted(cli: Cli) -> None:
    """Ctrl+C while waiting for a device approval: "Cancelled.", exit 130, no traceback."""
    with serve(TenantSettings(device_interval=1)) as tenant:
        process = cli.popen(
            ["--issuer", tenant.issuer, "--client-id", tenant.client_id, "login", "--device"]
        )
        try:
            tenant.state.wait_for_pending_device_code(timeout=20)
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=30)
        finally:
            process.kill()
    assert process.returncode == 130
    assert "Cancelled." in stderr and "Traceback" not in stderr


def test_json_errors_are_one_object_on_stderr(cli: Cli, signed_in: RunningTenant) -> None:
    """Under --json an error is one JSON object (code, message, hint) and stdout stays empty."""
    result = cli.run("devices", "revoke", "nope", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    error = json.loads(result.stderr)
    assert set(error) == {"code", "message", "hint"}
    assert error["code"] == "usage" and "nope" in error["message"]


def test_escape_sequences_from_auth0_never_reach_the_terminal(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """An ESC in Auth0's error message is shown escaped; under --json it is exact JSON."""
    hostile = "bad \x1b[2J\x1b]52;c;aGk=\x07 value"
    body = {"statusCode": 400, "error": "Bad Request", "message": hostile}
    signed_in.state.inject_failure("users", 400, body=body, times=2)
    plain = cli.run("user")
    assert plain.returncode == 3
    assert "\x1b" not in plain.stderr and "\x07" not in plain.stderr
    assert "\\x1b[2J" in plain.stderr

    as_json = cli.run("user", "--json")
    message = json.loads(as_json.stderr.strip().splitlines()[-1])["message"]
    assert hostile in message


def test_hostile_metadata_values_are_escaped_in_text_tables(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """A linked identity's name with control characters shows escaped in ``identities``."""
    user = signed_in.state.get_user(signed_in.demo_user["user_id"])
    assert user is not None
    github = next(i for i in user.identities if i.provider == "github")
    github.profile_data = {"name": "evil\x1b]0;pwned\x07\u202e"}
    listed = cli.run("identities")
    assert listed.returncode == 0, listed.stderr
    assert "\x1b" not in listed.stdout and "\u202e" not in listed.stdout
    assert "evil\\x1b]0;pwned\\x07\\u202e" in listed.stdout


def test_stdout_is_the_data_and_rate_limits_go_to_stderr(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """``userinfo``/``metadata``/``identities --json`` print bare data; limits are stderr lines."""
    claims = cli.run("userinfo", "--json")
    assert claims.returncode == 0, claims.stderr
    assert json.loads(claims.stdout)["sub"] == signed_in.demo_user["user_id"]
    report = json.loads(claims.stderr.strip())
    assert report["rate_limits"]["userinfo"]["limit"] == 10
    assert isinstance(report["rate_limits"]["userinfo"]["reset"], int)

    text = cli.run("userinfo")
    assert text.stderr.startswith("rate limits: userinfo ")

    metadata = json.loads(cli.run("metadata", "--json").stdout)
    assert metadata["theme"] == "dark"  # the bare user_metadata object
    identities = json.loads(cli.run("identities", "--json").stdout)
    assert isinstance(identities, list) and {"provider", "user_id"} <= set(identities[0])


def test_times_are_iso_utc_in_text_and_epoch_seconds_in_json(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """``user``/``userinfo``/``status`` show ``...T..Z``; ``status --json`` an integer."""
    for verb in ("user", "userinfo", "status"):
        shown = cli.run(verb).stdout
        assert ISO_UTC.search(shown), (verb, shown)
        assert "+00:00" not in shown
    [token] = json.loads(cli.run("status", "--json").stdout)["tokens"]
    assert isinstance(token["expires_at"], int)


def test_one_time_format_for_every_kind_of_moment() -> None:
    """Epoch seconds, naive (taken as UTC) and offset datetimes all print as ``...Z``."""
    from datetime import datetime, timedelta, timezone

    from tui_console.durations import epoch_seconds, iso_utc

    assert iso_utc(1710338718.421) == "2024-03-13T14:05:18Z"
    assert iso_utc(datetime(2024, 3, 13, 14, 5, 18, 421000)) == "2024-03-13T14:05:18Z"
    paris = timezone(timedelta(hours=1))
    assert iso_utc(datetime(2024, 3, 13, 15, 5, 18, tzinfo=paris)) == "2024-03-13T14:05:18Z"
    assert epoch_seconds(1710338718.9) == 1710338718
    assert epoch_seconds(None) is None
