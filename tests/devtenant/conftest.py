"""Fixtures for the dev-tenant tests: an httpx client, a form-posting browser, and one
tenant shared by the tests that only need a fresh state.

``tenant`` and ``tenant_with(**settings)`` hand out a server started once per session and
:meth:`~tui_console.devtenant.state.TenantState.reset` before each test (seed data, zeroed
stats and clock, full buckets, no armed failures). Starting and stopping uvicorn costs about
0.25 s a test; the Management API suites would otherwise spend most of their time on it. Tests
that need their own issuer, signing key or state file keep using ``make_dev_tenant``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import TEST_TENANT_SETTINGS
from tests.devtenant.flows import Browser
from tui_console.devtenant import RunningTenant, TenantSettings, serve


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """A plain API client (no cookies shared with the browser)."""
    async with httpx.AsyncClient() as http:
        yield http


@pytest.fixture
async def browser(dev_tenant: RunningTenant) -> AsyncIterator[Browser]:
    """A browser on ``dev_tenant`` that keeps cookies and stays on the tenant."""
    b = Browser(dev_tenant)
    try:
        yield b
    finally:
        await b.aclose()


@pytest.fixture(scope="session")
def _shared_tenant() -> Iterator[RunningTenant]:
    with serve(TenantSettings(**TEST_TENANT_SETTINGS)) as running:
        yield running


@pytest.fixture
def tenant_with(_shared_tenant: RunningTenant) -> Callable[..., RunningTenant]:
    """``tenant_with(management_burst=2)``: the shared tenant, reset with those settings."""

    def factory(**overrides: Any) -> RunningTenant:
        _shared_tenant.state.reset(TenantSettings(**{**TEST_TENANT_SETTINGS, **overrides}))
        return _shared_tenant

    return factory


@pytest.fixture
def tenant(tenant_with: Callable[..., RunningTenant]) -> RunningTenant:
    """The shared tenant, freshly reset with the test settings."""
    return tenant_with()
