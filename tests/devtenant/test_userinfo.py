"""/userinfo: Auth0's 401 shape, scope-limited claims and the per-user rate limit."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import httpx

from tests.devtenant.flows import device_tokens, poll, start_device
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.seed import SECOND_USER_ID

TOO_MANY = {
    "error": "too_many_requests",
    "error_description": (
        "Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and "
        "X-RateLimit-Reset headers."
    ),
}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


async def _userinfo(
    client: httpx.AsyncClient, tenant: RunningTenant, token: str | None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await client.get(tenant.url("userinfo"), headers=headers)


def _assert_auth0_401(response: httpx.Response, reason: str) -> None:
    assert response.status_code == 401
    assert response.content == b"Unauthorized"
    assert "content-type" not in response.headers
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="Users", error="invalid_token", error_description="')
    assert reason in challenge
    assert response.headers["x-ratelimit-limit"] == "1000"
    assert int(response.headers["x-ratelimit-remaining"]) < 1000


async def test_missing_and_bad_tokens_get_a_plain_401_with_www_authenticate(
    make_dev_tenant: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    """No token, garbage, or another tenant's token: ``Unauthorized`` and no Content-Type."""
    tenant, stranger = make_dev_tenant(), make_dev_tenant()
    _assert_auth0_401(await _userinfo(client, tenant, None), "Missing")
    _assert_auth0_401(await _userinfo(client, tenant, "not-a-token"), "Invalid token")
    foreign = (await device_tokens(client, stranger))["access_token"]
    _assert_auth0_401(await _userinfo(client, tenant, foreign), "signature")
    assert tenant.state.stats.userinfo_requests == 3


async def test_expired_tokens_are_refused(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Past ``exp`` (86,400 s) the same token gets the 401."""
    token = (await device_tokens(client, dev_tenant))["access_token"]
    assert (await _userinfo(client, dev_tenant, token)).status_code == 200
    dev_tenant.state.advance_clock(86_401)
    _assert_auth0_401(await _userinfo(client, dev_tenant, token), "expired")


async def test_claims_follow_the_granted_scopes(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """``profile`` releases the name claims, ``email`` the address; ``sub`` always."""
    full = await _userinfo(
        client, dev_tenant, (await device_tokens(client, dev_tenant))["access_token"]
    )
    assert full.status_code == 200
    assert full.headers["content-type"] == "application/json; charset=utf-8"
    claims = full.json()
    assert claims["sub"] == dev_tenant.demo_user["user_id"]
    assert claims["name"] == "Ada Lovelace" and claims["nickname"] == "ada"
    assert claims["email"] == "ada@example.com" and claims["email_verified"] is True
    assert claims["picture"].startswith("https://s.gravatar.com/avatar/")
    assert ISO.match(claims["updated_at"])

    email_only = await device_tokens(
        client, dev_tenant, scope="openid email", audience=dev_tenant.management_audience
    )
    limited = (await _userinfo(client, dev_tenant, email_only["access_token"])).json()
    assert set(limited) == {"sub", "email", "email_verified"}


async def test_an_api_token_without_openid_is_not_accepted(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """An access token for the Management API alone (no ``openid``) cannot read /userinfo."""
    tokens = await device_tokens(client, dev_tenant, scope="read:current_user")
    _assert_auth0_401(await _userinfo(client, dev_tenant, tokens["access_token"]), "")


async def test_rate_limit_headers_count_down_then_429(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Burst 10 at 5/min: remaining 9..0, then 429 with Auth0's body; Reset is when full."""
    token = (await device_tokens(client, dev_tenant))["access_token"]
    seen = []
    for _ in range(10):
        response = await _userinfo(client, dev_tenant, token)
        assert response.status_code == 200
        limit = int(response.headers["x-ratelimit-limit"])
        remaining = int(response.headers["x-ratelimit-remaining"])
        reset = int(response.headers["x-ratelimit-reset"])
        full_again = time.time() + (limit - remaining) * 12  # one token per 12 s
        assert full_again - 2 <= reset <= full_again + 2
        seen.append(remaining)
    assert seen == list(range(9, -1, -1))
    assert int(response.headers["x-ratelimit-limit"]) == 10

    limited = await _userinfo(client, dev_tenant, token)
    assert limited.status_code == 429
    assert limited.json() == TOO_MANY
    assert limited.headers["content-type"].startswith("application/json")
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert int(limited.headers["x-ratelimit-reset"]) >= int(time.time()) + 119


async def test_the_bucket_refills_one_request_per_interval(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """After a 429, 12 s buys one request; two minutes refill the bucket."""
    token = (await device_tokens(client, dev_tenant))["access_token"]
    for _ in range(10):
        await _userinfo(client, dev_tenant, token)
    assert (await _userinfo(client, dev_tenant, token)).status_code == 429
    dev_tenant.state.advance_clock(12.5)
    one_more = await _userinfo(client, dev_tenant, token)
    assert one_more.status_code == 200
    assert one_more.headers["x-ratelimit-remaining"] == "0"
    assert (await _userinfo(client, dev_tenant, token)).status_code == 429
    dev_tenant.state.advance_clock(120)
    full = await _userinfo(client, dev_tenant, token)
    assert full.headers["x-ratelimit-remaining"] == "9"


async def test_buckets_are_per_user(dev_tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    """Ada running out does not slow Charles down."""
    ada = (await device_tokens(client, dev_tenant))["access_token"]
    for _ in range(11):
        await _userinfo(client, dev_tenant, ada)
    code = await start_device(client, dev_tenant)
    dev_tenant.state.approve_pending_device_codes(user_id=SECOND_USER_ID)
    charles = (await poll(client, dev_tenant, code["device_code"])).json()["access_token"]
    response = await _userinfo(client, dev_tenant, charles)
    assert response.status_code == 200
    assert response.json()["email"] == "charles@example.com"
    assert response.headers["x-ratelimit-remaining"] == "9"


async def test_opaque_token_without_audience_works_only_at_userinfo(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """No ``audience``: a 32-character opaque token that /userinfo accepts until it expires."""
    tokens = await device_tokens(client, dev_tenant, scope="openid profile", audience=None)
    token = tokens["access_token"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    response = await _userinfo(client, dev_tenant, token)
    assert response.status_code == 200
    assert set(response.json()) >= {"sub", "name", "nickname", "picture", "updated_at"}
    assert "email" not in response.json()
    dev_tenant.state.advance_clock(86_401)
    _assert_auth0_401(await _userinfo(client, dev_tenant, token), "expired")
