"""``tui-console mfa`` as a person runs it: a real process against the dev tenant.

Without a terminal (these runs have none), ``mfa add totp --json`` prints the pending
enrollment and exits, and ``mfa verify`` completes it in a second process.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyotp

from tests.cli.conftest import Cli
from tui_console.commands.output import exit_status
from tui_console.devtenant import RunningTenant, TenantSettings, serve
from tui_console.errors import UsageError
from tui_console.my_account import MethodNotRemovable, Problem


def test_mfa_lists_the_methods_as_json_with_the_my_account_bucket(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """``mfa --json``: the methods as Auth0 sent them, and the my-account-read bucket."""
    result = cli.run("mfa", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {m["type"] for m in data["authentication_methods"]} == {"password", "passkey", "email"}
    assert data["missing_scopes"] == []
    assert "rate_limits" not in data  # stdout is exactly the data
    [report] = [json.loads(line) for line in result.stderr.splitlines() if "rate_limits" in line]
    assert report["rate_limits"]["my-account-read"]["limit"] == 5
    text = cli.run("mfa")
    assert "MacBook Touch ID" in text.stdout and "passkey" in text.stdout
    assert "browser" in text.stderr  # passkeys: enrolment needs WebAuthn, said honestly


def test_totp_in_two_steps_without_a_terminal(cli: Cli, signed_in: RunningTenant) -> None:
    """``add totp --json`` prints id, URI and manual code; ``verify ID CODE`` completes it."""
    added = cli.run("mfa", "add", "totp", "--name", "Pixel", "--json")
    assert added.returncode == 0, added.stderr
    pending = json.loads(added.stdout)
    assert pending["barcode_uri"].startswith("otpauth://totp/")
    assert pyotp.parse_uri(pending["barcode_uri"]).secret == pending["manual_input_code"]
    pending_file = next((cli.home / "state").rglob("*.pending.json"))
    assert pending_file.stat().st_mode & 0o777 == 0o600
    code = pyotp.TOTP(pending["manual_input_code"]).now()
    verified = cli.run("mfa", "verify", pending["id"], code, "--json")
    assert verified.returncode == 0, verified.stderr
    method = json.loads(verified.stdout)["authentication_method"]
    assert method["confirmed"] is True and method["name"] == "Pixel"
    assert not pending_file.exists()
    again = cli.run("mfa", "verify", pending["id"], code)
    assert again.returncode == exit_status(UsageError("")), again.stderr
    assert "no pending enrollment" in again.stderr


def test_the_recovery_code_is_printed_once_and_written_nowhere(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """The code reaches stdout with a warning; no file under the home holds it."""
    added = cli.run("mfa", "add", "recovery-code")
    assert added.returncode == 0, added.stderr
    code = next(
        line.split(": ", 1)[1] for line in added.stdout.splitlines() if "recovery code" in line
    )
    assert "Store this recovery code now" in added.stderr
    for file in cli.home.rglob("*"):
        if file.is_file():
            assert code.encode() not in file.read_bytes(), file
    method_id = next(line.split(": ", 1)[1] for line in added.stdout.splitlines() if "id:" in line)
    assert cli.run("mfa", "verify", method_id).returncode == 0


def test_remove_needs_yes_without_a_terminal_and_explains_a_409(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """No terminal and no ``--yes``: refused; the last primary method: the reason in words."""
    refused = cli.run("mfa", "remove", "passkey|dev_Pk4Hs7Jd2Wq9Zc5M")
    assert refused.returncode == exit_status(UsageError("")) and "--yes" in refused.stderr
    assert cli.run("mfa", "remove", "passkey|dev_Pk4Hs7Jd2Wq9Zc5M", "--yes").returncode == 0
    last = cli.run("mfa", "remove", "password|dev_Pw8Lq2Rt6Yx1Vb3N", "--yes")
    not_removable = MethodNotRemovable("", problem=Problem("about:blank", 409, "Conflict", ""))
    assert last.returncode == exit_status(not_removable)
    assert "last method you can sign in with" in last.stderr
    assert "Traceback" not in last.stderr
    renamed = cli.run("mfa", "rename", "email|dev_Em3Kf6Gt1Ur8Sx2D", "Backup mail")
    assert renamed.returncode == 0 and "Renamed" in renamed.stdout


def test_an_inactive_my_account_api_names_the_dashboard_steps(cli: Cli, tmp_path: Path) -> None:
    """The API not activated: one error with the steps to fix it, and no traceback."""
    with serve(
        TenantSettings(auto_approve=0.2, device_interval=1, my_account_active=False)
    ) as tenant:
        login = cli.run(
            "--issuer", tenant.issuer, "--client-id", tenant.client_id, "login", "--device"
        )
        assert login.returncode == 0, login.stderr
        added = cli.run("mfa", "add", "totp")
        assert added.returncode == 3, added.stderr  # the server refused
        assert "activate the MyAccount API" in added.stderr
        assert "Traceback" not in added.stderr


def test_without_the_my_account_api_the_guardian_enrollments_are_listed_read_only(
    cli: Cli,
) -> None:
    """The API off: ``mfa`` says the steps, then lists Ada's Guardian enrollments read with the
    sign-in's Management token (``GET /users/{id}/enrollments``), labelled read-only."""
    with serve(
        TenantSettings(auto_approve=0.2, device_interval=1, my_account_active=False)
    ) as tenant:
        login = cli.run(
            "--issuer", tenant.issuer, "--client-id", tenant.client_id, "login", "--device"
        )
        assert login.returncode == 0, login.stderr
        result = cli.run("mfa")
        assert result.returncode == 0, result.stderr
        assert "activate the MyAccount API" in result.stderr
        assert "Read-only" in result.stderr
        assert "authenticator app" in result.stdout and "1Password" in result.stdout
        assert "Traceback" not in result.stderr
        as_json = cli.run("mfa", "--json")
        assert as_json.returncode == 0, as_json.stderr
        data = json.loads(as_json.stdout)
        assert data["source"] == "guardian" and data["read_only"] is True
        [enrollment] = data["enrollments"]
        assert enrollment["type"] == "authenticator" and enrollment["name"] == "1Password"
        assert "activate the MyAccount API" in data["my_account_unavailable"]["hint"]


class _Terminal:
    """``tui-console`` on a pseudo-terminal of 80x24, read with bounded waits."""

    def __init__(self, cli: Cli, *args: str) -> None:
        self._master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {**cli.env, "COLUMNS": "80", "LINES": "24"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui_console", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
        )
        os.close(slave)
        self.output = ""

    def read_until(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} did not appear in {self.output[-400:]!r}"
            ready, _, _ = select.select([self._master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self._master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    assert text in self.output, f"{text!r} not in {self.output[-400:]!r}"
                self.output += chunk.decode(errors="replace")
        return self.output

    def type(self, line: str) -> None:
        os.write(self._master, line.encode() + b"\r")

    def close(self) -> int:
        try:
            return self.process.wait(timeout=20)
        finally:
            os.close(self._master)


def test_on_a_terminal_totp_shows_a_qr_code_in_80x24_and_asks_for_the_code(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """The QR code, the manual code and the prompt fit 24 lines; the typed code verifies."""
    terminal = _Terminal(cli, "mfa", "add", "totp", "--name", "Phone")
    try:
        shown = terminal.read_until("6-digit code from the app: ")
        lines = shown.replace("\r", "").split("\n")
        qr = [line for line in lines if line and set(line) <= set(" ▀▄█")]
        assert len(qr) + 2 <= 24 and max(len(line) for line in qr) <= 80
        manual = next(line for line in lines if "into the app:" in line)
        assert len(manual) <= 80
        secret = manual.split("into the app: ", 1)[1].replace(" ", "")
        terminal.type(pyotp.TOTP(secret).now())
        terminal.read_until("Enrolled")
    finally:
        status = terminal.close()
    assert status == 0


def test_a_cancelled_prompt_keeps_the_enrollment_for_mfa_verify(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """Enter on an empty prompt: the enrollment waits, and ``mfa verify`` completes it."""
    terminal = _Terminal(cli, "mfa", "add", "totp")
    try:
        shown = terminal.read_until("6-digit code from the app: ")
        terminal.type("")
        terminal.read_until("Not verified yet")
        done = terminal.read_until("CODE")
    finally:
        assert terminal.close() == 0
    secret = (
        next(line for line in shown.replace("\r", "").split("\n") if "into the app:" in line)
        .split("into the app: ", 1)[1]
        .replace(" ", "")
    )
    method_id = done.split("mfa verify ", 1)[1].split(" CODE", 1)[0].strip("'")
    verified = cli.run("mfa", "verify", method_id, pyotp.TOTP(secret).now())
    assert verified.returncode == 0, verified.stderr
