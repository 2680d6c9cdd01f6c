"""The token file: one 0600 JSON file per profile in a 0700 directory, written atomically.

Layout of ``{directory}/{profile}.json``::

    {"version": 1, "issuer": "https://tenant/", "client_id": "...",
     "tokens": {"<audience>": TokenSet.to_dict(), "": <userinfo-only token>}}

``issuer`` and ``client_id`` say whom the tokens were issued by and for (a
:class:`TokenOwner`). A store opened for an owner (``FileTokenStore(..., owner=...)``) sees
the file as empty when it belongs to someone else, so a run with one-off ``--issuer`` or
``--client-id`` flags never shows or sends another tenant's tokens, and its first write
replaces them. Files written before these fields existed are still read: their owner is
taken from the stored ID token (``iss``, ``aud``), which was validated before it was stored;
with no ID token either, the owner is unknown and the file is taken as it is.

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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_console.errors import StorageError, TokenValidationError
from tui_console.jwt_claims import unverified_claims
from tui_console.storage.private_files import (
    delete_private_file,
    ensure_private_directory,
    read_private_file,
    write_private_file,
)
from tui_console.token_set import TokenSet

if TYPE_CHECKING:  # pragma: no cover
    from tui_console.storage.file_lock import InterProcessLock

__all__ = ["FORMAT_VERSION", "FileTokenStore", "TokenOwner"]

FORMAT_VERSION = 1

_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_DELETE_AND_SIGN_IN = "Move it aside (or delete it), then sign in again: tui-console login"


@dataclass(frozen=True)
class TokenOwner:
    """The issuer that issued a profile's tokens and the client they were issued to."""

    issuer: str
    client_id: str

    def __str__(self) -> str:
        return f"{self.issuer} (client {self.client_id})"


def _key(audience: str | None) -> str:
    """The JSON key for ``audience``: the audience itself, or "" for a userinfo-only token."""
    return audience or ""


class FileTokenStore:
    """The token sets of one profile, keyed by audience, in ``{directory}/{profile}.json``.

    Every method reads the file afresh: another tui-console may have rotated a token since,
    and a cached copy would hand out a refresh token that is already spent.
    """

    def __init__(self, directory: Path, profile: str, *, owner: TokenOwner | None = None) -> None:
        if not _PROFILE_NAME.fullmatch(profile):
            raise StorageError(
                f"The profile name {profile!r} cannot name a token file.",
                hint="Use up to 64 letters, digits, '-', '_' or '.', starting with a letter "
                "or digit.",
            )
        self._directory = directory
        self._path = directory / f"{profile}.json"
        self._owner = owner

    def owned_by(self, owner: TokenOwner) -> FileTokenStore:
        """The same file, seen by (and written for) ``owner``'s issuer and client."""
        return FileTokenStore(self._directory, self._path.stem, owner=owner)

    @property
    def owner(self) -> TokenOwner | None:
        """Whose tokens this store reads and writes (``None``: whoever's are in the file)."""
        return self._owner

    @property
    def path(self) -> Path:
        """The token file (it may not exist yet)."""
        return self._path

    @property
    def lock_path(self) -> Path:
        """The lock file beside the token file that serialises refreshes across processes."""
        return self._path.with_suffix(".lock")

    def process_lock(self) -> InterProcessLock:
        """A fresh :class:`InterProcessLock` on :attr:`lock_path`: one renewal at a time."""
        # Imported here: filelock is not needed by `token` and `status` answered from disk.
        from tui_console.storage.file_lock import InterProcessLock

        return InterProcessLock(self.lock_path)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self._path)!r})"

    def load(self) -> dict[str, TokenSet]:
        """Every stored token set, keyed by audience ("" for a userinfo-only token).

        Empty when the file holds another owner's tokens (see :meth:`foreign_owner`).
        """
        return self._read_own()[1]

    def foreign_owner(self) -> TokenOwner | None:
        """The owner of the stored tokens when they are not this store's owner's, else ``None``."""
        if self._owner is None:
            return None
        owner, _ = self._read()
        return owner if owner is not None and owner != self._owner else None

    def get(self, audience: str | None) -> TokenSet | None:
        """The token set for ``audience`` (``None``: the userinfo-only one), if stored."""
        return self.load().get(_key(audience))

    def put(self, tokens: TokenSet) -> None:
        """Store ``tokens`` under its audience, keeping the other audiences' tokens.

        Another owner's tokens are replaced: the file holds one owner's session.
        """
        owner, stored = self._read_own()
        stored[_key(tokens.audience)] = tokens
        self._write(stored, owner)

    def remove(self, audience: str | None) -> None:
        """Forget ``audience``'s tokens; the file goes when no audience is left."""
        owner, stored = self._read_own()
        if stored.pop(_key(audience), None) is None:
            return
        if stored:
            self._write(stored, owner)
        else:
            self.clear()

    def clear(self) -> None:
        """Delete the token file (the lock file stays: another process may be holding it)."""
        delete_private_file(self._path, what="token file", hint="Delete it by hand to sign out.")

    def _read_own(self) -> tuple[TokenOwner | None, dict[str, TokenSet]]:
        """The owner to write the file for, and the token sets this store may see."""
        owner, tokens = self._read()
        if self._owner is not None and owner is not None and owner != self._owner:
            return self._owner, {}
        return self._owner or owner, tokens

    def _read(self) -> tuple[TokenOwner | None, dict[str, TokenSet]]:
        """The file's owner (``None``: unknown) and token sets; nothing if there is no file."""
        if not self._directory_is_safe(create=False):
            return None, {}
        read = read_private_file(self._path, what="token file", hint=_DELETE_AND_SIGN_IN)
        if read is None:
            return None, {}
        return self._decode(read.data)

    def _decode(self, raw: bytes) -> tuple[TokenOwner | None, dict[str, TokenSet]]:
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
        return self._owner_of(document, tokens), tokens

    def _owner_of(self, document: dict[str, Any], tokens: dict[str, TokenSet]) -> TokenOwner | None:
        """The recorded owner; for a file from before it was recorded, the ID token's."""
        issuer, client_id = document.get("issuer"), document.get("client_id")
        if issuer is not None or client_id is not None:
            if not (isinstance(issuer, str) and isinstance(client_id, str)):
                raise self._corrupt("names its issuer or client id with a value that is not text")
            return TokenOwner(issuer, client_id)
        for token_set in tokens.values():
            if token_set.id_token is None:
                continue
            try:
                claims = unverified_claims(token_set.id_token)  # validated before it was stored
            except TokenValidationError:
                continue
            if isinstance(claims.get("iss"), str) and isinstance(claims.get("aud"), str):
                return TokenOwner(claims["iss"], claims["aud"])
        return None

    def _write(self, tokens: dict[str, TokenSet], owner: TokenOwner | None) -> None:
        document: dict[str, Any] = {
            "version": FORMAT_VERSION,
            "tokens": {key: token_set.to_dict() for key, token_set in tokens.items()},
        }
        if owner is not None:
            document["issuer"] = owner.issuer
            document["client_id"] = owner.client_id
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
