"""The DPoP key file: one private key per profile, beside the token file, as private as it.

``{directory}/{profile}.dpop.jwk`` holds the profile's ES256 key pair as a private JWK
(RFC 7517). Tokens of a DPoP sign-in are bound to that key (RFC 9449): the refresh token
cannot be used without it, so it gets the token file's protection, through the same
helpers (:mod:`.private_files`): a 0700 directory, a 0600 file written atomically, a
symlinked or foreign-owned file refused rather than read. Errors name the file, never its
content. Signing out deletes it; losing it means signing in again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from tui_console.errors import StorageError
from tui_console.storage.private_files import (
    delete_private_file,
    read_private_file,
    save_private_file,
)

if TYPE_CHECKING:
    from tui_console.auth.dpop_key import DPoPKey

__all__ = ["DPoPKeyStore"]

_SUFFIX = ".dpop.jwk"
_DELETE_AND_SIGN_IN = "Delete it, then sign in again: tui-console login --dpop"


class DPoPKeyStore:
    """The DPoP key of one profile in ``{directory}/{profile}.dpop.jwk``.

    The file is read afresh when it changed (another tui-console may have signed in with a
    new key), and the parsed key is kept while it has not.
    """

    def __init__(self, directory: Path, profile: str) -> None:
        self._path = directory / f"{profile}{_SUFFIX}"
        self._cached: tuple[tuple[int, int, int], DPoPKey] | None = None

    @classmethod
    def beside(cls, token_file: Path) -> DPoPKeyStore:
        """The key store next to a token file ``{profile}.json``."""
        return cls(token_file.parent, token_file.stem)

    @property
    def path(self) -> Path:
        """The key file (it may not exist)."""
        return self._path

    def __repr__(self) -> str:
        return f"DPoPKeyStore({str(self._path)!r})"

    def load(self) -> DPoPKey | None:
        """The stored key, or ``None`` when there is no key file."""
        read = read_private_file(self._path, what="DPoP key file", hint=_DELETE_AND_SIGN_IN)
        if read is None:
            self._cached = None
            return None
        version, raw = read.version, read.data
        if self._cached is not None and self._cached[0] == version:
            return self._cached[1]
        from tui_console.auth.dpop_key import DPoPKey  # cryptography: only when a key is read

        try:
            key = DPoPKey.from_jwk(json.loads(raw))
        except (ValueError, AttributeError):  # JSONDecodeError is a ValueError
            raise StorageError(
                f"The DPoP key file {self._path} does not hold a P-256 private key.",
                hint=_DELETE_AND_SIGN_IN,
            ) from None
        self._cached = (version, key)
        return key

    def save(self, key: DPoPKey) -> None:
        """Write ``key`` atomically as a 0600 file in the 0700 directory."""
        data = json.dumps(key.private_jwk(), indent=2, sort_keys=True).encode()
        save_private_file(self._path, data, what="DPoP key file")
        self._cached = None

    def load_or_create(self) -> DPoPKey:
        """The stored key, or a new one saved first (a sign-in binds tokens to it)."""
        key = self.load()
        if key is None:
            from tui_console.auth.dpop_key import DPoPKey

            key = DPoPKey.generate()
            self.save(key)
        return key

    def delete(self) -> bool:
        """Delete the key file; True when there was one."""
        self._cached = None
        return delete_private_file(self._path, what="DPoP key file", hint="Delete it by hand.")
