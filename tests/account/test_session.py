"""The account facade on its own: what AccountSession says and does, against the dev tenant.

The command line and the console are tested through it elsewhere; these hold the facade's own
promises: a session that is signed out says so, a device sign-in stores and describes its
tokens without showing them, scopes decide which actions are possible, a token file of another
client is never used, and signing out reports each step.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
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
from tui_console.storage.token_store import FileTokenStore

ISSUER = "http://127.0.0.1:9/"
MANAGEMENT = f"{ISSUER}api/v2/"


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


def _session(state: TenantState, tmp_path: Path, client_id: str) -> AccountSession:
    transport = httpx.ASGITransport(app=create_app(state, state.settings))
    profile = Profile(name="p", issuer=ISSUER, client_id=client_id, audience=MANAGEMENT)
    return AccountSession(
        profile, store=FileTokenStore(tmp_path / "tokens", profile.name), transport=transport
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
