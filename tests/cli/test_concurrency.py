"""Single-flight refresh: one refresh per expiry, within a process and across processes.

With refresh-token rotation, presenting a rotated-away refresh token makes Auth0 (and the dev
tenant) revoke the whole family, so two refreshes racing is not a performance bug but a
forced sign-out. These tests count at the tenant.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tui_console.account import AccountSession
from tui_console.config import Profile, management_audience
from tui_console.devtenant import TenantSettings, serve
from tui_console.storage.token_store import FileTokenStore


async def test_fifty_concurrent_requests_on_an_expired_token_refresh_once(tmp_path: Path) -> None:
    """50 coroutines asking for a token after it expired cause exactly one refresh exchange."""
    with serve(TenantSettings(auto_approve=0.2, device_interval=1, access_token_ttl=3)) as tenant:
        profile = Profile(
            name="race",
            issuer=tenant.issuer,
            client_id=tenant.client_id,
            audience=management_audience(tenant.issuer),
        )
        store = FileTokenStore(tmp_path / "tokens", profile.name)
        async with AccountSession(profile, store=store) as session:
            login = await session.start_device_login()
            await login.complete()
            first = await session.access_token()
            await asyncio.sleep(3.2)  # the access token is now expired
            before = tenant.state.stats.refresh_exchanges
            tokens = await asyncio.gather(*(session.access_token() for _ in range(50)))
            assert tenant.state.stats.refresh_exchanges == before + 1
            assert len(set(tokens)) == 1
            assert tokens[0] != first
            assert tenant.state.stats.reuse_detections == 0


@pytest.mark.slow
def test_two_processes_refreshing_for_thirty_seconds_never_reuse_a_token(cli: Cli) -> None:
    """Two ``tui-console token`` loops, 2 s tokens, 30 s: zero reuse revocations at the tenant."""
    with serve(TenantSettings(auto_approve=0.2, device_interval=1, access_token_ttl=2)) as tenant:
        login = cli.run(
            "--issuer", tenant.issuer, "--client-id", tenant.client_id, "login", "--device"
        )
        assert login.returncode == 0, login.stderr
        failures: list[str] = []
        runs = [0, 0]
        deadline = time.monotonic() + 30

        def loop(index: int) -> None:
            while time.monotonic() < deadline:
                result = cli.run("token")
                runs[index] += 1
                if result.returncode != 0 or not result.stdout.strip():
                    failures.append(result.stderr)

        threads = [threading.Thread(target=loop, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert failures == []
        assert min(runs) >= 5, runs
        assert tenant.state.stats.reuse_detections == 0
        # 2 s tokens over 30 s: the processes really did refresh, many times.
        assert tenant.state.stats.refresh_exchanges >= 8
