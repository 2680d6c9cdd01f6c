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


async def test_the_console_saves_one_off_flags_only_after_a_sign_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bare ``tui-console --issuer ... --client-id ...`` leaves config.toml alone until a
    sign-in in the console succeeds; then the flags are saved, as ``login`` saves them."""
    import tui_console.ui.app
    from tui_console.account import AccountSession
    from tui_console.auth.tokens import TokenSet
    from tui_console.config import Profile, save_profile
    from tui_console.demo import run_console
    from tui_console.paths import config_file
    from tui_console.redact import Secret
    from tui_console.session_start import SessionStart

    save_profile(Profile(name="work", issuer="https://work.example/", client_id="w"))
    saved = config_file().read_bytes()
    opened: list[AccountSession] = []

    class Console:
        """Stands in for the Textual app: records the session it would have shown."""

        return_code = 0

        def __init__(
            self, session: AccountSession | None, *, start: SessionStart | None = None, **_: object
        ) -> None:
            # A signed-out profile's session is opened by the app, after its first frame.
            if session is None:
                assert start is not None
                session = start.open()
            opened.append(session)

        def run(self) -> None:
            pass

    monkeypatch.setattr(tui_console.ui.app, "ConsoleApp", Console)
    assert run_console(issuer="https://x.example/", client_id="x") == 0
    [session] = opened
    assert (session.profile.name, session.profile.issuer) == ("work", "https://x.example/")
    assert config_file().read_bytes() == saved

    signed_in = TokenSet(
        access_token=Secret("access"),
        expires_at=2_000_000_000.0,
        scope=("openid",),
        audience=session.profile.audience,
    )
    await session.adopt(signed_in)
    await session.aclose()
    profiles, default = load_profiles()
    assert (profiles["work"].issuer, profiles["work"].client_id, default) == (
        "https://x.example/",
        "x",
        "work",
    )
