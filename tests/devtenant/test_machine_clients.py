"""The support applications' client-credentials sign-in (auth0-reference.md §8.7).

Both client-authentication methods are exercised as a support tool would use them: the secret
in the form or as HTTP Basic, and a client assertion signed with the PEM that the tenant wrote
for ``dev-tenant``'s first line. The token must then open the Management API's admin
endpoints, and the refusals must carry Auth0's error bodies.
"""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.devtenant.mgmt import api, bearer
from tests.devtenant.support import client_assertion, jwt_token, secret_token
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.seed import DEMO_USER_ID, SUPPORT_SCOPES


def _claims(tenant: RunningTenant, token: str) -> dict[str, object]:
    return tenant.state.signing_key.verify(token)


async def test_secret_client_gets_a_machine_token_with_its_grant(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    response = await secret_token(client, tenant)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}  # as recorded
    assert body["token_type"] == "Bearer" and body["expires_in"] == 86400
    claims = _claims(tenant, body["access_token"])
    client_id = tenant.support_client["client_id"]
    assert claims["sub"] == f"{client_id}@clients"
    assert claims["gty"] == "client-credentials"
    assert claims["azp"] == client_id
    assert claims["aud"] == tenant.management_audience
    assert claims["scope"] == " ".join(SUPPORT_SCOPES)
    user = await client.get(
        api(tenant, "users", DEMO_USER_ID), headers=bearer(body["access_token"])
    )
    assert user.status_code == 200, user.text


async def test_secret_client_over_http_basic(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    pair = f"{tenant.support_client['client_id']}:{tenant.support_client['client_secret']}"
    response = await client.post(
        tenant.url("oauth/token"),
        data={"grant_type": "client_credentials", "audience": tenant.management_audience},
        headers={"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()},
    )
    assert response.status_code == 200, response.text


async def test_a_requested_scope_narrows_the_token(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    response = await secret_token(client, tenant, scope="read:users read:sessions")
    assert response.status_code == 200, response.text
    assert _claims(tenant, response.json()["access_token"])["scope"] == "read:users read:sessions"


async def test_a_scope_outside_the_grant_is_access_denied(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    response = await secret_token(client, tenant, scope="read:users delete:users create:users")
    assert response.status_code == 403
    assert response.json() == {
        "error": "access_denied",
        "error_description": "Client has not been granted scopes: delete:users, create:users",
    }


async def test_no_client_grant_for_the_audience_is_access_denied(
    tenant: RunningTenant, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_console.devtenant import seed

    monkeypatch.delitem(seed.SUPPORT_CLIENT_GRANTS, seed.SUPPORT_CLIENT_ID)
    response = await secret_token(client, tenant)
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "access_denied"
    assert body["error_description"].startswith(
        f'Client is not authorized to access "{tenant.management_audience}".'
    )


async def test_a_wrong_secret_and_a_missing_audience(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    wrong = await client.post(
        tenant.url("oauth/token"),
        data={
            "grant_type": "client_credentials",
            "client_id": tenant.support_client["client_id"],
            "client_secret": "not-the-secret",
            "audience": tenant.management_audience,
        },
    )
    assert wrong.status_code == 401
    assert wrong.json() == {"error": "access_denied", "error_description": "Unauthorized"}
    no_audience = await client.post(
        tenant.url("oauth/token"),
        data={
            "grant_type": "client_credentials",
            "client_id": tenant.support_client["client_id"],
            "client_secret": tenant.support_client["client_secret"],
        },
    )
    assert no_audience.status_code == 403
    assert no_audience.json()["error"] == "access_denied"


async def test_the_native_app_may_not_use_client_credentials(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    response = await client.post(
        tenant.url("oauth/token"),
        data={
            "grant_type": "client_credentials",
            "client_id": tenant.client_id,
            "audience": tenant.management_audience,
        },
    )
    assert response.status_code == 401, response.text


def test_the_key_file_is_private_and_a_pem(tenant: RunningTenant) -> None:
    path = Path(tenant.support_jwt_client["private_key_file"])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert tenant.describe()["support_jwt_client"] == tenant.support_jwt_client


@pytest.mark.parametrize("alg", ["RS256", "RS384", "PS256"])
async def test_private_key_jwt_with_each_documented_algorithm(
    tenant: RunningTenant, client: httpx.AsyncClient, alg: str
) -> None:
    response = await jwt_token(client, tenant, client_assertion(tenant, alg=alg))
    assert response.status_code == 200, response.text
    claims = _claims(tenant, response.json()["access_token"])
    assert claims["sub"] == tenant.support_jwt_client["client_id"] + "@clients"
    assert claims["gty"] == "client-credentials"


async def test_the_token_endpoint_url_is_accepted_as_audience(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    assertion = client_assertion(tenant, aud=tenant.url("oauth/token"))
    assert (await jwt_token(client, tenant, assertion)).status_code == 200


async def test_an_assertion_is_one_time(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    assertion = client_assertion(tenant)
    assert (await jwt_token(client, tenant, assertion)).status_code == 200
    replay = await jwt_token(client, tenant, assertion)
    assert replay.status_code == 401
    assert replay.json()["error"] == "invalid_client"
    assert "already used" in replay.json()["error_description"]


def _other_key_file(tmp_path: Path) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "other.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(path)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"aud": "https://elsewhere.example/"}, "aud must be"),
        ({"aud": "TENANT_NO_SLASH"}, "aud must be"),
        ({"iss": "someone-else"}, "iss and sub"),
        ({"sub": "someone-else"}, "iss and sub"),
        ({"jti": None}, "jti claim is missing"),
        ({"jti": "x" * 65}, "jti must be"),
        ({"exp": None}, "exp claim is missing"),
        ({"exp": "PAST"}, "expired"),
        ({"exp": "FAR"}, "seconds away"),
        ({"alg": "HS256"}, "alg must be"),
        ({"key_file": "OTHER"}, "signature"),
    ],
)
async def test_bad_assertions_are_refused(
    tenant: RunningTenant,
    client: httpx.AsyncClient,
    tmp_path: Path,
    overrides: dict[str, object],
    reason: str,
) -> None:
    now = int(tenant.state.now())
    values = dict(overrides)
    if values.get("aud") == "TENANT_NO_SLASH":
        values["aud"] = tenant.issuer.rstrip("/")
    if values.get("exp") == "PAST":
        values["exp"] = now - 60
    if values.get("exp") == "FAR":
        values["exp"] = now + 3600
    if values.get("key_file") == "OTHER":
        values["key_file"] = _other_key_file(tmp_path)
    if values.get("alg") == "HS256":
        claims = {"iss": tenant.support_jwt_client["client_id"], "exp": now + 60, "jti": "j"}
        assertion = jwt.encode(claims, "a-shared-secret-of-enough-length!", algorithm="HS256")
    else:
        assertion = client_assertion(tenant, **values)
    response = await jwt_token(client, tenant, assertion)
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_client"
    assert reason in response.json()["error_description"]


async def test_machine_token_is_refused_where_its_scopes_do_not_reach(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    response = await secret_token(client, tenant, scope="read:logs")
    token = response.json()["access_token"]
    user = await client.get(api(tenant, "users", DEMO_USER_ID), headers=bearer(token))
    assert user.status_code == 403
    assert user.json()["errorCode"] == "insufficient_scope"
