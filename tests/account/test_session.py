"""The account facade on its own: what AccountSession says and does, against the dev tenant.

The command line and the console are tested through it elsewhere; these hold the facade's own
promises: a session that is signed out says so, a device sign-in stores and describes its
tokens without showing them, scopes decide which actions are possible, a token file of another
client is never used, and signing out reports each step.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_TENANT_SETTINGS
from tui_console.account import AccountSession
from tui_console.config import Profile
from tui_console.devtenant import TenantSettings, TenantState
from tui_console.devtenant.app import create_app
from tui_console.devtenant.seed import CLIENT_ID
from tui_console.errors import NotSignedIn
from tui_console.storage.discovery_cache import MAX_AGE, DiscoveryCache
from tui_console.storage.token_store import FileTokenStore

ISSUER = "http://127.0.0.1:9/"
MANAGEMENT = f"{ISSUER}api/v2/"
DISCOVERY = "/.well-known/openid-configuration"


async def no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)


@pytest.fixture
def state() -> TenantState:
    settings = TenantSettings(**TEST_TENANT_SETTINGS)
    return TenantState(settings, issuer=ISSUER)


@pytest.fixture
async def session(state: TenantState, tmp_path: Path) -> AsyncIterator[AccountSession]:
    async with _session(state, tmp_path, CLIENT_ID) as opened:
        yield opened


class PathLog(httpx.AsyncBaseTransport):
    """The dev tenant in-process, remembering the path of every request sent to it."""

    def __init__(self, state: TenantState) -> None:
        self.inner = httpx.ASGITransport(app=create_app(state, state.settings))
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)


def _session(
    state: TenantState,
    tmp_path: Path,
    client_id: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] = time.time,
) -> AccountSession:
    profile = Profile(name="p", issuer=ISSUER, client_id=client_id, audience=MANAGEMENT)
    return AccountSession(
        profile,
        store=FileTokenStore(tmp_path / "tokens", profile.name),
        transport=transport or httpx.ASGITransport(app=create_app(state, state.settings)),
        clock=clock,
        discovery_cache=DiscoveryCache(tmp_path / "cache"),
    )


async def _sign_in(session: AccountSession, state: TenantState) -> None:
    login = await session.start_device_login()
    assert state.approve_pending_device_codes() == 1
    await login.complete(sleep=no_sleep)


async def test_signed_out_it_says_so_and_gives_no_token(session: AccountSession) -> None:
    assert session.status().signed_in is False
    assert session.token_details() == []
    with pytest.raises(NotSignedIn):
        await session.access_token()


async def test_a_device_sign_in_stores_and_describes_its_tokens_without_showing_them(
    session: AccountSession, state: TenantState
) -> None:
    await _sign_in(session, state)
    status = session.status()
    assert status.signed_in and status.who == "Ada Lovelace"
    [details] = session.token_details()
    assert details.audience == MANAGEMENT and details.has_refresh_token
    assert "read:current_user" in details.scopes
    token = (await session.access_token()).reveal()
    assert token == session.reveal_token(MANAGEMENT)
    for text in (repr(session), repr(details), repr(status), str(session.store)):
        assert token not in text
    assert (await session.userinfo()).email == "ada@example.com"


async def test_scopes_decide_which_actions_are_possible(
    session: AccountSession, state: TenantState
) -> None:
    await _sign_in(session, state)
    assert session.missing_scope("metadata.update") is None
    assert session.missing_scope("devices.list") == "read:device_credentials"  # admin only
    assert "update:current_user_metadata" in session.granted_scopes()


async def test_another_clients_token_file_is_never_used(
    session: AccountSession, state: TenantState, tmp_path: Path
) -> None:
    await _sign_in(session, state)
    async with _session(state, tmp_path, "another-client") as other:
        assert other.status().signed_in is False
        assert other.status().other_session is not None
        with pytest.raises(NotSignedIn, match="belongs to"):
            await other.tokens()
    assert session.status().signed_in  # the first client's session is untouched


async def test_signing_out_revokes_and_wipes_and_says_so(
    session: AccountSession, state: TenantState
) -> None:
    await _sign_in(session, state)
    report = await session.logout()
    assert report.wiped and report.revoked and report.revoke_detail == ""
    assert not session.store.path.exists()
    assert session.status().signed_in is False


async def test_the_next_session_asks_userinfo_in_one_round_trip(
    session: AccountSession, state: TenantState, tmp_path: Path
) -> None:
    """The issuer's metadata of the last session is used for a day: no discovery request."""
    await _sign_in(session, state)
    wire = PathLog(state)
    async with _session(state, tmp_path, CLIENT_ID, transport=wire) as later:
        assert (await later.userinfo()).email == "ada@example.com"
    assert wire.paths == ["/userinfo"]


async def test_a_day_old_copy_is_fetched_again(
    session: AccountSession, state: TenantState, tmp_path: Path
) -> None:
    await _sign_in(session, state)
    wire = PathLog(state)
    day_later = time.time() + MAX_AGE + 60
    async with _session(
        state, tmp_path, CLIENT_ID, transport=wire, clock=lambda: day_later
    ) as later:
        await later.server()
    assert wire.paths == [DISCOVERY]


async def test_a_copy_that_points_tokens_at_plain_http_is_refused(
    session: AccountSession, state: TenantState, tmp_path: Path
) -> None:
    """A cache file changed on disk passes the same checks as a fetched document."""
    await _sign_in(session, state)
    cached = session.discovery_cache.path(ISSUER)
    saved = json.loads(cached.read_text())
    saved["document"]["token_endpoint"] = "http://attacker.example.com/oauth/token"
    cached.write_text(json.dumps(saved))
    wire = PathLog(state)
    async with _session(state, tmp_path, CLIENT_ID, transport=wire) as later:
        metadata = await later.server()
    assert wire.paths == [DISCOVERY]
    assert metadata.token_endpoint == f"{ISSUER}oauth/token"
