"""The Management API's two ways of paging a list, read once for every list.

*Offset* lists (users, device credentials, log events, authentication methods) are a bare
JSON array, or with ``include_totals=true`` an envelope ``{start, limit, total, KEY: [...]}``
(NOTES.md §5); ``page`` is 0-based, so a bare page starts at ``page * per_page``.
*Checkpoint* lists (sessions, refresh tokens) are ``{KEY: [...], next?, total?}`` with
``next`` only when another page follows (recorded: an empty list has no ``next``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui_console.management.models import _integer, _required_object, _text

__all__ = ["CheckpointWindow", "OffsetWindow", "checkpoint_page", "more_after", "offset_page"]


@dataclass(frozen=True)
class OffsetWindow:
    """The raw items of one offset page, and where they sit in the whole list."""

    items: list[Any]
    start: int
    limit: int
    total: int | None

    def has_more(self) -> bool:
        """Whether another page may follow (:func:`more_after`)."""
        return more_after(self.start, len(self.items), self.limit, self.total)


@dataclass(frozen=True)
class CheckpointWindow:
    """The raw items of one checkpoint page and the checkpoint of the next, if any."""

    items: list[Any]
    next: str | None
    total: int | None


def more_after(start: int, count: int, limit: int, total: int | None) -> bool:
    """Whether another offset page may follow ``count`` items from ``start``: before the
    ``total`` when Auth0 sent one, else when the page came back full."""
    if total is not None:
        return start + count < total
    return count >= limit


def offset_page(data: Any, key: str, what: str, *, page: int, per_page: int) -> OffsetWindow:
    """Read an offset page of ``what`` (e.g. "the users") whose envelope keys it by ``key``.

    Raises ``ValueError`` naming ``what`` when the body is neither shape.
    """
    if isinstance(data, list):
        return OffsetWindow(data, page * per_page, per_page, None)
    envelope = _required_object(data, f"{what} page")
    items = envelope.get(key)
    if not isinstance(items, list):
        raise ValueError(f"{what} are not a JSON array")
    start = _integer(envelope.get("start"))
    return OffsetWindow(
        items,
        page * per_page if start is None else start,
        _integer(envelope.get("limit")) or per_page,  # a limit of 0 would page forever
        _integer(envelope.get("total")),
    )


def checkpoint_page(data: Any, key: str, what: str) -> CheckpointWindow:
    """Read a checkpoint page of ``what`` whose body keys it by ``key``."""
    body = _required_object(data, f"{what} page")
    items = body.get(key)
    if not isinstance(items, list):
        raise ValueError(f"{what} are not a JSON array")
    return CheckpointWindow(items, _text(body, "next") or None, _integer(body.get("total")))
