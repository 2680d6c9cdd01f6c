"""A machine application's client secret, kept like the tokens it mints.

``{directory}/{profile}.client-secret`` holds the secret of a support profile that signs in
with client credentials (auth0-reference.md §8.7): there is no refresh token, so each new
access token is asked for with the secret, and it must be at hand. It gets the token file's
protection through the same helpers (:mod:`.private_files`): a 0700 directory, a 0600 file
written atomically, a symlinked or foreign-owned file refused. It is never written to
``config.toml``. Errors name the file, never its content; signing out deletes it.
"""

from __future__ import annotations

from pathlib import Path

from tui_console.errors import StorageError
from tui_console.redact import Secret
from tui_console.storage.private_files import (
    delete_private_file,
    read_private_file,
    save_private_file,
)

__all__ = ["ClientSecretStore"]

_SUFFIX = ".client-secret"
_SIGN_IN_AGAIN = (
    "Delete it, then sign in again: tui-console login --client-credentials --client-secret-file -"
)


class ClientSecretStore:
    """The client secret of one profile in ``{directory}/{profile}.client-secret``."""

    def __init__(self, directory: Path, profile: str) -> None:
        self._path = directory / f"{profile}{_SUFFIX}"

    @classmethod
    def beside(cls, token_file: Path) -> ClientSecretStore:
        """The secret store next to a token file ``{profile}.json``."""
        return cls(token_file.parent, token_file.stem)

    @property
    def path(self) -> Path:
        """The secret file (it may not exist)."""
        return self._path

    @property
    def where(self) -> str:
        """Where the secret is kept, in words."""
        return str(self._path)

    def __repr__(self) -> str:
        return f"ClientSecretStore({str(self._path)!r})"

    def load(self) -> Secret | None:
        """The stored secret, or ``None`` when there is no secret file."""
        read = read_private_file(self._path, what="client secret file", hint=_SIGN_IN_AGAIN)
        if read is None:
            return None
        try:
            text = read.data.decode("utf-8").strip()
        except UnicodeDecodeError:
            text = ""
        if not text:
            raise StorageError(
                f"The client secret file {self._path} holds no secret.", hint=_SIGN_IN_AGAIN
            )
        return Secret(text)

    def save(self, secret: Secret) -> None:
        """Write ``secret`` atomically as a 0600 file in the 0700 directory."""
        save_private_file(self._path, secret.reveal().encode("utf-8"), what="client secret file")

    def delete(self) -> bool:
        """Delete the secret file; True when there was one."""
        return delete_private_file(self._path, what="client secret file", hint="Delete it by hand.")
