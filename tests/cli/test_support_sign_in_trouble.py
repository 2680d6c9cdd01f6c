"""``tui-console support logs|blocks|unblock|mfa|mfa-remove|mfa-reset|forget-browsers|devices|
revoke-device`` from a shell against the dev tenant: "why can't this user sign in?" answered
and fixed.

End to end: ten wrong passwords at the tenant's login page block Ada; support sees the
``fp``/``limit_wc``/``f`` events and the blocked IP, unblocks, and her next sign-in works and
logs ``s``. An MFA reset leaves no methods. ``logs --follow --json`` under an injected 429
storm says on stderr that it waits, then resumes with no event lost or shown twice, and Ctrl+C
ends it with 130. Every wait here is bounded.
"""

from __future__ import annotations

import json
import queue
import signal
import threading
import time
from collections.abc import Callable
from typing import IO

import pytest

from tests.cli.conftest import Cli
from tests.cli.test_support_commands import Support, _signed_in
from tests.devtenant.flows import Browser, authorize_params, pkce_pair
from tui_console.devtenant import RunningTenant, seed
from tui_console.devtenant.directory import ALAN_USER_ID

ADA = seed.DEMO_USER_ID


@pytest.fixture
def dev_tenant(make_dev_tenant: Callable[..., RunningTenant]) -> RunningTenant:
    """A tenant whose Management bucket lets a support person run many commands in a row (a
    fresh process knows no limits until the first answer; rate limits are tested apart)."""
    return make_dev_tenant(management_burst=200, management_refill_per_minute=600)


@pytest.fixture
def support(cli: Cli, dev_tenant: RunningTenant) -> Support:
    return _signed_in(cli, dev_tenant)


async def _sign_in(browser: Browser, tenant: RunningTenant, password: str) -> int:
    _, challenge = pkce_pair()
    page = await browser.open("/authorize", params=authorize_params(tenant, challenge))
    answer = await browser.submit(page, username=seed.DEMO_EMAIL, password=password)
    return answer.status_code


def _types(support: Support, *args: str) -> list[str]:
    listed = support("logs", ADA, "--json", *args)
    assert listed.returncode == 0, listed.stderr
    return [event["type"] for event in json.loads(listed.stdout)]


async def test_ten_wrong_passwords_block_ada_and_support_unblocks_her(
    support: Support, dev_tenant: RunningTenant
) -> None:
    browser = Browser(dev_tenant)
    try:
        for attempt in range(10):
            assert await _sign_in(browser, dev_tenant, f"wrong-{attempt}") in (400, 401)
        assert await _sign_in(browser, dev_tenant, seed.DEMO_PASSWORD) == 401  # blocked

        table = support("logs", ADA)
        assert table.returncode == 0, table.stderr
        assert "Sign-in failed: wrong password" in table.stdout
        assert "Blocked: too many failed sign-ins to this account from one IP" in table.stdout
        lines = table.stdout.splitlines()
        assert lines[0].split()[:3] == ["TIME", "TYPE", "EVENT"]
        assert lines[-1].split()[1] == "f"  # oldest first: the refused sign-in is last
        types = _types(support)
        # the tenth wrong password trips the block (limit_wc) and is refused (f); so is the
        # right one after it
        assert types.count("fp") == 9 and types[-3:] == ["limit_wc", "f", "f"]
        assert _types(support, "--type", "f") == ["f", "f"]

        blocks = support("blocks", ADA)
        assert blocks.returncode == 0, blocks.stderr
        assert "Blocked IP:    127.0.0.1 for ada@example.com" in blocks.stdout
        assert "since" in blocks.stdout and "support unblock" in blocks.stderr
        by_identifier = json.loads(support("blocks", seed.DEMO_EMAIL, "--json").stdout)
        assert [b["ip"] for b in by_identifier["blocked_for"]] == ["127.0.0.1"]

        refused = support("unblock", ADA)
        assert refused.returncode == 2 and "--yes" in refused.stderr
        assert dev_tenant.state.brute_force.is_blocked(ADA, "127.0.0.1")
        unblocked = support("unblock", ADA, "--yes")
        assert unblocked.returncode == 0, unblocked.stderr
        assert unblocked.stdout == "" and "Released every brute-force block" in unblocked.stderr
        assert "No brute-force block" in support("blocks", ADA).stderr

        assert await _sign_in(browser, dev_tenant, seed.DEMO_PASSWORD) in (200, 302)
        assert _types(support)[-1] == "s"
    finally:
        await browser.aclose()


def test_an_mfa_reset_leaves_no_methods(support: Support, dev_tenant: RunningTenant) -> None:
    listed = support("mfa", "alan@example.com")
    assert listed.returncode == 0, listed.stderr
    assert "Google Authenticator" in listed.stdout and "XXXXXXXXX0461" in listed.stdout
    methods = json.loads(support("mfa", ALAN_USER_ID, "--json").stdout)
    phone = next(m["id"] for m in methods["authentication_methods"] if m["type"] == "phone")
    assert len(methods["enrollments"]) == 2

    removed = support("mfa-remove", ALAN_USER_ID, phone, "--yes")
    assert removed.returncode == 0 and "Removed the authentication method" in removed.stderr
    before = dev_tenant.state.stats.management_requests
    assert support("mfa-reset", ALAN_USER_ID).returncode == 2  # no terminal, no --yes
    assert dev_tenant.state.stats.management_requests == before + 1  # the user id lookup only
    reset = support("mfa-reset", ALAN_USER_ID, "--yes")
    assert reset.returncode == 0, reset.stderr
    assert "cannot be undone" in reset.stderr
    after = json.loads(support("mfa", ALAN_USER_ID, "--json").stdout)
    assert after["authentication_methods"] == [] and after["enrollments"] == []
    assert "has no MFA methods" in support("mfa", ALAN_USER_ID).stderr

    forgot = support("forget-browsers", ALAN_USER_ID, "--yes")
    assert forgot.returncode == 0 and "asks for MFA again" in forgot.stderr


def test_devices_are_listed_for_real_and_one_is_revoked(support: Support) -> None:
    listed = support("devices", seed.DEMO_EMAIL)
    assert listed.returncode == 0, listed.stderr
    for kind in ("public_key", "refresh_token", "rotating_refresh_token"):
        assert kind in listed.stdout
    credentials = json.loads(support("devices", ADA, "--json").stdout)
    target = credentials[0]["id"]
    assert support("revoke-device", target).returncode == 2
    revoked = support("revoke-device", target, "--yes")
    assert revoked.returncode == 0 and "Revoked device credential" in revoked.stderr
    assert target not in support("devices", ADA).stdout


def test_hostile_log_text_is_escaped_and_json_is_exact(
    support: Support, dev_tenant: RunningTenant
) -> None:
    hostile = "evil \x1b]52;c;cHduZWQ=\x07\x1b[2J"
    dev_tenant.state.logs.record("fp", description=hostile, user_id=ADA, user_agent=hostile)
    table = support("logs", ADA)
    assert "evil" in table.stdout and "\x1b" not in table.stdout and "\x07" not in table.stdout
    [event] = json.loads(support("logs", ADA, "--json").stdout)
    assert event["description"] == hostile


def test_an_unknown_type_code_is_shown_as_it_is(
    support: Support, dev_tenant: RunningTenant
) -> None:
    dev_tenant.state.logs.record("brand_new_code", user_id=ADA)
    shown = support("logs", ADA, "--type", "brand_new_code")
    assert shown.returncode == 0
    assert "brand_new_code" in shown.stdout and "not an event type Auth0 documents" in shown.stderr


class _Lines:
    """The lines a process writes to ``stream``, read on a thread, waited for with a bound."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._stream = stream
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self._stream:
            self.lines.put(line.rstrip("\n"))

    def close(self) -> None:
        """After the process ended: the reader reaches the end, then the pipe is closed."""
        self._reader.join(timeout=15)
        self._stream.close()

    def until(self, found: Callable[[list[str]], bool], timeout: float = 30) -> list[str]:
        deadline = time.monotonic() + timeout
        while not found(self.seen):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"not seen within {timeout} s: {self.seen}")
            try:
                self.seen.append(self.lines.get(timeout=left))
            except queue.Empty:
                continue
        return self.seen


def test_follow_waits_out_a_429_storm_and_loses_or_repeats_nothing(
    cli: Cli, support: Support, dev_tenant: RunningTenant
) -> None:
    state = dev_tenant.state

    def write(type: str) -> str:
        log_id: str = state.logs.record(type, user_id=ADA, client_id=seed.CLIENT_ID)["log_id"]
        return log_id

    first = write("fp")
    args = ["--profile", "support", "support", "logs", ADA, "--follow", "--json"]
    tail = cli.popen([*args, "--interval", "0.3"])
    assert tail.stdout is not None and tail.stderr is not None
    out, err = _Lines(tail.stdout), _Lines(tail.stderr)
    try:
        err.until(lambda lines: any("Following" in line for line in lines))

        def ids(lines: list[str]) -> list[str]:
            return [json.loads(line)["log_id"] for line in lines]

        assert ids(out.until(lambda lines: len(lines) >= 1)) == [first]
        state.inject_failure("logs", 429, times=6, headers={"Retry-After": "1"})
        during = [write("fp"), write("limit_wc"), write("f")]
        err.until(lambda lines: any("waiting" in line for line in lines))
        err.until(lambda lines: any("Resumed" in line for line in lines), timeout=45)
        after = [write("s")]
        seen = ids(out.until(lambda lines: len(lines) >= 5, timeout=30))
        assert seen == [first, *during, *after]  # each once, in order
        time.sleep(1)  # a few more polls: nothing is shown again
        assert out.lines.empty()
        warnings = [json.loads(line) for line in err.seen if line.startswith("{")]
        assert any("rate limit" in w.get("warning", "").lower() for w in warnings)
        tail.send_signal(signal.SIGINT)
        assert tail.wait(timeout=15) == 130
        last = err.until(lambda lines: "interrupted" in lines[-1] if lines else False)
        assert json.loads(last[-1]) == {"code": "interrupted", "message": "Cancelled.", "hint": ""}
        assert all(line.startswith("{") for line in err.seen if line)  # JSON lines throughout
    finally:
        if tail.poll() is None:
            tail.kill()
            tail.wait(timeout=15)
        out.close()
        err.close()


def test_an_unknown_user_is_the_server_s_refusal_worded_for_support(support: Support) -> None:
    for args in (("logs", "auth0|nobody"), ("mfa", "auth0|nobody"), ("blocks", "auth0|nobody")):
        result = support(*args)
        assert result.returncode in (2, 3) and "Traceback" not in result.stderr
        assert "support find" in result.stderr and "login" not in result.stderr
