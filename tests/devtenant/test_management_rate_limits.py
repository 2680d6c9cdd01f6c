"""Management API rate limits: headers on every answer, per-user and tenant-wide 429s."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from tests.devtenant.mgmt import JSON_UTF8, api, assert_error, bearer, rate_headers, user_token
from tui_console.devtenant import RunningTenant, TenantSettings
from tui_console.devtenant.seed import DEMO_USER_ID, SECOND_USER_ID

TOO_MANY = {
    "statusCode": 429,
    "error": "Too Many Requests",
    "message": "Global limit has been reached",
    "errorCode": "too_many_requests",
}


def test_settings_defaults_and_validation() -> None:
    """Small defaults so the demo's gauges move; nonsense is refused."""
    s = TenantSettings()
    assert (s.management_burst, s.management_refill_per_minute) == (10, 10)
    assert (s.management_global_burst, s.management_global_refill_per_second) == (50, 16)
    assert (s.device_credentials_write_burst, s.device_credentials_write_refill_per_minute) == (
        5,
        100,
    )
    for bad in (
        {"management_burst": 0},
        {"management_global_refill_per_second": 0},
        {"device_credentials_write_burst": -1},
    ):
        with pytest.raises(ValueError):
            TenantSettings(**bad)  # type: ignore[arg-type]


async def test_every_answer_counts_down_and_reset_is_when_full(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Burst 10 at 10/min: remaining 9..0 across endpoints and outcomes (200, 403, 404), reset
    = now + used × 6 s; then 429 with Auth0's body, and the counters say so."""
    token = await user_token(client, tenant)
    urls = [
        api(tenant, "users", DEMO_USER_ID),
        api(tenant, "users", SECOND_USER_ID),  # 403: still counted
        api(tenant, "device-credentials"),  # 403 insufficient scope: still counted
    ]
    seen = []
    for n in range(10):
        response = await client.get(urls[n % 3], headers=bearer(token))
        assert response.status_code in (200, 403)
        limit, remaining, reset = rate_headers(response)
        assert limit == 10
        full_again = time.time() + (limit - remaining) * 6
        assert full_again - 2 <= reset <= full_again + 2
        seen.append(remaining)
    assert seen == list(range(9, -1, -1))

    limited = await client.get(urls[0], headers=bearer(token))
    assert limited.status_code == 429
    assert limited.json() == TOO_MANY
    assert limited.headers["content-type"] == JSON_UTF8
    assert rate_headers(limited)[:2] == (10, 0)
    assert rate_headers(limited)[2] >= int(time.time()) + 59
    stats = tenant.state.stats
    assert stats.management_requests == 11
    assert stats.management_429s == 1
    assert stats.management_requests_on_empty_bucket == 1


async def test_one_refill_interval_buys_one_request(
    tenant_with: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    """A token bucket: after a 429, 60 / refill seconds give one more request, not a burst."""
    tenant = tenant_with(management_burst=2, management_refill_per_minute=6)
    token = await user_token(client, tenant)
    url = api(tenant, "users", DEMO_USER_ID)
    statuses = [(await client.get(url, headers=bearer(token))).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    tenant.state.advance_clock(10.5)
    assert (await client.get(url, headers=bearer(token))).status_code == 200
    assert (await client.get(url, headers=bearer(token))).status_code == 429
    tenant.state.advance_clock(60)
    response = await client.get(url, headers=bearer(token))
    assert response.status_code == 200 and rate_headers(response)[1] == 1


async def test_buckets_are_per_user(
    tenant_with: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    """Ada running dry does not slow Charles down."""
    tenant = tenant_with(management_burst=2)
    ada = await user_token(client, tenant)
    for _ in range(3):
        await client.get(api(tenant, "users", DEMO_USER_ID), headers=bearer(ada))
    charles = await user_token(client, tenant, user_id=SECOND_USER_ID)
    response = await client.get(api(tenant, "users", SECOND_USER_ID), headers=bearer(charles))
    assert response.status_code == 200 and rate_headers(response)[:2] == (2, 1)


async def test_the_tenant_wide_bucket_stops_everyone(
    tenant_with: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    """With the global bucket drained every caller gets the 429 and its headers report that
    bucket; while it has fewer tokens than the caller's, its numbers are the ones reported."""
    tenant = tenant_with(management_global_burst=3, management_global_refill_per_second=0.1)
    ada = await user_token(client, tenant)
    charles = await user_token(client, tenant, user_id=SECOND_USER_ID)
    first = await client.get(api(tenant, "users", DEMO_USER_ID), headers=bearer(ada))
    assert rate_headers(first)[:2] == (3, 2)  # global: 2 left, Ada's own bucket: 9
    tenant.state.limits.drain("global")
    for token, user in ((ada, DEMO_USER_ID), (charles, SECOND_USER_ID)):
        response = await client.get(api(tenant, "users", user), headers=bearer(token))
        assert response.status_code == 429 and response.json() == TOO_MANY
        assert rate_headers(response)[:2] == (3, 0)
    assert tenant.state.stats.management_requests_on_empty_bucket == 2


async def test_device_credential_writes_have_their_own_bucket(
    tenant_with: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    """POST/DELETE draw from a 5-per-user bucket; reads keep their own; draining Ada's writes
    with the helper makes the next write a 429 without touching her read bucket."""
    tenant = tenant_with()
    token = await user_token(client, tenant)
    url = api(tenant, "device-credentials", "dcr_nothing")
    response = await client.delete(url, headers=bearer(token))
    assert response.status_code == 204 and rate_headers(response)[:2] == (5, 4)
    tenant.state.limits.drain("device_credentials_write", DEMO_USER_ID)
    limited = await client.delete(url, headers=bearer(token))
    assert limited.status_code == 429 and rate_headers(limited)[:2] == (5, 0)
    read = await client.get(api(tenant, "users", DEMO_USER_ID), headers=bearer(token))
    assert read.status_code == 200 and rate_headers(read)[:2] == (10, 9)
    tenant.state.limits.rebuild()
    again = await client.delete(url, headers=bearer(token))
    assert again.status_code == 204 and rate_headers(again)[:2] == (5, 4)


async def test_401s_spend_nothing(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    """Requests without a valid token are refused before any bucket is touched."""
    for _ in range(12):
        response = await client.get(api(tenant, "users", DEMO_USER_ID))
        assert_error(response, 401, "Missing authentication")
    token = await user_token(client, tenant)
    ok = await client.get(api(tenant, "users", DEMO_USER_ID), headers=bearer(token))
    assert ok.status_code == 200 and rate_headers(ok)[:2] == (10, 9)
    assert tenant.state.stats.management_429s == 0
