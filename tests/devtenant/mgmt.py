"""Helpers for the Management API tests: tokens through the tenant's real flows, URLs, checks.

User tokens come from the device flow (approved at the tenant as the user) and ID tokens for
``link_with`` from the authorization-code flow in a form-posting browser, as the console gets
them. Admin (machine-to-machine) tokens, which a person's sign-in never yields, are minted by
:meth:`TenantState.mint_access_token`. Nothing here imports the client (``tui_console.auth``,
``tui_console.management``): the tenant is checked on its own terms.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx

from tests.devtenant.flows import (
    Browser,
    authorize_params,
    pkce_pair,
    poll,
    query_of,
    start_device,
)
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.seed import DEMO_USER_ID, MANAGEMENT_API_SCOPES

#: Every current-user scope plus the OIDC ones: what the console asks for.
USER_SCOPE = "openid profile email offline_access " + " ".join(sorted(MANAGEMENT_API_SCOPES))
JSON_UTF8 = "application/json; charset=utf-8"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ADMIN_SCOPES = (
    "read:users",
    "update:users",
    "update:users_app_metadata",
    "read:device_credentials",
    "delete:device_credentials",
)


async def user_token(
    client: httpx.AsyncClient,
    tenant: RunningTenant,
    *,
    user_id: str = DEMO_USER_ID,
    scope: str = USER_SCOPE,
) -> str:
    """A Management API access token for ``user_id`` through the device flow."""
    started = await start_device(client, tenant, scope=scope)
    assert tenant.state.approve_pending_device_codes(user_id=user_id) == 1
    response = await poll(client, tenant, started["device_code"])
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def admin_token(tenant: RunningTenant, *scopes: str) -> str:
    """A machine-to-machine Management token (``<client>@clients``) with ``scopes``."""
    return tenant.state.mint_access_token(scopes or ADMIN_SCOPES)


async def browser_id_token(
    tenant: RunningTenant, email: str, password: str, *, client: httpx.AsyncClient
) -> str:
    """An ID token for ``email`` from the authorization-code flow (login, consent, exchange),
    as the console's "link another account" sign-in gets it."""
    browser = Browser(tenant)
    try:
        verifier, challenge = pkce_pair()
        params = authorize_params(tenant, challenge, scope="openid profile email", prompt="login")
        del params["audience"]
        login = await browser.open("/authorize", params=params)
        page = await browser.log_in(login, email=email, password=password)
        if "/u/consent" in str(page.url):
            page = await browser.submit(page, "accept")
        code = query_of(page.headers["location"])["code"]
    finally:
        await browser.aclose()
    response = await client.post(
        tenant.url("oauth/token"),
        data={
            "grant_type": "authorization_code",
            "client_id": tenant.client_id,
            "code": code,
            "code_verifier": verifier,
            "redirect_uri": params["redirect_uri"],
        },
    )
    assert response.status_code == 200, response.text
    id_token: str = response.json()["id_token"]
    return id_token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def api(tenant: RunningTenant, *segments: str) -> str:
    """``<issuer>api/v2/<segments>``, each segment percent-encoded (``|`` as ``%7C``)."""
    return tenant.url("api/v2/" + "/".join(quote(s, safe="") for s in segments))


def assert_error(
    response: httpx.Response, status: int, message: str, error_code: str | None = None
) -> dict[str, Any]:
    """An Auth0 Management error: the status, exactly these keys, JSON with charset."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON_UTF8
    body: dict[str, Any] = response.json()
    expected: dict[str, Any] = {
        "statusCode": status,
        "error": httpx.codes.get_reason_phrase(status),
        "message": message,
    }
    if error_code is not None:
        expected["errorCode"] = error_code
    assert body == expected
    return body


def rate_headers(response: httpx.Response) -> tuple[int, int, int]:
    """``(limit, remaining, reset)`` from the ``X-RateLimit-*`` headers."""
    return (
        int(response.headers["x-ratelimit-limit"]),
        int(response.headers["x-ratelimit-remaining"]),
        int(response.headers["x-ratelimit-reset"]),
    )
