"""DPoP (RFC 9449) against panva's oidc-provider with nonces required of every proof.

``dpop_provider`` runs oidc-provider with ``features.dPoP`` enabled, a ``nonceSecret`` and
``requireNonce: () => true``: the token endpoint answers ``400 use_dpop_nonce`` and userinfo
``401`` with a ``DPoP`` challenge until a proof carries its nonce, as Auth0 does for public
clients at ``/oauth/token``. Every request goes through :class:`CountingTransport`, so the
tests count what reached the provider: with a remembered nonce a refresh is one request.

Where oidc-provider's words differ from the dev tenant's, the test says which it expects:
oidc-provider refuses a refresh or a code from another key with ``invalid_grant``, and a
replayed proof at userinfo with ``invalid_token`` "DPoP proof JWT Replay detected".
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.fixed_proof import FixedProof
from tui_console.auth.authorization_code import (
    build_authorization_request,
    build_code_exchange_request,
    parse_authorization_redirect,
)
from tui_console.auth.bearer import BearerAuth
from tui_console.auth.browser_flow import run_browser_flow
from tui_console.auth.device import (
    build_device_authorization_request,
    parse_device_authorization_response,
    poll_for_tokens,
)
from tui_console.auth.discovery import ServerMetadata, discover
from tui_console.auth.dpop import DPoP, DPoPError, DPoPNonces
from tui_console.auth.dpop_key import DPoPKey
from tui_console.auth.loopback import LoopbackListener
from tui_console.auth.refresh import TokenManager
from tui_console.auth.tokens import TokenSet, build_refresh_request, parse_token_response
from tui_console.auth.userinfo import fetch_userinfo
from tui_console.errors import OAuthError
from tui_console.redact import Secret
from tui_console.storage.dpop_keys import DPoPKeyStore
from tui_console.storage.token_store import FileTokenStore

from .conftest import OidcProvider

pytestmark = pytest.mark.interop

SCOPE = "openid profile email offline_access"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass
class Call:
    path: str
    status: int
    error: str | None


@dataclass
class CountingTransport(httpx.AsyncBaseTransport):
    """The real transport, recording each exchange's path, status and OAuth ``error``."""

    inner: httpx.AsyncBaseTransport = field(default_factory=httpx.AsyncHTTPTransport)
    calls: list[Call] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        error = None
        if response.status_code >= 400:
            try:
                error = json.loads(body).get("error")
            except (ValueError, AttributeError):
                error = None
        self.calls.append(Call(request.url.path, response.status_code, error))
        return httpx.Response(
            response.status_code, headers=response.headers, content=body, request=request
        )

    def to(self, path: str) -> list[Call]:
        return [call for call in self.calls if call.path == path]

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def wire() -> CountingTransport:
    return CountingTransport()


@pytest.fixture
async def client(wire: CountingTransport) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=wire, timeout=10) as http:
        yield http


@pytest.fixture
async def metadata(client: httpx.AsyncClient, dpop_provider: OidcProvider) -> ServerMetadata:
    return await discover(client, dpop_provider.issuer)


@pytest.fixture
def keys(tmp_path: Path) -> DPoPKeyStore:
    return DPoPKeyStore(tmp_path / "tokens", "interop")


@pytest.fixture
def dpop(keys: DPoPKeyStore) -> DPoP:
    return DPoP(keys.load_or_create())


def path_of(url: str | None) -> str:
    assert url is not None
    return urlsplit(url).path


async def device_sign_in(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    provider: OidcProvider,
    dpop: DPoP,
    wire: CountingTransport,
) -> TokenSet:
    """A DPoP device sign-in as alice, approved once the provider has said pending."""
    request = build_device_authorization_request(
        metadata, client_id=provider.client_id, scope=SCOPE
    )
    authorization = parse_device_authorization_response(await client.send(request))
    approved = False

    async def sleep(seconds: float) -> None:
        nonlocal approved
        pending = any(c.error == "authorization_pending" for c in wire.calls)
        if pending and not approved:
            approved = True
            await provider.approve_device(authorization.user_code)
        await asyncio.sleep(0)

    return await poll_for_tokens(
        client, metadata, authorization, client_id=provider.client_id, sleep=sleep, dpop=dpop
    )


def manager_for(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    provider: OidcProvider,
    keys: DPoPKeyStore,
    nonces: DPoPNonces,
    tmp_path: Path,
) -> TokenManager:
    return TokenManager(
        http=client,
        token_endpoint=metadata.token_endpoint,
        client_id=provider.client_id,
        store=FileTokenStore(tmp_path / "tokens", "interop"),
        dpop_keys=keys,
        dpop_nonces=nonces,
    )


# --- device sign-in, refresh with the same key, userinfo -----------------------------------


async def test_device_sign_in_refresh_and_userinfo_with_required_nonces(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    dpop_provider: OidcProvider,
    dpop: DPoP,
    keys: DPoPKeyStore,
    wire: CountingTransport,
    tmp_path: Path,
) -> None:
    """The first poll meets use_dpop_nonce and is retried at once; the tokens are DPoP-bound.
    With the nonce remembered a refresh (same key, rotated) is ONE token-endpoint request and
    userinfo one request; a fresh nonce memory costs one retry at each."""
    token_path = path_of(metadata.token_endpoint)
    userinfo_path = path_of(metadata.userinfo_endpoint)
    assert "ES256" in metadata.dpop_signing_alg_values_supported

    tokens = await device_sign_in(client, metadata, dpop_provider, dpop, wire)

    assert [c.error for c in wire.to(token_path)] == [
        "use_dpop_nonce",
        "authorization_pending",
        None,
    ]
    assert tokens.token_type == "DPoP" and tokens.dpop_bound
    assert tokens.dpop_jkt == dpop.thumbprint and tokens.refresh_token is not None
    manager = manager_for(client, metadata, dpop_provider, keys, dpop.nonces, tmp_path)
    store = FileTokenStore(tmp_path / "tokens", "interop")
    store.put(tokens)

    before = len(wire.to(token_path))
    renewed = await manager.valid_token(None, force=True)
    assert len(wire.to(token_path)) - before == 1
    assert renewed.refresh_token not in (None, tokens.refresh_token)
    assert renewed.token_type == "DPoP" and renewed.dpop_jkt == dpop.thumbprint

    assert metadata.userinfo_endpoint
    profile = await fetch_userinfo(
        client, metadata.userinfo_endpoint, auth=BearerAuth(manager, None)
    )
    assert profile.sub == "alice"
    assert [c.status for c in wire.to(userinfo_path)] == [200]

    forgetful = manager_for(client, metadata, dpop_provider, keys, DPoPNonces(), tmp_path)
    before = len(wire.to(token_path))
    await forgetful.valid_token(None, force=True)
    assert [c.error for c in wire.to(token_path)[before:]] == ["use_dpop_nonce", None]
    fresh = manager_for(client, metadata, dpop_provider, keys, DPoPNonces(), tmp_path)
    before = len(wire.to(token_path))
    await fetch_userinfo(client, metadata.userinfo_endpoint, auth=BearerAuth(fresh, None))
    assert [c.status for c in wire.to(userinfo_path)] == [200, 401, 200]
    assert len(wire.to(token_path)) == before  # a nonce retry, not a refresh


# --- browser sign-in: the code bound with dpop_jkt ---------------------------------------------


async def visit(url: str) -> httpx.Response:
    """A browser: follows redirects with cookies, through the interaction to our listener."""
    async with httpx.AsyncClient(follow_redirects=True, timeout=10) as browser:
        return await browser.get(url)


async def test_browser_sign_in_binds_the_code_and_the_tokens(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    dpop_provider: OidcProvider,
    dpop: DPoP,
) -> None:
    """run_browser_flow sends dpop_jkt; oidc-provider accepts it and the exchange's proof,
    and issues DPoP-bound tokens."""
    opened: list[str] = []
    visits: list[asyncio.Task[httpx.Response]] = []

    def open_url(url: str) -> bool:
        opened.append(url)
        visits.append(asyncio.get_running_loop().create_task(visit(url)))
        return True

    tokens = await run_browser_flow(
        client,
        metadata,
        client_id=dpop_provider.client_id,
        scope=SCOPE,
        audience=None,
        ports=dpop_provider.callback_ports,
        open_url=open_url,
        timeout=20,
        dpop=dpop,
    )
    await asyncio.gather(*visits)

    assert parse_qs(urlsplit(opened[0]).query)["dpop_jkt"] == [dpop.thumbprint]
    assert tokens.token_type == "DPoP" and tokens.dpop_jkt == dpop.thumbprint
    assert metadata.userinfo_endpoint
    nonce = dpop.nonces.get(metadata.userinfo_endpoint)
    proof = dpop.key.proof(
        "GET", metadata.userinfo_endpoint, access_token=tokens.access_token, nonce=nonce
    )
    auth = FixedProof(f"DPoP {tokens.access_token.reveal()}", proof)
    assert (await fetch_userinfo(client, metadata.userinfo_endpoint, auth=auth)).sub == "alice"


async def test_a_code_bound_to_one_key_is_refused_with_another(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    dpop_provider: OidcProvider,
    dpop: DPoP,
) -> None:
    """dpop_jkt binds the code: exchanging it with another key's proof is invalid_grant."""
    async with LoopbackListener(dpop_provider.callback_ports) as listener:
        request = build_authorization_request(
            metadata,
            client_id=dpop_provider.client_id,
            redirect_uri=listener.redirect_uri,
            scope="openid",
            dpop_jkt=dpop.thumbprint,
        )
        browsing = asyncio.get_running_loop().create_task(visit(request.url))
        redirect = await listener.wait(expected_state=request.state, timeout=20)
    await browsing
    exchange = build_code_exchange_request(
        metadata,
        client_id=dpop_provider.client_id,
        code=parse_authorization_redirect(redirect, expected_state=request.state),
        redirect_uri=request.redirect_uri,
        verifier=request.pkce.verifier,
    )
    other = DPoP(DPoPKey.generate(), dpop.nonces)

    with pytest.raises(OAuthError) as raised:
        parse_token_response(await client.send(exchange, auth=other.auth()), dpop_jkt="x")

    # oidc-provider keeps its reason ("does not match dpop_jkt") out of the answer.
    assert raised.value.error == "invalid_grant"


# --- what the provider refuses, and how the client reports it ----------------------------------


async def test_refusals_at_userinfo_and_refresh_are_reported_clearly(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    dpop_provider: OidcProvider,
    dpop: DPoP,
    wire: CountingTransport,
) -> None:
    """A bound token as Bearer, a proof from another key, a proof without ath, a replayed
    proof, and a refresh signed by another key: oidc-provider refuses each, and the client
    raises an error naming what was wrong."""
    tokens = await device_sign_in(client, metadata, dpop_provider, dpop, wire)
    endpoint = metadata.userinfo_endpoint
    assert endpoint
    token = tokens.access_token

    async def probe(authorization: str, proof: str | None = None) -> Any:
        return await fetch_userinfo(client, endpoint, auth=FixedProof(authorization, proof))

    def proof_by(key: DPoPKey, access_token: Secret | None = token) -> str:
        nonce = dpop.nonces.get(endpoint)
        return key.proof("GET", endpoint, access_token=access_token, nonce=nonce)

    with pytest.raises(OAuthError) as as_bearer:
        await probe(f"Bearer {token.reveal()}")
    # oidc-provider words every invalid_token "invalid token provided" (the reason, "failed
    # jkt verification" or "DPoP proof JWT Replay detected", stays in its logs).
    assert (as_bearer.value.error, as_bearer.value.status) == ("invalid_token", 401)
    assert "DPoP" in as_bearer.value.hint

    with pytest.raises(OAuthError) as other_key:
        await probe(f"DPoP {token.reveal()}", proof_by(DPoPKey.generate()))
    assert other_key.value.error == "invalid_token"

    with pytest.raises(DPoPError) as no_ath:
        await probe(f"DPoP {token.reveal()}", proof_by(dpop.key, access_token=None))
    assert no_ath.value.error == "invalid_dpop_proof"
    assert "ath mismatch" in str(no_ath.value)

    once = proof_by(dpop.key)
    assert (await probe(f"DPoP {token.reveal()}", once)).sub == "alice"
    with pytest.raises(OAuthError) as replayed:
        await probe(f"DPoP {token.reveal()}", once)
    assert (replayed.value.error, replayed.value.status) == ("invalid_token", 401)

    assert tokens.refresh_token is not None
    refresh = build_refresh_request(
        metadata.token_endpoint,
        client_id=dpop_provider.client_id,
        refresh_token=tokens.refresh_token,
    )
    thief = DPoP(DPoPKey.generate(), dpop.nonces)
    with pytest.raises(OAuthError) as stolen:
        parse_token_response(await client.send(refresh, auth=thief.auth()), dpop_jkt="x")
    assert stolen.value.error == "invalid_grant"  # oidc-provider: "failed jkt verification"
    renewed = parse_token_response(
        await client.send(refresh, auth=dpop.auth()), dpop_jkt=dpop.thumbprint
    )
    assert renewed.token_type == "DPoP"  # the same refresh token with the right key: fine


async def test_bearer_clients_are_unaffected_by_required_nonces(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    dpop_provider: OidcProvider,
    wire: CountingTransport,
) -> None:
    """Nonces are demanded of DPoP proofs only: a sign-in without DPoP is plain Bearer."""
    request = build_device_authorization_request(
        metadata, client_id=dpop_provider.client_id, scope="openid"
    )
    authorization = parse_device_authorization_response(await client.send(request))
    await dpop_provider.approve_device(authorization.user_code)

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(0)

    tokens = await poll_for_tokens(
        client, metadata, authorization, client_id=dpop_provider.client_id, sleep=sleep
    )
    assert tokens.token_type == "Bearer" and tokens.dpop_jkt is None
    assert [c.error for c in wire.to(path_of(metadata.token_endpoint))] == [None]
