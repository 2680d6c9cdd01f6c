"""Helpers for the support-console tests: machine sign-ins as a real support client makes them.

Client assertions are built here with pyjwt from the PEM the tenant wrote, as any client
would; nothing imports the console's own auth code. :func:`load_recordings` reads the
support recordings and, under ``CI=true``, fails instead of skipping when they are missing,
so a CI run cannot pass by not checking.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt

from tui_console.devtenant import RunningTenant
from tui_console.devtenant.machine_clients import ASSERTION_TYPE


def client_assertion(tenant: RunningTenant, **overrides: Any) -> str:
    """A client assertion for the JWT support client (auth0-reference.md §8.7 [K1]).

    ``overrides`` replace claims (a value of None drops the claim); ``alg`` and ``key_file``
    pick the algorithm and the signing key.
    """
    client_id = tenant.support_jwt_client["client_id"]
    alg = overrides.pop("alg", "RS256")
    key_file = overrides.pop("key_file", tenant.support_jwt_client["private_key_file"])
    now = int(tenant.state.now())
    claims: dict[str, Any] = {
        "iss": client_id,
        "sub": client_id,
        "aud": tenant.issuer,
        "iat": now,
        "exp": now + 60,
        "jti": str(uuid.uuid4()),
    }
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, Path(key_file).read_text(), algorithm=alg)


async def secret_token(
    client: httpx.AsyncClient, tenant: RunningTenant, scope: str | None = None
) -> httpx.Response:
    """``client_credentials`` for the secret support client (``client_secret_post``)."""
    data = {
        "grant_type": "client_credentials",
        "client_id": tenant.support_client["client_id"],
        "client_secret": tenant.support_client["client_secret"],
        "audience": tenant.management_audience,
    }
    if scope is not None:
        data["scope"] = scope
    return await client.post(tenant.url("oauth/token"), data=data)


async def jwt_token(
    client: httpx.AsyncClient, tenant: RunningTenant, assertion: str | None = None
) -> httpx.Response:
    """``client_credentials`` for the JWT support client with ``assertion`` (a fresh one)."""
    return await client.post(
        tenant.url("oauth/token"),
        data={
            "grant_type": "client_credentials",
            "client_id": tenant.support_jwt_client["client_id"],
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion or client_assertion(tenant),
            "audience": tenant.management_audience,
        },
    )


async def support_token(client: httpx.AsyncClient, tenant: RunningTenant) -> str:
    """A Management token for the secret support client with its whole client grant."""
    response = await secret_token(client, tenant)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token
