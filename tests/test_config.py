"""Profiles and the keymap in config.toml: read, validated, written without losing anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_console.config import (
    Profile,
    load_keymap,
    load_profiles,
    remove_profile,
    resolve_profile,
    save_profile,
    set_default_profile,
)
from tui_console.errors import ConfigError


def test_saving_a_profile_keeps_the_keymap_and_other_profiles(tmp_path: Path) -> None:
    """save_profile rewrites the file; the [keymap] table and other profiles survive it."""
    path = tmp_path / "config.toml"
    path.write_text(
        '[keymap]\n"app.help" = "f2"\n'
        '[profiles.work]\nissuer = "https://work.eu.auth0.com/"\nclient_id = "abc"\n'
    )
    save_profile(Profile(name="home", issuer="https://home.auth0.com/", client_id="xyz"), path=path)
    profiles, default = load_profiles(path)
    assert set(profiles) == {"work", "home"}
    assert default == "home"
    assert load_keymap(path) == {"app.help": "f2"}


def test_a_malformed_keymap_is_named(tmp_path: Path) -> None:
    """A keymap value that is not a key string is refused with the table's name."""
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\n"app.help" = 3\n')
    with pytest.raises(ConfigError, match=r"\[keymap\]"):
        load_keymap(path)


WORK = '[profiles.work]\nissuer = "https://work.eu.auth0.com/"\nclient_id = "abc"\n'


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b'[profiles.work]\nissuer = "https://w\xe9rk.example/"\n', "not UTF-8"),
        (b"[profiles.work\nissuer = 1\n", "not valid TOML"),
        (b'profiles = "work"\n', "must be a table"),
        (b'[profiles]\nwork = "https://work.eu.auth0.com/"\n', "must be a table"),
        (b'[profiles.work]\nissuer = 5\nclient_id = "abc"\n', "issuer must be a quoted string"),
        (b'[profiles.work]\nissuer = "https://w.example/"\nclient_id = 7\n', "client_id must"),
        (WORK.encode() + b"audience = true\n", "audience must be a quoted string"),
        (WORK.encode() + b'scopes = "openid"\n', "scopes must be a list"),
        (b"default_profile = 3\n" + WORK.encode(), "default_profile must be"),
    ],
)
def test_a_damaged_config_file_is_named_with_what_to_do(
    tmp_path: Path, content: bytes, what: str
) -> None:
    """Bad bytes, bad TOML and wrong types each give a ConfigError naming the file and a fix."""
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as raised:
        load_profiles(path)
    assert what in raised.value.message
    assert str(path) in raised.value.message
    assert raised.value.hint


def test_flags_change_the_profile_for_the_run_without_saving(tmp_path: Path) -> None:
    """resolve_profile answers with the flags applied; the file stays byte for byte the same."""
    path = tmp_path / "config.toml"
    path.write_text('default_profile = "work"\n' + WORK)
    before = path.read_bytes()
    profile, changed = resolve_profile(
        issuer="https://x.invalid/", client_id="x", environ={}, path=path
    )
    assert changed and (profile.name, profile.issuer, profile.client_id) == (
        "work",
        "https://x.invalid/",
        "x",
    )
    assert path.read_bytes() == before


def test_an_unknown_profile_is_refused_unless_a_sign_in_creates_it(tmp_path: Path) -> None:
    """``--profile typo`` names the saved profiles; only ``create`` (login) with flags makes one."""
    path = tmp_path / "config.toml"
    path.write_text(WORK + '[profiles.home]\nissuer = "https://home.auth0.com/"\nclient_id = "x"\n')
    for domain, client_id in ((None, None), ("new.eu.auth0.com", "n")):
        with pytest.raises(ConfigError, match=r"'typo'.*saved profiles: home, work") as raised:
            resolve_profile(name="typo", domain=domain, client_id=client_id, environ={}, path=path)
        assert "tui-console login --profile typo" in raised.value.hint
    with pytest.raises(ConfigError, match="saved profiles: home, work"):
        resolve_profile(name="typo", create=True, environ={}, path=path)
    created, changed = resolve_profile(
        name="typo", domain="new.eu.auth0.com", client_id="n", create=True, environ={}, path=path
    )
    assert changed and created.issuer == "https://new.eu.auth0.com/"


def test_without_a_default_the_saved_profiles_are_named(tmp_path: Path) -> None:
    """Profiles but no default: the error lists them and says how to choose one."""
    path = tmp_path / "config.toml"
    path.write_text(WORK)
    with pytest.raises(ConfigError, match="saved profiles: work") as raised:
        resolve_profile(environ={}, path=path)
    assert "profiles use" in raised.value.hint


def test_set_default_and_remove_keep_everything_else(tmp_path: Path) -> None:
    """``profiles use`` and ``profiles remove`` rewrite only what they change."""
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\n"app.help" = "f2"\n' + WORK)
    save_profile(Profile(name="home", issuer="https://home.auth0.com/", client_id="x"), path=path)
    set_default_profile("work", path=path)
    assert load_profiles(path)[1] == "work"
    with pytest.raises(ConfigError, match="saved profiles: home, work"):
        set_default_profile("nope", path=path)
    remove_profile("work", path=path)
    profiles, default = load_profiles(path)
    assert (set(profiles), default) == ({"home"}, None)
    assert load_keymap(path) == {"app.help": "f2"}
    with pytest.raises(ConfigError, match="'work'"):
        remove_profile("work", path=path)
