"""Log events, brute-force blocks and the ``blocked`` flag (issue 12 §6; auth0-reference.md
§8.6; logs.json, user-blocks.json).

Ten wrong passwords at the login page must block the account for that IP with the login
page's wording; support then sees the ``fp`` events, the ``limit_wc`` and the block, unblocks,
and the next sign-in works and logs ``s``. Checkpoint paging must walk forward.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.devtenant.flows import Browser, authorize_params, pkce_pair, poll, refresh, start_device
from tests.devtenant.mgmt import api, assert_error, bearer
from tests.devtenant.support import secret_token, support_token
from tests.recordings import load as load_recordings
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.attack_protection import BLOCKED_IP_MESSAGE
from tui_console.devtenant.seed import DEMO_EMAIL, DEMO_PASSWORD, DEMO_USER_ID

JSON_UTF8 = "application/json; charset=utf-8"


async def _login_page(tenant: RunningTenant, browser: Browser) -> httpx.Response:
    _, challenge = pkce_pair()
    return await browser.open("/authorize", params=authorize_params(tenant, challenge))


async def _try(browser: Browser, page: httpx.Response, password: str) -> httpx.Response:
    return await browser.submit(page, username=DEMO_EMAIL, password=password)


async def _logs(
    client: httpx.AsyncClient, tenant: RunningTenant, token: str, **params: str
) -> list[dict[str, Any]]:
    response = await client.get(api(tenant, "logs"), params=params, headers=bearer(token))
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def test_ten_wrong_passwords_block_until_support_unblocks(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    browser = Browser(tenant)
    try:
        page = await _login_page(tenant, browser)
        for attempt in range(1, 11):
            page = await _try(browser, page, f"wrong-{attempt}")
            if attempt < 10:
                assert page.status_code == 400 and "Wrong email or password." in page.text
        assert page.status_code == 401
        assert BLOCKED_IP_MESSAGE.split("'")[0] in page.text.replace("&#x27;", "'")
        refused = await _try(browser, page, DEMO_PASSWORD)
        assert refused.status_code == 401, "the right password from the blocked IP is refused"

        token = await support_token(client, tenant)
        blocks = await client.get(api(tenant, "user-blocks", DEMO_USER_ID), headers=bearer(token))
        assert blocks.json() == {
            "blocked_for": [
                {
                    "identifier": DEMO_EMAIL,
                    "ip": "127.0.0.1",
                    "connection": "Username-Password-Authentication",
                }
            ]
        }
        by_identifier = await client.get(
            api(tenant, "user-blocks"), params={"identifier": DEMO_EMAIL}, headers=bearer(token)
        )
        assert by_identifier.json() == blocks.json()
        mine = await client.get(api(tenant, "users", DEMO_USER_ID, "logs"), headers=bearer(token))
        types = [e["type"] for e in mine.json()]
        assert types.count("fp") == 9 and types.count("limit_wc") == 1
        assert types[0] == "f"  # the refused right password, newest first

        unblocked = await client.delete(
            api(tenant, "user-blocks", DEMO_USER_ID), headers=bearer(token)
        )
        assert unblocked.status_code == 204 and unblocked.content == b""
        again = await client.get(api(tenant, "user-blocks", DEMO_USER_ID), headers=bearer(token))
        assert again.json() == {"blocked_for": []}
        signed_in = await _try(browser, await _login_page(tenant, browser), DEMO_PASSWORD)
        assert signed_in.status_code in (200, 302), signed_in.text
        newest = (await _logs(client, tenant, token, q=f'user_id:"{DEMO_USER_ID}"'))[0]
        assert newest["type"] == "s" and newest["user_id"] == DEMO_USER_ID
        assert newest["ip"] == "127.0.0.1"
    finally:
        await browser.aclose()


async def test_an_unknown_user_logs_fu(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    browser = Browser(tenant)
    try:
        page = await _login_page(tenant, browser)
        await browser.submit(page, username="nobody@example.com", password="x")
    finally:
        await browser.aclose()
    token = await support_token(client, tenant)
    [event] = await _logs(client, tenant, token, q="type:fu")
    assert event["user_id"] == "" and event["user_name"] == "nobody@example.com"
    assert event["description"] == "Wrong email or password."


async def test_the_blocked_flag_refuses_sign_in(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    token = await support_token(client, tenant)
    patched = await client.patch(
        api(tenant, "users", DEMO_USER_ID), json={"blocked": True}, headers=bearer(token)
    )
    assert patched.status_code == 200 and patched.json()["blocked"] is True
    browser = Browser(tenant)
    try:
        before = tenant.state.users[DEMO_USER_ID].logins_count
        page = await _try(browser, await _login_page(tenant, browser), DEMO_PASSWORD)
        assert page.status_code == 401 and "user is blocked" in page.text
        assert tenant.state.users[DEMO_USER_ID].logins_count == before
    finally:
        await browser.aclose()
    events = await _logs(client, tenant, token)
    assert events[0]["type"] == "f" and events[1]["type"] == "sapi"
    assert events[1]["description"] == "Update a User"
    assert events[1]["details"]["request"]["body"] == {"blocked": True}
    no_scope = tenant.state.mint_access_token(["read:users"])
    refused = await client.patch(
        api(tenant, "users", DEMO_USER_ID), json={"blocked": False}, headers=bearer(no_scope)
    )
    assert refused.status_code == 403


async def test_token_events_and_refresh_reuse(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    started = await start_device(client, tenant)
    tenant.state.approve_pending_device_codes()
    tokens = (await poll(client, tenant, started["device_code"])).json()
    first = await refresh(client, tenant, tokens["refresh_token"])
    assert first.status_code == 200
    reused = await refresh(client, tenant, tokens["refresh_token"])
    assert reused.status_code == 403
    second = await start_device(client, tenant)
    tenant.state.approve_pending_device_codes()
    other = (await poll(client, tenant, second["device_code"])).json()
    revoked = await client.post(
        tenant.url("oauth/revoke"),
        data={"client_id": tenant.client_id, "token": other["refresh_token"]},
    )
    assert revoked.status_code == 200
    machine = await secret_token(client, tenant, scope="read:logs")
    token = machine.json()["access_token"]
    events = await _logs(client, tenant, token)
    assert [e["type"] for e in events[:6]] == ["seccft", "srrt", "sede", "ferrt", "sertft", "sede"]
    events = events[:1] + events[3:]
    seccft = events[0]
    assert seccft["scope"] == "read:logs" and seccft["details"] is None
    assert seccft["user_id"] == "" and seccft["audience"] == tenant.management_audience
    assert events[3]["user_id"] == DEMO_USER_ID


async def test_checkpoint_paging_walks_forward(
    tenant_with: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    tenant = tenant_with(logs_burst=50)
    for n in range(5):
        tenant.state.logs.record("sapi", description=f"change {n}")
    token = tenant.state.mint_access_token(["read:logs"])
    newest_first = await _logs(client, tenant, token)
    ids = [e["log_id"] for e in reversed(newest_first)]
    assert all(isinstance(i, str) and len(i) == 56 and i.isdigit() for i in ids)
    assert ids == sorted(ids)
    walked: list[str] = []
    cursor = ids[0]
    while True:
        page = await _logs(client, tenant, token, **{"from": cursor, "take": "2"})
        if not page:
            break
        walked += [e["log_id"] for e in page]
        cursor = page[-1]["log_id"]
    assert walked == ids[1:]
    tenant.state.logs.record("sapi", description="later")
    [later] = await _logs(client, tenant, token, **{"from": cursor, "take": "2"})
    assert later["description"] == "later"


async def test_log_paging_fields_and_one_event(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    tenant.state.logs.clear()  # without the story's events
    for n in range(7):
        tenant.state.logs.record("sapi", description=f"change {n}")
    token = tenant.state.mint_access_token(["read:logs"])
    page = await client.get(
        api(tenant, "logs"),
        params={"page": "1", "per_page": "3", "include_totals": "true"},
        headers=bearer(token),
    )
    body = page.json()
    assert {k: body[k] for k in ("start", "limit", "length", "total")} == {
        "start": 3,
        "limit": 3,
        "length": 3,
        "total": 7,
    }
    picked = await _logs(client, tenant, token, fields="date,type", include_fields="true")
    assert set(picked[0]) == {"_id", "date", "type"}
    one = await client.get(api(tenant, "logs", body["logs"][0]["log_id"]), headers=bearer(token))
    assert one.json() == body["logs"][0]
    missing = await client.get(api(tenant, "logs", "9" * 56), headers=bearer(token))
    assert_error(missing, 404, "Log not found", "inexistent_log")


async def test_logs_have_their_own_bucket(
    tenant_with: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    tenant = tenant_with(logs_burst=2)
    token = await support_token(client, tenant)
    caller = tenant.support_client["client_id"] + "@clients"
    tenant.state.limits.drain("logs", caller)
    limited = await client.get(api(tenant, "logs"), headers=bearer(token))
    assert limited.status_code == 429
    assert limited.headers["x-ratelimit-limit"] == "2"
    assert limited.headers["x-ratelimit-remaining"] == "0"
    users = await client.get(api(tenant, "users"), headers=bearer(token))
    assert users.status_code == 200


async def test_user_blocks_recordings(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    token = await support_token(client, tenant)
    for record in load_recordings("user-blocks"):
        path = record["url_path"]
        url = (
            api(tenant, "user-blocks", DEMO_USER_ID)
            if path != "/api/v2/user-blocks"
            else api(tenant, "user-blocks")
        )
        query = {"identifier": DEMO_EMAIL} if record.get("query") else {}
        response = await client.request(record["method"], url, params=query, headers=bearer(token))
        assert response.status_code == record["status"]
        assert response.headers["content-type"] == record["response_headers"]["Content-Type"]
        assert (response.json() if response.content else None) == record["response_body"]


def _types_agree(ours: Any, theirs: Any) -> bool:
    if ours is None or theirs is None:
        return True  # absent, null and "" alike (NOTES.md §11)
    return type(ours) is type(theirs) or (isinstance(ours, str) and isinstance(theirs, str))


async def test_log_events_have_the_recorded_keys(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Every key of the recorded 2023 entries of a type we write is in ours, with the same type
    (or null on one side); the recorded list and envelope shapes match ours."""
    browser = Browser(tenant)
    try:
        page = await _login_page(tenant, browser)
        page = await _try(browser, page, "wrong")
        await browser.submit(page, username="nobody@example.com", password="x")
    finally:
        await browser.aclose()
    token = await support_token(client, tenant)
    await client.patch(
        api(tenant, "users", DEMO_USER_ID), json={"user_metadata": {}}, headers=bearer(token)
    )
    ours = {e["type"]: e for e in await _logs(client, tenant, token)}
    checked = 0
    for record in load_recordings("logs"):
        body = record["response_body"]
        for entry in body if isinstance(body, list) else [body]:
            kind = entry.get("type")
            if kind not in ours or "log_id" not in entry:
                continue
            mine = ours[kind]
            missing = set(entry) - set(mine) - {"client_ip", "auth0_client"}
            assert not missing, f"{kind}: {sorted(missing)}"
            for key in entry.keys() & mine.keys():
                assert _types_agree(mine[key], entry[key]), f"{kind}.{key}"
            assert len(mine["log_id"]) == len(entry["log_id"]) == 56
            checked += 1
    assert checked >= 5
