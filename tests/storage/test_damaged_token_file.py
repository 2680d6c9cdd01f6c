"""A token file someone edited or a disk garbled: one clear error, nothing lost, never a crash.

And a token or key file others could read: a warning naming it, then 0600.
"""

from __future__ import annotations

import json
import logging
import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.files import mode
from tui_console.auth.dpop_key import DPoPKey
from tui_console.durations import clock_text, words
from tui_console.errors import StorageError
from tui_console.storage.dpop_keys import DPoPKeyStore
from tui_console.storage.token_store import FileTokenStore

API = "https://tenant.example/api/v2/"
GOOD: dict[str, Any] = {
    "access_token": "access-token-text-0123456789",
    "token_type": "Bearer",
    "expires_at": 2_000_000_000.0,
    "scope": "openid read:current_user",
    "refresh_token": "refresh-token-text-9876543210",
    "id_token": None,
    "audience": API,
    "issued_at": 1_999_990_000.0,
    "dpop_jkt": None,
}


def write_entry(store: FileTokenStore, entry_json: str) -> bytes:
    """Write a token file whose one entry is ``entry_json`` (raw text: ``1e400`` stays as is)."""
    store.path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    raw = f'{{"version": 1, "tokens": {{"{API}": {entry_json}}}}}'.encode()
    store.path.write_bytes(raw)
    os.chmod(store.path, 0o600)
    return raw


def with_field(name: str, raw_value: str | None) -> str:
    """``GOOD`` as JSON text with ``name`` set to ``raw_value`` (``None``: the field left out)."""
    fields = [
        f"{json.dumps(key)}: {json.dumps(value)}" for key, value in GOOD.items() if key != name
    ]
    if raw_value is not None:
        fields.append(f"{json.dumps(name)}: {raw_value}")
    return "{" + ", ".join(fields) + "}"


@pytest.fixture
def store(tmp_path: Path) -> FileTokenStore:
    return FileTokenStore(tmp_path / "tokens", "default")


DAMAGED = [
    ("expires_at", "1e400"),
    ("expires_at", "-1e400"),
    ("expires_at", "NaN"),
    ("expires_at", "Infinity"),
    ("expires_at", '"tomorrow"'),
    ("expires_at", "true"),
    ("expires_at", "1e300"),
    ("expires_at", "-5"),
    ("issued_at", "1e400"),
    ("issued_at", '"2024-01-01"'),
    ("scope", '["openid", "email"]'),
    ("scope", "42"),
    ("access_token", None),
    ("access_token", "12345"),
    ("access_token", '""'),
    ("refresh_token", '["a", "b"]'),
    ("token_type", "{}"),
    ("audience", "7"),
    ("dpop_jkt", "[1]"),
]


@pytest.mark.parametrize(("field", "raw_value"), DAMAGED)
def test_a_damaged_entry_is_a_storage_error_naming_the_file_and_login(
    store: FileTokenStore, field: str, raw_value: str | None
) -> None:
    """Wrong types, non-finite or impossible times, missing fields: StorageError, file kept."""
    raw = write_entry(store, with_field(field, raw_value))
    with pytest.raises(StorageError) as caught:
        store.load()
    assert str(store.path) in caught.value.message
    assert field in caught.value.message
    assert "tui-console login" in caught.value.hint
    assert GOOD["access_token"] not in str(caught.value)
    assert GOOD["refresh_token"] not in str(caught.value)
    assert store.path.read_bytes() == raw  # nothing deleted, nothing rewritten


def test_an_entry_that_is_not_an_object_is_a_storage_error(store: FileTokenStore) -> None:
    write_entry(store, '["access-token"]')
    with pytest.raises(StorageError, match="malformed entry"):
        store.load()


def test_a_good_entry_still_loads(store: FileTokenStore) -> None:
    write_entry(store, json.dumps(GOOD))
    loaded = store.load()[API]
    assert loaded.expires_at == GOOD["expires_at"]
    assert loaded.scope == ("openid", "read:current_user")


# Any JSON value for any field, including the non-finite floats Python's json reads and writes.
_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=6,
)
_FIELDS = st.sampled_from(list(GOOD))
_odd_values = st.one_of(
    st.sampled_from([math.inf, -math.inf, math.nan, 1e308, -1.0, 2**64, "", "1e400", True]),
    st.floats(allow_nan=True, allow_infinity=True),
    _json_values,
)
_entries = st.one_of(
    # Mostly a good entry with a few fields changed to any JSON value, or dropped...
    st.tuples(
        st.dictionaries(_FIELDS, _odd_values, min_size=1, max_size=3), st.sets(_FIELDS, max_size=2)
    ).map(lambda change: {k: v for k, v in {**GOOD, **change[0]}.items() if k not in change[1]}),
    # ...and sometimes anything at all where the entry should be.
    _json_values,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entry=_entries)
def test_fuzzed_token_files_load_cleanly_or_raise_storage_error(
    store: FileTokenStore, entry: Any
) -> None:
    """Whatever the file holds, load() gives usable token sets or a StorageError, nothing else."""
    write_entry(store, json.dumps(entry))
    try:
        loaded = store.load()
    except StorageError as error:
        assert str(store.path) in error.message
        return
    for tokens in loaded.values():
        assert tokens.access_token.reveal()
        for moment in (tokens.expires_at, tokens.issued_at):
            if moment is not None:
                assert math.isfinite(moment)
                words(moment - 1_999_990_000.0)
                clock_text(moment - 1_999_990_000.0)
        assert all(isinstance(scope, str) for scope in tokens.scope)
        tokens.expires_within(60)


class TestLooseModes:
    """A file others could read is tightened, and the person is told which one."""

    def test_a_loose_token_file_is_named_in_a_warning_then_tightened(
        self, store: FileTokenStore, caplog: pytest.LogCaptureFixture
    ) -> None:
        write_entry(store, json.dumps(GOOD))
        os.chmod(store.path, 0o644)
        with caplog.at_level(logging.WARNING, logger="tui_console"):
            assert API in store.load()
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1
        assert str(store.path) in warnings[0].getMessage()
        assert "0644" in warnings[0].getMessage() and "0600" in warnings[0].getMessage()
        assert mode(store.path) == 0o600

        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="tui_console"):
            store.load()
        assert not caplog.records  # once: the file is private now

    def test_a_private_token_file_gives_no_warning(
        self, store: FileTokenStore, caplog: pytest.LogCaptureFixture
    ) -> None:
        write_entry(store, json.dumps(GOOD))
        with caplog.at_level(logging.DEBUG, logger="tui_console"):
            store.load()
        assert not caplog.records

    def test_a_loose_token_directory_is_named_in_a_warning(
        self, store: FileTokenStore, caplog: pytest.LogCaptureFixture
    ) -> None:
        write_entry(store, json.dumps(GOOD))
        os.chmod(store.path.parent, 0o755)
        with caplog.at_level(logging.WARNING, logger="tui_console"):
            store.load()
        assert [str(store.path.parent) in r.getMessage() for r in caplog.records] == [True]
        assert mode(store.path.parent) == 0o700

    def test_a_loose_dpop_key_file_is_named_in_a_warning_then_tightened(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        keys = DPoPKeyStore(tmp_path / "tokens", "default")
        key = keys.load_or_create()
        os.chmod(keys.path, 0o640)
        with caplog.at_level(logging.WARNING, logger="tui_console"):
            loaded = keys.load()
        assert loaded is not None and loaded.thumbprint == key.thumbprint
        assert [str(keys.path) in r.getMessage() for r in caplog.records] == [True]
        assert mode(keys.path) == 0o600
        assert isinstance(key, DPoPKey)
