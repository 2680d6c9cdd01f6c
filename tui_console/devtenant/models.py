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

``profileData`` holds what the account had when it was linked: the profile attributes that were
set on it, never ids, dates or metadata (NOTES.md §3). A user's own primary identity has none in
its user object, but the link and unlink answers give every identity one, the primary included
(identities-link.json), so :meth:`User.identities_json` can fill it in from the profile.

Passwords are kept as salted PBKDF2 hashes, so a saved state file holds no password. A linked
database identity keeps its account's hash, so unlinking gives the person their login back.
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
    "NO_PASSWORD",
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
#: The password hash of an account that has no password (a social login): matches nothing.
NO_PASSWORD = "!"
#: Where Auth0's default ``picture`` lives: a gravatar, not something the person set.
_DEFAULT_PICTURE_PREFIX = "https://s.gravatar.com/avatar/"


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
    password_hash: str | None = None
    """A linked database account's password hash (state file only, never on the wire)."""

    @property
    def qualified_id(self) -> str:
        """``provider|user_id``: the user id this identity had as a standalone account."""
        return f"{self.provider}|{self.user_id}"

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

    def to_state_json(self) -> dict[str, Any]:
        """The state-file shape: the wire shape plus the password hash, when there is one."""
        data = self.to_json()
        if self.password_hash is not None:
            data["password_hash"] = self.password_hash
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Identity:
        return cls(
            provider=data["provider"],
            user_id=data["user_id"],
            connection=data["connection"],
            is_social=bool(data["isSocial"]),
            profile_data=copy.deepcopy(data.get("profileData")),
            password_hash=data.get("password_hash"),
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
    username: str | None = None
    blocked: bool | None = None
    """Absent until set; then kept, even as ``false`` (NOTES.md §1)."""
    user_metadata: dict[str, Any] | None = None
    app_metadata: dict[str, Any] | None = None
    last_login: str | None = None
    last_ip: str | None = None
    logins_count: int | None = None
    last_password_reset: str | None = None
    multifactor_last_modified: str | None = None
    """When an MFA factor was last enrolled or removed (absent until then, NOTES.md §1)."""

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
        if self.email:  # absent for a user without one (users-list.json)
            data["email"] = self.email
        for key in _OPTIONAL_ATTRIBUTES:
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.user_metadata is not None:
            data["user_metadata"] = copy.deepcopy(self.user_metadata)
        if self.app_metadata is not None:
            data["app_metadata"] = copy.deepcopy(self.app_metadata)
        return data

    def profile_data(self) -> dict[str, Any]:
        """The ``profileData`` this account contributes when linked: the attributes that were
        set on it (Auth0's defaults are not: ``name`` = the e-mail, ``nickname`` = its local
        part, a gravatar ``picture``), never ids, dates or metadata (NOTES.md §3; the recorded
        secondaries of users-list.json and identities-link.json)."""
        primary = self.identities[0] if self.identities else None
        if primary is not None and primary.profile_data is not None:
            return copy.deepcopy(primary.profile_data)
        data: dict[str, Any] = {}
        if self.email:
            data["email"] = self.email
        data["email_verified"] = self.email_verified
        if self.name and self.name != self.email:
            data["name"] = self.name
        for key in ("given_name", "family_name", "username"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.nickname and self.nickname != self.email.split("@", 1)[0]:
            data["nickname"] = self.nickname
        if self.picture and not self.picture.startswith(_DEFAULT_PICTURE_PREFIX):
            data["picture"] = self.picture
        return data

    def identities_json(self) -> list[dict[str, Any]]:
        """The identities as the link (201) and unlink (200) answers give them: every element
        with ``profileData``, the primary's taken from this user's profile (NOTES.md §3)."""
        items = []
        for index, identity in enumerate(self.identities):
            item = identity.to_json()
            if index == 0 and "profileData" not in item:
                item["profileData"] = self.profile_data()
            items.append(item)
        return items

    def to_json(self) -> dict[str, Any]:
        """The user for the state file: the Management shape plus the password hashes, and the
        primary identity's stored ``profileData`` when it has one."""
        data = self.to_management_json()
        data["identities"] = [identity.to_state_json() for identity in self.identities]
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
            username=data.get("username"),
            blocked=data.get("blocked"),
            user_metadata=copy.deepcopy(data.get("user_metadata")),
            app_metadata=copy.deepcopy(data.get("app_metadata")),
            last_login=data.get("last_login"),
            last_ip=data.get("last_ip"),
            logins_count=data.get("logins_count"),
            last_password_reset=data.get("last_password_reset"),
            multifactor_last_modified=data.get("multifactor_last_modified"),
        )

    @classmethod
    def from_management_json(cls, data: dict[str, Any], *, now: str) -> User:
        """A user from a Management API user object (a recorded one, say), with Auth0's
        defaults for what it lacks: ``name`` is the e-mail, ``nickname`` its local part,
        ``picture`` a gravatar, both dates ``now`` (NOTES.md §1). It has no password.
        ``data`` must have ``user_id``; its identities default to the one ``user_id`` names.
        """
        user_id = data["user_id"]
        email = data.get("email", "")
        provider, _, bare = user_id.partition("|")
        identities = data.get("identities") or [
            {
                "provider": provider,
                "user_id": bare,
                "connection": "Username-Password-Authentication"
                if provider == "auth0"
                else provider,
                "isSocial": provider != "auth0",
            }
        ]
        filled = {
            "email": email,
            "email_verified": False,
            "name": email or user_id,
            "nickname": email.split("@", 1)[0] if email else bare,
            "picture": _default_picture(email or user_id),
            "created_at": now,
            "password_hash": NO_PASSWORD,
            **data,
            "identities": identities,
        }
        filled.setdefault("updated_at", filled["created_at"])
        return cls.from_json(filled)


_OPTIONAL_ATTRIBUTES = (
    "given_name",
    "family_name",
    "username",
    "blocked",
    "last_login",
    "last_ip",
    "logins_count",
    "last_password_reset",
    "multifactor_last_modified",
)


def _default_picture(seed: str) -> str:
    digest = hashlib.md5(seed.strip().lower().encode(), usedforsecurity=False).hexdigest()
    fallback = "https%3A%2F%2Fcdn.auth0.com%2Favatars%2F" + (seed[:2].lower() or "au") + ".png"
    return f"{_DEFAULT_PICTURE_PREFIX}{digest}?s=480&r=pg&d={fallback}"


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
