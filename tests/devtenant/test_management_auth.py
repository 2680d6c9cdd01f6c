"""Who may call the Management API: Auth0's 401s, the audience check, unknown routes."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.devtenant.flows import device_tokens
from tests.devtenant.mgmt import JSON_UTF8, admin_token, api, assert_error, bearer, user_token
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.seed import DEMO_USER_ID


def _assert_401(response: httpx.Response, message: str) -> None:
    """As recorded: JSON body without errorCode, a bare ``WWW-Authenticate: Bearer``, and no
    rate-limit headers."""
    assert_error(response, 401, message)
    assert response.headers["www-authenticate"] == "Bearer"
    assert not any(name.startswith("x-ratelimit") for name in response.headers)


async def test_requests_without_a_bearer_token_get_missing_authentication(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """No header, Basic credentials (the 2021 recording) or an empty bearer: 401."""
    url = api(tenant, "users", DEMO_USER_ID)
    _assert_401(await client.get(url), "Missing authentication")
    basic = await client.post(
        api(tenant, "device-credentials"),
        auth=("Username-Password-Authentication\\ada@example.com", "lovelace"),
        json={"device_name": "x", "type": "public_key", "value": "dmFsdWU=", "device_id": "d"},
    )
    _assert_401(basic, "Missing authentication")
    _assert_401(
        await client.get(url, headers={"Authorization": "Bearer"}), "Missing authentication"
    )
    assert tenant.state.stats.management_requests == 3
    assert tenant.state.device_credentials.keys() == {
        "dcr_Ad4L0v3lac3K3y01",
        "dcr_Ad4R3fr3shT0k3n2",
        "dcr_Ad4R0t4t1ngT0k3n",
    }


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", "x" * 40])
async def test_garbage_tokens_are_invalid(
    tenant: RunningTenant, client: httpx.AsyncClient, token: str
) -> None:
    _assert_401(
        await client.get(api(tenant, "users", DEMO_USER_ID), headers=bearer(token)),
        "Invalid token.",
    )


async def test_tokens_from_elsewhere_or_expired_are_invalid(
    tenant: RunningTenant,
    make_dev_tenant: Callable[..., RunningTenant],
    client: httpx.AsyncClient,
) -> None:
    """Another tenant's token, an opaque /userinfo token, or one past ``exp``: 401."""
    stranger = make_dev_tenant()
    url = api(tenant, "users", DEMO_USER_ID)
    foreign = await user_token(client, stranger)
    _assert_401(await client.get(url, headers=bearer(foreign)), "Invalid token.")
    opaque = (await device_tokens(client, tenant, scope="openid", audience=None))["access_token"]
    _assert_401(await client.get(url, headers=bearer(opaque)), "Invalid token.")
    token = await user_token(client, tenant)
    assert (await client.get(url, headers=bearer(token))).status_code == 200
    tenant.state.advance_clock(86_401)
    _assert_401(await client.get(url, headers=bearer(token)), "Invalid token.")


async def test_a_token_for_another_api_gets_bad_audience(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Signed by this tenant, but ``aud`` is another API: "Bad audience: <aud>"."""
    token = tenant.state.mint_access_token(
        ["read:current_user"], sub=DEMO_USER_ID, audience="https://api.example.com/"
    )
    _assert_401(
        await client.get(api(tenant, "users", DEMO_USER_ID), headers=bearer(token)),
        "Bad audience: https://api.example.com/",
    )


async def test_an_openid_token_with_two_audiences_is_accepted(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """``aud`` = [Management API, userinfo] (openid was asked for) still names this API."""
    token = await user_token(client, tenant)
    response = await client.get(api(tenant, "users", DEMO_USER_ID), headers=bearer(token))
    assert response.status_code == 200


async def test_unknown_routes_and_methods_get_hapis_404(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Auth0 (Hapi) answers a route it lacks, or a method a route lacks, with this body."""
    admin = admin_token(tenant)
    for method, path in (
        ("GET", "api/v2/roles"),
        ("PUT", api(tenant, "users", DEMO_USER_ID)),
        ("GET", api(tenant, "device-credentials", "dcr_x")),
        ("GET", "api/v2/"),
    ):
        url = path if path.startswith("http") else tenant.url(path)
        response = await client.request(method, url, headers=bearer(admin))
        assert_error(response, 404, "Not Found")
        assert response.headers["content-type"] == JSON_UTF8
