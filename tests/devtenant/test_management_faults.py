"""Failure injection: armed failures answer with Auth0-shaped bodies, then the API recovers."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.devtenant.mgmt import admin_token, api, assert_error, bearer, rate_headers, user_token
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.seed import DEMO_USER_ID


async def test_each_status_gets_an_auth0_body_for_its_endpoint(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """401 (with the Bearer challenge), 403 listing the endpoint's scopes, 404, 409 worded for
    the endpoint, 429 reporting an empty bucket, 500; each used once, then the real answer."""
    token = await user_token(client, tenant)
    state = tenant.state
    user = api(tenant, "users", DEMO_USER_ID)
    link = api(tenant, "users", DEMO_USER_ID, "identities")
    keys = api(tenant, "device-credentials")

    state.inject_failure("users", 401)
    response = await client.get(user, headers=bearer(token))
    assert_error(response, 401, "Invalid token.")
    assert response.headers["www-authenticate"] == "Bearer"

    state.inject_failure("users", 403)
    assert_error(
        await client.get(user, headers=bearer(token)),
        403,
        "Insufficient scope, expected any of: read:users,read:current_user,read:user_idp_tokens",
        "insufficient_scope",
    )
    state.inject_failure("users", 404)
    assert_error(
        await client.get(user, headers=bearer(token)),
        404,
        "The user does not exist.",
        "inexistent_user",
    )
    state.inject_failure(f"users/{DEMO_USER_ID}/identities", 409)
    response = await client.post(link, headers=bearer(token), json={"link_with": "x"})
    assert_error(response, 409, "Specified identity already exists.")
    state.inject_failure("/api/v2/device-credentials", 409, method="POST")
    response = await client.post(keys, headers=bearer(token), json={})
    assert_error(response, 409, "A public key already exists for the device.")

    state.inject_failure("users", 429)
    limited = await client.get(user, headers=bearer(token))
    assert_error(limited, 429, "Global limit has been reached", "too_many_requests")
    limit, remaining, reset = rate_headers(limited)
    assert (limit, remaining) == (10, 0) and reset >= int(time.time()) + 59

    state.inject_failure("users", 500)
    assert_error(
        await client.get(user, headers=bearer(token)), 500, "An internal server error occurred"
    )

    recovered = await client.get(user, headers=bearer(token))
    assert recovered.status_code == 200
    assert state.stats.management_injected_failures == 7
    assert state.stats.management_429s == 1
    assert state.stats.management_requests_on_empty_bucket == 0
    assert state.failures.pending() == []


async def test_times_method_body_and_headers(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """``times`` answers that many matching requests; other methods and paths pass through; a
    custom body and headers are sent as given; ``hits`` counts."""
    token = await user_token(client, tenant)
    state = tenant.state
    custom = {"statusCode": 503, "error": "Service Unavailable", "message": "Maintenance"}
    failure = state.inject_failure(
        "users", 503, times=2, method="patch", body=custom, headers={"Retry-After": "7"}
    )
    user = api(tenant, "users", DEMO_USER_ID)
    assert (await client.get(user, headers=bearer(token))).status_code == 200
    other = await client.get(api(tenant, "device-credentials"), headers=bearer(token))
    assert other.status_code == 403  # the real answer
    for _ in range(2):
        response = await client.patch(user, headers=bearer(token), json={"user_metadata": {}})
        assert response.status_code == 503 and response.json() == custom
        assert response.headers["retry-after"] == "7"
        assert "x-ratelimit-limit" in response.headers
    assert failure.hits == 2 and failure.remaining == 0
    response = await client.patch(user, headers=bearer(token), json={"user_metadata": {"a": 1}})
    assert response.status_code == 200
    metadata = tenant.state.users[DEMO_USER_ID].user_metadata
    assert metadata is not None and metadata["a"] == 1
    assert metadata["theme"] == "dark"  # the injected ``{}`` PATCHes were never applied


async def test_a_delay_stalls_the_request_until_the_client_times_out(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """``status=None`` with a delay: a slow request that, given time, is answered normally."""
    token = await user_token(client, tenant)
    user = api(tenant, "users", DEMO_USER_ID)
    tenant.state.inject_failure("users", None, delay=5)
    with pytest.raises(httpx.ReadTimeout):
        await client.get(user, headers=bearer(token), timeout=0.3)
    tenant.state.inject_failure("users", None, delay=0.2, method="PATCH")
    started = time.monotonic()
    response = await client.patch(
        user, headers=bearer(token), json={"user_metadata": {"slow": True}}
    )
    assert response.status_code == 200 and time.monotonic() - started >= 0.2
    assert response.json()["user_metadata"]["slow"] is True  # the body survived the stall


async def test_injections_apply_after_authentication_and_can_be_cleared(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """A request without a token still gets its real 401 and leaves the injection armed;
    clear_failures disarms everything."""
    state = tenant.state
    failure = state.inject_failure("users", 500, times=3)
    user = api(tenant, "users", DEMO_USER_ID)
    assert_error(await client.get(user), 401, "Missing authentication")
    assert failure.hits == 0
    state.clear_failures()
    admin = admin_token(tenant, "read:users")
    assert (await client.get(user, headers=bearer(admin))).status_code == 200


def test_nonsense_injections_are_refused(tenant: RunningTenant) -> None:
    state = tenant.state
    for args, kwargs in (
        (("users", 200), {}),
        (("users", None), {}),
        (("users", 500), {"times": 0}),
        (("users", 500), {"delay": -1}),
    ):
        with pytest.raises(ValueError):
            state.inject_failure(*args, **kwargs)  # type: ignore[arg-type]
    assert state.failures.pending() == []
