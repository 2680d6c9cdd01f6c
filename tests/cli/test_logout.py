"""Signing out revokes every audience's refresh token under the profile's lock, then wipes.

Against the dev tenant on a loopback port, with a transport that records (and can fail) the
revocation requests, so each test sees exactly which refresh tokens reached ``/oauth/revoke``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from tui_console.account import AccountSession
from tui_console.config import Profile, management_audience
from tui_console.devtenant import RunningTenant, TenantSettings, serve
from tui_console.redact import Secret
from tui_console.storage.file_lock import InterProcessLock
from tui_console.storage.token_store import FileTokenStore


class RevocationRecorder(httpx.AsyncBaseTransport):
    """Passes requests to the network; records each revoked token, failing those in ``fail``."""

    def __init__(self, fail: frozenset[str] = frozenset()) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._fail = fail
        self.revoked: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/revoke":
            token = parse_qs((await request.aread()).decode())["token"][0]
            self.revoked.append(token)
            if token in self._fail:
                raise httpx.ConnectError("connection refused", request=request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
def tenant() -> Iterator[RunningTenant]:
    with serve(TenantSettings(auto_approve=0.2, device_interval=1)) as running:
        yield running


def _profile(tenant: RunningTenant) -> Profile:
    return Profile(
        name="out",
        issuer=tenant.issuer,
        client_id=tenant.client_id,
        audience=management_audience(tenant.issuer),
    )


async def _signed_in_twice(tenant: RunningTenant, store: FileTokenStore) -> dict[str, str]:
    """Sign in for the Management API and for /userinfo only: two refresh-token families."""
    async with AccountSession(_profile(tenant), store=store) as session:
        for audience in (None, ""):
            login = await session.start_device_login(audience=audience)
            await login.complete(sleep=lambda _: asyncio.sleep(0.2))
    return {
        key: tokens.refresh_token.reveal()
        for key, tokens in store.load().items()
        if tokens.refresh_token is not None
    }


@pytest.fixture
def store(tmp_path: Path) -> FileTokenStore:
    return FileTokenStore(tmp_path / "tokens", "out")


async def test_one_failed_revocation_does_not_stop_the_others(
    tenant: RunningTenant, store: FileTokenStore
) -> None:
    """The first audience's revocation fails; the second is still revoked; each is reported."""
    refresh = await _signed_in_twice(tenant, store)
    assert len(refresh) == 2
    first, second = refresh.values()
    recorder = RevocationRecorder(fail=frozenset({first}))
    async with AccountSession(_profile(tenant), store=store, transport=recorder) as session:
        report = await session.logout()
    assert recorder.revoked == [first, second]
    assert tenant.state.refresh_tokens.family_revoked(second) is True
    assert tenant.state.refresh_tokens.family_revoked(first) is False
    by_token = dict(zip(refresh.values(), report.revocations, strict=True))
    assert by_token[first].revoked is False and by_token[first].detail
    assert by_token[second].revoked is True
    assert {r.audience for r in report.revocations} == {tenant.management_audience, None}
    assert report.revoked is False and "could not" in report.revoke_detail.lower()
    assert report.wiped and not store.path.exists()


async def test_logout_reads_and_revokes_under_the_lock(
    tenant: RunningTenant, store: FileTokenStore
) -> None:
    """While another process holds the lock nothing is revoked; then the current token is."""
    await _signed_in_twice(tenant, store)
    recorder = RevocationRecorder()
    async with AccountSession(_profile(tenant), store=store, transport=recorder) as session:
        lock = InterProcessLock(store.lock_path)
        await lock.__aenter__()
        try:
            logout = asyncio.create_task(session.logout())
            await asyncio.sleep(0.5)
            assert recorder.revoked == []  # waiting for the lock, not working from a stale read
            rotated: dict[str | None, Secret | None] = {}
            for tokens in store.load().values():  # a refresh elsewhere rotates every token
                renewed = replace(tokens, refresh_token=Secret(f"rotated-{len(rotated)}"))
                store.put(renewed)
                rotated[tokens.audience] = renewed.refresh_token
        finally:
            await lock.__aexit__(None, None, None)
        report = await asyncio.wait_for(logout, timeout=30)
    assert sorted(recorder.revoked) == sorted(t.reveal() for t in rotated.values() if t)
    assert all(r.revoked for r in report.revocations) and report.wiped
