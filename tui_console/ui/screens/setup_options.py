"""What the setup screen may do and what it hands back: light, so the console can be started
with them before the setup screen (and the session behind it) is ever imported.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui_console.config import Profile, save_profile

if TYPE_CHECKING:
    from tui_console.account import AccountSession

__all__ = ["ProfileSetup", "SetupResult"]


def _save_default(profile: Profile) -> None:
    save_profile(profile, make_default=True)


def _new_session(profile: Profile) -> AccountSession:
    # Only a new profile needs the session class, and with it httpx and pyjwt (about 250 ms).
    from tui_console.account import AccountSession

    return AccountSession(profile)


@dataclass(frozen=True)
class ProfileSetup:
    """What the setup screen may do, supplied by whoever starts the console."""

    session_for: Callable[[Profile], AccountSession] = _new_session
    """Build a session for a new profile (tests route it to a local tenant)."""
    save: Callable[[Profile], None] = _save_default
    """Save a checked profile as the default one."""
    start_demo: Callable[[], Awaitable[AccountSession]] | None = None
    """Start the built-in demo tenant and return a session for it (``None``: not offered)."""


@dataclass(frozen=True)
class SetupResult:
    """The session the console goes on with, and whether it is the demo tenant's."""

    session: AccountSession
    demo: bool = False
