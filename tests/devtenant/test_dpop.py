"""DPoP at the dev tenant (RFC 9449 as Auth0 runs it): nonces, proof checks, bindings.

The tenant runs in process (``httpx.ASGITransport``) except where a browser must click
through ``/authorize``. Proofs come from :mod:`tests.devtenant.dpop_proofs`, not the client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest

from tests.conftest import TEST_TENANT_SETTINGS
from tests.devtenant.dpop_proofs import ProofKey
from tests.devtenant.flows import DEVICE_GRANT, FULL_SCOPE, Browser, authorize_params, pkce_pair
from tui_console.devtenant import RunningTenant, TenantSettings, TenantState
from tui_console.devtenant.app import create_app
from tui_console.devtenant.seed import CLIENT_ID, DEMO_USER_ID

ISSUER = "http://127.0.0.1:9/"
TOKEN_URL = f"{ISSUER}oauth/token"
USERINFO_URL = f"{ISSUER}userinfo"
MANAGEMENT = f"{ISSUER}api/v2/"
NONCE_REQUIRED = {
    "error": "use_dpop_nonce",
    "error_description": "Authorization server requires nonce in DPoP proof",
}


@dataclass
class Tenant:
    """The dev tenant in process, with helpers that speak DPoP to it."""

    state: TenantState
    client: httpx.AsyncClient

    async def token(self, form: dict[str, str], *proofs: str) -> httpx.Response:
        headers = [("DPoP", proof) for proof in proofs]
        return await self.client.post(TOKEN_URL, data=form, headers=headers)

    async def nonce(self, key: ProofKey) -> str:
        """The tenant's current nonce, learnt the way a client does: from a challenge."""
        response = await self.token(
            {"grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": "x"},
            key.proof("POST", TOKEN_URL),
        )
        assert response.status_code == 400 and response.json() == NONCE_REQUIRED
        return response.headers["DPoP-Nonce"]

    async def device_code(self, audience: str | None) -> str:
        data = {"client_id": CLIENT_ID, "scope": FULL_SCOPE}
        if audience:
            data["audience"] = audience
        started = (await self.client.post(f"{ISSUER}oauth/device/code", data=data)).json()
        assert self.state.approve_pending_device_codes() == 1
        return str(started["device_code"])

    async def sign_in(self, key: ProofKey, audience: str | None = None) -> dict[str, Any]:
        """A device sign-in with a DPoP proof carrying the tenant's nonce."""
        device_code = await self.device_code(audience)
        nonce = await self.nonce(key)
        response = await self.token(
            {"grant_type": DEVICE_GRANT, "device_code": device_code, "client_id": CLIENT_ID},
            key.proof("POST", TOKEN_URL, nonce=nonce, iat=self.state.now()),
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def refresh(self, refresh_token: str, *proofs: str) -> httpx.Response:
        form = {"grant_type": "refresh_token", "client_id": CLIENT_ID}
        return await self.token({**form, "refresh_token": refresh_token}, *proofs)

    async def userinfo(
        self, authorization: str, *proofs: str, method: str = "GET"
    ) -> httpx.Response:
        headers = [("Authorization", authorization), *(("DPoP", p) for p in proofs)]
        return await self.client.request(method, USERINFO_URL, headers=headers)


@pytest.fixture
async def make_tenant() -> AsyncIterator[Callable[..., Any]]:
    async with AsyncExitStack() as stack:

        async def factory(**overrides: Any) -> Tenant:
            settings = TenantSettings(**{**TEST_TENANT_SETTINGS, **overrides})
            state = TenantState(settings, issuer=ISSUER)
            transport = httpx.ASGITransport(app=create_app(state, settings))
            client = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url=ISSUER)
            )
            return Tenant(state, client)

        yield factory


@pytest.fixture
async def tenant(make_tenant: Callable[..., Any]) -> Tenant:
    result: Tenant = await make_tenant()
    return result


# --- the token endpoint ---------------------------------------------------------------------


async def test_a_public_client_must_present_the_tenants_nonce(tenant: Tenant) -> None:
    """A proof without a nonce: 400 use_dpop_nonce in Auth0's words with a DPoP-Nonce header,
    before the grant is touched; with the nonce the same device code gives bound tokens."""
    key = ProofKey()
    device_code = await tenant.device_code(None)
    form = {"grant_type": DEVICE_GRANT, "device_code": device_code, "client_id": CLIENT_ID}

    refused = await tenant.token(form, key.proof("POST", TOKEN_URL))

    assert refused.status_code == 400
    assert refused.json() == NONCE_REQUIRED
    nonce = refused.headers["DPoP-Nonce"]
    assert tenant.state.stats.device_polls == 0  # the challenge cost the client no poll
    granted = await tenant.token(form, key.proof("POST", TOKEN_URL, nonce=nonce))
    assert granted.status_code == 200, granted.text
    body = granted.json()
    assert body["token_type"] == "DPoP"
    assert granted.headers["DPoP-Nonce"] == nonce  # every answer carries the current nonce
    stats = tenant.state.stats
    assert (stats.dpop_nonce_challenges, stats.device_polls, stats.token_requests) == (1, 1, 2)


async def test_bearer_requests_are_untouched(tenant: Tenant) -> None:
    """Without a DPoP header nothing changes: Bearer tokens, no nonce header."""
    device_code = await tenant.device_code(None)
    form = {"grant_type": DEVICE_GRANT, "device_code": device_code, "client_id": CLIENT_ID}
    response = await tenant.token(form)
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"
    assert "DPoP-Nonce" not in response.headers


async def test_management_tokens_are_bearer_unless_its_api_takes_dpop(
    make_tenant: Callable[..., Any],
) -> None:
    """Auth0's table: a DPoP request for an API with no sender-constraining policy gets a
    Bearer token (no cnf), while the refresh token is still bound. With the Management API
    configured for DPoP the JWT carries cnf.jkt and token_type is DPoP."""
    key = ProofKey()
    plain = await make_tenant()
    body = await plain.sign_in(key, MANAGEMENT)
    assert body["token_type"] == "Bearer"
    assert "cnf" not in jwt.decode(body["access_token"], options={"verify_signature": False})
    refused = await plain.refresh(body["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_dpop_proof"

    configured = await make_tenant(management_api_dpop=True)
    body = await configured.sign_in(key, MANAGEMENT)
    assert body["token_type"] == "DPoP"
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["cnf"] == {"jkt": key.thumbprint}
    assert USERINFO_URL in claims["aud"]


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
async def test_rsa_proofs_are_accepted_and_bind_to_the_rsa_key(tenant: Tenant, alg: str) -> None:
    """RS256 and PS256 proofs are checked with their RSA jwk and bind to its thumbprint."""
    key = ProofKey(alg)
    body = await tenant.sign_in(key, MANAGEMENT)
    nonce = await tenant.nonce(key)
    renewed = await tenant.refresh(body["refresh_token"], key.proof("POST", TOKEN_URL, nonce=nonce))
    assert renewed.status_code == 200, renewed.text


def _hs256_proof(key: ProofKey) -> str:
    return jwt.encode(
        {"jti": "j", "htm": "POST", "htu": TOKEN_URL, "iat": 0},
        "s" * 32,
        algorithm="HS256",
        headers={"typ": "dpop+jwt", "jwk": key.jwk},
    )


DEFECTS: dict[str, tuple[Callable[[ProofKey, str, float], list[str]], str]] = {
    "typ": (
        lambda k, n, now: [k.proof("POST", TOKEN_URL, nonce=n, header={"typ": "JWT"})],
        "typ must be dpop+jwt",
    ),
    "symmetric alg": (lambda k, n, now: [_hs256_proof(k)], "Unsupported DPoP proof alg: HS256"),
    "private jwk": (
        lambda k, n, now: [
            k.proof("POST", TOKEN_URL, nonce=n, header={"jwk": {**k.jwk, "d": "AAAA"}})
        ],
        "must be a public key",
    ),
    "signed by another key": (
        lambda k, n, now: [k.proof("POST", TOKEN_URL, nonce=n, signer=ProofKey())],
        "signature does not verify",
    ),
    "htm": (lambda k, n, now: [k.proof("GET", TOKEN_URL, nonce=n)], "htm does not match"),
    "htu": (
        lambda k, n, now: [k.proof("POST", f"{ISSUER}oauth/revoke", nonce=n)],
        "htu does not match",
    ),
    "old iat": (
        lambda k, n, now: [k.proof("POST", TOKEN_URL, nonce=n, iat=now - 120)],
        "iat is more than 60 seconds",
    ),
    "future iat": (
        lambda k, n, now: [k.proof("POST", TOKEN_URL, nonce=n, iat=now + 120)],
        "iat is more than 60 seconds",
    ),
    "no jti": (
        lambda k, n, now: [k.proof("POST", TOKEN_URL, nonce=n, drop=("jti",))],
        "has no jti",
    ),
    "two headers": (
        lambda k, n, now: [k.proof("POST", TOKEN_URL, nonce=n)] * 2,
        "Exactly one DPoP header",
    ),
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
async def test_a_defective_proof_is_invalid_dpop_proof(tenant: Tenant, defect: str) -> None:
    """Each check of RFC 9449 §4.3 refuses with 400 invalid_dpop_proof and says which."""
    key = ProofKey()
    device_code = await tenant.device_code(None)
    nonce = await tenant.nonce(key)
    make, description = DEFECTS[defect]
    form = {"grant_type": DEVICE_GRANT, "device_code": device_code, "client_id": CLIENT_ID}

    response = await tenant.token(form, *make(key, nonce, tenant.state.now()))

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_dpop_proof"
    assert description in response.json()["error_description"]
    assert "DPoP-Nonce" in response.headers
    assert tenant.state.stats.dpop_rejections == 1
    # The device code is still good: a valid proof gets the tokens.
    fine = await tenant.token(form, key.proof("POST", TOKEN_URL, nonce=nonce))
    assert fine.status_code == 200, fine.text


async def test_a_replayed_proof_is_refused(tenant: Tenant) -> None:
    """A proof's jti is accepted once; the same proof again is invalid_dpop_proof."""
    key = ProofKey()
    body = await tenant.sign_in(key)
    nonce = await tenant.nonce(key)
    proof = key.proof("POST", TOKEN_URL, nonce=nonce)
    assert (await tenant.refresh(body["refresh_token"], proof)).status_code == 200
    replayed = await tenant.refresh(body["refresh_token"], proof)
    assert replayed.status_code == 400
    assert "replayed" in replayed.json()["error_description"]


async def test_a_bound_refresh_token_needs_a_proof_from_the_same_key(tenant: Tenant) -> None:
    """No proof, or a proof from another key, is refused before anything is spent: the family
    is not revoked and the refresh token still works with the right key."""
    key = ProofKey()
    body = await tenant.sign_in(key)
    refresh_token = body["refresh_token"]
    nonce = await tenant.nonce(key)

    missing = await tenant.refresh(refresh_token)
    other = await tenant.refresh(refresh_token, ProofKey().proof("POST", TOKEN_URL, nonce=nonce))

    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_dpop_proof")
    assert "bound to a key" in missing.json()["error_description"]
    assert (other.status_code, other.json()["error"]) == (400, "invalid_dpop_proof")
    assert "does not match" in other.json()["error_description"]
    assert tenant.state.refresh_tokens.family_revoked(refresh_token) is False
    renewed = await tenant.refresh(refresh_token, key.proof("POST", TOKEN_URL, nonce=nonce))
    assert renewed.status_code == 200 and renewed.json()["token_type"] == "DPoP"
    assert tenant.state.stats.reuse_detections == 0


async def test_nonces_rotate_and_the_previous_one_is_still_taken(
    make_tenant: Callable[..., Any],
) -> None:
    """A nonce stays good for its window and the next; two windows later it is refused with
    use_dpop_nonce and a fresh nonce."""
    tenant: Tenant = await make_tenant(dpop_nonce_ttl=20)
    key = ProofKey()
    body = await tenant.sign_in(key)
    old = await tenant.nonce(key)
    tenant.state.advance_clock(20)
    now = tenant.state.now()
    kept = await tenant.refresh(
        body["refresh_token"], key.proof("POST", TOKEN_URL, nonce=old, iat=now)
    )
    assert kept.status_code == 200, kept.text
    assert kept.headers["DPoP-Nonce"] != old
    tenant.state.advance_clock(20)
    stale = await tenant.refresh(
        kept.json()["refresh_token"],
        key.proof("POST", TOKEN_URL, nonce=old, iat=tenant.state.now()),
    )
    assert (stale.status_code, stale.json()["error"]) == (400, "use_dpop_nonce")
    assert stale.headers["DPoP-Nonce"] not in (old, kept.headers["DPoP-Nonce"])


# --- the authorization code bound with dpop_jkt ---------------------------------------------


async def _bound_code(tenant: RunningTenant, browser: Browser, jkt: str) -> tuple[str, str]:
    verifier, challenge = pkce_pair()
    params = authorize_params(tenant, challenge, dpop_jkt=jkt)
    page = await browser.open("/authorize", params=params)
    if "password" in page.text:
        page = await browser.log_in(page)
    if 'value="accept"' in page.text:
        page = await browser.submit(page, "accept")
    location = page.headers["location"]
    code = dict(httpx.URL(location).params)["code"]
    return code, verifier


async def test_a_code_bound_with_dpop_jkt_takes_only_that_keys_proof(
    dev_tenant: RunningTenant, browser: Browser, client: httpx.AsyncClient
) -> None:
    """/authorize with dpop_jkt binds the code: another key's proof or no proof is refused,
    the right key gets tokens bound to it."""
    key = ProofKey()
    token_url = dev_tenant.url("oauth/token")

    async def exchange(code: str, verifier: str, *proofs: str) -> httpx.Response:
        form = {
            "grant_type": "authorization_code",
            "client_id": dev_tenant.client_id,
            "code": code,
            "code_verifier": verifier,
            "redirect_uri": "http://127.0.0.1:8484/callback",
        }
        return await client.post(token_url, data=form, headers=[("DPoP", p) for p in proofs])

    probe = await client.post(
        token_url,
        data={"grant_type": "x", "client_id": dev_tenant.client_id},
        headers={"DPoP": key.proof("POST", token_url)},
    )
    nonce = probe.headers["DPoP-Nonce"]

    code, verifier = await _bound_code(dev_tenant, browser, key.thumbprint)
    other = await exchange(code, verifier, ProofKey().proof("POST", token_url, nonce=nonce))
    assert (other.status_code, other.json()["error"]) == (400, "invalid_dpop_proof")

    code, verifier = await _bound_code(dev_tenant, browser, key.thumbprint)
    missing = await exchange(code, verifier)
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_dpop_proof")

    code, verifier = await _bound_code(dev_tenant, browser, key.thumbprint)
    granted = await exchange(code, verifier, key.proof("POST", token_url, nonce=nonce))
    assert granted.status_code == 200, granted.text
    assert dev_tenant.state.refresh_tokens.binding(granted.json()["refresh_token"]) == (
        key.thumbprint
    )

    bad = await browser.open(
        "/authorize", params=authorize_params(dev_tenant, "c" * 43, dpop_jkt="x")
    )
    assert dict(httpx.URL(bad.headers["location"]).params)["error"] == "invalid_request"


# --- /userinfo --------------------------------------------------------------------------------


async def test_userinfo_takes_a_bound_token_with_a_valid_proof(tenant: Tenant) -> None:
    """Authorization: DPoP plus a proof with ath and the nonce: 200, with the current nonce."""
    key = ProofKey()
    token = (await tenant.sign_in(key))["access_token"]
    nonce = await tenant.nonce(key)
    proof = key.proof("GET", USERINFO_URL, nonce=nonce, access_token=token)
    response = await tenant.userinfo(f"DPoP {token}", proof)
    assert response.status_code == 200, response.headers
    assert response.json()["sub"] == DEMO_USER_ID
    assert response.headers["DPoP-Nonce"] == nonce
    post = await tenant.userinfo(
        f"DPoP {token}",
        key.proof("POST", USERINFO_URL, nonce=nonce, access_token=token),
        method="POST",
    )
    assert post.status_code == 200


def _challenge(response: httpx.Response) -> str:
    assert response.status_code == 401
    assert response.text == "Unauthorized"
    return response.headers["WWW-Authenticate"]


async def test_userinfo_refuses_what_rfc_9449_refuses(make_tenant: Callable[..., Any]) -> None:
    """A bound token as Bearer, a proof from another key, no ath, a replayed proof, no nonce:
    each a 401 with a DPoP challenge naming the error."""
    tenant: Tenant = await make_tenant(management_api_dpop=True)
    key = ProofKey()
    token = (await tenant.sign_in(key, MANAGEMENT))["access_token"]
    nonce = await tenant.nonce(key)

    def proof(signer: ProofKey = key, **kwargs: Any) -> str:
        options: dict[str, Any] = {"nonce": nonce, "access_token": token, **kwargs}
        return signer.proof("GET", USERINFO_URL, **options)

    as_bearer = _challenge(await tenant.userinfo(f"Bearer {token}"))
    assert as_bearer.startswith('DPoP error="invalid_token"') and "presented as Bearer" in as_bearer
    other_key = _challenge(await tenant.userinfo(f"DPoP {token}", proof(ProofKey())))
    assert 'error="invalid_token"' in other_key and "does not match" in other_key
    no_ath = _challenge(await tenant.userinfo(f"DPoP {token}", proof(access_token=None)))
    assert 'error="invalid_dpop_proof"' in no_ath and "no ath" in no_ath
    used = proof()
    assert (await tenant.userinfo(f"DPoP {token}", used)).status_code == 200
    replayed = _challenge(await tenant.userinfo(f"DPoP {token}", used))
    assert 'error="invalid_dpop_proof"' in replayed and "replayed" in replayed
    no_nonce = await tenant.userinfo(f"DPoP {token}", proof(nonce=None))
    assert 'error="use_dpop_nonce"' in _challenge(no_nonce)
    assert no_nonce.headers["DPoP-Nonce"] == nonce
    assert 'algs="ES256 RS256 PS256"' in as_bearer


async def test_userinfo_refuses_a_proof_for_an_unbound_token(tenant: Tenant) -> None:
    """A Bearer token sent with the DPoP scheme is not sender-constrained: invalid_token."""
    device_code = await tenant.device_code(None)
    form = {"grant_type": DEVICE_GRANT, "device_code": device_code, "client_id": CLIENT_ID}
    token = (await tenant.token(form)).json()["access_token"]
    key = ProofKey()
    nonce = await tenant.nonce(key)
    proof = key.proof("GET", USERINFO_URL, nonce=nonce, access_token=token)
    challenge = _challenge(await tenant.userinfo(f"DPoP {token}", proof))
    assert 'error="invalid_token"' in challenge and "not bound" in challenge


# --- the Management API, when configured for DPoP ------------------------------------------


async def test_a_management_api_configured_for_dpop_checks_the_binding(
    make_tenant: Callable[..., Any],
) -> None:
    """A cnf-bound token works as DPoP with a proof from its key; as Bearer, or with another
    key's proof, it is a 401 with a DPoP challenge in the Management API's error body."""
    tenant: Tenant = await make_tenant(management_api_dpop=True)
    key = ProofKey()
    token = (await tenant.sign_in(key, MANAGEMENT))["access_token"]
    url = f"{MANAGEMENT}users/{DEMO_USER_ID.replace('|', '%7C')}"

    async def get(authorization: str, *proofs: str) -> httpx.Response:
        headers = [("Authorization", authorization), *(("DPoP", p) for p in proofs)]
        return await tenant.client.get(url, headers=headers)

    fine = await get(f"DPoP {token}", key.proof("GET", url, access_token=token))
    assert fine.status_code == 200, fine.text
    assert fine.json()["user_id"] == DEMO_USER_ID
    as_bearer = await get(f"Bearer {token}")
    assert as_bearer.status_code == 401
    assert as_bearer.json()["message"] == "A DPoP-bound access token was presented as Bearer"
    assert as_bearer.headers["WWW-Authenticate"].startswith('DPoP error="invalid_token"')
    other = await get(f"DPoP {token}", ProofKey().proof("GET", url, access_token=token))
    assert other.status_code == 401 and "does not match" in other.json()["message"]
