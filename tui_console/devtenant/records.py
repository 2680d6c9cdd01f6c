"""What sign-ins in progress leave behind: grants, sessions, codes, token families.

Plain records; the rules that create and consume them live in the aggregates
(:mod:`.device_codes`, :mod:`.authorizations`, :mod:`.refresh_families`, :mod:`.sessions`),
under the tenant's lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "USER_CODE_ALPHABET",
    "AuthorizationCode",
    "DeviceCode",
    "Grant",
    "LoginTransaction",
    "OpaqueAccessToken",
    "RefreshFamily",
    "RefreshToken",
    "Session",
    "SignInContext",
    "normalize_user_code",
]

#: Auth0's ``base20`` user-code charset, consonants only (MO ``TenantSettingsDeviceFlow``).
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"


@dataclass(frozen=True)
class Grant:
    """What a set of tokens is issued for: who, which app, which scopes, which API."""

    user_id: str
    client_id: str
    scopes: tuple[str, ...]
    audience: str | None
    session_id: str | None
    nonce: str | None = None
    dpop_jkt: str | None = None
    """The DPoP key thumbprint the tokens are bound to (RFC 9449): from the proof of the token
    request, or the ``dpop_jkt`` of ``/authorize`` for a code. ``None``: a Bearer grant."""

    @property
    def scope(self) -> str:
        return " ".join(self.scopes)


@dataclass(frozen=True)
class SignInContext:
    """Where a sign-in or a session's use came from: the request's IP and user agent, the
    application, and how the person authenticated (``pwd``, ``mfa``...; None: no new
    authentication, the session cookie was reused)."""

    client_id: str
    ip: str | None = None
    user_agent: str | None = None
    method: str | None = "pwd"


@dataclass
class Session:
    """A sign-in at the tenant (the ``auth0`` cookie); its id is the tokens' ``sid``.

    What ``GET /api/v2/sessions/{id}`` reports (:mod:`.sessions`): the applications used in
    it, the first and the latest IP, ASN and user agent, and each authentication with its time.
    """

    id: str
    user_id: str
    created_at: float
    authenticated_at: float
    updated_at: float = 0.0
    last_interacted_at: float = 0.0
    client_ids: list[str] = field(default_factory=list)
    initial_ip: str | None = None
    initial_user_agent: str | None = None
    initial_asn: str | None = None
    last_ip: str | None = None
    last_user_agent: str | None = None
    last_asn: str | None = None
    methods: list[tuple[str, float, str | None]] = field(default_factory=list)
    """``(name, epoch, type)``: ``type`` is the factor of an ``mfa`` method, else None."""


@dataclass
class DeviceCode:
    """One device authorization (RFC 8628 §3.2)."""

    device_code: str
    user_code: str
    client_id: str
    scopes: tuple[str, ...]
    audience: str | None
    created_at: float
    expires_at: float
    interval: int
    status: Literal["pending", "approved", "denied", "consumed"] = "pending"
    user_id: str | None = None
    session_id: str | None = None
    expiry_reported: bool = False
    last_poll_at: float | None = None


@dataclass
class AuthorizationCode:
    code: str
    grant: Grant
    redirect_uri: str
    redirect_uri_sent: bool
    code_challenge: str | None
    expires_at: float


@dataclass
class LoginTransaction:
    """An interactive sign-in in progress (Universal Login's ``state``): an ``/authorize``
    request or a device activation, waiting for the person to sign in and decide."""

    id: str
    kind: Literal["authorize", "device"]
    client_id: str
    created_at: float
    scopes: tuple[str, ...] = ()
    audience: str | None = None
    redirect_uri: str = ""
    redirect_uri_sent: bool = True
    state: str | None = None
    nonce: str | None = None
    code_challenge: str | None = None
    prompt: frozenset[str] = frozenset()
    login_hint: str = ""
    dpop_jkt: str | None = None
    user_code: str | None = None
    user_id: str | None = None
    session_id: str | None = None


@dataclass
class OpaqueAccessToken:
    """An access token issued without ``audience``: 32 opaque characters, good for /userinfo."""

    grant: Grant
    expires_at: float


@dataclass
class RefreshToken:
    token: str
    family_id: str
    issued_at: float
    used_at: float | None = None


@dataclass
class RefreshFamily:
    """All refresh tokens descending from one sign-in (Auth0's "grant")."""

    id: str
    grant: Grant
    created_at: float
    last_exchanged_at: float
    previous: str | None = None
    """The token most recently exchanged: the only one the leeway can apply to."""
    revoked: bool = False
    tokens: list[str] = field(default_factory=list)


def normalize_user_code(text: str) -> str:
    """``text`` as 8 uppercase letters: dashes and spaces dropped, case ignored."""
    return "".join(ch for ch in text.upper() if ch.isalnum())
