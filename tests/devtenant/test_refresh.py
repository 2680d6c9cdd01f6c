"""Refresh-token rotation, reuse detection, leeway, lifetimes and revocation."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import jwt

from tests.devtenant.flows import device_tokens, refresh
from tui_console.devtenant import RunningTenant

INVALID = {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}


async def test_each_exchange_rotates_the_refresh_token(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """A refresh returns new access, ID and refresh tokens; the new refresh token works."""
    tokens = await device_tokens(client, dev_tenant)
    response = await refresh(client, dev_tenant, tokens["refresh_token"])
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    rotated = response.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert rotated["scope"] == tokens["scope"]
    assert rotated["expires_in"] == 86400 and rotated["token_type"] == "Bearer"
    assert "id_token" in rotated
    again = await refresh(client, dev_tenant, rotated["refresh_token"])
    assert again.status_code == 200
    assert dev_tenant.state.stats.refresh_exchanges == 2
    assert dev_tenant.state.stats.reuse_detections == 0


async def test_reusing_a_rotated_token_revokes_the_whole_family(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """The old token is refused, counted as reuse, and the newest token dies with it."""
    tokens = await device_tokens(client, dev_tenant)
    old = tokens["refresh_token"]
    new = (await refresh(client, dev_tenant, old)).json()["refresh_token"]
    reused = await refresh(client, dev_tenant, old)
    assert reused.status_code == 403
    assert reused.json() == INVALID
    assert reused.headers["content-type"] == "application/json"
    assert dev_tenant.state.stats.reuse_detections == 1
    assert (await refresh(client, dev_tenant, new)).json() == INVALID
    assert dev_tenant.state.refresh_tokens.family_revoked(new) is True
    assert dev_tenant.state.stats.reuse_detections == 1  # a revoked family is not reuse again
    assert dev_tenant.state.stats.refresh_exchanges == 1


async def test_leeway_lets_only_the_immediately_previous_token_be_reused(
    make_dev_tenant: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    """Inside the overlap period the previous token works again; the one before it does not."""
    tenant = make_dev_tenant(refresh_reuse_leeway=30)
    rt0 = (await device_tokens(client, tenant))["refresh_token"]
    rt1 = (await refresh(client, tenant, rt0)).json()["refresh_token"]
    overlap = await refresh(client, tenant, rt0)
    assert overlap.status_code == 200, overlap.text
    assert tenant.state.stats.reuse_detections == 0
    rt2 = (await refresh(client, tenant, rt1)).json()["refresh_token"]
    assert rt2
    second_to_last = await refresh(client, tenant, rt0)
    assert second_to_last.status_code == 403
    assert tenant.state.stats.reuse_detections == 1


async def test_leeway_ends_after_its_period(
    make_dev_tenant: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    """Past the overlap period the previous token counts as reuse."""
    tenant = make_dev_tenant(refresh_reuse_leeway=30)
    rt0 = (await device_tokens(client, tenant))["refresh_token"]
    assert (await refresh(client, tenant, rt0)).status_code == 200
    tenant.state.advance_clock(31)
    late = await refresh(client, tenant, rt0)
    assert late.status_code == 403
    assert tenant.state.stats.reuse_detections == 1


async def test_idle_lifetime_is_renewed_by_each_exchange(
    make_dev_tenant: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    """Used every 60 s a 100 s idle lifetime holds; 101 s of silence ends the family."""
    tenant = make_dev_tenant(refresh_idle_ttl=100, refresh_absolute_ttl=10_000)
    token = (await device_tokens(client, tenant))["refresh_token"]
    for _ in range(2):
        tenant.state.advance_clock(60)
        response = await refresh(client, tenant, token)
        assert response.status_code == 200, response.text
        token = response.json()["refresh_token"]
    tenant.state.advance_clock(101)
    idle = await refresh(client, tenant, token)
    assert idle.status_code == 403
    assert idle.json() == INVALID
    assert tenant.state.stats.reuse_detections == 0


async def test_absolute_lifetime_ends_the_family_despite_use(
    make_dev_tenant: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    """Rotation does not extend the absolute lifetime (auth0-reference.md §3.4)."""
    tenant = make_dev_tenant(refresh_idle_ttl=100, refresh_absolute_ttl=150)
    token = (await device_tokens(client, tenant))["refresh_token"]
    for _ in range(2):
        tenant.state.advance_clock(60)
        token = (await refresh(client, tenant, token)).json()["refresh_token"]
    tenant.state.advance_clock(60)  # 180 s after sign-in, 60 s after the last use
    response = await refresh(client, tenant, token)
    assert response.status_code == 403
    assert response.json() == INVALID


async def test_revoke_answers_200_with_an_empty_body_and_ends_the_family(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """``/oauth/revoke`` is 200 with no body; the token (and its family) stop working."""
    tokens = await device_tokens(client, dev_tenant)
    rotated = (await refresh(client, dev_tenant, tokens["refresh_token"])).json()
    url = dev_tenant.url("oauth/revoke")
    response = await client.post(
        url, data={"client_id": dev_tenant.client_id, "token": rotated["refresh_token"]}
    )
    assert response.status_code == 200
    assert response.content == b""
    assert dev_tenant.state.stats.revocations == 1
    assert (await refresh(client, dev_tenant, rotated["refresh_token"])).json() == INVALID

    unknown = await client.post(url, data={"client_id": dev_tenant.client_id, "token": "nope"})
    assert unknown.status_code == 200 and unknown.content == b""
    assert dev_tenant.state.stats.revocations == 1


async def test_revoke_without_client_or_token_is_a_json_400(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Missing parameters: 400 ``invalid_request``; an unknown client: 401."""
    url = dev_tenant.url("oauth/revoke")
    no_token = await client.post(url, data={"client_id": dev_tenant.client_id})
    assert no_token.status_code == 400
    assert no_token.json() == {
        "error": "invalid_request",
        "error_description": "Missing required parameter: token",
    }
    no_client = await client.post(url, data={"token": "abc"})
    assert no_client.status_code == 400
    assert no_client.json()["error"] == "invalid_request"
    stranger = await client.post(url, data={"client_id": "z" * 32, "token": "abc"})
    assert stranger.status_code == 401


async def test_no_refresh_token_without_offline_access(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """``offline_access`` is what asks for a refresh token."""
    tokens = await device_tokens(client, dev_tenant, scope="openid profile read:current_user")
    assert "refresh_token" not in tokens
    assert tokens["scope"] == "openid profile read:current_user"


async def test_refresh_can_narrow_scopes_but_keeps_the_grant(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """A ``scope`` on refresh narrows that token only; the next refresh has all scopes again."""
    tokens = await device_tokens(client, dev_tenant)
    narrow = await refresh(client, dev_tenant, tokens["refresh_token"], scope="openid email")
    assert narrow.json()["scope"] == "openid email"
    access = jwt.decode(narrow.json()["access_token"], options={"verify_signature": False})
    assert access["scope"] == "openid email"
    full = await refresh(client, dev_tenant, narrow.json()["refresh_token"])
    assert full.json()["scope"] == tokens["scope"]


async def test_refresh_for_another_audience_is_refused_without_burning_the_token(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Without MRRT a refresh token serves its own audience only."""
    tokens = await device_tokens(client, dev_tenant)
    other = await refresh(
        client, dev_tenant, tokens["refresh_token"], audience="https://other.example/"
    )
    assert other.status_code == 403
    assert other.json()["error"] == "access_denied"
    assert (await refresh(client, dev_tenant, tokens["refresh_token"])).status_code == 200
    assert dev_tenant.state.stats.reuse_detections == 0
