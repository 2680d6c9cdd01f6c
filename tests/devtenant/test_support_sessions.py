"""Sessions and refresh tokens at the Management API (auth0-reference.md §8.2, §8.3, §8.6).

A real device sign-in through the tenant's pages must leave a session that names the
application, the browser's IP and user agent and ``pwd``; its refresh token must belong to
that session; ending it (revoke, revoke-access) must make the next refresh ``invalid_grant``.
Shapes are checked against sessions.json and refresh-tokens.json.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest

from tests.devtenant.flows import Browser, poll, refresh, start_device
from tests.devtenant.mgmt import ISO, api, assert_error, bearer
from tests.devtenant.support import support_token
from tests.devtenant.test_recordings_conformance import shape_differences
from tests.recordings import load as load_recordings
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.records import SignInContext
from tui_console.devtenant.seed import DEMO_USER_ID, SECOND_USER_ID

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
async def ua_browser(tenant: RunningTenant) -> AsyncIterator[Browser]:
    b = Browser(tenant)
    b.client.headers["User-Agent"] = BROWSER_UA
    try:
        yield b
    finally:
        await b.aclose()


async def device_sign_in(
    client: httpx.AsyncClient, tenant: RunningTenant, browser: Browser
) -> dict[str, Any]:
    """Ada signs the console in on the activate page, as a person does."""
    code = await start_device(client, tenant)
    page = await browser.open("/activate")
    confirm = await browser.log_in(await browser.submit(page, user_code=code["user_code"]))
    done = await browser.submit(confirm, "approve")
    assert "all set" in done.text
    response = await poll(client, tenant, code["device_code"])
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _get(client: httpx.AsyncClient, token: str, url: str, **params: str) -> httpx.Response:
    return await client.get(url, params=params, headers=bearer(token))


async def test_a_device_sign_in_creates_a_session_with_its_client_ip_and_agent(
    tenant: RunningTenant, client: httpx.AsyncClient, ua_browser: Browser
) -> None:
    tokens = await device_sign_in(client, tenant, ua_browser)
    sid = jwt.decode(tokens["id_token"], options={"verify_signature": False})["sid"]
    token = await support_token(client, tenant)
    listed = await _get(client, token, api(tenant, "users", DEMO_USER_ID, "sessions"))
    assert listed.status_code == 200, listed.text
    [session] = listed.json()["sessions"]
    assert "next" not in listed.json()
    assert session["id"] == sid and session["user_id"] == DEMO_USER_ID
    assert session["clients"] == [{"client_id": tenant.client_id}]
    assert session["device"]["initial_ip"] == "127.0.0.1"
    assert session["device"]["initial_user_agent"] == BROWSER_UA
    assert session["device"]["last_user_agent"] == BROWSER_UA
    [method] = session["authentication"]["methods"]
    assert method["name"] == "pwd" and ISO.match(method["timestamp"])
    assert all(ISO.match(session[k]) for k in ("created_at", "idle_expires_at", "expires_at"))
    one = await _get(client, token, api(tenant, "sessions", sid))
    assert one.json() == session
    tokens_listed = await _get(client, token, api(tenant, "users", DEMO_USER_ID, "refresh-tokens"))
    [rt] = tokens_listed.json()["tokens"]
    assert rt["session_id"] == sid and rt["client_id"] == tenant.client_id
    assert isinstance(rt["resource_servers"][0]["scopes"], str)
    assert rt["resource_servers"][0]["audience"] == tenant.management_audience


async def test_a_second_sign_in_on_the_cookie_extends_the_session(
    tenant: RunningTenant, client: httpx.AsyncClient, ua_browser: Browser
) -> None:
    first = await device_sign_in(client, tenant, ua_browser)
    code = await start_device(client, tenant)
    confirm = await ua_browser.submit(
        await ua_browser.open("/activate"), user_code=code["user_code"]
    )
    await ua_browser.submit(confirm, "approve")  # no password: the cookie's session
    second = (await poll(client, tenant, code["device_code"])).json()
    claims = [
        jwt.decode(t["id_token"], options={"verify_signature": False}) for t in (first, second)
    ]
    assert claims[0]["sid"] == claims[1]["sid"]
    token = await support_token(client, tenant)
    listed = await _get(client, token, api(tenant, "users", DEMO_USER_ID, "sessions"))
    assert len(listed.json()["sessions"]) == 1
    assert len(listed.json()["sessions"][0]["authentication"]["methods"]) == 1


async def test_revoke_access_makes_the_next_refresh_fail(
    tenant: RunningTenant, client: httpx.AsyncClient, ua_browser: Browser
) -> None:
    tokens = await device_sign_in(client, tenant, ua_browser)
    token = await support_token(client, tenant)
    response = await client.post(
        api(tenant, "users", DEMO_USER_ID, "revoke-access"), json={}, headers=bearer(token)
    )
    assert response.status_code == 202 and response.json() == {}
    after = await refresh(client, tenant, tokens["refresh_token"])
    assert after.status_code == 403
    assert after.json() == {
        "error": "invalid_grant",
        "error_description": "Unknown or invalid refresh token.",
    }
    listed = await _get(client, token, api(tenant, "users", DEMO_USER_ID, "sessions"))
    assert listed.json() == {"sessions": []}
    assert (await ua_browser.open("/activate")).status_code == 200


async def test_revoke_access_for_one_session_keeping_refresh_tokens(
    tenant: RunningTenant, client: httpx.AsyncClient, ua_browser: Browser
) -> None:
    tokens = await device_sign_in(client, tenant, ua_browser)
    sid = jwt.decode(tokens["id_token"], options={"verify_signature": False})["sid"]
    other = tenant.state.create_session(DEMO_USER_ID, SignInContext("other-app", "192.0.2.9"))
    token = await support_token(client, tenant)
    response = await client.post(
        api(tenant, "users", DEMO_USER_ID, "revoke-access"),
        json={"session_id": sid, "preserve_refresh_tokens": True},
        headers=bearer(token),
    )
    assert response.status_code == 202
    listed = await _get(client, token, api(tenant, "users", DEMO_USER_ID, "sessions"))
    assert [s["id"] for s in listed.json()["sessions"]] == [other.id]
    assert (await refresh(client, tenant, tokens["refresh_token"])).status_code == 200


async def test_session_revoke_ends_its_refresh_tokens_delete_does_not(
    tenant: RunningTenant, client: httpx.AsyncClient, ua_browser: Browser
) -> None:
    tokens = await device_sign_in(client, tenant, ua_browser)
    sid = jwt.decode(tokens["id_token"], options={"verify_signature": False})["sid"]
    token = await support_token(client, tenant)
    deleted = await client.delete(api(tenant, "sessions", sid), headers=bearer(token))
    assert deleted.status_code == 202 and deleted.json() == {}
    assert (await _get(client, token, api(tenant, "sessions", sid))).status_code == 404
    rotated = await refresh(client, tenant, tokens["refresh_token"])
    assert rotated.status_code == 200
    tokens2 = await device_sign_in(client, tenant, ua_browser)
    sid2 = jwt.decode(tokens2["id_token"], options={"verify_signature": False})["sid"]
    revoked = await client.post(api(tenant, "sessions", sid2, "revoke"), headers=bearer(token))
    assert revoked.status_code == 202 and revoked.json() == {}
    assert (await refresh(client, tenant, tokens2["refresh_token"])).status_code == 403


async def test_deleting_one_refresh_token_is_204_and_it_stops_working(
    tenant: RunningTenant, client: httpx.AsyncClient, ua_browser: Browser
) -> None:
    tokens = await device_sign_in(client, tenant, ua_browser)
    token = await support_token(client, tenant)
    listed = await _get(client, token, api(tenant, "users", DEMO_USER_ID, "refresh-tokens"))
    [rt] = listed.json()["tokens"]
    one = await _get(client, token, api(tenant, "refresh-tokens", rt["id"]))
    assert one.json() == rt
    gone = await client.delete(api(tenant, "refresh-tokens", rt["id"]), headers=bearer(token))
    assert gone.status_code == 204 and gone.content == b""
    assert (await refresh(client, tenant, tokens["refresh_token"])).status_code == 403
    missing = await _get(client, token, api(tenant, "refresh-tokens", rt["id"]))
    assert_error(missing, 404, "The refresh token does not exist.", "refresh_token_not_found")


async def test_checkpoint_paging_walks_every_session_once(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    made = [
        tenant.state.create_session(SECOND_USER_ID, SignInContext(tenant.client_id, f"192.0.2.{n}"))
        for n in range(7)
    ]
    token = await support_token(client, tenant)
    url = api(tenant, "users", SECOND_USER_ID, "sessions")
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"take": "3", "include_totals": "true"}
        if cursor:
            params["from"] = cursor
        body = (await _get(client, token, url, **params)).json()
        assert body["total"] == 7
        seen += [s["id"] for s in body["sessions"]]
        cursor = body.get("next")
        if cursor is None:
            break
    assert seen == [s.id for s in made]
    bad = await _get(client, token, url, **{"from": "no-such-session"})
    assert bad.status_code == 400


async def test_free_plan_has_no_sessions_endpoints(
    tenant_with: Any, client: httpx.AsyncClient
) -> None:
    tenant = tenant_with(plan="free")
    token = await support_token(client, tenant)
    for url in (
        api(tenant, "users", DEMO_USER_ID, "sessions"),
        api(tenant, "users", DEMO_USER_ID, "refresh-tokens"),
        api(tenant, "sessions", "anything"),
        api(tenant, "refresh-tokens", "anything"),
    ):
        assert_error(
            await _get(client, token, url),
            403,
            "Please upgrade your subscription to use sessions management",
            "insufficient_entitlement",
        )
    users = await _get(client, token, api(tenant, "users"), q="email:ada*")
    assert users.status_code == 200  # the rest of the support console keeps working


async def test_scopes_are_checked(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    reader = tenant.state.mint_access_token(["read:users"])
    sessions = await _get(client, reader, api(tenant, "users", DEMO_USER_ID, "sessions"))
    assert_error(
        sessions, 403, "Insufficient scope, expected any of: read:sessions", "insufficient_scope"
    )
    half = tenant.state.mint_access_token(["delete:sessions"])
    response = await client.post(
        api(tenant, "users", DEMO_USER_ID, "revoke-access"), json={}, headers=bearer(half)
    )
    assert_error(
        response,
        403,
        "Insufficient scope, expected all of: delete:sessions,delete:refresh_tokens",
        "insufficient_scope",
    )


async def test_revoke_access_validates_its_body(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    token = await support_token(client, tenant)
    url = api(tenant, "users", DEMO_USER_ID, "revoke-access")
    for body in ({"everything": True}, {"session_id": 5}, {"preserve_refresh_tokens": "yes"}):
        response = await client.post(url, json=body, headers=bearer(token))
        assert response.status_code == 400 and response.json()["errorCode"] == "invalid_body"
    form = await client.post(url, data={"preserve_refresh_tokens": "true"}, headers=bearer(token))
    assert form.status_code == 202
    nobody = await client.post(
        api(tenant, "users", "auth0|nobody", "revoke-access"), json={}, headers=bearer(token)
    )
    assert nobody.status_code == 404


# -- conformance with the recordings -------------------------------------------------------------


def _method_item_ignoring_type(methods: list[dict[str, Any]]) -> None:
    for method in methods:
        method.setdefault("type", "")


async def test_sessions_recordings(
    tenant: RunningTenant, client: httpx.AsyncClient, ua_browser: Browser
) -> None:
    """Each recorded sessions call, replayed: an empty list, a session, the 202 ``{}``s."""
    token = await support_token(client, tenant)
    tokens = await device_sign_in(client, tenant, ua_browser)
    sid = jwt.decode(tokens["id_token"], options={"verify_signature": False})["sid"]
    for record in load_recordings("sessions"):
        path = record["url_path"]
        if path.startswith("/api/v2/users/"):
            url = api(tenant, "users", SECOND_USER_ID, "sessions")  # Charles: no sessions
        else:
            url = api(tenant, "sessions", sid) + path.split("SessionID", 1)[1]
        response = await client.request(
            record["method"], url, params=record.get("query") or {}, headers=bearer(token)
        )
        assert response.status_code == record["status"], response.text
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        body = response.json()
        if isinstance(body, dict) and "authentication" in body:
            _method_item_ignoring_type(body["authentication"]["methods"])  # mfa only
        problems = shape_differences(body, record["response_body"], set())
        assert not problems, f"{record['source']}: {problems}"


async def test_refresh_tokens_recordings(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    """The recorded refresh-token calls: two tokens listed with ``next`` and ``total``, the
    202 ``{}`` user-level delete, then ``{"tokens": [], "total": 0}``, one token, its 204."""
    token = await support_token(client, tenant)
    for _ in range(2):
        started = await start_device(client, tenant, scope="openid profile offline_access")
        tenant.state.approve_pending_device_codes(SECOND_USER_ID)
        assert (await poll(client, tenant, started["device_code"])).status_code == 200
    families = [f.id for f in tenant.state.refresh_tokens.live_families(SECOND_USER_ID)]
    assert len(families) == 2
    for record in load_recordings("refresh-tokens"):
        path = record["url_path"].replace("UserID", SECOND_USER_ID)
        if "RefreshTokenID" in path:
            if record["method"] == "GET":
                started = await start_device(client, tenant, scope="openid offline_access")
                tenant.state.approve_pending_device_codes(SECOND_USER_ID)
                await poll(client, tenant, started["device_code"])
            family = tenant.state.refresh_tokens.live_families(SECOND_USER_ID)[0].id
            path = path.replace("RefreshTokenID", family)
        query = dict(record.get("query") or {})
        if query.pop("per_page", None):
            query["take"] = "1"  # go-auth0 sent per_page; its recorded answer had a next
        response = await client.request(
            record["method"], tenant.url(path.lstrip("/")), params=query, headers=bearer(token)
        )
        assert response.status_code == record["status"], response.text
        assert response.headers["content-type"] == record["response_headers"]["Content-Type"]
        body = response.json() if response.content else None
        recorded = record["response_body"]
        if isinstance(body, dict) and isinstance(recorded, dict) and "tokens" in body:
            # One page of one token (take=1) against the recorded page of two.
            recorded = {**recorded, "tokens": recorded["tokens"][: len(body["tokens"])]}
            body["total"] = recorded.get("total", body.get("total"))
        problems = shape_differences(body, _nulls_as_ours(recorded, body), set())
        assert not problems, f"{record['source']}: {problems}"


#: Explicit nulls in the recording (non-expiring tokens from before sessions, NOTES.md §11):
#: the key must be there; ours expire and belong to a session, so they carry a string.
_NULLABLE = ("idle_expires_at", "expires_at", "session_id")


def _nulls_as_ours(recorded: Any, ours: Any) -> Any:
    def fix(theirs: dict[str, Any], mine: dict[str, Any]) -> dict[str, Any]:
        fixed = dict(theirs)
        for key in _NULLABLE:
            if key in fixed and fixed[key] is None and isinstance(mine.get(key), str):
                fixed[key] = ""
        return fixed

    if isinstance(recorded, dict) and isinstance(ours, dict):
        if "tokens" in recorded:
            pairs = zip(recorded["tokens"], ours.get("tokens", []), strict=False)
            return {**recorded, "tokens": [fix(t, m) for t, m in pairs]}
        return fix(recorded, ours)
    return recorded
