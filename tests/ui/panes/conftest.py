"""Pane test fixtures: a dev tenant that approves device sign-ins, and a signed-in session."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tui_console.account import AccountSession

if TYPE_CHECKING:
    from tui_console.devtenant import RunningTenant


async def sign_in(session: AccountSession, scopes: tuple[str, ...] | None = None) -> None:
    """Sign ``session`` in through the real device flow (the tenant approves after 0.2 s)."""
    login = await session.start_device_login(scopes=scopes)
    await login.complete()


@pytest.fixture
def tenant(make_dev_tenant: Callable[..., RunningTenant]) -> RunningTenant:
    """A dev tenant on 127.0.0.1 that approves device codes as Ada after 0.2 s."""
    return make_dev_tenant(auto_approve=0.2, device_interval=1)


@pytest.fixture
async def session(
    tenant: RunningTenant, tenant_session: Callable[..., AccountSession]
) -> AccountSession:
    """An AccountSession signed in to ``tenant`` as Ada, tokens under tmp_path."""
    account = tenant_session(tenant)
    await sign_in(account)
    return account


@pytest.fixture
def make_session(
    tenant: RunningTenant, tenant_session: Callable[..., AccountSession]
) -> Callable[..., Any]:
    """``await make_session(name="other", scopes=(...))``: another signed-in session."""

    async def make(**changes: Any) -> AccountSession:
        scopes = changes.pop("scopes", None)
        account = tenant_session(tenant, **changes)
        await sign_in(account, scopes)
        return account

    return make
