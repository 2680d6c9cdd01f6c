"""Token shapes and /oauth/token errors, as Auth0 issues them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from tests.devtenant.flows import device_tokens
from tui_console.devtenant import RunningTenant

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


async def test_api_access_token_claims_with_openid(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """``aud`` is [API, <issuer>userinfo]; ``azp`` the client; unknown scopes are left out."""
    tokens = await device_tokens(
        client, dev_tenant, scope="openid profile email offline_access read:current_user read:users"
    )
    assert tokens["scope"] == "openid profile email offline_access read:current_user"
    header = jwt.get_unverified_header(tokens["access_token"])
    assert header["alg"] == "RS256" and header["kid"] == dev_tenant.state.signing_key.kid
    claims = _claims(tokens["access_token"])
    assert claims["iss"] == dev_tenant.issuer
    assert claims["sub"] == dev_tenant.demo_user["user_id"]
    assert claims["aud"] == [dev_tenant.management_audience, dev_tenant.issuer + "userinfo"]
    assert claims["azp"] == dev_tenant.client_id
    assert claims["scope"] == tokens["scope"]
    assert isinstance(claims["iat"], int) and isinstance(claims["exp"], int)
    assert claims["exp"] - claims["iat"] == 86_400 == tokens["expires_in"]
    assert tokens["token_type"] == "Bearer"


async def test_api_access_token_audience_is_a_string_without_openid(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """One audience, one string; and no ID token without ``openid``."""
    tokens = await device_tokens(client, dev_tenant, scope="read:current_user")
    assert _claims(tokens["access_token"])["aud"] == dev_tenant.management_audience
    assert "id_token" not in tokens


async def test_no_audience_gives_an_opaque_access_token_and_an_id_token(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Without ``audience`` the access token is opaque (not a JWT)."""
    tokens = await device_tokens(client, dev_tenant, scope="openid email", audience=None)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", tokens["access_token"])
    assert tokens["access_token"].count(".") == 0
    assert tokens["scope"] == "openid email"
    assert _claims(tokens["id_token"])["aud"] == dev_tenant.client_id


async def test_id_token_claims(dev_tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    """Profile and email claims, ``updated_at`` as an ISO string, 10 h life, ``sid``."""
    claims = _claims((await device_tokens(client, dev_tenant))["id_token"])
    assert claims["iss"] == dev_tenant.issuer
    assert claims["sub"] == dev_tenant.demo_user["user_id"]
    assert claims["aud"] == dev_tenant.client_id == claims["azp"]
    assert claims["exp"] - claims["iat"] == 36_000
    assert claims["name"] == "Ada Lovelace" and claims["nickname"] == "ada"
    assert claims["email"] == "ada@example.com" and claims["email_verified"] is True
    assert str(claims["picture"]).startswith("https://s.gravatar.com/avatar/")
    assert ISO.match(str(claims["updated_at"]))
    assert claims["sid"]
    assert "nonce" not in claims  # the device flow has no nonce


async def test_settings_change_the_access_token_lifetime(
    make_dev_tenant: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    """``access_token_ttl`` drives both ``expires_in`` and ``exp``."""
    tenant = make_dev_tenant(access_token_ttl=3)
    tokens = await device_tokens(client, tenant)
    assert tokens["expires_in"] == 3
    claims = _claims(tokens["access_token"])
    assert claims["exp"] - claims["iat"] == 3


async def test_token_endpoint_errors_have_auth0_statuses(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Unknown grant 400, a grant the app lacks 403, unknown client 401, missing field 400."""
    url = dev_tenant.url("oauth/token")
    cid = dev_tenant.client_id
    cases = [
        ({"grant_type": "magic", "client_id": cid}, 400, "unsupported_grant_type"),
        ({"grant_type": "password", "client_id": cid}, 403, "unauthorized_client"),
        ({"grant_type": "refresh_token", "client_id": "n" * 32}, 401, "access_denied"),
        ({"client_id": cid}, 400, "invalid_request"),
        ({"grant_type": "refresh_token", "client_id": cid}, 400, "invalid_request"),
    ]
    for data, status, error in cases:
        response = await client.post(url, data=data)
        assert response.status_code == status, (data, response.text)
        assert response.headers["content-type"] == "application/json"
        assert response.json()["error"] == error
        assert set(response.json()) == {"error", "error_description"}
    password = await client.post(url, data={"grant_type": "password", "client_id": cid})
    assert password.json()["error_description"] == (
        "Grant type 'password' not allowed for the client."
    )
    assert dev_tenant.state.stats.token_requests == len(cases) + 1


async def test_token_endpoint_accepts_json_bodies(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Auth0 takes JSON as well as forms at /oauth/token."""
    tokens = await device_tokens(client, dev_tenant)
    response = await client.post(
        dev_tenant.url("oauth/token"),
        json={
            "grant_type": "refresh_token",
            "client_id": dev_tenant.client_id,
            "refresh_token": tokens["refresh_token"],
        },
    )
    assert response.status_code == 200, response.text
    broken = await client.post(
        dev_tenant.url("oauth/token"),
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert broken.status_code == 400
    assert broken.json()["error"] == "invalid_request"
