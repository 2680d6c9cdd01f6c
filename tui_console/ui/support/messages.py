"""Messages between the support console's panes and screens (past tense, as Textual's are)."""

from __future__ import annotations

from textual.message import Message

from tui_console.support import SupportUser

__all__ = ["SessionLinkFollowed", "UserChosen"]


class UserChosen(Message):
    """A user was chosen in the search results: open their page."""

    def __init__(self, user: SupportUser) -> None:
        super().__init__()
        self.user = user


class SessionLinkFollowed(Message):
    """A session id (a pasted token's ``sid``) was followed: open that session."""

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id
