"""The rate-limit gate against the dev tenant: requests wait for a refill, never burst."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui_console.account import AccountSession
from tui_console.config import Profile, management_audience
from tui_console.devtenant import TenantSettings, serve
from tui_console.storage.token_store import FileTokenStore


async def test_three_bucketfuls_of_reads_send_nothing_into_an_empty_bucket(tmp_path: Path) -> None:
    """Bucket of 3 refilling every 0.5 s, 9 reads: all succeed, none reach an empty bucket."""
    settings = TenantSettings(
        auto_approve=0.2, device_interval=1, management_burst=3, management_refill_per_minute=120
    )
    with serve(settings) as tenant:
        profile = Profile(
            name="limits",
            issuer=tenant.issuer,
            client_id=tenant.client_id,
            audience=management_audience(tenant.issuer),
        )
        store = FileTokenStore(tmp_path / "tokens", profile.name)
        async with AccountSession(profile, store=store) as session:
            await (await session.start_device_login()).complete()
            first = await session.get_user()  # the board learns the bucket from this answer
            rest = await asyncio.gather(*(session.get_user() for _ in range(8)))
        assert {user.user_id for user in [first, *rest]} == {tenant.demo_user["user_id"]}
        stats = tenant.state.stats
        assert stats.management_requests_on_empty_bucket == 0
        assert stats.management_429s == 0
        assert stats.management_requests == 9
