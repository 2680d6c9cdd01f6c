"""A support profile's client secret in the OS keyring: used when chosen, every call bounded
by a timeout, and a failing keyring an error naming the fix, never a silent fall back to a
file."""

from __future__ import annotations

import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from tests.support.conftest import SupportDesk
from tui_console.account import AccountSession
from tui_console.config import Profile, load_profiles, save_profile
from tui_console.errors import ConfigError, StorageError
from tui_console.redact import Secret
from tui_console.storage.keyring_secrets import KEYRING_SERVICE, KeyringSecretStore


class MemoryKeyring:
    """The three calls tui-console makes, on a dict."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.entries[(service, username)]


class HangingKeyring(MemoryKeyring):
    """A locked Secret Service waiting for a prompt no one sees."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(10)


class LockedKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("Failed to unlock the collection")


async def _keyring_session(desk: SupportDesk, backend: object) -> AccountSession:
    session = await desk.session(desk.profile("secret"), secret_store="keyring")
    assert isinstance(session.client_secrets, KeyringSecretStore)  # chosen by the profile
    session.client_secrets = KeyringSecretStore(
        session.profile.name, session.profile.client_id, backend=backend, timeout=0.5
    )
    return session


async def test_the_secret_lives_in_the_keyring_and_renewals_read_it(desk: SupportDesk) -> None:
    backend = MemoryKeyring()
    session = await _keyring_session(desk, backend)
    await session.login_with_client_credentials(secret=desk.secret)
    username = f"support:{session.profile.client_id}"
    assert backend.entries == {(KEYRING_SERVICE, username): desk.secret.reveal()}
    assert not desk.secret_file.exists()  # no file at all
    desk.advance(86_400)
    before = desk.tenant.state.stats.token_requests
    await session.access_token()  # renewed with the secret from the keyring
    assert desk.tenant.state.stats.token_requests - before == 1
    assert (await session.logout()).client_secret_deleted and backend.entries == {}


async def test_a_keyring_that_does_not_answer_is_an_error_in_bounded_time(
    desk: SupportDesk,
) -> None:
    backend = HangingKeyring()
    session = await _keyring_session(desk, backend)
    try:
        with pytest.raises(StorageError) as caught:
            await session.login_with_client_credentials(secret=desk.secret)
    finally:
        backend.release.set()
    assert "did not answer within 0.5 s" in caught.value.message
    assert "without --keyring" in caught.value.hint
    assert not desk.secret_file.exists()  # no silent fall back


async def test_a_keyring_that_refuses_is_an_error_naming_the_fix(desk: SupportDesk) -> None:
    session = await _keyring_session(desk, LockedKeyring())
    with pytest.raises(StorageError) as caught:
        await session.login_with_client_credentials(secret=desk.secret)
    assert "Failed to unlock the collection" in caught.value.message
    assert desk.secret.reveal() not in str(caught.value)
    assert not desk.secret_file.exists()


def test_without_the_keyring_package_the_profile_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring now fails
    store = KeyringSecretStore("support", "cid")
    with pytest.raises(ConfigError) as caught:
        store.save(Secret("s"))
    assert "tui-console[keyring]" in caught.value.hint


def test_the_profile_remembers_the_choice(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    profile = Profile(
        name="support",
        issuer="https://tenant.example.com/",
        client_id="cid",
        client_auth="secret",
        secret_store="keyring",
    )
    save_profile(profile, path=path)
    assert 'secret_store = "keyring"' in path.read_text()
    assert load_profiles(path)[0]["support"] == profile
    save_profile(replace(profile, secret_store="file"), path=path)
    assert "secret_store" not in path.read_text()
