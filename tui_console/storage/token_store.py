"""The token file: one 0600 JSON file per profile in a 0700 directory, written atomically.

Layout of ``{directory}/{profile}.json``::

    {"version": 1, "tokens": {"<audience>": TokenSet.to_dict(), "": <userinfo-only token>}}

Why each rule exists:

* 0700 directory and 0600 file, whatever the umask: the refresh token is a long-lived
  credential, and an SSH-only admin box is shared (design.md, "Who uses it").
* Temp file + fsync + ``os.replace`` + directory fsync: a crash or a full disk mid-write
  must leave the previous file intact, because a half-written file would lose the only
  copy of a rotated refresh token (auth0-reference.md §3.3).
* Nothing here logs, and errors name the file, never its content: the content is tokens.

The store does no locking. Read-modify-write callers that may race with another process
(the refresh in ``auth/refresh.py``) hold the profile's :class:`InterProcessLock` on
:attr:`FileTokenStore.lock_path` around it.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from tui_console.auth.tokens import TokenSet
from tui_console.errors import StorageError
from tui_console.storage.private_files import (
    ensure_private_directory,
    read_private_file,
    write_private_file,
)

__all__ = ["FORMAT_VERSION", "FileTokenStore"]

FORMAT_VERSION = 1

_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_DELETE_AND_SIGN_IN = "Move it aside (or delete it), then sign in again: tui-console login"


def _key(audience: str | None) -> str:
    """The JSON key for ``audience``: the audience itself, or "" for a userinfo-only token."""
    return audience or ""


class FileTokenStore:
    """The token sets of one profile, keyed by audience, in ``{directory}/{profile}.json``.

    Every method reads the file afresh: another tui-console may have rotated a token since,
    and a cached copy would hand out a refresh token that is already spent.
    """

    def __init__(self, directory: Path, profile: str) -> None:
        if not _PROFILE_NAME.fullmatch(profile):
            raise StorageError(
                f"The profile name {profile!r} cannot name a token file.",
                hint="Use up to 64 letters, digits, '-', '_' or '.', starting with a letter "
                "or digit.",
            )
        self._directory = directory
        self._path = directory / f"{profile}.json"

    @property
    def path(self) -> Path:
        """The token file (it may not exist yet)."""
        return self._path

    @property
    def lock_path(self) -> Path:
        """The lock file beside the token file that serialises refreshes across processes."""
        return self._path.with_suffix(".lock")

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self._path)!r})"

    def load(self) -> dict[str, TokenSet]:
        """Every stored token set, keyed by audience ("" for a userinfo-only token)."""
        if not self._directory_is_safe(create=False):
            return {}
        read = read_private_file(self._path, what="token file", hint=_DELETE_AND_SIGN_IN)
        if read is None:
            return {}
        return self._decode(read.data)

    def get(self, audience: str | None) -> TokenSet | None:
        """The token set for ``audience`` (``None``: the userinfo-only one), if stored."""
        return self.load().get(_key(audience))

    def put(self, tokens: TokenSet) -> None:
        """Store ``tokens`` under its audience, keeping the other audiences' tokens."""
        stored = self.load()
        stored[_key(tokens.audience)] = tokens
        self._write(stored)

    def remove(self, audience: str | None) -> None:
        """Forget ``audience``'s tokens; the file goes when no audience is left."""
        stored = self.load()
        if stored.pop(_key(audience), None) is None:
            return
        if stored:
            self._write(stored)
        else:
            self.clear()

    def clear(self) -> None:
        """Delete the token file (the lock file stays: another process may be holding it)."""
        try:
            self._path.unlink(missing_ok=True)
        except OSError as error:
            raise StorageError(
                f"Could not delete the token file {self._path}: {error.strerror}.",
                hint="Delete it by hand to sign out.",
            ) from None

    def _decode(self, raw: bytes) -> dict[str, TokenSet]:
        # ``from None`` everywhere: a JSONDecodeError carries the whole document in ``.doc``.
        try:
            document = json.loads(raw)
        except ValueError:
            raise self._corrupt("is not valid JSON") from None
        if not isinstance(document, dict) or not isinstance(document.get("tokens"), dict):
            raise self._corrupt("does not have the expected layout")
        if document.get("version") != FORMAT_VERSION:
            raise StorageError(
                f"The token file {self._path} has format version {document.get('version')!r}; "
                f"this tui-console reads version {FORMAT_VERSION}.",
                hint="Upgrade tui-console, or delete the file and sign in again.",
            )
        tokens: dict[str, TokenSet] = {}
        for key, entry in document["tokens"].items():
            try:
                token_set = TokenSet.from_dict(entry)
            except ValueError as problem:  # names the field, never its value
                raise self._corrupt(
                    f"has a malformed entry for audience {key!r} ({problem})"
                ) from None
            # The key is the authority: the entry's own audience field is only a copy.
            tokens[key] = replace(token_set, audience=key or None)
        return tokens

    def _write(self, tokens: dict[str, TokenSet]) -> None:
        document: dict[str, Any] = {
            "version": FORMAT_VERSION,
            "tokens": {key: token_set.to_dict() for key, token_set in tokens.items()},
        }
        data = json.dumps(document, indent=2, sort_keys=True).encode()
        self._directory_is_safe(create=True)
        try:
            write_private_file(self._path, data)
        except OSError as error:
            raise StorageError(
                f"Could not write the token file {self._path}: {error.strerror or error}. "
                "The previous file was left as it was.",
                hint=f"Check free disk space and the permissions of {self._directory}.",
            ) from None

    def _directory_is_safe(self, *, create: bool) -> bool:
        """Check (and with ``create``, make) the 0700 directory; False if it doesn't exist."""
        return ensure_private_directory(self._directory, create=create, what="token directory")

    def _corrupt(self, what: str) -> StorageError:
        return StorageError(
            f"The token file {self._path} {what}.",
            hint=_DELETE_AND_SIGN_IN,
        )
