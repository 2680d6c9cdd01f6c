"""Enrollments waiting for their verify, kept 0600 beside the token file until they expire.

``mfa add totp --json`` without a terminal prints the URI and exits; ``mfa verify ID CODE``
completes it later, in another process, so the enrollment's ``auth_session`` must outlive the
first one. It is a secret (it completes the enrollment), so it lives in a private file
(:mod:`tui_console.storage.private_files`): 0600 in the 0700 token directory, written
atomically. Only what verify needs is kept: never a TOTP secret, a URI or a recovery code.
Auth0 does not say how long an ``auth_session`` lasts; :data:`PENDING_LIFETIME` is our guess,
after which the entry is dropped and the person starts again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui_console.errors import StorageError
from tui_console.redact import Secret
from tui_console.storage.private_files import (
    ensure_private_directory,
    read_private_file,
    write_private_file,
)

__all__ = ["PENDING_LIFETIME", "PendingEnrollment", "PendingEnrollments", "pending_path"]

PENDING_LIFETIME = 300.0
"""Seconds a pending enrollment is kept (Auth0's ``auth_session`` lifetime is undocumented)."""


def pending_path(token_file: Path) -> Path:
    """``PROFILE.pending.json`` beside the profile's token file ``PROFILE.json``."""
    return token_file.with_suffix(".pending.json")


@dataclass(frozen=True)
class PendingEnrollment:
    """What ``verify`` needs to finish an enrollment started earlier."""

    id: str
    type: str
    auth_session: Secret
    expires_at: float
    name: str | None = None
    """A name to give the method once it is verified."""


class PendingEnrollments:
    """The pending enrollments of one profile, in ``path`` (``<profile>.pending.json``)."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock

    def _load(self) -> dict[str, PendingEnrollment]:
        read = read_private_file(
            self.path,
            what="pending enrollment file",
            hint=f"Delete {self.path} and start the enrollment again.",
        )
        if read is None:
            return {}
        try:
            document: Any = json.loads(read.data)
            entries = {
                key: PendingEnrollment(
                    id=key,
                    type=str(value["type"]),
                    auth_session=Secret(str(value["auth_session"])),
                    expires_at=float(value["expires_at"]),
                    name=value.get("name"),
                )
                for key, value in document.items()
            }
        except (ValueError, TypeError, KeyError, AttributeError):
            raise StorageError(
                f"The pending enrollment file {self.path} is damaged.",
                hint=f"Delete {self.path} and start the enrollment again.",
            ) from None
        now = self._clock()
        return {key: entry for key, entry in entries.items() if entry.expires_at > now}

    def _save(self, entries: dict[str, PendingEnrollment]) -> None:
        if not entries:
            self.path.unlink(missing_ok=True)
            return
        ensure_private_directory(self.path.parent, create=True, what="token directory")
        document = {
            key: {
                "type": entry.type,
                "auth_session": entry.auth_session.reveal(),
                "expires_at": entry.expires_at,
                **({"name": entry.name} if entry.name else {}),
            }
            for key, entry in entries.items()
        }
        try:
            write_private_file(self.path, json.dumps(document).encode())
        except OSError as error:
            raise StorageError(
                f"Could not save the pending enrollment in {self.path}: {error.strerror}.",
                hint="Finish the enrollment in this run, or free the disk and try again.",
            ) from None

    def add(self, entry: PendingEnrollment) -> None:
        entries = self._load()
        entries[entry.id] = entry
        self._save(entries)

    def all(self) -> tuple[PendingEnrollment, ...]:
        """Every pending enrollment that has not expired."""
        return tuple(self._load().values())

    def get(self, method_id: str) -> PendingEnrollment | None:
        """The pending enrollment ``method_id``, unless it has expired."""
        return self._load().get(method_id)

    def clear(self) -> bool:
        """Forget every pending enrollment (sign-out); True when there was a file."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        except OSError as error:
            raise StorageError(
                f"Could not delete the pending enrollment file {self.path}: {error.strerror}.",
                hint="Delete it by hand.",
            ) from None
        return True

    def remove(self, method_id: str) -> None:
        entries = self._load()
        if entries.pop(method_id, None) is not None or self.path.exists():
            self._save(entries)
