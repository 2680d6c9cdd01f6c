"""A profile's session before it is opened: what the console's first frame shows, and how to
open it.

Opening an :class:`~tui_console.account.AccountSession` imports httpx, pyjwt, cryptography and
the Management client (about 250 ms and 25 MiB on this machine), none of which the first frame
needs: who is signed in and how long the token lasts are on disk. So the console starts from a
:class:`SessionStart`, draws from :attr:`SessionStart.status`, and calls
:attr:`SessionStart.open` in a worker after the first frame. This module and what it needs
stay light: ``tests/ui/test_first_frame.py`` checks that the first frame is drawn without
httpx, pyjwt or cryptography imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui_console.config import Profile
from tui_console.session_status import SessionStatus

if TYPE_CHECKING:
    from tui_console.account import AccountSession

__all__ = ["SessionStart"]


@dataclass(frozen=True)
class SessionStart:
    """A session to open, and what its profile's files already say about it."""

    profile: Profile
    """The profile the session is for."""
    status: SessionStatus
    """The stored session, read without the network stack (:func:`stored_session_status`)."""
    open: Callable[[], AccountSession]
    """Build the session; imports the network stack, so call it off the event loop."""
