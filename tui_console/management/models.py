"""Typed views of the Management API's users, identities and device credentials.

Built from the recorded shapes (auth0-recordings/NOTES.md §1, §3, §4, §5; users-get.json,
identities-link.json, device-credentials-list.json), not only from the docs:

* keys come and go and are never ``null``-filled: a user without metadata has no
  ``user_metadata`` key, ``last_login``/``logins_count`` appear only once set, a listed device
  credential may lack ``client_id``. Absent reads as ``None`` (or empty);
* key order is not stable, so nothing here depends on it;
* ``identities[].user_id`` is the id **without** its provider prefix, and may be a number for
  social providers (auth0-reference.md §6.2), so it is coerced to ``str``;
* timestamps are ISO 8601 UTC with three fractional digits and ``Z``
  (``2023-01-25T19:00:26.539Z``).

Every ``from_json`` raises ``ValueError`` when a field the console cannot work without (a user's
``user_id``, an identity's ``provider``/``user_id``, a credential's ``id``) is missing; optional
fields of the wrong type read as absent. ``raw`` keeps the whole object for the JSON views.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

__all__ = ["DeviceCredential", "DeviceCredentialPage", "Identity", "User", "parse_identities"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _integer_or(value: Any, default: int) -> int:
    number = _integer(value)
    return default if number is None else number


def _object_or_empty(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _object(value: Any) -> Mapping[str, Any] | None:
    return MappingProxyType(value) if isinstance(value, dict) else None


def _timestamp(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (``Z`` is UTC); anything else is ``None``."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _required_object(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise ValueError(f"{what} is not a JSON object")
    return data


@dataclass(frozen=True)
class Identity:
    """One login method linked to a user: ``provider`` + bare ``user_id`` (no ``provider|``)."""

    connection: str | None
    provider: str
    user_id: str
    is_social: bool
    profile_data: Mapping[str, Any] | None

    @property
    def qualified_id(self) -> str:
        """``provider|user_id``, the form Auth0 uses for the user id of a primary account."""
        return f"{self.provider}|{self.user_id}"

    @classmethod
    def from_json(cls, data: Any) -> Identity:
        """An identity from ``identities[]``; a numeric ``user_id`` becomes its decimal string."""
        item = _required_object(data, "an identity")
        provider = _text(item, "provider")
        raw_id = item.get("user_id")
        if isinstance(raw_id, int) and not isinstance(raw_id, bool):
            raw_id = str(raw_id)
        if not provider or not isinstance(raw_id, str) or not raw_id:
            raise ValueError("an identity lacks its provider or user_id")
        return cls(
            connection=_text(item, "connection"),
            provider=provider,
            user_id=raw_id,
            is_social=item.get("isSocial") is True,
            profile_data=_object(item.get("profileData")),
        )


def parse_identities(data: Any) -> tuple[Identity, ...]:
    """The identities array of a user, or the answer of a link or unlink (a bare array)."""
    if not isinstance(data, list):
        raise ValueError("the identities are not a JSON array")
    return tuple(Identity.from_json(item) for item in data)


@dataclass(frozen=True)
class User:
    """A user as ``GET``/``PATCH /api/v2/users/{id}`` returns it (auth0-reference.md §6.2)."""

    user_id: str
    email: str | None
    email_verified: bool | None
    name: str | None
    nickname: str | None
    picture: str | None
    created_at: datetime | None
    updated_at: datetime | None
    last_login: datetime | None
    logins_count: int | None
    identities: tuple[Identity, ...]
    user_metadata: Mapping[str, Any]
    app_metadata: Mapping[str, Any]
    raw: Mapping[str, Any]

    @classmethod
    def from_json(cls, data: Any) -> User:
        """A user from the API's JSON; fields absent from the answer read as ``None``/empty."""
        body = _required_object(data, "the user")
        user_id = _text(body, "user_id")
        if not user_id:
            raise ValueError("the user has no user_id")
        verified = body.get("email_verified")
        return cls(
            user_id=user_id,
            email=_text(body, "email"),
            email_verified=verified if isinstance(verified, bool) else None,
            name=_text(body, "name"),
            nickname=_text(body, "nickname"),
            picture=_text(body, "picture"),
            created_at=_timestamp(body.get("created_at")),
            updated_at=_timestamp(body.get("updated_at")),
            last_login=_timestamp(body.get("last_login")),
            logins_count=_integer(body.get("logins_count")),
            identities=parse_identities(body.get("identities", [])),
            user_metadata=_object(body.get("user_metadata")) or _EMPTY,
            app_metadata=_object(body.get("app_metadata")) or _EMPTY,
            raw=MappingProxyType(body),
        )


@dataclass(frozen=True)
class DeviceCredential:
    """A public key or refresh token registered for a device (auth0-reference.md §6.6).

    ``type`` is ``public_key``, ``refresh_token`` or ``rotating_refresh_token``. Everything but
    ``id`` may be absent (the 2018 recording has no ``client_id``; a ``fields`` filter keeps
    only what it names).
    """

    id: str
    device_name: str | None
    device_id: str | None
    type: str | None
    user_id: str | None
    client_id: str | None

    @classmethod
    def from_json(cls, data: Any) -> DeviceCredential:
        item = _required_object(data, "a device credential")
        credential_id = _text(item, "id")
        if not credential_id:
            raise ValueError("a device credential has no id")
        return cls(
            id=credential_id,
            device_name=_text(item, "device_name"),
            device_id=_text(item, "device_id"),
            type=_text(item, "type"),
            user_id=_text(item, "user_id"),
            client_id=_text(item, "client_id"),
        )


@dataclass(frozen=True)
class DeviceCredentialPage:
    """One page of device credentials; ``total`` only when ``include_totals`` was asked for."""

    credentials: tuple[DeviceCredential, ...]
    start: int
    limit: int
    total: int | None

    @classmethod
    def from_json(cls, data: Any, *, page: int, per_page: int) -> DeviceCredentialPage:
        """Either shape: a bare array (no totals) or ``{start, limit, total, device_credentials}``
        (:func:`~tui_console.management.paging.offset_page`)."""
        from tui_console.management.paging import offset_page  # it reads with this module's helpers

        window = offset_page(
            data, "device_credentials", "the device credentials", page=page, per_page=per_page
        )
        credentials = tuple(DeviceCredential.from_json(item) for item in window.items)
        return cls(credentials, window.start, window.limit, window.total)
