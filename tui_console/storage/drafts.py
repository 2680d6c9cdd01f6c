"""Unsaved ``user_metadata`` edits, kept on disk until they are saved or thrown away.

An edit must survive every failure between typing it and Auth0 accepting it: a rejected save,
an expired token, a re-sign-in, a crash or a closed terminal (design.md, "Errors are values a
person can act on"). The metadata editor writes its text here on every change (debounced) and
clears it after a successful save.

One draft per profile, in ``{state_dir}/drafts/{profile}.json``, a 0600 file in a 0700
directory written atomically (:mod:`tui_console.storage.private_files`). Metadata is personal
data, so it gets the same care as tokens. The file records the ``user_metadata`` the draft was
edited against (``base``), so a restored draft can still be checked for a conflicting change
made elsewhere in the meantime, and the user id, so one person's draft is never offered to
another who signs in with the same profile.

No Textual here: this is a core module the UI calls.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui_console.errors import StorageError
from tui_console.paths import state_dir
from tui_console.storage.private_files import (
    delete_private_file,
    ensure_private_directory,
    read_private_file,
    write_private_file,
)

__all__ = ["DRAFT_FORMAT_VERSION", "Draft", "DraftStore", "drafts_dir"]

DRAFT_FORMAT_VERSION = 1

_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def drafts_dir() -> Path:
    """``{state_dir}/drafts``: the 0700 directory of the metadata drafts."""
    return state_dir() / "drafts"


@dataclass(frozen=True)
class Draft:
    """An unsaved edit: the editor's text as typed (valid JSON or not) and what it was based on."""

    text: str
    """The editor's content, exactly as it was (it may not parse yet)."""
    base: Mapping[str, Any]
    """The ``user_metadata`` loaded from Auth0 that this edit started from."""
    user_id: str | None
    """Whose metadata it is (``None`` when not known when the draft was saved)."""
    saved_at: float
    """When the draft was written (epoch seconds)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "version": DRAFT_FORMAT_VERSION,
            "text": self.text,
            "base": dict(self.base),
            "user_id": self.user_id,
            "saved_at": self.saved_at,
        }

    @classmethod
    def from_json(cls, data: Any) -> Draft:
        """A draft from its file's JSON; ``ValueError`` when the layout is not ours."""
        if not isinstance(data, dict) or data.get("version") != DRAFT_FORMAT_VERSION:
            raise ValueError("not a version 1 draft")
        text, base, user_id, saved_at = (
            data.get("text"),
            data.get("base"),
            data.get("user_id"),
            data.get("saved_at"),
        )
        if not isinstance(text, str) or not isinstance(base, dict):
            raise ValueError("the draft lacks its text or base")
        if user_id is not None and not isinstance(user_id, str):
            raise ValueError("the draft's user id is not a string")
        if not isinstance(saved_at, int | float) or isinstance(saved_at, bool):
            raise ValueError("the draft has no time")
        return cls(text=text, base=base, user_id=user_id, saved_at=float(saved_at))


class DraftStore:
    """The metadata draft of one profile, in ``{directory}/{profile}.json``.

    ``directory`` defaults to :func:`drafts_dir`; ``clock`` dates the drafts (tests fix it).
    Every method reads or writes the file afresh, so two consoles on one profile see the
    latest draft.
    """

    def __init__(
        self,
        profile: str,
        *,
        directory: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not _PROFILE_NAME.fullmatch(profile):
            raise StorageError(
                f"The profile name {profile!r} cannot name a draft file.",
                hint="Use up to 64 letters, digits, '-', '_' or '.', starting with a letter "
                "or digit.",
            )
        self._directory = directory if directory is not None else drafts_dir()
        self._path = self._directory / f"{profile}.json"
        self._clock = clock

    @property
    def path(self) -> Path:
        """The draft file (it may not exist)."""
        return self._path

    def __repr__(self) -> str:
        return f"DraftStore({str(self._path)!r})"

    def save(
        self,
        text: str,
        *,
        base: Mapping[str, Any],
        user_id: str | None,
    ) -> Draft:
        """Write the draft (replacing the previous one) and return it."""
        draft = Draft(text=text, base=dict(base), user_id=user_id, saved_at=self._clock())
        data = json.dumps(draft.to_json(), indent=2, ensure_ascii=False).encode()
        ensure_private_directory(self._directory, create=True, what="drafts directory")
        try:
            write_private_file(self._path, data)
        except OSError as error:
            raise StorageError(
                f"Could not write the metadata draft {self._path}: {error.strerror or error}. "
                "The previous draft was left as it was.",
                hint=f"Check free disk space and the permissions of {self._directory}. "
                "Your edit is still in the editor.",
            ) from None
        return draft

    def load(self, *, user_id: str | None = None) -> Draft | None:
        """The stored draft, or ``None``: none stored, or (with ``user_id``) another user's.

        A draft file that is unreadable as a draft raises :class:`StorageError` (it is left in
        place: it may be the only copy of someone's edit).
        """
        raw = self._read()
        if raw is None:
            return None
        try:
            draft = Draft.from_json(json.loads(raw))
        except ValueError:
            # ``from None``: a JSONDecodeError would carry the whole document in ``.doc``.
            raise StorageError(
                f"The metadata draft {self._path} is not a draft this console can read.",
                hint="Open it in an editor to recover the text, then delete it.",
            ) from None
        if user_id is not None and draft.user_id is not None and draft.user_id != user_id:
            return None
        return draft

    def clear(self) -> None:
        """Delete the draft (after a successful save, or when the person discards it)."""
        delete_private_file(
            self._path,
            what="metadata draft",
            hint="Delete it by hand; it would otherwise be offered again.",
        )

    def _read(self) -> bytes | None:
        if not ensure_private_directory(self._directory, create=False, what="drafts directory"):
            return None
        read = read_private_file(
            self._path, what="metadata draft", hint="Check that it is a regular file you own."
        )
        return None if read is None else read.data
