"""A lock shared by every tui-console process of a user: one refresh at a time per profile.

With refresh-token rotation, two processes presenting the same refresh token make Auth0
revoke the whole token family (auth0-reference.md §3.3), so the refresh must be
single-flight across processes, not only within one (ux-notes.md P5). The lock is an
OS-level lock (``flock`` through the ``filelock`` package) on a file beside the token file,
so a process that dies releases it with its file descriptors and nothing goes stale.

Waits are bounded: a stuck process turns into a :class:`StorageError` that says so,
never into a hang.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from types import TracebackType

import filelock

from tui_console.errors import StorageError

__all__ = ["InterProcessLock"]


class InterProcessLock:
    """Mutual exclusion between processes *and* between threads/tasks of one process.

    Use ``async with lock:`` from asyncio code (the wait happens in a worker thread, so the
    event loop keeps running) or ``with lock:`` from synchronous code.

    The lock is **not reentrant**: acquiring it again while holding it waits for itself and
    ends in a :class:`StorageError` after ``timeout``. ``filelock``'s own lock counts
    re-acquisitions by the same object as success, which would let two tasks of one process
    hold it together; the extra ``threading.Lock`` here is what rules that out.
    """

    def __init__(self, path: Path, *, timeout: float = 30) -> None:
        self._path = path
        self._timeout = timeout
        self._in_process = threading.Lock()
        # thread_local=False: the async path acquires in a worker thread and releases on the
        # event loop's thread.
        self._file_lock = filelock.FileLock(path, mode=0o600, thread_local=False)

    @property
    def path(self) -> Path:
        """The lock file."""
        return self._path

    def __repr__(self) -> str:
        return f"InterProcessLock({str(self._path)!r})"

    def acquire(self) -> None:
        """Block until the lock is held, or raise :class:`StorageError` after ``timeout``."""
        deadline = time.monotonic() + self._timeout
        if not self._in_process.acquire(timeout=self._timeout):
            raise self._timed_out()
        try:
            self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._file_lock.acquire(timeout=max(0.0, deadline - time.monotonic()))
        except filelock.Timeout:
            self._in_process.release()
            raise self._timed_out() from None
        except OSError as error:
            self._in_process.release()
            raise StorageError(
                f"Could not open the lock file {self._path}: {error.strerror or error}.",
                hint=f"Check the permissions of {self._path.parent}.",
            ) from None
        except BaseException:
            self._in_process.release()
            raise

    def release(self) -> None:
        """Release the lock taken by :meth:`acquire`."""
        try:
            self._file_lock.release()
        finally:
            self._in_process.release()

    def __enter__(self) -> InterProcessLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    async def __aenter__(self) -> InterProcessLock:
        acquiring = asyncio.ensure_future(asyncio.to_thread(self.acquire))
        try:
            await asyncio.shield(acquiring)
        except asyncio.CancelledError:
            # The thread cannot be interrupted; if it still gets the lock, give it back.
            acquiring.add_done_callback(self._release_if_acquired)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    def _release_if_acquired(self, acquiring: asyncio.Future[None]) -> None:
        if not acquiring.cancelled() and acquiring.exception() is None:
            self.release()

    def _timed_out(self) -> StorageError:
        return StorageError(
            f"Waited {self._timeout:g} s for the lock file {self._path}: another tui-console "
            "may be stuck while renewing this profile's session.",
            hint="Close other tui-console windows for this profile, then try again.",
        )
