"""Storage test fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.files import umask


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """umask 0: whatever the store creates gets its mode from the store, not the umask."""
    with umask(0):
        yield
