"""Profiles and the keymap in config.toml: read, validated, written without losing anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_console.config import Profile, load_keymap, load_profiles, save_profile
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
