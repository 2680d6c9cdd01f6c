"""File-permission helpers for the tests of everything that keeps private files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def mode(path: Path) -> int:
    """The permission bits of ``path`` (``0o600``...)."""
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    """Run the block under ``value`` as the umask, then restore the previous one."""
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)
