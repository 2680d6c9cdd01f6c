"""InterProcessLock: bounded waits, a private lock file, and an event loop that keeps running."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest

from tui_console.errors import StorageError
from tui_console.storage.file_lock import InterProcessLock


def test_lock_file_is_0600_in_a_0700_directory_even_with_umask_0(tmp_path: Path) -> None:
    """The lock file is private and its missing directory is created private."""
    path = tmp_path / "tokens" / "default.lock"
    previous = os.umask(0)
    try:
        with InterProcessLock(path):
            pass
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_held_lock_times_out_with_a_storage_error(tmp_path: Path) -> None:
    """Waiting on a lock another holder keeps ends in a StorageError naming the lock file."""
    path = tmp_path / "default.lock"
    with InterProcessLock(path), pytest.raises(StorageError) as caught:
        InterProcessLock(path, timeout=0.2).acquire()
    assert str(path) in str(caught.value)
    assert "another tui-console may be stuck" in str(caught.value)


def test_the_lock_is_not_reentrant(tmp_path: Path) -> None:
    """Taking the same lock twice waits for itself and times out instead of sharing it."""
    lock = InterProcessLock(tmp_path / "default.lock", timeout=0.1)
    with lock, pytest.raises(StorageError):
        lock.acquire()
    with lock:  # and it is usable again afterwards
        pass


async def test_async_timeout_is_a_storage_error(tmp_path: Path) -> None:
    """``async with`` times out the same way as ``with``."""
    path = tmp_path / "default.lock"
    with InterProcessLock(path):
        with pytest.raises(StorageError, match="default.lock"):
            async with InterProcessLock(path, timeout=0.2):
                pass


async def test_waiting_does_not_block_the_event_loop(tmp_path: Path) -> None:
    """While one task waits for the lock, other tasks keep running."""
    path = tmp_path / "default.lock"
    holder = InterProcessLock(path)
    holder.acquire()
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async def wait_for_lock() -> None:
        async with InterProcessLock(path, timeout=5):
            pass

    ticker = asyncio.create_task(tick())
    waiter = asyncio.create_task(wait_for_lock())
    await asyncio.sleep(0.3)
    assert not waiter.done()
    holder.release()
    await waiter
    ticker.cancel()
    assert ticks >= 10


async def test_two_tasks_sharing_one_lock_object_take_turns(tmp_path: Path) -> None:
    """One lock object shared by two tasks still lets only one of them in at a time."""
    lock = InterProcessLock(tmp_path / "default.lock", timeout=5)
    inside = 0
    most_inside = 0

    async def critical_section() -> None:
        nonlocal inside, most_inside
        async with lock:
            inside += 1
            most_inside = max(most_inside, inside)
            await asyncio.sleep(0.05)
            inside -= 1

    await asyncio.gather(*(critical_section() for _ in range(5)))
    assert most_inside == 1


async def test_cancelling_a_wait_does_not_leak_the_lock(tmp_path: Path) -> None:
    """A task cancelled while waiting gives the lock back if its thread gets it later."""
    path = tmp_path / "default.lock"
    holder = InterProcessLock(path)
    holder.acquire()
    waiting = InterProcessLock(path, timeout=5)

    async def wait_for_lock() -> None:
        async with waiting:
            pass

    task = asyncio.create_task(wait_for_lock())
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    holder.release()
    # The abandoned thread takes the lock and, through the done-callback, releases it.
    async with InterProcessLock(path, timeout=5):
        pass
