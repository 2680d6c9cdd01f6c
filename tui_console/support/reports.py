"""What the support verbs hand back: plain, frozen values the command line and the console show.

Beside the Management API's own records (:mod:`tui_console.management.support_models`,
:mod:`tui_console.management.sign_in_trouble_models`), these are the facade's answers: what
an action did in words (:class:`Outcome`), users found and how (:class:`UserSearch`), what
keeps someone from signing in (:class:`BlockReport`), a user's device credentials
(:class:`DeviceList`). No httpx type and no wording rule lives here: the verbs of
:class:`~tui_console.support.SupportSession` fill them in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tui_console.management.models import DeviceCredential
from tui_console.management.sign_in_trouble_models import UserBlock
from tui_console.management.support_models import SupportUser

__all__ = ["BlockReport", "BlockedFor", "DeviceList", "Outcome", "UserSearch"]


@dataclass(frozen=True)
class Outcome:
    """What a support action did, in words: ``summary`` and what it does not do (``caveats``)."""

    summary: str
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class UserSearch:
    """Users found for a query, how they were looked up, and a note when that matters."""

    query: str
    by: str
    """``email`` (``users-by-email``), ``user_id`` or ``query`` (``q`` with v3)."""
    users: tuple[SupportUser, ...]
    page: int = 0
    total: int | None = None
    has_more: bool = False
    note: str | None = None
    """E.g. that e-mail matching is case-sensitive, when nothing matched a capitalised one."""


@dataclass(frozen=True)
class BlockedFor:
    """One brute-force block, and since when (the ``limit_wc`` event that set it, when the
    logs can be read and still hold it)."""

    block: UserBlock
    since: datetime | None = None


@dataclass(frozen=True)
class BlockReport:
    """What keeps ``who`` from signing in: brute-force blocks per IP, and for a user the
    administrator's ``blocked`` flag (``None``: not looked up, ``who`` was an identifier)."""

    who: str
    by: str
    """``user_id`` (``/user-blocks/{id}``) or ``identifier`` (``?identifier=``)."""
    blocks: tuple[BlockedFor, ...]
    blocked_flag: bool | None = None
    note: str | None = None


@dataclass(frozen=True)
class DeviceList:
    """A user's device credentials of every type; ``cut`` when Auth0's cap of 1,000 hid some."""

    credentials: tuple[DeviceCredential, ...]
    cut: bool = False
