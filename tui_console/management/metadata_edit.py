"""``user_metadata`` as a JSON document a person edits: its text, the change, the checks.

An editor shows :func:`format_metadata`'s text; :func:`check_metadata_text` checks what the
person typed against what was loaded (syntax with line and column, a top-level object, key
names and values through :func:`~tui_console.management.metadata.metadata_patch`, the 10 KB
size) and turns it into :class:`MetadataChanges`. Auth0 merges ``user_metadata`` at the top
level only (auth0-reference.md §6.3), so a changed nested object is sent whole, and a removed
key is sent as ``null``. :func:`reverted_keys` names what overwriting a newer copy turns back.

These are the rules of the edit, not of a screen: any front end (the TUI's Metadata tab
today) shows their outcome.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui_console.management.errors import InvalidMetadata
from tui_console.management.metadata import (
    PROFILE_LIMIT_BYTES,
    metadata_patch,
    metadata_size,
    metadata_size_warnings,
)
from tui_console.terminal_text import printable

__all__ = [
    "MetadataChanges",
    "MetadataCheck",
    "check_metadata_text",
    "format_metadata",
    "metadata_changes",
    "reverted_keys",
]

#: What ``json.dumps(ensure_ascii=False)`` leaves raw but a terminal must not get: DEL, the C1
#: controls and the bidi overrides (``json.dumps`` already escapes the C0 controls).
_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def format_metadata(metadata: Mapping[str, Any]) -> str:
    """The editor's text for ``metadata``: two-space indented JSON, keys in Auth0's order.

    Characters a terminal would act on are written as JSON ``\\uXXXX`` escapes, so the editor
    shows them visibly and the text still parses to the same values.
    """
    text = json.dumps(dict(metadata), indent=2, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"


@dataclass(frozen=True)
class MetadataChanges:
    """Top-level keys to set (new or changed, values whole) and keys to delete."""

    set: dict[str, Any] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    """The keys of :attr:`set` that ``base`` did not have."""

    def __bool__(self) -> bool:
        return bool(self.set or self.unset)

    def describe(self) -> str:
        """``set theme, language; delete old_key`` (or ``no changes``)."""
        parts = []
        if self.set:
            parts.append("set " + ", ".join(self.set))
        if self.unset:
            parts.append("delete " + ", ".join(self.unset))
        return printable("; ".join(parts), one_line=True) or "no changes"


def metadata_changes(base: Mapping[str, Any], edited: Mapping[str, Any]) -> MetadataChanges:
    """What to send so that Auth0's top-level merge turns ``base`` into ``edited``."""
    changed = {key: value for key, value in edited.items() if key not in base or base[key] != value}
    removed = tuple(key for key in base if key not in edited)
    added = tuple(key for key in changed if key not in base)
    return MetadataChanges(set=changed, unset=removed, added=added)


_MISSING = object()


def reverted_keys(
    base: Mapping[str, Any], theirs: Mapping[str, Any], yours: Mapping[str, Any]
) -> tuple[str, ...]:
    """Keys only the other side changed since ``base``, which sending ``yours`` turns back."""
    keys = dict.fromkeys([*base, *theirs, *yours])
    return tuple(
        key
        for key in keys
        if yours.get(key, _MISSING) == base.get(key, _MISSING)
        and theirs.get(key, _MISSING) != base.get(key, _MISSING)
    )


@dataclass(frozen=True)
class MetadataCheck:
    """The outcome of checking the editor's text against what was loaded."""

    ok: bool
    message: str
    """What to show under the editor, already safe for a terminal."""
    edited: dict[str, Any] | None = None
    changes: MetadataChanges | None = None
    body: dict[str, Any] | None = None
    line: int | None = None
    column: int | None = None
    warnings: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        """Valid JSON equal to what was loaded: there is nothing to send."""
        return self.changes is not None and not self.changes


def check_metadata_text(text: str, base: Mapping[str, Any]) -> MetadataCheck:
    """Check ``text`` as a replacement for ``base``: syntax, shape, key rules, change, size."""
    try:
        edited = json.loads(text)
    except json.JSONDecodeError as error:
        return MetadataCheck(
            ok=False,
            message=f"Line {error.lineno}, column {error.colno}: {error.msg}.",
            line=error.lineno,
            column=error.colno,
        )
    if not isinstance(edited, dict):
        kind = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
            type(edited), "a number"
        )
        return MetadataCheck(
            ok=False,
            message=f'The top level must be a JSON object ({{"key": value, ...}}), not {kind}.',
        )
    changes = metadata_changes(base, edited)
    try:
        body = metadata_patch(changes.set, changes.unset)
    except InvalidMetadata as error:
        # The refusal and its next step, each on its own line (key names are the person's).
        said = f"{error.message}\n{error.hint}" if error.hint else error.message
        return MetadataCheck(ok=False, message=printable(said), edited=edited, changes=changes)
    size = metadata_size(edited)
    warnings = metadata_size_warnings(edited)
    message = (
        f"Valid. To send: {changes.describe()}. "
        f"Size {size / 1024:.1f} KB of {PROFILE_LIMIT_BYTES // 1024} KB."
    )
    return MetadataCheck(
        ok=True, message=message, edited=edited, changes=changes, body=body, warnings=warnings
    )
