"""The demo wiring: the in-process tenant, its persistent state file, the demo profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_console.config import load_profiles
from tui_console.demo import DEMO_PROFILE, DemoTenant, demo_state_file


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONFIG", "STATE", "DATA", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    monkeypatch.delenv("TUI_CONSOLE_CONFIG", raising=False)


async def test_demo_session_is_for_the_running_tenant_and_starts_signed_out() -> None:
    """The demo profile points at this run's issuer, is never saved, and has no old tokens."""
    demo = DemoTenant()
    try:
        stale = demo.session()
        stale.store.path.parent.mkdir(parents=True, exist_ok=True)
        stale.store.path.write_text(json.dumps({}))  # tokens of an earlier run
        await stale.aclose()
        session = demo.session()
        assert demo.tenant is not None
        assert session.profile.name == DEMO_PROFILE
        assert session.profile.issuer == demo.tenant.issuer
        assert session.profile.audience == demo.tenant.management_audience
        assert not session.store.path.exists()
        assert not session.status().signed_in
        assert load_profiles() == ({}, None)  # the demo profile is not saved
        await session.aclose()
    finally:
        demo.close()
    assert demo_state_file().exists()  # users and devices persist across runs


def test_reset_starts_from_a_fresh_tenant() -> None:
    """--reset deletes the demo tenant's state file before starting."""
    state = demo_state_file()
    state.parent.mkdir(parents=True)
    state.write_text("not a state file")
    demo = DemoTenant(reset=True)
    try:
        demo.start()
        assert json.loads(state.read_text())["version"]
    finally:
        demo.close()


def test_damaged_state_file_says_how_to_recover() -> None:
    """An unreadable state file is a message with the fix (--reset), not a traceback."""
    from tui_console.errors import ConfigError

    state = demo_state_file()
    state.parent.mkdir(parents=True)
    state.write_text("not a state file")
    demo = DemoTenant()
    try:
        with pytest.raises(ConfigError, match="state file") as caught:
            demo.start()
        assert "--reset" in caught.value.hint
    finally:
        demo.close()
