"""Odd local files through the command line: a message and a next step, never a traceback."""

from __future__ import annotations

import os

import pytest

from tests.faults.conftest import InProcessCli
from tests.files import mode

ISSUER = "https://tenant.example/"
API = f"{ISSUER}api/v2/"


def write_tokens(cli: InProcessCli, entry: str, *, file_mode: int = 0o600) -> None:
    cli.write_profile(ISSUER, "client-abc", audience=API)
    cli.token_dir.mkdir(parents=True, mode=0o700)
    path = cli.token_dir / "default.json"
    path.write_text(f'{{"version": 1, "tokens": {{"{API}": {entry}}}}}')
    os.chmod(path, file_mode)


@pytest.mark.parametrize("expires_at", ["1e400", "-1e400", "NaN", '"soon"'])
def test_status_with_a_damaged_expiry_names_the_file_and_login(
    cli: InProcessCli, expires_at: str
) -> None:
    """``status`` used to die with OverflowError in durations; now one error, file kept."""
    write_tokens(cli, f'{{"access_token": "a.b.c", "expires_at": {expires_at}, "scope": ""}}')
    before = (cli.token_dir / "default.json").read_bytes()
    result = cli.run("status")
    assert result.code != 0
    assert result.stderr.startswith("error: ")
    assert str(cli.token_dir / "default.json") in result.stderr
    assert "tui-console login" in result.stderr
    assert (cli.token_dir / "default.json").read_bytes() == before


def test_a_loose_token_file_is_a_warning_on_stderr_then_tightened(cli: InProcessCli) -> None:
    """The warning names the file and comes on stderr; the command still does its job."""
    write_tokens(
        cli,
        '{"access_token": "a.b.c", "expires_at": 4000000000, "scope": "openid"}',
        file_mode=0o644,
    )
    path = cli.token_dir / "default.json"
    result = cli.run("status")
    assert result.code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and str(path) in warnings[0] and "0644" in warnings[0]
    assert "warning" not in result.stdout
    assert mode(path) == 0o600

    again = cli.run("status")
    assert "warning: " not in again.stderr
