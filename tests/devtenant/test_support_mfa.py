"""MFA factors at the Management API and the support demo's story (issue 12 §6;
authentication-methods.json, enrollments.json, invalidate-remember-browser.json)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.devtenant.mgmt import api, assert_error, bearer, user_token
from tests.devtenant.support import support_token
from tests.devtenant.test_recordings_conformance import shape_differences
from tests.recordings import load as load_recordings
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.directory import ALAN_USER_ID, GRACE_USER_ID, KATHERINE_USER_ID
from tui_console.devtenant.mfa import mask_email, mask_phone
from tui_console.devtenant.seed import DEMO_USER_ID, SECOND_USER_ID
from tui_console.devtenant.story import GRACE_BLOCKED_IP, KATHERINE_SESSIONS


async def _get(client: httpx.AsyncClient, token: str, url: str, **params: str) -> httpx.Response:
    return await client.get(url, params=params, headers=bearer(token))


def test_masking_as_recorded() -> None:
    assert mask_email("chuck334@example.com") == "chuc****@exam*******"
    assert mask_email("foo@example.com") == "****@exam*******"
    assert mask_phone("+44207183875044") == "XXXXXXXXXXX5044"


async def test_alan_who_lost_his_phone(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    token = await support_token(client, tenant)
    url = api(tenant, "users", ALAN_USER_ID, "authentication-methods")
    listed = await _get(client, token, url, include_totals="true", per_page="50")
    body = listed.json()
    assert body["total"] == 3 and body["start"] == 0 and body["limit"] == 50
    kinds = {m["type"]: m for m in body["authenticators"]}
    assert set(kinds) == {"totp", "phone", "recovery-code"}
    phone = kinds["phone"]
    assert phone["phone_number"].startswith("XXXX") and phone["phone_number"].endswith("0461")
    assert phone["authentication_methods"] == [
        {"id": "sms|" + phone["id"].split("|", 1)[1], "type": "sms"}
    ]
    enrollments = (
        await _get(client, token, api(tenant, "users", ALAN_USER_ID, "enrollments"))
    ).json()
    assert {e["auth_method"] for e in enrollments} == {"authenticator", "sms"}

    one = await _get(client, token, url + "/" + phone["id"].replace("|", "%7C"))
    assert one.json() == phone
    deleted = await client.delete(
        url + "/" + phone["id"].replace("|", "%7C"), headers=bearer(token)
    )
    assert deleted.status_code == 204 and deleted.content == b""
    again = await client.delete(url + "/" + phone["id"].replace("|", "%7C"), headers=bearer(token))
    assert_error(again, 404, "Authentication method not found", "authentication_method_not_found")

    reset = await client.delete(url, headers=bearer(token))
    assert reset.status_code == 204
    empty = (await _get(client, token, url, include_totals="true", per_page="50")).json()
    assert empty == {"authenticators": [], "start": 0, "limit": 50}  # no total when empty
    user = (await _get(client, token, api(tenant, "users", ALAN_USER_ID))).json()
    assert "multifactor_last_modified" in user
    alan_logs = (await _get(client, token, api(tenant, "users", ALAN_USER_ID, "logs"))).json()
    assert [e["type"] for e in alan_logs] == ["gd_unenroll", "gd_unenroll"]
    assert (
        await _get(client, token, api(tenant, "users", ALAN_USER_ID, "enrollments"))
    ).json() == []


async def test_invalidate_remember_browser(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    token = await support_token(client, tenant)
    url = api(
        tenant, "users", DEMO_USER_ID, "multifactor", "actions", "invalidate-remember-browser"
    )
    no_body: dict[str, Any] = {}
    empty_json: dict[str, Any] = {"json": {}}
    for kwargs in (no_body, empty_json):
        response = await client.post(url, headers=bearer(token), **kwargs)
        assert response.status_code == 204 and response.content == b""
    assert DEMO_USER_ID in tenant.state.mfa.remembered_browsers_reset
    reader = tenant.state.mint_access_token(["read:users"])
    refused = await client.post(url, headers=bearer(reader))
    assert_error(
        refused, 403, "Insufficient scope, expected any of: update:users", "insufficient_scope"
    )


async def test_a_user_reads_only_their_own_enrollments(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    token = await user_token(client, tenant)
    own = await _get(client, token, api(tenant, "users", DEMO_USER_ID, "enrollments"))
    assert own.status_code == 200 and own.json()[0]["auth_method"] == "authenticator"
    other = await _get(client, token, api(tenant, "users", ALAN_USER_ID, "enrollments"))
    assert other.status_code == 403
    methods = await _get(
        client, token, api(tenant, "users", DEMO_USER_ID, "authentication-methods")
    )
    assert methods.status_code == 403


async def test_mfa_recordings(
    tenant_with: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    """Recorded GET/DELETE answers of the methods list, one method, the reset, the
    enrollments list and the remember-browser invalidation, replayed against a user with one
    e-mail method (as the recording's) and Charles (nothing enrolled)."""
    from tui_console.devtenant.mfa import AuthenticationMethod

    tenant = tenant_with(management_burst=100)
    tenant.state.mfa.add(
        SECOND_USER_ID,
        AuthenticationMethod(
            "email|dev_f0O81fTcftc0kN2v",
            "email",
            1678465551.113,
            name="Test",
            email="chuck334@example.com",
        ),
    )
    token = await support_token(client, tenant)
    checked = 0
    for name in ("authentication-methods", "enrollments", "invalidate-remember-browser"):
        for record in load_recordings(name):
            path: str = record["url_path"]
            if record["method"] not in ("GET", "DELETE", "POST") or "guardian" in path:
                continue
            if "recovery-code" in path or "google-authenticator" in path:
                continue
            if record["method"] == "POST" and "invalidate" not in path:
                continue  # creating methods is not served here
            if path.endswith("authentication-methods") and record["method"] == "GET":
                body = record["response_body"]
                if body["authenticators"] and len(body["authenticators"]) > 1:
                    continue  # after the PUT (not served here)
            user_part = path.split("/")[4]
            url = tenant.url(
                path.replace(user_part, SECOND_USER_ID.replace("|", "%7C")).lstrip("/")
            )
            response = await client.request(
                record["method"], url, params=record.get("query") or {}, headers=bearer(token)
            )
            assert response.status_code == record["status"], (path, response.text)
            assert response.headers["content-type"] == record["response_headers"]["Content-Type"]
            mine: Any = response.json() if response.content else None
            theirs = record["response_body"]
            if isinstance(mine, dict) and isinstance(theirs, dict) and "name" in theirs:
                mine["name"] = theirs["name"]  # the recording PATCHed the name in between
            problems = shape_differences(mine, theirs, set())
            assert not problems, f"{record['source']}: {problems}"
            checked += 1
    assert checked >= 6


async def test_the_story(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    token = await support_token(client, tenant)
    blocks = (await _get(client, token, api(tenant, "user-blocks", GRACE_USER_ID))).json()
    assert blocks["blocked_for"][0]["ip"] == GRACE_BLOCKED_IP
    grace_logs = (await _get(client, token, api(tenant, "users", GRACE_USER_ID, "logs"))).json()
    assert [e["type"] for e in grace_logs][:2] == ["f", "limit_wc"]
    sessions: list[dict[str, Any]] = []
    cursor: str | None = None
    url = api(tenant, "users", KATHERINE_USER_ID, "sessions")
    while True:
        params = {"take": "20"} | ({"from": cursor} if cursor else {})
        body = (await _get(client, token, url, **params)).json()
        sessions += body["sessions"]
        cursor = body.get("next")
        if cursor is None:
            break
    assert len(sessions) == KATHERINE_SESSIONS
    assert len({s["device"]["initial_user_agent"] for s in sessions}) >= 4
    assert any(len(s["authentication"]["methods"]) == 2 for s in sessions)
    tokens = (
        await _get(client, token, api(tenant, "users", KATHERINE_USER_ID, "refresh-tokens"))
    ).json()
    assert {t["session_id"] for t in tokens["tokens"]} <= {s["id"] for s in sessions}
