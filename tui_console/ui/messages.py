"""Messages the console's screens and widgets send each other (past tense, as Textual names them).

They keep widgets from reaching across the DOM: a pane says :class:`StepUpRequested`, and the
app decides what comes next (a sign-in screen dismisses with its result instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tui_console.account import BucketView

__all__ = ["RateLimitUpdated", "StepUpRequested"]


@dataclass
class RateLimitUpdated(Message):
    """A rate-limit bucket changed (a response reported it, or the gate holds a request)."""

    bucket: str
    view: BucketView


@dataclass
class StepUpRequested(Message):
    """A pane asks the app to sign in again asking for ``scopes`` (an action needs them).

    ``reason`` says which action needs them, in words ("Saving metadata needs
    update:current_user_metadata"). The app runs the sign-in, then calls each pane's
    ``reload()`` so the new scopes take effect.
    """

    scopes: tuple[str, ...]
    reason: str
