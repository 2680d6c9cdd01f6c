"""Users, identities, device credentials and the application, shaped like Auth0's.

The user model mirrors what ``GET /api/v2/users/{id}`` returns (auth0-reference.md §6.2 [MO];
recorded shapes in ``auth0-recordings/NOTES.md`` §1, §3, §4) so the Management API routes can
serve it as is:

* optional keys (``user_metadata``, ``app_metadata``, ``last_login``, ``logins_count``...) are
  left out when unset, never ``null``-filled (NOTES.md §1);
* timestamps are ISO-8601 UTC with exactly three fractional digits and ``Z``;
* ``identities[].user_id`` has no provider prefix, and only secondary identities carry
  ``profileData`` inside a user object (NOTES.md §3);
* device credential ids are ``dcr_`` + 16 alphanumerics (NOTES.md §4).

Passwords are kept as salted PBKDF2 hashes, so a saved state file holds no password.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "Client",
    "DeviceCredential",
    "Identity",
    "ResourceServer",
    "User",
    "hash_password",
    "iso_timestamp",
    "verify_password",
]

_PBKDF2_ITERATIONS = 20_000


def iso_timestamp(epoch: float) -> str:
    """``epoch`` as Auth0 writes dates: ``2023-01-25T19:00:26.539Z``."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """A salted PBKDF2-SHA256 hash in ``pbkdf2_sha256$iterations$salt$hash`` form."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _PBKDF2_ITERATIONS)
    return f"pbkdf2_sha256${_PBKDF2_ITERATIONS}${salt.hex()}${digest.hex()}"


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches a hash made by :func:`hash_password` (constant time)."""
    try:
        scheme, iterations, salt, expected = encoded.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        digest = hashlib.pbkdf2_hmac(
            "sha256", password.encode(), bytes.fromhex(salt), int(iterations)
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


@dataclass
class Identity:
    """One entry of ``user.identities``: the primary database login or a linked account."""

    provider: str
    user_id: str | int
    """Without the ``provider|`` prefix. Social providers such as GitHub use numbers."""
    connection: str
    is_social: bool
    profile_data: dict[str, Any] | None = None

    def to_json(self, *, with_profile_data: bool = True) -> dict[str, Any]:
        """The wire shape (``isSocial`` camel-case, ``profileData`` only when present)."""
        data: dict[str, Any] = {
            "provider": self.provider,
            "user_id": self.user_id,
            "connection": self.connection,
            "isSocial": self.is_social,
        }
        if with_profile_data and self.profile_data is not None:
            data["profileData"] = copy.deepcopy(self.profile_data)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Identity:
        return cls(
            provider=data["provider"],
            user_id=data["user_id"],
            connection=data["connection"],
            is_social=bool(data["isSocial"]),
            profile_data=copy.deepcopy(data.get("profileData")),
        )


@dataclass
class User:
    """A tenant user. ``identities[0]`` is the primary identity."""

    user_id: str
    email: str
    email_verified: bool
    name: str
    nickname: str
    picture: str
    created_at: str
    updated_at: str
    password_hash: str
    identities: list[Identity] = field(default_factory=list)
    given_name: str | None = None
    family_name: str | None = None
    user_metadata: dict[str, Any] | None = None
    app_metadata: dict[str, Any] | None = None
    last_login: str | None = None
    last_ip: str | None = None
    logins_count: int | None = None

    def check_password(self, password: str) -> bool:
        return verify_password(password, self.password_hash)

    def profile_claims(self, scopes: set[str] | frozenset[str]) -> dict[str, Any]:
        """The standard OIDC claims ``scopes`` release (``profile``, ``email``), for
        ``/userinfo`` and the ID token. ``updated_at`` stays an ISO string, as Auth0 sends it
        (NOTES.md §8)."""
        claims: dict[str, Any] = {}
        if "profile" in scopes:
            for key in ("given_name", "family_name"):
                value = getattr(self, key)
                if value is not None:
                    claims[key] = value
            claims.update(
                nickname=self.nickname,
                name=self.name,
                picture=self.picture,
                updated_at=self.updated_at,
            )
        if "email" in scopes:
            claims.update(email=self.email, email_verified=self.email_verified)
        return claims

    def to_management_json(self) -> dict[str, Any]:
        """The user as the Management API returns it (no password, unset keys absent)."""
        data: dict[str, Any] = {
            "created_at": self.created_at,
            "email": self.email,
            "email_verified": self.email_verified,
            "identities": [
                identity.to_json(with_profile_data=index > 0)
                for index, identity in enumerate(self.identities)
            ],
            "name": self.name,
            "nickname": self.nickname,
            "picture": self.picture,
            "updated_at": self.updated_at,
            "user_id": self.user_id,
        }
        for key in ("given_name", "family_name", "last_login", "last_ip", "logins_count"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.user_metadata is not None:
            data["user_metadata"] = copy.deepcopy(self.user_metadata)
        if self.app_metadata is not None:
            data["app_metadata"] = copy.deepcopy(self.app_metadata)
        return data

    def to_json(self) -> dict[str, Any]:
        """The user for the state file: the Management shape plus the password hash."""
        data = self.to_management_json()
        data["identities"] = [identity.to_json() for identity in self.identities]
        data["password_hash"] = self.password_hash
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> User:
        return cls(
            user_id=data["user_id"],
            email=data["email"],
            email_verified=bool(data["email_verified"]),
            name=data["name"],
            nickname=data["nickname"],
            picture=data["picture"],
            created_at=data["created_at"],
            updated_at=data["updated_at"],
            password_hash=data["password_hash"],
            identities=[Identity.from_json(item) for item in data.get("identities", [])],
            given_name=data.get("given_name"),
            family_name=data.get("family_name"),
            user_metadata=copy.deepcopy(data.get("user_metadata")),
            app_metadata=copy.deepcopy(data.get("app_metadata")),
            last_login=data.get("last_login"),
            last_ip=data.get("last_ip"),
            logins_count=data.get("logins_count"),
        )


@dataclass
class DeviceCredential:
    """A ``/api/v2/device-credentials`` entry: a public key or a refresh-token record."""

    id: str
    device_name: str
    device_id: str
    type: str
    """``public_key``, ``refresh_token`` or ``rotating_refresh_token``."""
    user_id: str
    client_id: str
    value: str | None = None
    """The base64 public key (``public_key`` only); never returned by the API."""

    def to_management_json(self) -> dict[str, Any]:
        """The list item as recorded: no ``client_id``, no ``value`` (NOTES.md §4)."""
        return {
            "id": self.id,
            "device_name": self.device_name,
            "device_id": self.device_id,
            "user_id": self.user_id,
            "type": self.type,
        }

    def to_json(self) -> dict[str, Any]:
        data = self.to_management_json()
        data["client_id"] = self.client_id
        if self.value is not None:
            data["value"] = self.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DeviceCredential:
        return cls(
            id=data["id"],
            device_name=data["device_name"],
            device_id=data["device_id"],
            type=data["type"],
            user_id=data["user_id"],
            client_id=data["client_id"],
            value=data.get("value"),
        )


@dataclass(frozen=True)
class Client:
    """An application. The dev tenant has one: a Native app with no client secret."""

    client_id: str
    name: str
    app_type: str = "native"
    token_endpoint_auth_method: str = "none"
    grant_types: tuple[str, ...] = ()

    @property
    def is_public(self) -> bool:
        """A public client cannot keep a secret, so Auth0 requires PKCE from it."""
        return self.token_endpoint_auth_method == "none"


@dataclass(frozen=True)
class ResourceServer:
    """An API a token can be issued for (``audience``)."""

    identifier: str
    name: str
    scopes: frozenset[str]
    """Scopes this API grants to a user's token; others asked for are left out of it."""
    allow_offline_access: bool = True
