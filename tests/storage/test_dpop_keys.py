"""DPoPKeyStore: the DPoP key beside the token file, as private and as atomic as the tokens."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.files import mode
from tui_console.auth.dpop_key import DPoPKey
from tui_console.errors import StorageError
from tui_console.storage.dpop_keys import DPoPKeyStore
from tui_console.storage.token_store import FileTokenStore


@pytest.fixture
def keys(tmp_path: Path) -> DPoPKeyStore:
    return DPoPKeyStore.beside(FileTokenStore(tmp_path / "tokens", "work").path)


def test_the_key_lives_beside_the_token_file(tmp_path: Path) -> None:
    """``{profile}.dpop.jwk`` in the token directory."""
    store = FileTokenStore(tmp_path / "tokens", "work")
    assert DPoPKeyStore.beside(store.path).path == tmp_path / "tokens" / "work.dpop.jwk"


def test_created_once_then_loaded_with_private_permissions(
    keys: DPoPKeyStore, permissive_umask: None
) -> None:
    """load_or_create makes a 0600 file in a 0700 directory; later loads give the same key."""
    assert keys.load() is None
    key = keys.load_or_create()
    assert mode(keys.path) == 0o600 and mode(keys.path.parent) == 0o700
    assert keys.load_or_create().thumbprint == key.thumbprint
    assert DPoPKeyStore(keys.path.parent, "work").load().thumbprint == key.thumbprint  # type: ignore[union-attr]
    assert set(json.loads(keys.path.read_text())) == {"kty", "crv", "x", "y", "d"}
    assert [p.name for p in keys.path.parent.iterdir()] == ["work.dpop.jwk"]  # no temp left


def test_a_replaced_file_is_read_again(keys: DPoPKeyStore) -> None:
    """Another process signing in with a new key is seen by the next load."""
    first = keys.load_or_create()
    second = DPoPKey.generate()
    DPoPKeyStore(keys.path.parent, "work").save(second)
    loaded = keys.load()
    assert loaded is not None and loaded.thumbprint == second.thumbprint != first.thumbprint


def test_delete_reports_whether_there_was_a_key(keys: DPoPKeyStore) -> None:
    keys.load_or_create()
    assert keys.delete() is True
    assert keys.delete() is False
    assert keys.load() is None


def test_a_loose_file_is_tightened(keys: DPoPKeyStore) -> None:
    """A key file someone made 0644 is read and put back to 0600."""
    keys.load_or_create()
    os.chmod(keys.path, 0o644)
    assert keys.load() is not None
    assert mode(keys.path) == 0o600


def test_a_corrupt_or_symlinked_file_is_refused_without_its_content(
    keys: DPoPKeyStore, tmp_path: Path
) -> None:
    """Not a P-256 key, or a symlink (it could point anywhere): StorageError naming the file."""
    keys.load_or_create()
    keys.path.write_text('{"kty": "EC", "crv": "P-256", "d": "secret-ish"}')
    with pytest.raises(StorageError) as corrupt:
        keys.load()
    assert str(keys.path) in corrupt.value.message
    assert "secret-ish" not in str(corrupt.value)
    keys.path.unlink()
    target = tmp_path / "elsewhere.jwk"
    target.write_text(json.dumps(DPoPKey.generate().private_jwk()))
    keys.path.symlink_to(target)
    with pytest.raises(StorageError, match="Could not read the DPoP key file"):
        keys.load()
