"""Account writes say what really happened, and send nothing that would change nothing."""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.cli.conftest import Cli
from tui_console.account import AccountSession
from tui_console.commands import account as account_commands
from tui_console.commands.output import EXIT_NETWORK, exit_status, print_error
from tui_console.config import Profile, management_audience
from tui_console.devtenant import RunningTenant, TenantSettings, serve
from tui_console.errors import ResponseLost
from tui_console.storage.token_store import FileTokenStore


def _metadata(tenant: RunningTenant) -> dict[str, object]:
    user = tenant.state.get_user(tenant.demo_user["user_id"])
    assert user is not None
    return dict(user.user_metadata or {})


def test_revoking_something_that_is_not_a_credential_id_is_refused_unsent(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """``devices revoke not-an-id`` is a usage error (2) and no request reaches Auth0."""
    before = signed_in.state.stats.management_requests
    result = cli.run("devices", "revoke", "not-an-id")
    assert result.returncode == 2, result.stderr
    assert "not a device credential id" in result.stderr
    assert "Revoked" not in result.stderr + result.stdout
    assert signed_in.state.stats.management_requests == before


def test_a_revocation_says_auth0_does_not_tell_whether_it_existed(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """Auth0 answers 204 for any id, so success is worded as accepted, not as revoked."""
    result = cli.run("devices", "revoke", "dcr_doesnotexist0000")
    assert result.returncode == 0, result.stderr
    assert "accepted the revocation" in result.stderr
    assert "does not say whether the credential existed" in result.stderr


def test_metadata_changes_that_change_nothing_send_nothing(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """Unsetting a missing key or setting a key to its value reads, says so, and writes nothing."""
    assert cli.run("metadata", "set", "theme=dark").returncode == 0
    writes = signed_in.state.stats.management_requests

    missing = cli.run("metadata", "unset", "no_such_key")
    assert missing.returncode == 0, missing.stderr
    assert "no_such_key not set" in missing.stderr and "nothing was sent" in missing.stderr
    same = cli.run("metadata", "set", "theme=dark")
    assert same.returncode == 0, same.stderr
    assert 'theme already "dark"' in same.stderr and "nothing was sent" in same.stderr
    as_json = cli.run("metadata", "unset", "no_such_key", "--json")
    assert as_json.returncode == 0, as_json.stderr
    lines = [json.loads(line) for line in as_json.stderr.splitlines()]  # JSON lines throughout
    assert any("nothing was sent" in line.get("notice", "") for line in lines)
    assert json.loads(as_json.stdout)["theme"] == "dark"
    # Three commands, one read each (GET) and no PATCH.
    assert signed_in.state.stats.management_requests == writes + 3
    assert _metadata(signed_in)["theme"] == "dark"


def test_a_value_that_looks_like_json_but_is_not_is_refused(
    cli: Cli, signed_in: RunningTenant
) -> None:
    """``h=[1`` is refused with the parse error; ``--string`` stores the text as it is."""
    before = signed_in.state.stats.management_requests
    refused = cli.run("metadata", "set", "h=[1")
    assert refused.returncode == 2
    assert "looks like JSON but does not parse" in refused.stderr and "--string" in refused.stderr
    assert signed_in.state.stats.management_requests == before
    assert "h" not in _metadata(signed_in)

    stored = cli.run("metadata", "set", "--string", "h=[1", "word=nullable", "n=-3")
    assert stored.returncode == 0, stored.stderr
    assert _metadata(signed_in)["h"] == "[1"
    assert _metadata(signed_in)["n"] == "-3"
    assert cli.run("metadata", "set", "word=nullable", "n=-3").returncode == 0
    assert _metadata(signed_in)["word"] == "nullable"  # a word that is not a JSON literal
    assert _metadata(signed_in)["n"] == -3


def test_unlink_without_a_terminal_needs_yes(cli: Cli, signed_in: RunningTenant) -> None:
    """No terminal and no ``--yes``: refused (2), the identity stays linked."""
    user = signed_in.state.get_user(signed_in.demo_user["user_id"])
    assert user is not None
    github = next(i for i in user.identities if i.provider == "github")
    result = cli.run("unlink", "github", str(github.user_id), input_text="y\n")
    assert result.returncode == 2
    assert "--yes" in result.stderr
    assert signed_in.state.get_user(f"github|{github.user_id}") is None  # still linked


def _run_on_a_terminal(cli: Cli, args: list[str], answer: bytes) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as stdin and stderr; answer its question."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_console", *args],
        env=cli.env,
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while b"[y/N]" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                seen += os.read(master, 4096)
        os.write(master, answer)
        process.wait(timeout=60)
        while select.select([master], [], [], 0.2)[0]:
            try:
                seen += os.read(master, 4096)
            except OSError:  # the terminal closed with the process
                break
    finally:
        process.kill()
        if process.stdout:
            process.stdout.close()
        os.close(master)
    return process.returncode, seen.decode(errors="replace")


def test_unlink_on_a_terminal_asks_first(cli: Cli, signed_in: RunningTenant) -> None:
    """On a terminal, "n" changes nothing; "y" unlinks."""
    user = signed_in.state.get_user(signed_in.demo_user["user_id"])
    assert user is not None
    github = next(i for i in user.identities if i.provider == "github")
    args = ["unlink", "github", str(github.user_id)]

    status, shown = _run_on_a_terminal(cli, args, b"n\n")
    assert status == 0, shown
    assert "Unlink github|" in shown and "Nothing was changed" in shown
    assert signed_in.state.get_user(f"github|{github.user_id}") is None

    status, shown = _run_on_a_terminal(cli, args, b"y\n")
    assert status == 0, shown
    assert signed_in.state.get_user(f"github|{github.user_id}") is not None


class _LoseAnswers(httpx.AsyncBaseTransport):
    """Forward every request; for ``method``, drop the answer as a reset connection would."""

    def __init__(self, method: str) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._method = method

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if request.method != self._method:
            return response
        await response.aclose()
        raise ResponseLost(f"The answer to {request.method} {request.url.path} was lost.")

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_a_write_whose_answer_was_lost_says_it_may_have_applied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The PATCH applied but its answer was lost: exit 4, "may have applied", how to check."""
    with serve(TenantSettings(auto_approve=0.2, device_interval=1)) as tenant:
        profile = Profile(
            name="lost",
            issuer=tenant.issuer,
            client_id=tenant.client_id,
            audience=management_audience(tenant.issuer),
        )
        store = FileTokenStore(tmp_path / "tokens", profile.name)
        args = argparse.Namespace(action="set", items=["lost=1"], string=False, json=False)
        async with AccountSession(profile, store=store, transport=_LoseAnswers("PATCH")) as session:
            await (await session.start_device_login()).complete()
            with pytest.raises(ResponseLost) as raised:
                await account_commands.metadata(session, args)
        assert _metadata(tenant)["lost"] == 1  # it did apply
    assert exit_status(raised.value) == EXIT_NETWORK
    print_error(raised.value)
    shown = capsys.readouterr().err
    assert "may have applied" in shown
    assert "tui-console metadata" in shown


async def test_a_lost_revocation_says_repeating_it_is_safe(tmp_path: Path) -> None:
    """Listing needs an admin token, so the hint for a lost DELETE is that repeating is safe."""
    with serve(TenantSettings(auto_approve=0.2, device_interval=1)) as tenant:
        profile = Profile(
            name="lost",
            issuer=tenant.issuer,
            client_id=tenant.client_id,
            audience=management_audience(tenant.issuer),
        )
        store = FileTokenStore(tmp_path / "tokens", profile.name)
        args = argparse.Namespace(action="revoke", id="dcr_0000lost", json=False)
        async with AccountSession(
            profile, store=store, transport=_LoseAnswers("DELETE")
        ) as session:
            await (await session.start_device_login()).complete()
            with pytest.raises(ResponseLost) as raised:
                await account_commands.devices(session, args)
    assert raised.value.hint.startswith("The change may have applied: revoking again is safe")
