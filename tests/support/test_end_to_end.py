"""End to end: Ada signs in on her machine with the device flow; a support person signs in
as the support application (with each client-authentication method), finds her, sees the
session her sign-in created (the application, her browser), signs her out everywhere; her
access token stays valid until it expires, and her next refresh says she was signed out.

Every part is the real command line in its own process; the only stand-in is Ada's browser,
an HTTP client with Firefox's user agent that fills in the tenant's activation pages.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.cli.conftest import Cli
from tests.devtenant.flows import Browser
from tui_console.devtenant import RunningTenant, seed

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
_ACTIVATE = re.compile(r"(http://\S+/activate\?user_code=[A-Z-]+)")


async def _ada_signs_in_with_the_device_flow(cli: Cli, tenant: RunningTenant) -> None:
    login = cli.popen(
        ["--issuer", tenant.issuer, "--client-id", tenant.client_id, "login", "--device",
         "--no-open"]
    )  # fmt: skip
    try:
        assert login.stderr is not None
        url = None
        deadline = time.monotonic() + 20
        while url is None and time.monotonic() < deadline:
            line = await asyncio.to_thread(login.stderr.readline)
            if found := _ACTIVATE.search(line):
                url = found.group(1)
        assert url is not None, "the device prompt never showed the activation URL"
        browser = Browser(tenant)
        browser.client.headers["User-Agent"] = FIREFOX
        try:
            page = await browser.open(url)
            confirm = await browser.log_in(await browser.submit(page))
            done = await browser.submit(confirm, "approve")
            assert done.status_code == 200
        finally:
            await browser.aclose()
        assert await asyncio.to_thread(login.wait, 30) == 0
    finally:
        if login.poll() is None:
            login.kill()
        login.communicate(timeout=5)  # and close its pipes


def _make_due(cli: Cli) -> None:
    """Move the expiry of Ada's stored access token into the past (her clock, not Auth0's)."""
    path = Path(cli.env["XDG_STATE_HOME"]) / "tui-console" / "tokens" / "default.json"
    data = json.loads(path.read_text())
    for tokens in data["tokens"].values():
        tokens["expires_at"] = time.time() - 1
    path.write_text(json.dumps(data))


def _support_login(
    cli: Cli, tenant: RunningTenant, method: str
) -> Callable[..., subprocess.CompletedProcess[str]]:
    if method == "secret":
        client = tenant.support_client
        extra = ("--client-secret-file", "-")
        secret: str | None = client["client_secret"]
    else:
        client = tenant.support_jwt_client
        extra = ("--private-key-file", client["private_key_file"])
        secret = None
    login = cli.run(
        "--profile", "support", "--issuer", tenant.issuer, "--client-id", client["client_id"],
        "login", "--client-credentials", *extra, input_text=secret,
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    assert f"machine: {client['client_id']} (support)" in login.stderr
    return lambda *args, **kw: cli.run("--profile", "support", "support", *args, **kw)


@pytest.mark.parametrize("method", ["secret", "private_key_jwt"])
async def test_support_signs_ada_out_everywhere_and_her_console_says_so(
    cli: Cli, make_dev_tenant: Callable[..., RunningTenant], method: str
) -> None:
    tenant = make_dev_tenant()
    await _ada_signs_in_with_the_device_flow(cli, tenant)
    access_token = cli.run("token").stdout.strip()

    support = _support_login(cli, tenant, method)
    found = support("find", "ada@example.com", "--json")
    assert [u["user_id"] for u in json.loads(found.stdout)["users"]] == [seed.DEMO_USER_ID]

    listed = support("sessions", "ada@example.com")
    assert listed.returncode == 0, listed.stderr
    assert tenant.client_id in listed.stdout and "Firefox 128 on Linux" in listed.stdout
    [session] = json.loads(support("sessions", seed.DEMO_USER_ID, "--json").stdout)
    assert session["clients"] == [{"client_id": tenant.client_id}]
    assert session["device"]["initial_user_agent"] == FIREFOX
    tokens = json.loads(support("refresh-tokens", seed.DEMO_USER_ID, "--json").stdout)
    assert [t["session_id"] for t in tokens] == [session["id"]]

    out = support("sign-out-everywhere", "ada@example.com", "--yes")
    assert out.returncode == 0, out.stderr
    assert "accepted" in out.stderr and "stay valid until they expire" in out.stderr
    assert json.loads(support("sessions", seed.DEMO_USER_ID, "--json").stdout) == []

    async with httpx.AsyncClient() as http:  # her access token still works: nothing recalls it
        userinfo = await http.get(
            tenant.url("userinfo"), headers={"Authorization": f"Bearer {access_token}"}
        )
    assert userinfo.status_code == 200
    _make_due(cli)  # as if her access token had expired: the next use refreshes
    refused = cli.run("token")
    assert refused.returncode == 1, refused.stderr
    said = refused.stderr.lower()
    assert "session for this profile has ended: you were signed out elsewhere" in said
    assert "sign in again" in said
    assert "Traceback" not in refused.stderr
