"""Fixtures for the dev-tenant tests: an httpx client and a form-posting browser."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.devtenant.flows import Browser
from tui_console.devtenant import RunningTenant


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
