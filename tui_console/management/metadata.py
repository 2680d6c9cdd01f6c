"""Building a ``user_metadata`` PATCH that does exactly what the person asked, and no more.

Auth0 merges ``user_metadata`` at the top level only (auth0-reference.md §6.3, docs F3; recorded
in auth0-recordings users-patch-metadata.json, NOTES.md §2):

* a key sent with a value replaces that key; keys not sent are kept;
* a key sent as ``null`` is **deleted** (so a top-level ``null`` cannot be stored);
* a nested object replaces the whole sub-object (send all of it);
* ``{"user_metadata": {}}`` **wipes every key**.

So :func:`metadata_patch` builds ``{"user_metadata": {...set, <unset>: null}}`` and refuses an
empty change rather than ever sending ``{}``. Key names follow the metadata field rules (docs F4):
no ``.`` or ``$``, not empty, at any depth. The 10 KB profile limit is not enforced by Auth0
today ("oversize writes currently still succeed"), so exceeding it is a warning on the result,
not a refusal (:func:`size_warnings`).

:func:`unchanged_keys` compares a change with what is stored, so a caller that read the user
first can send nothing when nothing would change (a PATCH is a write: it costs a token from the
"Write Users" bucket and bumps ``updated_at``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tui_console.management.errors import InvalidMetadata
from tui_console.management.models import User

__all__ = [
    "PROFILE_LIMIT_BYTES",
    "MetadataUpdate",
    "metadata_patch",
    "metadata_size",
    "metadata_size_warnings",
    "size_warnings",
    "unchanged_keys",
]

PROFILE_LIMIT_BYTES = 10 * 1024
"""Auth0's documented user profile size limit (docs F4)."""

_KEY_HINT = "Metadata key names must not be empty or contain '.' or '$' (Auth0's field rules)."


@dataclass(frozen=True)
class MetadataUpdate:
    """The user as Auth0 returned it after the PATCH, and warnings worth showing (never errors)."""

    user: User
    warnings: tuple[str, ...]


def _check_key(key: object, path: str) -> str:
    """``path`` extended by ``key``, or :class:`InvalidMetadata` naming the bad key."""
    where = f"{path}{key}"
    if not isinstance(key, str):
        raise InvalidMetadata(f"The metadata key {where!r} is not a string.", key=where)
    if not key or "." in key or "$" in key:
        raise InvalidMetadata(
            f"The metadata key {where!r} is not allowed.", key=where, hint=_KEY_HINT
        )
    return where


def _check_nested_keys(value: Any, path: str) -> None:
    """Every object key inside ``value`` follows the field rules (Auth0 applies them at depth)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_nested_keys(item, _check_key(key, path) + ".")
    elif isinstance(value, list | tuple):
        for item in value:
            _check_nested_keys(item, path)


def _check_value(key: str, value: Any) -> None:
    if value is None:
        raise InvalidMetadata(
            f"Cannot set {key!r} to null: Auth0 deletes a key sent as null.",
            key=key,
            hint=f"To remove {key!r}, unset it instead.",
        )
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidMetadata(
            f"The value of {key!r} cannot be stored as JSON ({exc}).",
            key=key,
            hint="Use strings, numbers, true/false, lists and objects.",
        ) from None
    _check_nested_keys(value, key + ".")


def metadata_patch(set: Mapping[str, Any], unset: Iterable[str]) -> dict[str, Any]:
    """The PATCH body that sets the keys in ``set`` and deletes those in ``unset``.

    Raises :class:`InvalidMetadata` for an empty change (``{}`` would wipe all metadata), a key
    both set and unset, a forbidden key name, a top-level ``None`` (Auth0 would delete the key
    instead of storing null) or a value JSON cannot carry.
    """
    if isinstance(unset, str):
        raise TypeError("unset takes key names (an iterable of str), not a single string")
    removed = tuple(unset)
    if not set and not removed:
        raise InvalidMetadata(
            "Nothing to change: no key to set or unset.",
            hint="An empty change would make Auth0 delete every metadata key, so it is not sent.",
        )
    changes: dict[str, Any] = {}
    for key, value in set.items():
        name = _check_key(key, "")
        _check_value(name, value)
        changes[name] = value
    for key in removed:
        name = _check_key(key, "")
        if name in changes:
            raise InvalidMetadata(f"The key {name!r} is both set and unset.", key=name)
        changes[name] = None
    return {"user_metadata": changes}


def metadata_size(metadata: Mapping[str, Any]) -> int:
    """Bytes ``metadata`` takes as compact UTF-8 JSON: what counts against the 10 KB limit."""
    text = json.dumps(dict(metadata), separators=(",", ":"), ensure_ascii=False)
    return len(text.encode())


def metadata_size_warnings(metadata: Mapping[str, Any]) -> tuple[str, ...]:
    """A warning when ``metadata`` is over Auth0's 10 KB profile limit (an editor checks drafts
    with this before saving; :func:`size_warnings` checks what Auth0 stored)."""
    size = metadata_size(metadata)
    if size <= PROFILE_LIMIT_BYTES:
        return ()
    return (
        f"user_metadata is now {size / 1024:.1f} KB, over Auth0's 10 KB profile limit. Auth0 "
        "still accepts it today but documents that such writes may start failing; consider "
        "removing keys you no longer need.",
    )


def size_warnings(user: User) -> tuple[str, ...]:
    """A warning when the stored ``user_metadata`` is over Auth0's 10 KB profile limit."""
    return metadata_size_warnings(user.user_metadata)


def _same(stored: Any, wanted: Any) -> bool:
    """Equal as JSON: ``true`` is not ``1`` (Python's ``True == 1`` would say it is)."""
    return json.dumps(stored, sort_keys=True) == json.dumps(wanted, sort_keys=True)


def unchanged_keys(
    current: Mapping[str, Any], set: Mapping[str, Any], unset: Iterable[str]
) -> dict[str, str]:
    """The keys of a change that would leave ``current`` as it is, each with why in words.

    A key in ``set`` already holding that value ("already ...") and a key in ``unset`` that is
    not there ("not set"). When every key of the change is listed, the change is a no-op.
    """
    unchanged: dict[str, str] = {}
    for key, value in set.items():
        if key in current and _same(current[key], value):
            unchanged[key] = f"already {json.dumps(value, sort_keys=True)}"
    for key in unset:
        if key not in current:
            unchanged[key] = "not set"
    return unchanged
