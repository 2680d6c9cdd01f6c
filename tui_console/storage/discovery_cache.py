"""The issuers' discovery documents, kept in the cache directory for a day.

Every session needs the issuer's metadata before its first request (the ``/userinfo`` and
token endpoints come from it), and fetching it costs a round trip before the one that was
asked for: 100 to 300 ms to a real tenant. The document changes about never for a tenant, so
``{cache}/discovery/{hash of the issuer}.json`` keeps the last one fetched for each issuer,
with when it was fetched, and a copy younger than :data:`MAX_AGE` is used instead of asking
(Microsoft's ``ConfigurationManager`` refreshes OpenID metadata daily by default, too).

A cache is never a reason to fail: a missing, damaged, foreign, symlinked or stale file is a
miss (the document is fetched again and the file rewritten), and a file that cannot be
written is left as it is. What is read here is only a document; the session checks it with
the parser every fetched document goes through, so a copy from disk cannot point a token at
a plain-HTTP endpoint either. Not secret, but written like the token file (0600 in a 0700
directory, atomically), and refused like it when symlinked or someone else's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tui_console.errors import StorageError
from tui_console.storage.private_files import (
    ensure_private_directory,
    read_private_file,
    write_private_file,
)

__all__ = ["MAX_AGE", "DiscoveryCache"]

MAX_AGE = 24 * 60 * 60.0
"""Seconds a fetched discovery document is used before it is fetched again."""


class DiscoveryCache:
    """The last discovery document of each issuer, one file each in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def path(self, issuer: str) -> Path:
        """The file that holds ``issuer``'s document (it may not exist)."""
        name = hashlib.sha256(issuer.encode("utf-8")).hexdigest()[:32]
        return self._directory / f"{name}.json"

    def __repr__(self) -> str:
        return f"DiscoveryCache({str(self._directory)!r})"

    def load(self, issuer: str, *, now: float) -> dict[str, Any] | None:
        """The document fetched for ``issuer`` less than :data:`MAX_AGE` ago, else ``None``."""
        try:
            read = read_private_file(self.path(issuer), what="discovery cache", hint="")
        except StorageError:
            return None  # unsafe or unreadable: fetched again, and the file replaced
        if read is None:
            return None
        try:
            saved: Any = json.loads(read.data)
        except ValueError:
            return None
        if not isinstance(saved, dict):
            return None
        fetched_at, document = saved.get("fetched_at"), saved.get("document")
        if (
            saved.get("issuer") != issuer
            or not isinstance(fetched_at, int | float)
            or not isinstance(document, dict)
            or not 0 <= now - fetched_at < MAX_AGE
        ):
            return None
        return document

    def save(self, issuer: str, document: Mapping[str, Any], *, now: float) -> None:
        """Keep ``document`` for ``issuer``; a file that cannot be written is left alone."""
        data = json.dumps(
            {"issuer": issuer, "fetched_at": now, "document": dict(document)}, indent=2
        ).encode()
        try:
            ensure_private_directory(self._directory, create=True, what="cache directory")
            write_private_file(self.path(issuer), data)
        except (OSError, StorageError):
            pass  # the next session fetches the document again: slower, never wrong
