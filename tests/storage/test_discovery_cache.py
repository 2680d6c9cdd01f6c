"""DiscoveryCache: each issuer's metadata kept for a day in the cache directory, never a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.files import mode
from tui_console.storage.discovery_cache import MAX_AGE, DiscoveryCache

ISSUER = "https://tenant.example.com/"
DOCUMENT = {"issuer": ISSUER, "token_endpoint": f"{ISSUER}oauth/token"}
NOW = 1_800_000_000.0


@pytest.fixture
def cache(tmp_path: Path) -> DiscoveryCache:
    return DiscoveryCache(tmp_path / "cache" / "discovery")


def test_kept_privately_one_file_per_issuer_and_read_back(
    cache: DiscoveryCache, permissive_umask: None
) -> None:
    assert cache.load(ISSUER, now=NOW) is None
    cache.save(ISSUER, DOCUMENT, now=NOW)
    path = cache.path(ISSUER)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert cache.load(ISSUER, now=NOW + 60) == DOCUMENT
    assert cache.path("https://other.example.com/") != path
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_a_day_old_copy_or_one_from_the_future_is_a_miss(cache: DiscoveryCache) -> None:
    cache.save(ISSUER, DOCUMENT, now=NOW)
    assert cache.load(ISSUER, now=NOW + MAX_AGE - 1) == DOCUMENT
    assert cache.load(ISSUER, now=NOW + MAX_AGE) is None
    assert cache.load(ISSUER, now=NOW - 3600) is None  # the clock went back: fetch again


def test_a_copy_of_another_issuer_is_a_miss(cache: DiscoveryCache) -> None:
    cache.save(ISSUER, DOCUMENT, now=NOW)
    assert cache.load("https://other.example.com/", now=NOW) is None


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"[]",
        b'{"issuer": "https://tenant.example.com/", "fetched_at": "yesterday", "document": {}}',
        b'{"issuer": "https://tenant.example.com/", "fetched_at": 1800000000, "document": []}',
        b"\xff\xfe",
    ],
)
def test_a_damaged_file_is_a_miss(cache: DiscoveryCache, content: bytes) -> None:
    cache.save(ISSUER, DOCUMENT, now=NOW)
    cache.path(ISSUER).write_bytes(content)
    assert cache.load(ISSUER, now=NOW) is None
    cache.save(ISSUER, DOCUMENT, now=NOW)  # and the next fetch replaces it
    assert cache.load(ISSUER, now=NOW) == DOCUMENT


def test_a_symlinked_file_is_never_read(cache: DiscoveryCache, tmp_path: Path) -> None:
    cache.save(ISSUER, DOCUMENT, now=NOW)
    elsewhere = tmp_path / "planted.json"
    elsewhere.write_bytes(cache.path(ISSUER).read_bytes())
    cache.path(ISSUER).unlink()
    os.symlink(elsewhere, cache.path(ISSUER))
    assert cache.load(ISSUER, now=NOW) is None


def test_a_directory_it_cannot_write_loses_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the token directory should be")
    cache = DiscoveryCache(blocked)
    cache.save(ISSUER, DOCUMENT, now=NOW)  # no exception: the next session fetches again
    assert cache.load(ISSUER, now=NOW) is None
    assert blocked.read_text() == "a file where the token directory should be"
