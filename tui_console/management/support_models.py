"""Typed views of what support staff read: users found, sessions, refresh tokens.

Built from the recordings (auth0-recordings/NOTES.md §5, §11; users-list.json, sessions.json,
refresh-tokens.json), and tolerant where they say Auth0 is loose:

* every session and refresh-token field may be absent **or an explicit ``null``** (recorded:
  ``idle_expires_at``, ``expires_at``, ``session_id`` as ``null`` on non-expiring, pre-session
  tokens; ``device``, ``last_exchanged_at`` absent although the OAS lists them): both read as
  ``None``; unknown keys are ignored (and kept in ``raw``);
* a refresh token's ``resource_servers[].scopes`` is **one space-separated string**, not an
  array (an array is accepted too);
* checkpoint lists are ``{"sessions": [...]}`` / ``{"tokens": [...]}`` with ``next`` only when
  another page exists (absent on the last page, never ``null`` in the recordings, but a
  ``null`` reads the same), and ``total`` only with ``include_totals``;
* a users search is a bare array, or with ``include_totals`` ``{start, limit, length, total,
  users}`` (the extra ``length``).

Only an item's id is required; without it ``from_json`` raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from tui_console.management.models import (
    User,
    _list,
    _object_or_empty,
    _required_object,
    _text,
    _timestamp,
)
from tui_console.management.paging import checkpoint_page, more_after, offset_page
from tui_console.user_agents import UserAgent, describe_user_agent

__all__ = [
    "AuthenticationMethod",
    "Device",
    "RefreshToken",
    "RefreshTokenPage",
    "ResourceServerGrant",
    "Session",
    "SessionPage",
    "SupportUser",
    "UserSearchPage",
]


@dataclass(frozen=True)
class SupportUser:
    """A user as support staff see it: the account's :class:`User` and the admin-only fields."""

    user: User
    blocked: bool
    """Blocked by an administrator (``blocked: true``; absent reads as not blocked)."""
    last_ip: str | None

    @property
    def user_id(self) -> str:
        return self.user.user_id

    @property
    def connections(self) -> tuple[str, ...]:
        """The connections of the user's identities, primary first."""
        return tuple(i.connection for i in self.user.identities if i.connection)

    @classmethod
    def from_json(cls, data: Any) -> SupportUser:
        body = _required_object(data, "the user")
        return cls(
            user=User.from_json(body),
            blocked=body.get("blocked") is True,
            last_ip=_text(body, "last_ip"),
        )


@dataclass(frozen=True)
class UserSearchPage:
    """One page of a users search (``page`` 0-based); ``total`` when Auth0 sent it."""

    users: tuple[SupportUser, ...]
    start: int
    limit: int
    total: int | None

    @classmethod
    def from_json(cls, data: Any, *, page: int, per_page: int) -> UserSearchPage:
        window = offset_page(data, "users", "the users", page=page, per_page=per_page)
        users = tuple(SupportUser.from_json(item) for item in window.items)
        return cls(users, window.start, window.limit, window.total)

    @property
    def has_more(self) -> bool:
        """Whether another page may follow (unknown total: a full page suggests so)."""
        return more_after(self.start, len(self.users), self.limit, self.total)


@dataclass(frozen=True)
class Device:
    """Where a session or refresh token was first and last used (any field may be unknown)."""

    initial_user_agent: str | None
    initial_ip: str | None
    initial_asn: str | None
    last_user_agent: str | None
    last_ip: str | None
    last_asn: str | None

    @property
    def initial_agent(self) -> UserAgent:
        return describe_user_agent(self.initial_user_agent)

    @property
    def last_agent(self) -> UserAgent:
        """The last user agent in words (the initial one when no later one is known)."""
        return describe_user_agent(self.last_user_agent or self.initial_user_agent)

    @classmethod
    def from_json(cls, data: Any) -> Device:
        item = _object_or_empty(data)
        return cls(
            *(
                _text(item, key)
                for key in (
                    "initial_user_agent",
                    "initial_ip",
                    "initial_asn",
                    "last_user_agent",
                    "last_ip",
                    "last_asn",
                )
            )
        )


@dataclass(frozen=True)
class AuthenticationMethod:
    """How the person proved who they are in a session: ``pwd``, ``federated``, ``mfa``..."""

    name: str
    timestamp: datetime | None
    type: str | None
    """For ``mfa``: the factor (``otp``, ``webauthn-roaming``...)."""


@dataclass(frozen=True)
class Session:
    """A sign-in session (``GET /api/v2/sessions/{id}``, auth0-reference.md §8.2)."""

    id: str
    """The session id: the ``sid`` claim of the tokens issued in it."""
    user_id: str | None
    created_at: datetime | None
    updated_at: datetime | None
    authenticated_at: datetime | None
    last_interacted_at: datetime | None
    idle_expires_at: datetime | None
    expires_at: datetime | None
    device: Device
    client_ids: tuple[str, ...]
    """The applications signed in through this session."""
    methods: tuple[AuthenticationMethod, ...]
    raw: Mapping[str, Any]

    @classmethod
    def from_json(cls, data: Any) -> Session:
        body = _required_object(data, "a session")
        session_id = _text(body, "id")
        if not session_id:
            raise ValueError("a session has no id")
        clients = (_text(_object_or_empty(c), "client_id") for c in _list(body.get("clients")))
        methods = (
            AuthenticationMethod(
                name=_text(m, "name") or "unknown",
                timestamp=_timestamp(m.get("timestamp")),
                type=_text(m, "type"),
            )
            for m in _list(_object_or_empty(body.get("authentication")).get("methods"))
            if isinstance(m, dict)
        )
        return cls(
            id=session_id,
            user_id=_text(body, "user_id"),
            created_at=_timestamp(body.get("created_at")),
            updated_at=_timestamp(body.get("updated_at")),
            authenticated_at=_timestamp(body.get("authenticated_at")),
            last_interacted_at=_timestamp(body.get("last_interacted_at")),
            idle_expires_at=_timestamp(body.get("idle_expires_at")),
            expires_at=_timestamp(body.get("expires_at")),
            device=Device.from_json(body.get("device")),
            client_ids=tuple(c for c in clients if c),
            methods=tuple(methods),
            raw=MappingProxyType(body),
        )


@dataclass(frozen=True)
class SessionPage:
    """One page of a user's sessions; ``next`` is the checkpoint of the following page."""

    sessions: tuple[Session, ...]
    next: str | None
    total: int | None

    @classmethod
    def from_json(cls, data: Any) -> SessionPage:
        window = checkpoint_page(data, "sessions", "the sessions")
        return cls(
            tuple(Session.from_json(item) for item in window.items), window.next, window.total
        )


@dataclass(frozen=True)
class ResourceServerGrant:
    """An API a refresh token can mint access tokens for, and with which scopes."""

    audience: str
    scopes: tuple[str, ...]


def _scopes(value: Any) -> tuple[str, ...]:
    """Auth0 sends one space-separated string (recorded); an array is read too."""
    if isinstance(value, str):
        return tuple(value.split())
    return tuple(s for s in _list(value) if isinstance(s, str))


@dataclass(frozen=True)
class RefreshToken:
    """A refresh token's record (never the token itself): ``GET /api/v2/refresh-tokens/{id}``."""

    id: str
    user_id: str | None
    client_id: str | None
    session_id: str | None
    """The session it belongs to; ``None`` for tokens issued before sessions were tracked."""
    rotating: bool | None
    created_at: datetime | None
    last_exchanged_at: datetime | None
    idle_expires_at: datetime | None
    """``None``: no idle expiry (recorded as an explicit ``null``)."""
    expires_at: datetime | None
    """``None``: no absolute expiry (recorded as an explicit ``null``)."""
    resource_servers: tuple[ResourceServerGrant, ...]
    device: Device | None
    raw: Mapping[str, Any]

    @classmethod
    def from_json(cls, data: Any) -> RefreshToken:
        body = _required_object(data, "a refresh token")
        token_id = _text(body, "id")
        if not token_id:
            raise ValueError("a refresh token has no id")
        rotating = body.get("rotating")
        servers = (
            ResourceServerGrant(audience, _scopes(server.get("scopes")))
            for server in _list(body.get("resource_servers"))
            if isinstance(server, dict) and (audience := _text(server, "audience"))
        )
        device = body.get("device")
        return cls(
            id=token_id,
            user_id=_text(body, "user_id"),
            client_id=_text(body, "client_id"),
            session_id=_text(body, "session_id"),
            rotating=rotating if isinstance(rotating, bool) else None,
            created_at=_timestamp(body.get("created_at")),
            last_exchanged_at=_timestamp(body.get("last_exchanged_at")),
            idle_expires_at=_timestamp(body.get("idle_expires_at")),
            expires_at=_timestamp(body.get("expires_at")),
            resource_servers=tuple(servers),
            device=Device.from_json(device) if isinstance(device, dict) else None,
            raw=MappingProxyType(body),
        )


@dataclass(frozen=True)
class RefreshTokenPage:
    """One page of a user's refresh tokens; ``next`` as for :class:`SessionPage`."""

    tokens: tuple[RefreshToken, ...]
    next: str | None
    total: int | None

    @classmethod
    def from_json(cls, data: Any) -> RefreshTokenPage:
        window = checkpoint_page(data, "tokens", "the refresh tokens")
        tokens = tuple(RefreshToken.from_json(item) for item in window.items)
        return cls(tokens, window.next, window.total)
