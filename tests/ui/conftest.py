"""UI test fixtures: isolated XDG dirs, and a session against a real dev tenant.

Every UI test runs with ``XDG_*`` and ``TUI_CONSOLE_CONFIG`` under ``tmp_path`` and with no
display, SSH or browser variables, so nothing the tests do can touch the person's own profiles
or start a browser.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tui_console.account import AccountSession
from tui_console.config import Profile
from tui_console.storage.token_store import FileTokenStore

if TYPE_CHECKING:
    from tui_console.devtenant import RunningTenant


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Config, state and data directories of this test only; no display, SSH or browser."""
    for name in ("CONFIG", "STATE", "DATA", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    monkeypatch.setenv("TUI_CONSOLE_CONFIG", str(tmp_path / "config" / "config.toml"))
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER", "SSH_CONNECTION", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


def tenant_profile(tenant: RunningTenant, *, name: str = "test", **changes: object) -> Profile:
    """A profile for ``tenant`` asking for the Management API, as the console does."""
    fields: dict[str, object] = {
        "name": name,
        "issuer": tenant.issuer,
        "client_id": tenant.client_id,
        "audience": tenant.management_audience,
    }
    fields.update(changes)
    return Profile(**fields).validate()  # type: ignore[arg-type]


@pytest.fixture
async def tenant_session(
    tmp_path: Path,
) -> AsyncIterator[Callable[..., AccountSession]]:
    """A factory: ``tenant_session(tenant)`` is an AccountSession with tokens under tmp_path."""
    sessions: list[AccountSession] = []

    def make(tenant: RunningTenant, *, name: str = "test", **changes: object) -> AccountSession:
        profile = tenant_profile(tenant, name=name, **changes)
        store = FileTokenStore(tmp_path / "tokens", profile.name)
        session = AccountSession(profile, store=store)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        await session.aclose()
