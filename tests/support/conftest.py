"""The support desk's world: the shared dev tenant, and machine sessions signed in to it.

The tenant fixtures are the dev-tenant suite's own (one server per test session, reset before
each test). :class:`SupportDesk` builds real :class:`~tui_console.account.AccountSession`\\ s
for the tenant's two support applications, with tokens under the test's temporary directory
and a clock that moves with the tenant's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import pytest

from tests.cli.conftest import cli  # noqa: F401
from tests.clocks import OffsetClock
from tests.devtenant.conftest import _shared_tenant, client, tenant, tenant_with  # noqa: F401
from tui_console.account import AccountSession
from tui_console.config import Profile
from tui_console.devtenant import RunningTenant
from tui_console.redact import Secret
from tui_console.storage.token_store import FileTokenStore


@dataclass
class SupportDesk:
    tenant: RunningTenant
    tmp: Path
    stack: AsyncExitStack
    clock: OffsetClock

    def profile(self, method: Literal["secret", "private_key_jwt"] = "secret") -> Profile:
        if method == "secret":
            client_id = self.tenant.support_client["client_id"]
            return Profile(
                name="support",
                issuer=self.tenant.issuer,
                client_id=client_id,
                audience=self.tenant.management_audience,
                client_auth="secret",
            )
        return Profile(
            name="support-jwt",
            issuer=self.tenant.issuer,
            client_id=self.tenant.support_jwt_client["client_id"],
            audience=self.tenant.management_audience,
            client_auth="private_key_jwt",
            private_key_file=self.tenant.support_jwt_client["private_key_file"],
        )

    @property
    def secret_file(self) -> Path:
        """Where the secret profile keeps its client secret (beside its token file)."""
        return self.tmp / "tokens" / "support.client-secret"

    @property
    def secret(self) -> Secret:
        return Secret(self.tenant.support_client["client_secret"])

    async def session(self, profile: Profile, **changes: Any) -> AccountSession:
        session = AccountSession(
            replace(profile, **changes),
            store=FileTokenStore(self.tmp / "tokens", profile.name),
            clock=self.clock,
        )
        return await self.stack.enter_async_context(session)

    async def signed_in(
        self, method: Literal["secret", "private_key_jwt"] = "secret"
    ) -> AccountSession:
        session = await self.session(self.profile(method))
        secret = self.secret if method == "secret" else None
        await session.login_with_client_credentials(secret=secret)
        return session

    def advance(self, seconds: float) -> None:
        self.tenant.state.advance_clock(seconds)
        self.clock.offset += seconds


@pytest.fixture
async def desk(tenant: RunningTenant, tmp_path: Path) -> AsyncIterator[SupportDesk]:  # noqa: F811
    async with AsyncExitStack() as stack:
        yield SupportDesk(tenant, tmp_path, stack, OffsetClock())
