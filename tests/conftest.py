"""Shared fixtures: the dev tenant, on a real 127.0.0.1 port or in process.

* ``dev_tenant``: a :class:`~tui_console.devtenant.server.RunningTenant` listening on a free
  loopback port, with test-friendly settings (1 s device interval, no auto-approval). It is
  stopped when the test ends, pass or fail.
* ``make_dev_tenant(**overrides)``: the same with :class:`TenantSettings` overrides (tiny TTLs,
  ``auto_approve=0.2``...); every tenant it started is stopped at the end of the test.
* ``asgi_dev_tenant``: the dev tenant's app driven through ``httpx.ASGITransport``: no socket,
  no thread, for fast protocol tests that do not need a real server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from tui_console.devtenant import TenantSettings

if TYPE_CHECKING:
    import httpx

    from tui_console.devtenant import RunningTenant, TenantState


@pytest.fixture(autouse=True)
def _private_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own ``XDG_CACHE_HOME``: a session built in a test without one keeps
    its discovery documents there, never in this machine's cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


#: What the fixtures change from Auth0's defaults: a 1 s poll interval, nobody auto-approving.
TEST_TENANT_SETTINGS: dict[str, Any] = {"device_interval": 1, "auto_approve": None}


@pytest.fixture
def make_dev_tenant() -> Iterator[Callable[..., RunningTenant]]:
    """A factory: ``make_dev_tenant(access_token_ttl=2)`` starts a tenant with those settings."""
    from tui_console.devtenant import serve

    with ExitStack() as stack:

        def factory(**overrides: Any) -> RunningTenant:
            settings = TenantSettings(**{**TEST_TENANT_SETTINGS, **overrides})
            return stack.enter_context(serve(settings))

        yield factory


@pytest.fixture
def dev_tenant(make_dev_tenant: Callable[..., RunningTenant]) -> RunningTenant:
    """A dev tenant on 127.0.0.1 with the test settings."""
    return make_dev_tenant()


@dataclass
class InProcessTenant:
    """The dev tenant's ASGI app with an httpx client bound to it (no network)."""

    issuer: str
    client_id: str
    state: TenantState
    client: httpx.AsyncClient


@pytest.fixture
async def asgi_dev_tenant() -> AsyncIterator[InProcessTenant]:
    """The dev tenant in process, through ``httpx.ASGITransport``."""
    import httpx

    from tui_console.devtenant import TenantState
    from tui_console.devtenant.app import create_app
    from tui_console.devtenant.seed import CLIENT_ID

    issuer = "http://127.0.0.1:9/"  # never dialled: the transport calls the app directly
    settings = TenantSettings(**TEST_TENANT_SETTINGS)
    state = TenantState(settings, issuer=issuer)
    transport = httpx.ASGITransport(app=create_app(state, settings))
    async with httpx.AsyncClient(transport=transport, base_url=issuer) as client:
        yield InProcessTenant(issuer=issuer, client_id=CLIENT_ID, state=state, client=client)
