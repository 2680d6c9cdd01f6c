"""The auth core against panva's oidc-provider, a certified OpenID Provider (not our dev tenant).

Everything here is real HTTP on 127.0.0.1: discovery, the device flow (approved and denied
through oidc-provider's own /device pages), the browser flow through the real loopback
listener, ID tokens checked against the provider's JWKS, refresh-token rotation and reuse
detection, the TokenManager and BearerAuth, userinfo and revocation. What oidc-provider does
that Auth0 does differently is asserted as such, so a change in either shows up here.

The only fakes are the device poller's ``sleep`` and, in one test, its clock. oidc-provider
names no ``interval``, so the poller waits RFC 8628's default 5 s; the tests record those
waits instead of sleeping them (oidc-provider does not enforce the interval with
``slow_down``). Real sleeps remain only where the provider's own clock must pass: an expired
device code, an expired access token (about 3 s in all).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from tui_console.auth.authorization_code import (
    build_authorization_request,
    build_code_exchange_request,
    parse_authorization_redirect,
)
from tui_console.auth.bearer import BearerAuth
from tui_console.auth.browser_flow import run_browser_flow
from tui_console.auth.device import (
    DEFAULT_INTERVAL,
    DeviceAuthorization,
    PollProgress,
    build_device_authorization_request,
    parse_device_authorization_response,
    poll_for_tokens,
)
from tui_console.auth.discovery import ServerMetadata, discover
from tui_console.auth.id_token import IdTokenValidator
from tui_console.auth.jwks import JwksCache
from tui_console.auth.loopback import LoopbackListener
from tui_console.auth.refresh import TokenManager
from tui_console.auth.tokens import (
    TokenSet,
    build_refresh_request,
    build_revocation_request,
    parse_token_response,
)
from tui_console.auth.userinfo import fetch_userinfo
from tui_console.errors import (
    LoginCancelled,
    LoginTimedOut,
    OAuthError,
    SessionExpired,
    TokenValidationError,
)
from tui_console.redact import Secret
from tui_console.storage.token_store import FileTokenStore

from .conftest import OidcProvider

pytestmark = pytest.mark.interop

SCOPE = "openid profile email offline_access"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
ALICE = {"sub": "alice", "name": "Alice Example", "email": "alice@example.test"}


# --- plumbing ------------------------------------------------------------------------------


@dataclass
class TokenCall:
    """One answer of the token endpoint: the grant that was asked for and what came back."""

    grant_type: str
    status: int
    error: str | None


@dataclass
class TokenEndpointLog:
    """Records every token endpoint answer seen by the test's httpx client."""

    token_endpoint: str = ""
    calls: list[TokenCall] = field(default_factory=list)

    async def __call__(self, response: httpx.Response) -> None:
        if not self.token_endpoint or str(response.request.url) != self.token_endpoint:
            return
        await response.aread()
        form = parse_qs(response.request.content.decode())
        error = response.json().get("error") if response.status_code >= 400 else None
        self.calls.append(TokenCall(form["grant_type"][0], response.status_code, error))

    def errors(self, grant_type: str) -> list[str | None]:
        return [call.error for call in self.calls if call.grant_type == grant_type]


@pytest.fixture
def token_log() -> TokenEndpointLog:
    return TokenEndpointLog()


@pytest.fixture
async def client(token_log: TokenEndpointLog) -> AsyncIterator[httpx.AsyncClient]:
    """The client the auth core sends with (no auth, no redirects: like the app's)."""
    async with httpx.AsyncClient(timeout=10, event_hooks={"response": [token_log]}) as http:
        yield http


@pytest.fixture
async def metadata(
    client: httpx.AsyncClient, oidc_provider: OidcProvider, token_log: TokenEndpointLog
) -> ServerMetadata:
    found = await discover(client, oidc_provider.issuer)
    token_log.token_endpoint = found.token_endpoint
    return found


@pytest.fixture
def validator(
    client: httpx.AsyncClient, metadata: ServerMetadata, oidc_provider: OidcProvider
) -> IdTokenValidator:
    return IdTokenValidator(
        issuer=metadata.issuer,
        client_id=oidc_provider.client_id,
        jwks=JwksCache(client, metadata.jwks_uri),
    )


@pytest.fixture
def store(tmp_path: Path) -> FileTokenStore:
    return FileTokenStore(tmp_path / "tokens", "interop")


@pytest.fixture
def manager(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    oidc_provider: OidcProvider,
    store: FileTokenStore,
) -> TokenManager:
    return TokenManager(
        http=client,
        token_endpoint=metadata.token_endpoint,
        client_id=oidc_provider.client_id,
        store=store,
    )


class RecordingSleep:
    """The poller's ``sleep``: records each wait, and runs ``on_pending`` once, as soon as
    oidc-provider has answered a poll with ``authorization_pending``."""

    def __init__(
        self, log: TokenEndpointLog, on_pending: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        self.log = log
        self.on_pending = on_pending
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        pending = "authorization_pending" in self.log.errors(DEVICE_GRANT)
        if pending and self.on_pending is not None:
            action, self.on_pending = self.on_pending, None
            await action()
        await asyncio.sleep(0)


async def start_device_authorization(
    client: httpx.AsyncClient, metadata: ServerMetadata, provider: OidcProvider
) -> DeviceAuthorization:
    request = build_device_authorization_request(
        metadata, client_id=provider.client_id, scope=SCOPE
    )
    return parse_device_authorization_response(await client.send(request))


async def device_sign_in(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    provider: OidcProvider,
    log: TokenEndpointLog,
) -> TokenSet:
    """A complete device sign-in as alice, approved after the first pending poll."""
    authorization = await start_device_authorization(client, metadata, provider)
    sleep = RecordingSleep(log, lambda: provider.approve_device(authorization.user_code))
    return await poll_for_tokens(
        client, metadata, authorization, client_id=provider.client_id, sleep=sleep
    )


async def refresh(
    client: httpx.AsyncClient, metadata: ServerMetadata, client_id: str, refresh_token: Secret
) -> TokenSet:
    request = build_refresh_request(
        metadata.token_endpoint, client_id=client_id, refresh_token=refresh_token
    )
    return parse_token_response(await client.send(request))


class StaticBearer(httpx.Auth):
    """Sends one fixed access token (to probe whether oidc-provider still accepts it)."""

    def __init__(self, token: Secret) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token.reveal()}"
        yield request


async def access_token_works(
    client: httpx.AsyncClient, metadata: ServerMetadata, token: Secret
) -> bool:
    """Whether oidc-provider's userinfo endpoint accepts ``token``."""
    assert metadata.userinfo_endpoint
    try:
        await fetch_userinfo(client, metadata.userinfo_endpoint, auth=StaticBearer(token))
    except OAuthError as error:
        assert (error.status, error.error) == (401, "invalid_token")
        return False
    return True


# --- discovery -----------------------------------------------------------------------------


async def test_discovery_reads_every_endpoint_the_core_uses(
    client: httpx.AsyncClient, oidc_provider: OidcProvider
) -> None:
    """discover() accepts oidc-provider's loopback http issuer and finds all its endpoints."""
    metadata = await discover(client, oidc_provider.issuer)

    base = oidc_provider.issuer
    assert metadata.issuer == base  # no trailing slash, unlike Auth0's
    assert metadata.authorization_endpoint == f"{base}/auth"
    assert metadata.token_endpoint == f"{base}/token"
    assert metadata.jwks_uri == f"{base}/jwks"
    assert metadata.device_authorization_endpoint == f"{base}/device/auth"
    assert metadata.userinfo_endpoint == f"{base}/me"
    assert metadata.revocation_endpoint == f"{base}/token/revocation"
    assert metadata.code_challenge_methods_supported == ("S256",)
    assert "RS256" in metadata.id_token_signing_alg_values_supported


# --- device flow ---------------------------------------------------------------------------


async def test_device_flow_polls_until_approved_and_returns_validated_tokens(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    oidc_provider: OidcProvider,
    token_log: TokenEndpointLog,
    validator: IdTokenValidator,
) -> None:
    """The device flow waits out authorization_pending, then returns tokens whose ID token
    verifies against oidc-provider's JWKS."""
    authorization = await start_device_authorization(client, metadata, oidc_provider)
    assert authorization.verification_uri == oidc_provider.verification_uri
    assert authorization.verification_uri_complete == (
        f"{oidc_provider.verification_uri}?user_code={authorization.user_code}"
    )
    assert authorization.interval == DEFAULT_INTERVAL  # oidc-provider sends no interval
    assert authorization.expires_in == 60
    progress: list[PollProgress] = []
    sleep = RecordingSleep(token_log, lambda: oidc_provider.approve_device(authorization.user_code))
    validated: list[TokenSet] = []

    async def validate(tokens: TokenSet) -> None:
        validated.append(tokens)

    tokens = await poll_for_tokens(
        client,
        metadata,
        authorization,
        client_id=oidc_provider.client_id,
        on_progress=progress.append,
        sleep=sleep,
        validate=validate,
    )

    assert token_log.errors(DEVICE_GRANT) == ["authorization_pending", None]
    assert sum(sleep.waits) == 2 * DEFAULT_INTERVAL  # before each of the two polls
    assert max(sleep.waits) <= 1  # in one-second ticks, for the countdown
    assert progress[-1].last_error == "authorization_pending"
    assert validated == [tokens]
    assert tokens.refresh_token is not None and tokens.id_token is not None
    assert set(tokens.scope) == set(SCOPE.split())
    assert tokens.expires_at is not None and 55 <= tokens.expires_at - time.time() <= 60
    claims = await validator.validate(tokens.id_token)
    assert claims["sub"] == "alice"
    assert claims["aud"] == oidc_provider.client_id
    assert claims["iss"] == oidc_provider.issuer


async def test_device_flow_denied_at_the_provider_is_login_cancelled(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    oidc_provider: OidcProvider,
    token_log: TokenEndpointLog,
) -> None:
    """Pressing Abort on oidc-provider's /device page ends the poll with LoginCancelled."""
    authorization = await start_device_authorization(client, metadata, oidc_provider)
    sleep = RecordingSleep(token_log, lambda: oidc_provider.deny_device(authorization.user_code))

    with pytest.raises(LoginCancelled) as raised:
        await poll_for_tokens(
            client, metadata, authorization, client_id=oidc_provider.client_id, sleep=sleep
        )

    assert token_log.errors(DEVICE_GRANT) == ["authorization_pending", "access_denied"]
    assert "End-User aborted interaction" in str(raised.value)


async def test_device_code_expired_at_the_provider_is_login_timed_out(
    quick_device_code_provider: OidcProvider, token_log: TokenEndpointLog
) -> None:
    """oidc-provider's expired_token (its clock, not ours) ends the poll with LoginTimedOut."""
    provider = quick_device_code_provider
    async with httpx.AsyncClient(timeout=10, event_hooks={"response": [token_log]}) as client:
        metadata = await discover(client, provider.issuer)
        token_log.token_endpoint = metadata.token_endpoint
        authorization = await start_device_authorization(client, metadata, provider)
        assert authorization.expires_in == 1
        await asyncio.sleep(1.1)  # the code is now expired at the provider

        with pytest.raises(LoginTimedOut):
            await poll_for_tokens(
                client,
                metadata,
                authorization,
                client_id=provider.client_id,
                sleep=RecordingSleep(token_log),
                clock=lambda: authorization.expires_at - 30,  # our clock lags: ask the server
            )

    assert token_log.errors(DEVICE_GRANT) == ["expired_token"]


# --- browser flow (authorization code + PKCE over the loopback listener) -------------------


class Browser:
    """``open_url`` for run_browser_flow: an httpx client that follows redirects and keeps
    cookies, as a browser would, through oidc-provider's interaction to our listener."""

    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[httpx.Response]] = []

    def open(self, url: str) -> bool:
        self.tasks.append(asyncio.get_running_loop().create_task(self._visit(url)))
        return True

    @staticmethod
    async def _visit(url: str) -> httpx.Response:
        async with httpx.AsyncClient(follow_redirects=True, timeout=10) as browser:
            return await browser.get(url)

    async def landed(self) -> httpx.Response:
        """The page the one visit ended on."""
        assert len(self.tasks) == 1
        return await self.tasks[0]


@pytest.mark.parametrize("first_port_busy", [False, True], ids=["first-port", "second-port"])
async def test_browser_flow_signs_in_through_the_loopback_listener(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    oidc_provider: OidcProvider,
    validator: IdTokenValidator,
    first_port_busy: bool,
) -> None:
    """run_browser_flow completes against oidc-provider (PKCE S256 required) on the first
    free registered port, and its ID token carries this sign-in's nonce."""
    ports = oidc_provider.callback_ports
    browser = Browser()
    nonces: list[str] = []

    async def validate(tokens: TokenSet, nonce: str) -> None:
        assert tokens.id_token is not None
        claims = await validator.validate(tokens.id_token, nonce=nonce)
        assert claims["sub"] == "alice"
        nonces.append(nonce)

    with socket.socket() as blocker:
        if first_port_busy:
            # SO_REUSEADDR: the previous test's listener may have left the port in TIME_WAIT.
            blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            blocker.bind(("127.0.0.1", ports[0]))
            blocker.listen()
        tokens = await run_browser_flow(
            client,
            metadata,
            client_id=oidc_provider.client_id,
            scope=SCOPE,
            audience=None,
            ports=ports,
            open_url=browser.open,
            timeout=20,
            validate=validate,
        )

    landed = await browser.landed()
    port = ports[1] if first_port_busy else ports[0]
    assert landed.status_code == 200 and "Signed in" in landed.text
    assert (landed.url.host, landed.url.port, landed.url.path) == ("127.0.0.1", port, "/callback")
    assert [r.url.path.split("/")[1] for r in landed.history] == ["auth", "interaction", "auth"]
    assert landed.url.params["iss"] == oidc_provider.issuer  # RFC 9207 (the core ignores it)
    assert len(nonces) == 1
    assert tokens.id_token is not None and tokens.access_token
    # OIDC Core §11: without prompt=consent oidc-provider drops offline_access, so this
    # sign-in gets no refresh token (Auth0 does not insist). run_browser_flow sends no prompt.
    assert set(tokens.scope) == {"openid", "profile", "email"}
    assert tokens.refresh_token is None


async def test_code_flow_with_prompt_consent_gets_a_refresh_token(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    oidc_provider: OidcProvider,
    validator: IdTokenValidator,
) -> None:
    """With prompt=consent (OIDC Core §11) the same code flow is granted offline_access."""
    async with LoopbackListener(oidc_provider.callback_ports) as listener:
        request = build_authorization_request(
            metadata,
            client_id=oidc_provider.client_id,
            redirect_uri=listener.redirect_uri,
            scope=SCOPE,
            prompt="consent",
        )
        browser = Browser()
        browser.open(request.url)
        redirect = await listener.wait(expected_state=request.state, timeout=20)
    await browser.landed()
    code = parse_authorization_redirect(redirect, expected_state=request.state)
    exchange = build_code_exchange_request(
        metadata,
        client_id=oidc_provider.client_id,
        code=code,
        redirect_uri=request.redirect_uri,
        verifier=request.pkce.verifier,
    )

    tokens = parse_token_response(await client.send(exchange))

    assert set(tokens.scope) == set(SCOPE.split())
    assert tokens.refresh_token is not None and tokens.id_token is not None
    claims = await validator.validate(tokens.id_token, nonce=request.nonce)
    assert claims["sub"] == "alice"
    with pytest.raises(TokenValidationError, match="nonce"):
        await validator.validate(tokens.id_token, nonce="not-this-sign-in")

    # The code is single-use: oidc-provider refuses it again (and revokes what it issued).
    with pytest.raises(OAuthError) as raised:
        parse_token_response(await client.send(exchange))
    assert raised.value.error == "invalid_grant"
    assert not await access_token_works(client, metadata, tokens.access_token)


async def test_code_exchange_with_a_wrong_pkce_verifier_is_refused(
    client: httpx.AsyncClient, metadata: ServerMetadata, oidc_provider: OidcProvider
) -> None:
    """oidc-provider checks our S256 challenge: a different verifier gets invalid_grant."""
    async with LoopbackListener(oidc_provider.callback_ports) as listener:
        request = build_authorization_request(
            metadata,
            client_id=oidc_provider.client_id,
            redirect_uri=listener.redirect_uri,
            scope="openid",
        )
        browser = Browser()
        browser.open(request.url)
        redirect = await listener.wait(expected_state=request.state, timeout=20)
    await browser.landed()
    exchange = build_code_exchange_request(
        metadata,
        client_id=oidc_provider.client_id,
        code=parse_authorization_redirect(redirect, expected_state=request.state),
        redirect_uri=request.redirect_uri,
        verifier=Secret("x" * 64),
    )

    with pytest.raises(OAuthError) as raised:
        parse_token_response(await client.send(exchange))

    assert raised.value.error == "invalid_grant"


# --- refresh tokens ------------------------------------------------------------------------


async def test_refresh_rotates_and_reuse_revokes_the_whole_grant(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    oidc_provider: OidcProvider,
    token_log: TokenEndpointLog,
    validator: IdTokenValidator,
) -> None:
    """Each refresh returns a new refresh token; presenting a spent one is invalid_grant and
    oidc-provider then revokes the grant: the newest refresh and access tokens die too."""
    first = await device_sign_in(client, metadata, oidc_provider, token_log)
    assert first.refresh_token is not None

    second = await refresh(client, metadata, oidc_provider.client_id, first.refresh_token)

    assert second.refresh_token is not None and second.refresh_token != first.refresh_token
    assert second.access_token != first.access_token
    assert set(second.scope) == set(SCOPE.split())
    assert second.id_token is not None  # a fresh ID token on every refresh
    assert (await validator.validate(second.id_token))["sub"] == "alice"
    assert await access_token_works(client, metadata, second.access_token)

    with pytest.raises(OAuthError) as reused:
        await refresh(client, metadata, oidc_provider.client_id, first.refresh_token)
    assert (reused.value.status, reused.value.error) == (400, "invalid_grant")

    with pytest.raises(OAuthError) as newest:
        await refresh(client, metadata, oidc_provider.client_id, second.refresh_token)
    assert newest.value.error == "invalid_grant"
    assert not await access_token_works(client, metadata, second.access_token)
    assert not await access_token_works(client, metadata, first.access_token)


async def test_token_manager_refreshes_an_expired_token_at_the_real_token_endpoint(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    oidc_provider: OidcProvider,
    token_log: TokenEndpointLog,
    manager: TokenManager,
    store: FileTokenStore,
) -> None:
    """An expired stored token is renewed once through oidc-provider, rotated and saved, and
    BearerAuth then reaches userinfo with it without another refresh."""
    signed_in = await device_sign_in(client, metadata, oidc_provider, token_log)
    store.put(replace(signed_in, expires_at=time.time() - 5))

    renewed = await manager.valid_token(None)

    assert manager.refresh_count == 1
    assert renewed.access_token != signed_in.access_token
    assert renewed.refresh_token is not None and renewed.refresh_token != signed_in.refresh_token
    assert store.get(None) == renewed
    assert metadata.userinfo_endpoint
    profile = await fetch_userinfo(
        client, metadata.userinfo_endpoint, auth=BearerAuth(manager, None)
    )
    assert profile.sub == "alice"
    assert manager.refresh_count == 1
    assert token_log.errors("refresh_token") == [None]


async def test_bearer_auth_refreshes_once_when_the_provider_rejects_the_access_token(
    quick_access_token_provider: OidcProvider, token_log: TokenEndpointLog, store: FileTokenStore
) -> None:
    """An access token the provider has expired while our clock says it is good (skew)
    earns one forced refresh through oidc-provider and one successful retry."""
    provider = quick_access_token_provider
    async with httpx.AsyncClient(timeout=10, event_hooks={"response": [token_log]}) as client:
        metadata = await discover(client, provider.issuer)
        token_log.token_endpoint = metadata.token_endpoint
        assert metadata.userinfo_endpoint
        manager = TokenManager(
            http=client,
            token_endpoint=metadata.token_endpoint,
            client_id=provider.client_id,
            store=store,
        )
        signed_in = await device_sign_in(client, metadata, provider, token_log)
        store.put(replace(signed_in, expires_at=time.time() + 3600))  # we think: good for 1 h
        await asyncio.sleep(2.1)  # the provider thinks: expired (AccessToken TTL 2 s)
        assert not await access_token_works(client, metadata, signed_in.access_token)

        profile = await fetch_userinfo(
            client, metadata.userinfo_endpoint, auth=BearerAuth(manager, None)
        )

    assert profile.sub == "alice"
    assert manager.refresh_count == 1
    stored = store.get(None)
    assert stored is not None and stored.access_token != signed_in.access_token
    assert stored.refresh_token != signed_in.refresh_token


# --- userinfo and revocation ---------------------------------------------------------------


async def test_userinfo_returns_alices_profile(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    oidc_provider: OidcProvider,
    token_log: TokenEndpointLog,
) -> None:
    """fetch_userinfo reads the standard claims oidc-provider releases for profile+email."""
    tokens = await device_sign_in(client, metadata, oidc_provider, token_log)
    assert metadata.userinfo_endpoint

    profile = await fetch_userinfo(
        client, metadata.userinfo_endpoint, auth=StaticBearer(tokens.access_token)
    )

    assert (profile.sub, profile.name, profile.email) == (
        ALICE["sub"],
        ALICE["name"],
        ALICE["email"],
    )
    assert profile.email_verified is True
    assert profile.claims["sub"] == "alice"


async def test_revoking_an_access_token_revokes_the_refresh_token_too(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    oidc_provider: OidcProvider,
    token_log: TokenEndpointLog,
) -> None:
    """oidc-provider revokes every token of the grant when one access token is revoked
    (RFC 7009 §2.1 allows it), so the refresh token stops working as well."""
    tokens = await device_sign_in(client, metadata, oidc_provider, token_log)
    assert tokens.refresh_token is not None and metadata.revocation_endpoint
    revoke = build_revocation_request(
        metadata.revocation_endpoint,
        client_id=oidc_provider.client_id,
        token=tokens.access_token,
        token_type_hint="access_token",
    )

    assert (await client.send(revoke)).status_code == 200

    assert not await access_token_works(client, metadata, tokens.access_token)
    with pytest.raises(OAuthError) as raised:
        await refresh(client, metadata, oidc_provider.client_id, tokens.refresh_token)
    assert raised.value.error == "invalid_grant"


async def test_revoking_the_refresh_token_ends_the_session(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    oidc_provider: OidcProvider,
    token_log: TokenEndpointLog,
    manager: TokenManager,
    store: FileTokenStore,
) -> None:
    """After RFC 7009 revocation of the refresh token, refreshing is invalid_grant, the
    access token is dead too (oidc-provider revokes the grant), and the TokenManager reports
    SessionExpired and wipes the stored session."""
    tokens = await device_sign_in(client, metadata, oidc_provider, token_log)
    assert tokens.refresh_token is not None and metadata.revocation_endpoint
    store.put(tokens)
    revoke = build_revocation_request(
        metadata.revocation_endpoint,
        client_id=oidc_provider.client_id,
        token=tokens.refresh_token,
    )

    response = await client.send(revoke)

    assert response.status_code == 200
    with pytest.raises(OAuthError) as raised:
        await refresh(client, metadata, oidc_provider.client_id, tokens.refresh_token)
    assert raised.value.error == "invalid_grant"
    assert not await access_token_works(client, metadata, tokens.access_token)
    with pytest.raises(SessionExpired):
        await manager.valid_token(None, force=True)
    assert store.get(None) is None
    # Revoking again is still 200 (RFC 7009 §2.2: an invalid token is not an error).
    assert (await client.send(revoke)).status_code == 200
