"""Discovery and JWKS look like Auth0's, with the issuer's trailing slash."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import jwt

from tests.conftest import InProcessTenant
from tests.devtenant.flows import device_tokens
from tui_console.devtenant import RunningTenant


async def test_discovery_names_auth0_endpoints_under_a_trailing_slash_issuer(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """The issuer ends with ``/`` and every endpoint has Auth0's path under it."""
    response = await client.get(dev_tenant.url(".well-known/openid-configuration"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    doc = response.json()
    issuer = dev_tenant.issuer
    assert issuer == f"http://127.0.0.1:{dev_tenant.port}/"
    assert doc["issuer"] == issuer
    assert doc["authorization_endpoint"] == issuer + "authorize"
    assert doc["token_endpoint"] == issuer + "oauth/token"
    assert doc["device_authorization_endpoint"] == issuer + "oauth/device/code"
    assert doc["userinfo_endpoint"] == issuer + "userinfo"
    assert doc["jwks_uri"] == issuer + ".well-known/jwks.json"
    assert doc["revocation_endpoint"] == issuer + "oauth/revoke"
    assert doc["code_challenge_methods_supported"] == ["S256", "plain"]
    assert doc["id_token_signing_alg_values_supported"] == ["HS256", "RS256", "PS256"]
    assert {"openid", "profile", "email", "offline_access"} <= set(doc["scopes_supported"])
    assert "code" in doc["response_types_supported"]
    # DPoP (RFC 9449 §5.1): the proof algorithms the tenant checks.
    assert doc["dpop_signing_alg_values_supported"] == ["ES256", "RS256", "PS256"]
    assert dev_tenant.management_audience == issuer + "api/v2/"


async def test_jwks_publishes_the_key_that_signs_tokens(
    dev_tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """The JWKS has one RS256 key whose ``kid`` is in token headers and which verifies them."""
    jwks = (await client.get(dev_tenant.url(".well-known/jwks.json"))).json()
    [key] = jwks["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert key["kid"] and key["e"] == "AQAB"

    tokens = await device_tokens(client, dev_tenant)
    for token in (tokens["access_token"], tokens["id_token"]):
        header = jwt.get_unverified_header(token)
        assert header == {"alg": "RS256", "typ": "JWT", "kid": key["kid"]}
        public_key = jwt.PyJWK(key).key
        claims = jwt.decode(token, public_key, algorithms=["RS256"], options={"verify_aud": False})
        assert claims["iss"] == dev_tenant.issuer


async def test_two_tenants_have_different_keys_and_issuers(
    make_dev_tenant: Callable[..., RunningTenant],
) -> None:
    """Each tenant generates its own signing key and names its own port."""
    first, second = make_dev_tenant(), make_dev_tenant()
    assert first.issuer != second.issuer
    assert first.state.signing_key.kid != second.state.signing_key.kid


async def test_in_process_tenant_serves_the_same_discovery(
    asgi_dev_tenant: InProcessTenant,
) -> None:
    """The ASGI fixture answers without a socket, with its own issuer."""
    doc = (await asgi_dev_tenant.client.get("/.well-known/openid-configuration")).json()
    assert doc["issuer"] == asgi_dev_tenant.issuer
    assert doc["token_endpoint"] == asgi_dev_tenant.issuer + "oauth/token"
