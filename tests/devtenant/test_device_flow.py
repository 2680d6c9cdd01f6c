"""The device flow answers as Auth0 does: codes, polling errors, the /activate pages."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

import httpx
import jwt

from tests.devtenant.flows import Browser, forms, poll, start_device
from tui_console.devtenant import RunningTenant

USER_CODE = re.compile(r"^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$")


async def test_device_code_response_has_auth0_fields_and_user_code_format(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """A base20 ``XXXX-XXXX`` user code, ``/activate`` URIs, Auth0's lifetime and interval."""
    response = await client.post(
        dev_tenant.url("oauth/device/code"),
        data={"client_id": dev_tenant.client_id, "scope": "openid profile"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {
        "device_code",
        "user_code",
        "verification_uri",
        "verification_uri_complete",
        "expires_in",
        "interval",
    }
    assert USER_CODE.match(body["user_code"]), body["user_code"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", body["device_code"])
    assert body["verification_uri"] == dev_tenant.issuer + "activate"
    assert body["verification_uri_complete"] == (
        f"{dev_tenant.issuer}activate?user_code={body['user_code']}"
    )
    assert body["expires_in"] == 900
    assert body["interval"] == 1
    codes = {(await start_device(client, dev_tenant))["user_code"] for _ in range(5)}
    assert len(codes) == 5 and all(USER_CODE.match(c) for c in codes)


async def test_device_code_refuses_unknown_clients_and_audiences(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Unknown client 401 ``access_denied``; unknown API 403 ``Service not found``."""
    url = dev_tenant.url("oauth/device/code")
    unknown = await client.post(url, data={"client_id": "x" * 32, "scope": "openid"})
    assert unknown.status_code == 401
    assert unknown.json() == {"error": "access_denied", "error_description": "Unauthorized"}
    assert unknown.headers["content-type"] == "application/json"

    missing = await client.post(url, data={"scope": "openid"})
    assert missing.status_code == 400
    assert missing.json()["error"] == "invalid_request"

    api = "https://api.example.com/"
    bad_audience = await client.post(
        url, data={"client_id": dev_tenant.client_id, "scope": "openid", "audience": api}
    )
    assert bad_audience.status_code == 403
    assert bad_audience.json() == {
        "error": "access_denied",
        "error_description": f"Service not found: {api}",
    }


async def test_polling_pending_then_slow_down_then_pending_again(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """403 ``authorization_pending``; a poll inside the interval is 429 ``slow_down``."""
    code = await start_device(client, dev_tenant)
    first = await poll(client, dev_tenant, code["device_code"])
    assert first.status_code == 403
    assert first.json() == {
        "error": "authorization_pending",
        "error_description": "User has yet to authorize device code.",
    }
    too_fast = await poll(client, dev_tenant, code["device_code"])
    assert too_fast.status_code == 429
    assert too_fast.json() == {
        "error": "slow_down",
        "error_description": "You are polling faster than the specified interval of 1 seconds.",
    }
    await asyncio.sleep(1.0)  # the interval, counted from the previous response
    again = await poll(client, dev_tenant, code["device_code"])
    assert again.status_code == 403
    assert again.json()["error"] == "authorization_pending"
    assert dev_tenant.state.stats.device_polls == 3


async def test_expired_code_answers_expired_token_once_then_invalid_grant(
    dev_tenant: RunningTenant, client: httpx.AsyncClient, browser: Browser
) -> None:
    """After ``expires_in``: ``expired_token`` exactly once, then ``invalid_grant``."""
    code = await start_device(client, dev_tenant)
    dev_tenant.state.advance_clock(901)
    expired = await poll(client, dev_tenant, code["device_code"])
    assert expired.status_code == 403
    assert expired.json()["error"] == "expired_token"
    later = await poll(client, dev_tenant, code["device_code"])
    assert later.status_code == 403
    assert later.json()["error"] == "invalid_grant"
    page = await browser.open("/activate")
    typed = await browser.submit(page, user_code=code["user_code"])
    assert typed.status_code == 400
    assert "invalid or has expired" in typed.text


async def test_denying_on_the_activate_page_gives_access_denied(
    dev_tenant: RunningTenant, client: httpx.AsyncClient, browser: Browser
) -> None:
    """Type the code (lower case, no dash), sign in, press Deny: the poll says access_denied."""
    code = await start_device(client, dev_tenant)
    page = await browser.open("/activate")
    assert page.status_code == 200
    login = await browser.submit(page, user_code=code["user_code"].replace("-", "").lower())
    assert "/u/login" in str(login.url)
    confirm = await browser.log_in(login)
    assert confirm.status_code == 200
    assert code["user_code"] in confirm.text and "Ada Lovelace" in confirm.text
    denied = await browser.submit(confirm, "deny")
    assert denied.status_code == 200 and "denied" in denied.text
    response = await poll(client, dev_tenant, code["device_code"])
    assert response.status_code == 403
    assert response.json() == {
        "error": "access_denied",
        "error_description": "User cancelled the confirmation prompt.",
    }


async def test_approving_on_the_activate_page_gives_tokens_once(
    dev_tenant: RunningTenant, client: httpx.AsyncClient, browser: Browser
) -> None:
    """``verification_uri_complete`` pre-fills the code; Approve lets one poll get tokens."""
    code = await start_device(client, dev_tenant)
    page = await browser.open(code["verification_uri_complete"])
    [form] = forms(page.text)
    assert form.fields["user_code"] == code["user_code"]
    confirm = await browser.log_in(await browser.submit(page))
    done = await browser.submit(confirm, "approve")
    assert done.status_code == 200 and "all set" in done.text

    response = await poll(client, dev_tenant, code["device_code"])
    assert response.status_code == 200, response.text
    tokens = response.json()
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert claims["sub"] == dev_tenant.demo_user["user_id"]
    assert claims["sid"]
    assert dev_tenant.state.stats.logins == 1

    reused = await poll(client, dev_tenant, code["device_code"])
    assert reused.status_code == 403
    assert reused.json()["error"] == "invalid_grant"


async def test_activate_reuses_the_session_and_skips_the_password(
    dev_tenant: RunningTenant, client: httpx.AsyncClient, browser: Browser
) -> None:
    """A second code in the same browser goes straight to confirmation."""
    first = await start_device(client, dev_tenant)
    confirm = await browser.log_in(
        await browser.submit(await browser.open("/activate"), user_code=first["user_code"])
    )
    await browser.submit(confirm, "approve")
    second = await start_device(client, dev_tenant)
    page = await browser.submit(await browser.open("/activate"), user_code=second["user_code"])
    assert "/u/device-confirm" in str(page.url)
    assert second["user_code"] in page.text
    assert 'name="password"' not in page.text


async def test_activate_escapes_what_it_echoes(dev_tenant: RunningTenant, browser: Browser) -> None:
    """Typed or pre-filled codes come back HTML-escaped."""
    evil = '"><script>alert(1)</script>'
    prefilled = await browser.open("/activate", params={"user_code": evil})
    assert "<script>alert(1)" not in prefilled.text
    assert "&lt;script&gt;" in prefilled.text
    typed = await browser.submit(prefilled, user_code=evil)
    assert typed.status_code == 400
    assert "<script>alert(1)" not in typed.text


async def test_wrong_password_is_refused_with_auth0_text(
    dev_tenant: RunningTenant, client: httpx.AsyncClient, browser: Browser
) -> None:
    """A bad password re-shows the form with "Wrong email or password." and no session."""
    code = await start_device(client, dev_tenant)
    login = await browser.submit(await browser.open("/activate"), user_code=code["user_code"])
    refused = await browser.log_in(login, password="babbage")
    assert refused.status_code == 400
    assert "Wrong email or password." in refused.text
    assert "auth0" not in browser.client.cookies
    assert dev_tenant.state.stats.logins == 0


async def test_auto_approve_signs_in_the_demo_user_after_the_delay(
    make_dev_tenant: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    """With ``auto_approve=0.2`` a code is pending at first and approved as Ada soon after."""
    tenant = make_dev_tenant(auto_approve=0.2)
    code = await start_device(client, tenant)
    first = await poll(client, tenant, code["device_code"])
    assert first.json()["error"] == "authorization_pending"
    await asyncio.sleep(1.0)
    approved = await poll(client, tenant, code["device_code"])
    assert approved.status_code == 200, approved.text
    claims = jwt.decode(approved.json()["access_token"], options={"verify_signature": False})
    assert claims["sub"] == tenant.demo_user["user_id"]


async def test_state_helpers_wait_for_and_deny_pending_codes(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Tests elsewhere drive the person's decision through the state; it behaves like Deny."""
    code = await start_device(client, dev_tenant)
    user_code = await asyncio.to_thread(dev_tenant.state.wait_for_pending_device_code, 2)
    assert user_code == code["user_code"]
    assert dev_tenant.state.deny_pending_device_codes() == 1
    assert dev_tenant.state.pending_user_codes() == []
    response = await poll(client, dev_tenant, code["device_code"])
    assert response.json()["error"] == "access_denied"
