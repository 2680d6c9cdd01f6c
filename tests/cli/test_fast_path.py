"""The fast path of ``token`` and ``status`` (issue 14): the same answers, without the stack.

Each command runs in a real process twice: as shipped (the fast path answers from the files
when it can) and with the fast path switched off (``answer_from_disk`` patched to decline),
which is what ``token`` and ``status`` did before it existed. The two must print the same
bytes on stdout and stderr and exit with the same status, in every situation: a valid
token, a DPoP-bound one, one inside the refresh margin (refreshed, never printed stale), an
expired one, none, another issuer's, a damaged file. The clock is frozen in both processes
(``time.time``), so that "expires in ..." reads the same in both. When the fast path
answers, the process must not have imported the network and JWT stack, nor asyncio or the
lock: that is what makes ``$(tui-console token)`` cheap. No time is measured here
(``benchmarks/startup.py`` does that).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Cli
from tui_console.cli import build_parser, main
from tui_console.commands.from_disk import simple_arguments
from tui_console.devtenant import TenantSettings, serve
from tui_console.devtenant.server import RunningTenant

#: What the fast path must leave unimported when it answers.
HEAVY = ("httpx", "jwt", "cryptography", "textual", "asyncio", "filelock")

#: Runs ``main(ARGS)`` with a frozen clock, the fast path on or off, and writes the heavy
#: modules it ended up importing to REPORT.
RUNNER = """
import json, sys, time
fast, now, report, *args = sys.argv[1:]
frozen = float(now)
time.time = lambda: frozen
if fast == "off":
    import tui_console.commands.from_disk as from_disk
    from_disk.answer_from_disk = lambda args: None
from tui_console.cli import main
try:
    code = main(args)
finally:
    # (tui_console puts a None for httpx._main, which is not an import of httpx)
    loaded = {name.split(".")[0] for name, module in sys.modules.items() if module is not None}
    with open(report, "w") as file:
        json.dump(sorted(loaded & set(HEAVY)), file)
sys.exit(code)
""".replace("set(HEAVY)", repr(set(HEAVY)))


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    imported: tuple[str, ...]
    """Which of :data:`HEAVY` the process imported."""

    @property
    def said(self) -> tuple[int, str, str]:
        """Everything a person or script sees."""
        return self.code, self.stdout, self.stderr


@dataclass
class Session:
    """A signed-in profile whose token file a test may rewrite, and a frozen clock."""

    cli: Cli
    tenant: RunningTenant
    token_file: Path
    now: float

    def run(self, *args: str, fast: bool = True) -> Run:
        report = self.cli.home / "imported.json"
        result = subprocess.run(
            [sys.executable, "-c", RUNNER, "on" if fast else "off", str(self.now), str(report)]
            + list(args),
            env=self.cli.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        imported = tuple(json.loads(report.read_text()))
        return Run(result.returncode, result.stdout, result.stderr, imported)

    def both(self, *args: str) -> tuple[Run, Run]:
        """The command with the fast path, then without it."""
        return self.run(*args), self.run(*args, fast=False)

    def entry(self) -> dict[str, Any]:
        [entry] = json.loads(self.token_file.read_text())["tokens"].values()
        assert isinstance(entry, dict)
        return entry

    def restore(self, content: bytes) -> None:
        """Put ``content`` back as the token file, as private as the store keeps it."""
        self.token_file.write_bytes(content)
        self.token_file.chmod(0o600)  # recreated after an unlink: the umask's mode

    def change_entry(self, **fields: Any) -> None:
        """Rewrite the stored token set's ``fields`` (``None`` removes one)."""
        document = json.loads(self.token_file.read_text())
        [entry] = document["tokens"].values()
        for name, value in fields.items():
            entry[name] = value
        self.token_file.write_text(json.dumps(document))


def _signed_in(cli: Cli, settings: TenantSettings, *flags: str) -> Iterator[Session]:
    with serve(settings) as tenant:
        login = cli.run(
            "--issuer", tenant.issuer, "--client-id", tenant.client_id, "login", "--device",
            *flags,
        )  # fmt: skip
        assert login.returncode == 0, login.stderr
        token_file = json.loads(cli.run("status", "--json").stdout)["token_file"]
        yield Session(cli, tenant, Path(token_file), now=float(int(time.time())))


@pytest.fixture
def session(cli: Cli) -> Iterator[Session]:
    yield from _signed_in(cli, TenantSettings(auto_approve=0.2, device_interval=1))


@pytest.fixture
def dpop_session(cli: Cli) -> Iterator[Session]:
    settings = TenantSettings(auto_approve=0.2, device_interval=1, management_api_dpop=True)
    yield from _signed_in(cli, settings, "--dpop")


COMMANDS = (("token",), ("status",), ("status", "--json"))


def test_a_valid_token_is_answered_from_the_files_alone(session: Session) -> None:
    """Same bytes and exit status as the full command, and none of the heavy stack loaded."""
    audience = session.tenant.management_audience
    for command in (*COMMANDS, ("token", "--audience", audience)):
        fast, full = session.both(*command)
        assert fast.code == 0, fast.stderr
        assert fast.said == full.said, command
        assert fast.imported == (), command
        assert "httpx" in full.imported  # the switch works: the full command is the old path
    assert session.run("token").stdout.strip() == session.entry()["access_token"]


@pytest.mark.parametrize("seconds_left", [30, -10], ids=["inside the margin", "expired"])
def test_a_token_due_for_refresh_is_refreshed_never_printed_stale(
    session: Session, seconds_left: int
) -> None:
    """Within the refresh margin (or past expiry) the full path refreshes under the lock."""
    session.change_entry(expires_at=session.now + seconds_left, issued_at=session.now - 3600)
    refreshes = session.tenant.state.stats.refresh_exchanges

    printed = session.run("token")
    assert printed.code == 0, printed.stderr
    # (not "a different token": the tenant may sign the very same JWT within one second)
    assert session.entry()["expires_at"] > session.now + 3600  # renewed, stored...
    assert printed.stdout.strip() == session.entry()["access_token"]  # ...then printed
    assert session.tenant.state.stats.refresh_exchanges == refreshes + 1
    assert "httpx" in printed.imported

    again = session.run("token")  # the renewed token is valid: answered from the file
    assert again.said == printed.said
    assert again.imported == ()
    assert session.tenant.state.stats.refresh_exchanges == refreshes + 1


def test_every_other_situation_reads_the_same_on_both_paths(session: Session) -> None:
    """Each situation the fast path declines (or answers, for ``status``) ends the same with
    or without it: the full command's message and exit status."""
    signed_in = session.token_file.read_bytes()
    other = ("--issuer", "http://127.0.0.1:9/", "--client-id", "another-client")

    def expired_without_refresh_token() -> None:
        session.change_entry(expires_at=session.now - 10, refresh_token=None)

    situations: dict[str, tuple[Callable[[], object], tuple[str, ...], int]] = {
        # name: (how to change the file, extra flags, exit status of `token`)
        "expired without a refresh token": (expired_without_refresh_token, (), 1),
        "no token file": (session.token_file.unlink, (), 1),
        "another issuer's session": (lambda: None, other, 1),
        "a damaged token file": (lambda: session.token_file.write_bytes(b"{not json"), (), 6),
    }
    for name, (prepare, flags, token_code) in situations.items():
        session.restore(signed_in)
        prepare()
        for command in COMMANDS:
            fast, full = session.both(*flags, *command)
            assert fast.said == full.said, (name, command)
            if command == ("token",):
                assert fast.code == token_code, (name, fast.stderr)

    session.restore(signed_in)
    fast, full = session.both("token", "--audience", "https://other.example/")
    assert fast.said == full.said  # no token for that audience: not signed in
    assert fast.code == 1


def test_a_dpop_bound_token_gets_the_same_note_without_cryptography(
    dpop_session: Session,
) -> None:
    """The note that the token needs a DPoP proof comes from the file alone too."""
    fast, full = dpop_session.both("token")
    assert fast.code == 0, fast.stderr
    assert "DPoP-bound" in fast.stderr
    assert fast.said == full.said
    assert fast.imported == ()
    for command in COMMANDS[1:]:
        fast, full = dpop_session.both(*command)
        assert fast.said == full.said, command
        assert fast.imported == ()


@pytest.mark.parametrize(
    "argv",
    [
        ["token"],
        ["status"],
        ["status", "--json", "--json"],
        ["--profile", "work", "token"],
        ["token", "--profile=work"],
        ["--profile", "a", "token", "--profile", "b"],  # after the verb wins, as in argparse
        ["--profile", "status", "token"],
        ["--profile=", "status"],
        ["token", "--audience", "https://api.example/", "--issuer", "http://127.0.0.1:1/"],
        ["--client-id", "c", "status", "--json", "--domain", "t.example.com"],
    ],
)
def test_a_plain_command_line_reads_as_argparse_reads_it(argv: list[str]) -> None:
    assert simple_arguments(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["login"],
        ["token", "--json"],  # argparse refuses these: it must be the one to say so
        ["--json", "status"],
        ["token", "status"],
        ["--prof", "work", "token"],  # an abbreviation: argparse's rules
        ["-h"],
        ["token", "--help"],
        ["status", "--json=yes"],
        ["token", "--audience"],
        ["token", "--audience", "-x"],
        ["token", "--", "x"],
    ],
)
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert simple_arguments(argv) is None


def test_version_is_what_argparse_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    quick = capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr() == quick
