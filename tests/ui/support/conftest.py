"""The support console against the shared dev tenant: machine sessions, Ada's devices.

The tenant and :class:`~tests.support.conftest.SupportDesk` are the support suite's own; each
test gets a freshly reset tenant and, with ``ada_devices``, the three sessions (each with a
refresh token) that ``tui-console demo --support`` gives Ada.
"""

from __future__ import annotations

import pytest

from tests.devtenant.conftest import _shared_tenant, tenant, tenant_with  # noqa: F401
from tests.support.conftest import desk  # noqa: F401
from tui_console.demo import seed_support_history
from tui_console.devtenant import RunningTenant


@pytest.fixture
def ada_devices(tenant: RunningTenant) -> RunningTenant:  # noqa: F811
    """The tenant, with Ada signed in on three devices."""
    seed_support_history(tenant)
    return tenant
