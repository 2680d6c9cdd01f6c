"""A signed-in session against a running dev tenant, for the My Account tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tui_console.account import AccountSession
from tui_console.config import Profile, management_audience
from tui_console.devtenant import RunningTenant
from tui_console.storage.token_store import FileTokenStore


@dataclass
class SignedIn:
    tenant: RunningTenant
    session: AccountSession
    store: FileTokenStore

    @property
    def me(self) -> str:
        return f"{self.tenant.issuer}me/"


SignIn = Callable[..., AbstractAsyncContextManager[SignedIn]]
"""The ``sign_in`` fixture: ``async with sign_in(**tenant_settings) as signed:``."""


@pytest.fixture
def sign_in(make_dev_tenant: Callable[..., RunningTenant], tmp_path: Path) -> SignIn:
    """``async with sign_in(**settings) as signed:``: a device sign-in for the Management API."""

    @asynccontextmanager
    async def factory(**overrides: Any) -> AsyncIterator[SignedIn]:
        tenant = make_dev_tenant(auto_approve=0.1, **overrides)
        profile = Profile(
            name="mfa",
            issuer=tenant.issuer,
            client_id=tenant.client_id,
            audience=management_audience(tenant.issuer),
        )
        store = FileTokenStore(tmp_path / "tokens", profile.name)
        async with AccountSession(profile, store=store) as session:
            login = await session.start_device_login()
            await login.complete(sleep=_short_sleep)
            yield SignedIn(tenant, session, store)

    return factory


async def _short_sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(min(seconds, 0.2))
