"""Private files on disk: a 0700 directory, 0600 files, written atomically.

Shared by the token store (:mod:`.token_store`), the client secrets (:mod:`.client_secrets`),
the DPoP keys (:mod:`.dpop_keys`) and the metadata drafts (:mod:`.drafts`), which all keep
something only this user should read and must never leave a half-written file behind:

* :func:`ensure_private_directory` makes (or checks) a 0700 directory, refusing a symlinked
  or foreign-owned one rather than fixing it: someone else could read or replace its files.
  A merely loose mode is ours to tighten.
* :func:`read_private_file` reads one without following a symlink, refuses a file another
  user owns (it could be planted) and tightens a loose mode to 0600, after a warning that
  names the file (as ssh refuses a loose key, we at least say it: someone may have read it).
* :func:`write_private_file` writes through a 0600 temp file in the same directory, fsyncs
  it, renames it over the target with ``os.replace`` and fsyncs the directory, so a crash or
  a full disk mid-write leaves the previous file intact; :func:`save_private_file` is that
  with the directory made first and the failure worded.
* :func:`delete_private_file` removes one, and says when it cannot.

Errors and warnings name paths, never contents. Warnings go to this module's logger
(:mod:`tui_console.warnings_log` says why, and who shows them).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

from tui_console.errors import StorageError

__all__ = [
    "PrivateFile",
    "delete_private_file",
    "ensure_private_directory",
    "read_private_file",
    "save_private_file",
    "write_private_file",
]


def _warn_loose(what: str, path: Path, mode: int, tightened_to: int) -> None:
    """Say that ``path`` was open to group or others before it is tightened (once: after that
    it is not loose any more)."""
    from tui_console.warnings_log import core_logger  # logging: only when there is a warning

    core_logger(__name__).warning(
        "the %s %s was open to other users (mode %04o); changed it to %04o. Anyone who "
        "could read it may have copied it: if that matters, sign out and in again.",
        what,
        path,
        mode,
        tightened_to,
    )


def ensure_private_directory(directory: Path, *, create: bool, what: str = "directory") -> bool:
    """Check (and with ``create``, make) the 0700 ``directory``; False if it doesn't exist.

    ``what`` names the directory in error messages ("token directory", "drafts directory").
    Raises :class:`StorageError` for a symlink, a non-directory or another user's directory.
    """
    if create:
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(
                f"Could not create the {what} {directory}: {error.strerror}.",
                hint="Check the permissions of its parent directory.",
            ) from None
    try:
        info = directory.lstat()
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise StorageError(
            f"The {what} {directory} is a symlink or not a directory.",
            hint="Remove it so tui-console can create a private directory there.",
        )
    if info.st_uid != os.getuid():
        raise StorageError(
            f"The {what} {directory} belongs to another user (uid {info.st_uid}).",
            hint="Remove it or point XDG_STATE_HOME at a directory of your own.",
        )
    mode = stat.S_IMODE(info.st_mode)
    if mode != 0o700:
        if mode & 0o077:
            _warn_loose(what, directory, mode, 0o700)
        os.chmod(directory, 0o700)
    return True


class PrivateFile(NamedTuple):
    """What :func:`read_private_file` read, and the file's identity for caching."""

    data: bytes
    version: tuple[int, int, int]
    """``(inode, mtime_ns, size)``: changes whenever the file is replaced or rewritten."""

    def __repr__(self) -> str:
        # The data is a token file or a private key: a traceback with locals must not show it.
        return f"PrivateFile(data=<{len(self.data)} bytes>, version={self.version!r})"


def read_private_file(path: Path, *, what: str, hint: str) -> PrivateFile | None:
    """The contents of ``path`` if it exists (``None`` otherwise), read safely.

    ``what`` names the file in errors ("token file"); ``hint`` is the next step when it
    cannot be read or belongs to someone else.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _unreadable(path, what, hint, error) from None
    try:
        info = os.fstat(fd)
        if info.st_uid != os.getuid():
            raise StorageError(
                f"The {what} {path} belongs to another user (uid {info.st_uid}).", hint=hint
            )
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            _warn_loose(what, path, mode, 0o600)
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read()
    except OSError as error:
        raise _unreadable(path, what, hint, error) from None
    finally:
        os.close(fd)
    return PrivateFile(data, (info.st_ino, info.st_mtime_ns, info.st_size))


def _unreadable(path: Path, what: str, hint: str, error: OSError) -> StorageError:
    return StorageError(f"Could not read the {what} {path}: {error.strerror or error}.", hint=hint)


def write_private_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, as a 0600 file; raises ``OSError`` on failure.

    The directory must exist (see :func:`ensure_private_directory`). On any failure the
    previous file is left as it was and the temp file is removed.
    """
    import tempfile  # with shutil and random: only a write needs it, not a read

    temp_name: str | None = None
    try:
        # mkstemp opens with O_CREAT | O_EXCL | O_NOFOLLOW and mode 0600 whatever the umask.
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_name, path)
        temp_name = None
        _fsync_directory(path.parent)
    finally:
        if temp_name is not None:
            Path(temp_name).unlink(missing_ok=True)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable, not only the file's bytes."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_private_file(path: Path, data: bytes, *, what: str) -> None:
    """Make the 0700 directory (the token directory) if needed, then
    :func:`write_private_file`; a :class:`StorageError` naming ``what`` when the write fails."""
    directory = path.parent
    ensure_private_directory(directory, create=True, what="token directory")
    try:
        write_private_file(path, data)
    except OSError as error:
        raise StorageError(
            f"Could not write the {what} {path}: {error.strerror or error}.",
            hint=f"Check free disk space and the permissions of {directory}.",
        ) from None


def delete_private_file(path: Path, *, what: str, hint: str) -> bool:
    """Delete ``path``; True when there was one. ``what`` names it and ``hint`` is the next
    step in the :class:`StorageError` when it cannot be deleted."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise StorageError(
            f"Could not delete the {what} {path}: {error.strerror}.", hint=hint
        ) from None
    return True
