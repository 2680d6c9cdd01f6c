"""The client's DPoP against the dev tenant: sign-in, refresh, userinfo, refusals, fallback.

The session is the real :class:`~tui_console.account.AccountSession`; the tenant runs in
process through ``httpx.ASGITransport`` (fast, no port), except for the browser sign-in,
which needs a real tenant and the loopback listener. The tenant's stats count what reached
it, so "one request, not two" is measured at the server.
"""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.cli.conftest import free_ports
from tests.cli.fake_browser import sign_in as browser_sign_in
from tests.clocks import OffsetClock
from tests.conftest import TEST_TENANT_SETTINGS
from tests.fixed_proof import FixedProof
from tui_console.account import AccountSession
from tui_console.auth.dpop import DPoPError
from tui_console.auth.dpop_key import DPoPKey
from tui_console.auth.userinfo import fetch_userinfo
from tui_console.config import Profile
from tui_console.devtenant import TenantSettings, TenantState, serve
from tui_console.devtenant.app import create_app
from tui_console.devtenant.seed import CLIENT_ID, DEMO_USER_ID
from tui_console.errors import OAuthError, SessionExpired
from tui_console.redact import Secret
from tui_console.storage.token_store import FileTokenStore

ISSUER = "http://127.0.0.1:9/"
MANAGEMENT = f"{ISSUER}api/v2/"
USERINFO = f"{ISSUER}userinfo"


async def no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)


@dataclass
class Setup:
    state: TenantState
    transport: httpx.ASGITransport
    tmp: Path
    stack: AsyncExitStack
    clock: OffsetClock

    def profile(self, audience: str | None = None, **changes: Any) -> Profile:
        return Profile(name="p", issuer=ISSUER, client_id=CLIENT_ID, audience=audience, **changes)

    async def session(self, profile: Profile) -> AccountSession:
        """A fresh session (fresh nonce memory) on the same token directory."""
        session = AccountSession(
            profile,
            store=FileTokenStore(self.tmp / "tokens", profile.name),
            transport=self.transport,
            clock=self.clock,
        )
        return await self.stack.enter_async_context(session)

    async def signed_in(self, audience: str | None = None, **changes: Any) -> AccountSession:
        session = await self.session(self.profile(audience, **changes))
        login = await session.start_device_login(dpop=True)
        assert self.state.approve_pending_device_codes() == 1
        await login.complete(sleep=no_sleep)
        return session

    def advance(self, seconds: float) -> None:
        self.state.advance_clock(seconds)
        self.clock.offset += seconds


@pytest.fixture
async def make_setup(tmp_path: Path) -> AsyncIterator[Callable[..., Setup]]:
    async with AsyncExitStack() as stack:

        def factory(**overrides: Any) -> Setup:
            settings = TenantSettings(**{**TEST_TENANT_SETTINGS, **overrides})
            state = TenantState(settings, issuer=ISSUER)
            transport = httpx.ASGITransport(app=create_app(state, settings))
            return Setup(state, transport, tmp_path, stack, OffsetClock())

        yield factory


@pytest.fixture
def setup(make_setup: Callable[..., Setup]) -> Setup:
    return make_setup()


# --- signing in, refreshing, userinfo ---------------------------------------------------------


async def test_device_sign_in_binds_the_session_and_a_remembered_nonce_saves_a_request(
    setup: Setup,
) -> None:
    """A DPoP device sign-in pays one nonce challenge, stores bound tokens and a 0600 key;
    /userinfo and a refresh then cost one request each. A new process (no nonce yet) pays
    two requests for the same refresh."""
    session = await setup.signed_in()
    stats = setup.state.stats
    assert (stats.dpop_nonce_challenges, stats.token_requests) == (1, 2)
    [token] = session.status().tokens
    key = session.dpop_keys.load()
    assert key is not None
    assert (token.dpop_bound, token.dpop_jkt, token.token_type) == (True, key.thumbprint, "DPoP")
    assert stat.S_IMODE(os.stat(session.dpop_keys.path).st_mode) == 0o600
    assert session.status().dpop_key_file == str(session.dpop_keys.path)
    assert session.status().dpop_key_missing is False

    profile = await session.userinfo()
    assert profile.sub == DEMO_USER_ID and stats.userinfo_requests == 1

    manager = await session.tokens()
    before = stats.token_requests
    renewed = await manager.valid_token(None, force=True)
    assert stats.token_requests - before == 1  # the nonce from the sign-in was remembered
    assert renewed.dpop_jkt == key.thumbprint and renewed.token_type == "DPoP"

    later = await setup.session(session.profile)  # another process: no nonce known yet
    before = stats.token_requests
    await (await later.tokens()).valid_token(None, force=True)
    assert stats.token_requests - before == 2
    assert stats.dpop_nonce_challenges == 2 and stats.refresh_exchanges == 2
    assert (await later.userinfo()).sub == DEMO_USER_ID


async def test_a_stale_nonce_at_userinfo_costs_exactly_one_retry(
    make_setup: Callable[..., Setup],
) -> None:
    """After two nonce windows the remembered nonce is refused with 401 use_dpop_nonce; the
    same auth flow retries once with the new one and succeeds."""
    setup = make_setup(dpop_nonce_ttl=20)
    session = await setup.signed_in()
    setup.advance(41)
    stats = setup.state.stats
    token_requests = stats.token_requests
    assert (await session.userinfo()).sub == DEMO_USER_ID
    assert (stats.userinfo_requests, stats.dpop_nonce_challenges) == (2, 2)
    assert stats.token_requests == token_requests  # a nonce retry, not a refresh
    assert (await session.userinfo()).sub == DEMO_USER_ID
    assert stats.userinfo_requests == 3  # the new nonce is remembered


async def test_management_tokens_fall_back_to_bearer_and_management_calls_work(
    setup: Setup,
) -> None:
    """The dev tenant's Management API, like an Auth0 API without a sender-constraining
    policy, gets a Bearer token from a DPoP sign-in: status says so, the Management API and
    /userinfo take it as Bearer, and its refresh still needs the key."""
    session = await setup.signed_in(MANAGEMENT)
    [token] = session.status().tokens
    assert (token.dpop_bound, token.dpop_fallback, token.token_type) == (False, True, "Bearer")
    assert token.dpop_note and "Bearer" in token.dpop_note
    assert token.to_json()["dpop_jkt"] == session.dpop_keys.load().thumbprint  # type: ignore[union-attr]

    user = await session.get_user()
    assert user.user_id == DEMO_USER_ID
    assert (await session.userinfo()).sub == DEMO_USER_ID
    session.dpop_keys.delete()
    with pytest.raises(SessionExpired, match="DPoP key that is missing"):
        await (await session.tokens()).valid_token(MANAGEMENT, force=True)


async def test_a_management_api_configured_for_dpop_gets_cnf_bound_tokens(
    make_setup: Callable[..., Setup],
) -> None:
    """With the Management API taking DPoP, the JWT carries cnf.jkt = the key's thumbprint,
    and /userinfo (in its audience) and the Management API take it with a proof."""
    setup = make_setup(management_api_dpop=True)
    session = await setup.signed_in(MANAGEMENT)
    stored = session.store.get(MANAGEMENT)
    assert stored is not None
    assert stored.access_token_jkt == session.dpop_keys.load().thumbprint  # type: ignore[union-attr]
    assert session.status().tokens[0].to_json()["dpop_bound"] is True
    assert (await session.userinfo()).sub == DEMO_USER_ID
    assert (await session.get_user()).user_id == DEMO_USER_ID  # DPoP at the Management API


async def test_a_lost_key_means_signing_in_again(setup: Setup) -> None:
    """The key file gone: userinfo stops with SessionExpired and a sign-in hint, sending
    nothing; signing in again makes a new key and works; logout deletes it."""
    session = await setup.signed_in()
    session.dpop_keys.delete()
    sent = setup.state.stats.userinfo_requests
    with pytest.raises(SessionExpired) as raised:
        await session.userinfo()
    assert "tui-console login" in raised.value.hint
    assert setup.state.stats.userinfo_requests == sent
    assert session.status().signed_in  # the tokens are kept: the person decides
    assert session.status().to_json()["dpop_key_missing"] is True

    again = await setup.signed_in()
    assert (await again.userinfo()).sub == DEMO_USER_ID
    report = await again.logout()
    assert report.dpop_key_deleted and not again.dpop_keys.path.exists()


async def test_a_bearer_sign_in_leaves_no_key_behind(setup: Setup) -> None:
    """Replacing the only DPoP session with a Bearer one deletes the key no token needs."""
    session = await setup.signed_in()
    assert session.dpop_keys.path.exists()
    login = await session.start_device_login(dpop=False)
    assert setup.state.approve_pending_device_codes() == 1
    status = await login.complete(sleep=no_sleep)
    assert status.tokens[0].dpop_jkt is None and status.dpop_key_file is None
    assert not session.dpop_keys.path.exists()


# --- refusals, reported clearly ---------------------------------------------------------------


async def test_the_tenants_refusals_reach_the_person_as_clear_errors(setup: Setup) -> None:
    """A bound token as Bearer, a proof from another key, a proof without ath and a replayed
    proof are each refused by /userinfo and read by the client as a specific error."""
    session = await setup.signed_in()
    tokens = session.store.get(None)
    key = session.dpop_keys.load()
    assert tokens is not None and key is not None
    token = tokens.access_token.reveal()
    nonce = session.dpop_nonces.get(USERINFO)
    assert nonce is not None
    http = session.http

    async def probe(authorization: str, proof: str | None = None) -> Any:
        return await fetch_userinfo(http, USERINFO, auth=FixedProof(authorization, proof))

    with pytest.raises(OAuthError) as as_bearer:
        await probe(f"Bearer {token}")
    assert as_bearer.value.error == "invalid_token"
    assert "presented as Bearer" in str(as_bearer.value)

    other = DPoPKey.generate().proof("GET", USERINFO, access_token=Secret(token), nonce=nonce)
    with pytest.raises(OAuthError) as other_key:
        await probe(f"DPoP {token}", other)
    assert other_key.value.error == "invalid_token"
    assert "does not match the token's binding" in str(other_key.value)

    with pytest.raises(DPoPError) as no_ath:
        await probe(f"DPoP {token}", key.proof("GET", USERINFO, nonce=nonce))
    assert no_ath.value.error == "invalid_dpop_proof" and "no ath" in str(no_ath.value)
    assert "clock" in no_ath.value.hint

    proof = key.proof("GET", USERINFO, access_token=Secret(token), nonce=nonce)
    assert (await probe(f"DPoP {token}", proof)).sub == DEMO_USER_ID
    with pytest.raises(DPoPError, match="replayed"):
        await probe(f"DPoP {token}", proof)


# --- the browser flow binds the code ----------------------------------------------------------


async def test_browser_sign_in_sends_dpop_jkt_and_gets_bound_tokens(tmp_path: Path) -> None:
    """The /authorize URL carries dpop_jkt = the key's thumbprint, the tenant binds the code,
    and the exchange (with a proof from that key, after one nonce challenge) is bound."""
    ports = free_ports(2)
    settings = TenantSettings(**{**TEST_TENANT_SETTINGS, "callback_ports": tuple(ports)})
    opened: list[str] = []
    with serve(settings) as tenant:
        profile = Profile(
            name="b",
            issuer=tenant.issuer,
            client_id=tenant.client_id,
            redirect_ports=tuple(ports),
            dpop=True,
        )
        store = FileTokenStore(tmp_path / "tokens", "b")
        async with AccountSession(profile, store=store) as session:
            tasks: list[asyncio.Future[None]] = []

            def open_url(url: str) -> bool:
                opened.append(url)
                tasks.append(
                    asyncio.ensure_future(
                        asyncio.to_thread(browser_sign_in, url, "ada@example.com", "lovelace")
                    )
                )
                return True

            status = await session.login_with_browser(open_url=open_url, timeout=20)
            await asyncio.gather(*tasks)
            key = session.dpop_keys.load()
            assert key is not None
            [url] = opened
            assert parse_qs(urlsplit(url).query)["dpop_jkt"] == [key.thumbprint]
            [token] = status.tokens
            assert token.dpop_bound is True and token.dpop_jkt == key.thumbprint
            stored = store.get(None)
            assert stored is not None and stored.refresh_token is not None
            assert tenant.state.refresh_tokens.binding(stored.refresh_token.reveal()) == (
                key.thumbprint
            )
            assert tenant.state.stats.dpop_nonce_challenges == 1
