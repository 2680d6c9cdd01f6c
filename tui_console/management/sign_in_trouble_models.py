"""Typed views of "why can't this user sign in?": log events, blocks, MFA (issue 12).

Built from the recordings (auth0-recordings/NOTES.md; logs.json, user-blocks.json,
enrollments.json, authentication-methods.json), and tolerant where they say Auth0 is loose:

* a log entry's ``log_id`` is a 56-digit **string** (``_id`` under a ``fields`` filter); 2021
  entries omit empty keys, 2023+ send them as ``null`` or ``""``: all three read as ``None``;
* user blocks are ``{"blocked_for": [{identifier, ip, connection}]}``, ``[]`` when none;
* enrollments are a bare array; authentication methods a bare array or ``{authenticators,
  total, start, limit}`` without ``total`` when empty, e-mail and phone masked by Auth0.

Only an item's id is required; without it ``from_json`` raises ``ValueError``. The users,
sessions and refresh tokens support staff read are in :mod:`.support_models`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from tui_console.management.log_events import EventType, event_type
from tui_console.management.models import _list, _required_object, _text, _timestamp
from tui_console.management.paging import more_after, offset_page
from tui_console.redact import MASK, redact
from tui_console.user_agents import UserAgent, describe_user_agent

__all__ = [
    "Enrollment",
    "LogEvent",
    "LogPage",
    "MfaMethod",
    "MfaMethodPage",
    "UserBlock",
    "parse_enrollments",
    "parse_log_events",
    "parse_user_blocks",
    "redacted_entry",
]


#: Keys whose values are secrets wherever they appear in a log entry's ``details`` (a ``sapi``
#: entry echoes request and response bodies; Auth0 masks some itself, ``"*****"``/``REDACTED``).
_SECRET_KEYS = frozenset(
    {
        "access_token",
        "client_secret",
        "code",
        "code_verifier",
        "device_code",
        "id_token",
        "otp",
        "password",
        "recovery_code",
        "refresh_token",
        "secret",
        "token",
        "totp_secret",
        "value",
    }
)


def redacted_entry(data: Any) -> Any:
    """``data`` (a log entry, any JSON) with secret-carrying values masked, recursively.

    A key of :data:`_SECRET_KEYS` with a string value becomes :data:`~tui_console.redact.MASK`
    (``null`` and Auth0's own masks are kept); every other string passes
    :func:`~tui_console.redact.redact` (JWTs, bearer credentials). The shape is unchanged.
    """
    if isinstance(data, dict):
        return {
            key: MASK
            if key.lower() in _SECRET_KEYS
            and isinstance(value, str)
            and value
            and value not in ("*****", "REDACTED")
            else redacted_entry(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [redacted_entry(item) for item in data]
    if isinstance(data, str):
        return redact(data)
    return data


def _filled(body: Mapping[str, Any], key: str) -> str | None:
    """A text field that may be absent, ``null`` or ``""`` (all three recorded): ``None``."""
    return _text(body, key) or None


@dataclass(frozen=True)
class LogEvent:
    """One tenant log entry (``GET /api/v2/logs/{id}``, auth0-recordings/NOTES.md §11).

    ``log_id`` is a 56-digit **string** and the only required field (``_id`` stands in for it
    under a ``fields`` filter); ids grow with time, so they order a tail. Text fields absent,
    ``null`` or ``""`` all read as ``None``. ``raw`` is the entry as sent.
    """

    log_id: str
    date: datetime | None
    type: str | None
    description: str | None
    client_id: str | None
    client_name: str | None
    connection: str | None
    ip: str | None
    user_agent: str | None
    """As recorded; ``"Other 0.0.0 / Other 0.0.0"`` for API and SDK calls."""
    user_id: str | None
    user_name: str | None
    details: Mapping[str, Any] | None
    raw: Mapping[str, Any]

    @property
    def kind(self) -> EventType:
        """The event type in words (:mod:`~tui_console.management.log_events`)."""
        return event_type(self.type)

    @property
    def agent(self) -> UserAgent:
        return describe_user_agent(self.user_agent)

    @property
    def application(self) -> str | None:
        """The application's name, else its client id."""
        return self.client_name or self.client_id

    def redacted(self) -> dict[str, Any]:
        """The whole entry with secrets masked (:func:`redacted_entry`), for a detail view."""
        entry: dict[str, Any] = redacted_entry(dict(self.raw))
        return entry

    @classmethod
    def from_json(cls, data: Any) -> LogEvent:
        body = _required_object(data, "a log event")
        log_id = _filled(body, "log_id") or _filled(body, "_id")
        if not log_id:
            raise ValueError("a log event has no log_id")
        details = body.get("details")
        return cls(
            log_id=log_id,
            date=_timestamp(body.get("date")),
            type=_filled(body, "type"),
            description=_filled(body, "description"),
            client_id=_filled(body, "client_id"),
            client_name=_filled(body, "client_name"),
            connection=_filled(body, "connection"),
            ip=_filled(body, "ip"),
            user_agent=_filled(body, "user_agent"),
            user_id=_filled(body, "user_id"),
            user_name=_filled(body, "user_name"),
            details=MappingProxyType(details) if isinstance(details, dict) else None,
            raw=MappingProxyType(body),
        )


def parse_log_events(data: Any) -> tuple[LogEvent, ...]:
    """A bare array of log entries (``GET /logs`` in either mode)."""
    if not isinstance(data, list):
        raise ValueError("the log events are not a JSON array")
    return tuple(LogEvent.from_json(item) for item in data)


@dataclass(frozen=True)
class LogPage:
    """One page of a user's log events, newest first; ``total`` when Auth0 sent it.

    A bare array, or with ``include_totals`` ``{start, limit, length, total, logs}``
    (auth0-reference.md §8.6).
    """

    events: tuple[LogEvent, ...]
    start: int
    limit: int
    total: int | None

    @classmethod
    def from_json(cls, data: Any, *, page: int, per_page: int) -> LogPage:
        window = offset_page(data, "logs", "the log events", page=page, per_page=per_page)
        return cls(parse_log_events(window.items), window.start, window.limit, window.total)

    @property
    def has_more(self) -> bool:
        """Whether another page may follow (unknown total: a full page suggests so)."""
        return more_after(self.start, len(self.events), self.limit, self.total)


@dataclass(frozen=True)
class UserBlock:
    """A brute-force block: this identifier may not sign in from this IP (``blocked_for[]``)."""

    identifier: str | None
    """The username, phone number or e-mail address that was typed."""
    ip: str | None
    connection: str | None


def parse_user_blocks(data: Any) -> tuple[UserBlock, ...]:
    """``{"blocked_for": [...]}``; ``[]`` when nothing is blocked (user-blocks.json)."""
    body = _required_object(data, "the user blocks")
    items = body.get("blocked_for")
    if items is None:
        return ()
    if not isinstance(items, list):
        raise ValueError("blocked_for is not a JSON array")
    return tuple(
        UserBlock(_filled(item, "identifier"), _filled(item, "ip"), _filled(item, "connection"))
        for item in items
        if isinstance(item, dict)
    )


#: Words for the Guardian ``auth_method`` (or ``type``) values; unknown ones show as they are.
_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "authenticator": "authenticator app",
        "otp": "authenticator app",
        "guardian": "push (Guardian)",
        "push": "push (Guardian)",
        "sms": "phone (SMS)",
        "voice": "phone (voice)",
        "email": "email",
        "webauthn-roaming": "security key",
        "webauthn-platform": "security key (this device)",
    }
)


@dataclass(frozen=True)
class Enrollment:
    """A Guardian enrollment (``GET /users/{id}/enrollments``, auth0-reference.md §8.6): what
    support staff read for a user, and the person's own read-only fallback for the Security
    tab (:mod:`tui_console.my_account.guardian`).

    ``status`` is ``pending`` or ``confirmed``; ``auth_method`` one of ``authenticator``,
    ``guardian``, ``sms``, ``webauthn-platform``, ``webauthn-roaming``; ``phone_number`` masked
    as Auth0 sends it.
    """

    id: str
    status: str | None
    type: str | None
    name: str | None
    identifier: str | None
    phone_number: str | None
    auth_method: str | None
    enrolled_at: datetime | None
    last_auth: datetime | None
    raw: Mapping[str, Any]

    @classmethod
    def from_json(cls, data: Any) -> Enrollment:
        body = _required_object(data, "an enrollment")
        enrollment_id = _filled(body, "id")
        if not enrollment_id:
            raise ValueError("an enrollment has no id")
        return cls(
            id=enrollment_id,
            status=_filled(body, "status"),
            type=_filled(body, "type"),
            name=_filled(body, "name"),
            identifier=_filled(body, "identifier"),
            phone_number=_filled(body, "phone_number"),
            auth_method=_filled(body, "auth_method"),
            enrolled_at=_timestamp(body.get("enrolled_at")),
            last_auth=_timestamp(body.get("last_auth")),
            raw=MappingProxyType(body),
        )

    @property
    def label(self) -> str:
        """The kind in words (``authenticator app``)."""
        kind = self.auth_method or self.type or "unknown"
        return _LABELS.get(kind, kind)

    @property
    def detail(self) -> str:
        """Which one: its name, masked phone number or identifier (``""`` when none)."""
        return self.name or self.phone_number or self.identifier or ""

    @property
    def confirmed(self) -> bool | None:
        """Whether the person finished enrolling (``None``: Auth0 did not say)."""
        return None if self.status is None else self.status == "confirmed"

    def to_json(self) -> dict[str, Any]:
        """The object as Auth0 sent it (exact, for ``--json``)."""
        return dict(self.raw)


def parse_enrollments(data: Any) -> tuple[Enrollment, ...]:
    """A bare array (``[]`` for a user without MFA, enrollments.json). **Guess** (only ``[]``
    is recorded): every field but ``id`` may be missing, and a field of the wrong type reads
    as absent; an entry that is not an object or has no ``id`` cannot be acted on and is
    left out rather than failing the whole list."""
    if not isinstance(data, list):
        raise ValueError("the enrollments are not a JSON array")
    enrollments = []
    for item in data:
        try:
            enrollments.append(Enrollment.from_json(item))
        except ValueError:
            continue
    return tuple(enrollments)


@dataclass(frozen=True)
class MfaMethod:
    """One of a user's authentication methods, as the Management API lists them
    (``GET /users/{id}/authentication-methods``, authentication-methods.json).

    Not :class:`AuthenticationMethod` (how a session was signed in). ``id`` is
    ``<type>|dev_<16 alphanumerics>``; ``email`` and ``phone_number`` come masked
    (``chuc****@exam*******``, ``XXXXXXXXXXX5044``) and are shown as they are; a phone's
    ``linked`` holds its SMS channel (``sms|dev_…``, the same suffix).
    """

    id: str
    type: str | None
    """``totp``, ``phone``, ``email``, ``recovery-code``, ``webauthn-roaming``, ``push``..."""
    name: str | None
    confirmed: bool | None
    email: str | None
    phone_number: str | None
    preferred_authentication_method: str | None
    linked: tuple[str, ...]
    created_at: datetime | None
    last_auth_at: datetime | None
    raw: Mapping[str, Any]

    @property
    def detail(self) -> str | None:
        """What tells two methods of a type apart: the masked address or number."""
        return self.email or self.phone_number

    @classmethod
    def from_json(cls, data: Any) -> MfaMethod:
        body = _required_object(data, "an authentication method")
        method_id = _filled(body, "id")
        if not method_id:
            raise ValueError("an authentication method has no id")
        confirmed = body.get("confirmed")
        linked = (
            _filled(item, "id")
            for item in _list(body.get("authentication_methods"))
            if isinstance(item, dict)
        )
        return cls(
            id=method_id,
            type=_filled(body, "type"),
            name=_filled(body, "name"),
            confirmed=confirmed if isinstance(confirmed, bool) else None,
            email=_filled(body, "email"),
            phone_number=_filled(body, "phone_number"),
            preferred_authentication_method=_filled(body, "preferred_authentication_method"),
            linked=tuple(i for i in linked if i),
            created_at=_timestamp(body.get("created_at")),
            last_auth_at=_timestamp(body.get("last_auth_at")),
            raw=MappingProxyType(body),
        )


@dataclass(frozen=True)
class MfaMethodPage:
    """One page of a user's authentication methods.

    A bare array, or ``{authenticators, total, start, limit}``: the key is ``authenticators``
    (the My Account API's is ``authentication_methods``) and an empty list **omits** ``total``
    (recorded).
    """

    methods: tuple[MfaMethod, ...]
    start: int
    limit: int
    total: int | None

    @classmethod
    def from_json(cls, data: Any, *, page: int, per_page: int) -> MfaMethodPage:
        window = offset_page(
            data, "authenticators", "the authentication methods", page=page, per_page=per_page
        )
        methods = tuple(MfaMethod.from_json(item) for item in window.items)
        return cls(methods, window.start, window.limit, window.total)

    @property
    def has_more(self) -> bool:
        """Whether another page may follow (unknown total: a full page suggests so)."""
        return more_after(self.start, len(self.methods), self.limit, self.total)
