"""Every saved profile in one line each: who is signed in and the state of its token.

What ``tui-console profiles`` lists and what the console's profile switcher shows, read from
disk only (``config.toml`` and each profile's token file): it works offline, never refreshes a
token, and imports no network code. A damaged token file is one profile's state, not a
failure of the whole list.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from tui_console.config import Profile, load_profiles
from tui_console.durations import words
from tui_console.errors import StorageError
from tui_console.session_status import SessionStatus, stored_session_status

__all__ = ["ProfileSummary", "profile_summaries", "profile_summary"]


@dataclass(frozen=True)
class ProfileSummary:
    """One saved profile as the listings show it (no secrets)."""

    name: str
    issuer: str
    client_id: str
    default: bool
    user: str | None
    """Who is signed in (name, else email, else subject, with the email); ``None``: nobody."""
    token_state: str
    """``signed_out``, ``valid``, ``refreshable`` (expired; a refresh token renews it),
    ``expired`` (sign in again), ``other_session`` (the token file is another issuer's or
    client's) or ``damaged`` (the token file cannot be read)."""
    expires_at: int | None
    """When the profile's access token expires, in epoch seconds."""
    note: str = ""
    """Why the state is ``damaged`` or ``other_session``, for the text listing."""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "issuer": self.issuer,
            "client_id": self.client_id,
            "default": self.default,
            "user": self.user,
            "token_state": self.token_state,
            "expires_at": self.expires_at,
        }

    def state_text(self, now: float) -> str:
        """The token state in words: ``valid, expires in 2 h 10 min``, ``signed out``..."""
        left = None if self.expires_at is None else self.expires_at - now
        match self.token_state:
            case "valid":
                return "valid" if left is None else f"valid, expires in {words(left)}"
            case "refreshable":
                return "expired; the refresh token renews it"
            case "expired":
                return "expired; sign in again"
            case "signed_out":
                return "signed out"
            case _:
                return f"{self.token_state.replace('_', ' ')}: {self.note}"


def profile_summary(profile: Profile, *, default: bool, now: float | None = None) -> ProfileSummary:
    """What is stored for ``profile``, read from disk: who, and the state of its token."""
    try:
        status = stored_session_status(profile)
    except StorageError as error:
        return _summary(profile, default, state="damaged", note=error.message)
    if status.other_session:
        note = f"the token file holds a session of {status.other_session}"
        return _summary(profile, default, state="other_session", note=note)
    if not status.signed_in:
        return _summary(profile, default, state="signed_out")
    token = next((t for t in status.tokens if t.audience == profile.audience), status.tokens[0])
    left = token.seconds_left(now)
    if left is None or left > 0:
        state = "valid"
    else:
        state = "refreshable" if token.has_refresh_token else "expired"
    expires_at = None if token.expires_at is None else int(token.expires_at)
    return _summary(profile, default, state=state, user=_who(status), expires_at=expires_at)


def profile_summaries(now: float | None = None) -> list[ProfileSummary]:
    """Every profile in the config file, in its order, the default marked."""
    saved, default = load_profiles()
    now = time.time() if now is None else now
    return [profile_summary(p, default=p.name == default, now=now) for p in saved.values()]


def _summary(
    profile: Profile,
    default: bool,
    *,
    state: str,
    user: str | None = None,
    expires_at: int | None = None,
    note: str = "",
) -> ProfileSummary:
    return ProfileSummary(
        name=profile.name,
        issuer=profile.issuer,
        client_id=profile.client_id,
        default=default,
        user=user,
        token_state=state,
        expires_at=expires_at,
        note=note,
    )


def _who(status: SessionStatus) -> str:
    email = status.user.get("email")
    return f"{status.who} <{email}>" if email and email != status.who else status.who
