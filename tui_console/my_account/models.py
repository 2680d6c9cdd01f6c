"""What the My Account API answers, as frozen dataclasses read tolerantly.

Shapes follow the OAS (auth0-reference.md §8.4 [YO]); no call was ever recorded, so the reading
is forgiving where the spec might not be the whole truth:

* unknown fields are kept in ``raw`` and unknown method types are kept as they are (a new
  factor must not break the list);
* the list may come as the documented envelope ``{"authentication_methods": [...]}`` or as a
  bare array (the guide's curl sample, **CONFLICT** in §8.4);
* only ``id`` and ``type`` are required of a method; a field of the wrong type reads as absent;
* an enrollment's id comes from the body, else from the last segment of ``Location``,
  percent-decoded (auth0-spa-js does this; a passkey has no body ``id``).

Secrets of an enrollment (``auth_session``, the TOTP secret and ``otpauth://`` URI, a recovery
code) are :class:`~tui_console.redact.Secret`: shown to the person, never logged or repr'd.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from tui_console.redact import Secret

__all__ = [
    "ENROLLABLE_HERE",
    "AuthenticationMethod",
    "Enrollment",
    "Factor",
    "parse_enrollment",
    "parse_factors",
    "parse_method",
    "parse_methods",
    "qr_otpauth",
]

#: Method types a terminal can enroll; passkeys and WebAuthn need a browser (§8.4).
ENROLLABLE_HERE = ("totp", "email", "phone", "recovery-code")


#: Words for the method types, for lists a person reads; unknown types show as they are.
TYPE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "password": "password",
        "passkey": "passkey",
        "webauthn-platform": "security key (this device)",
        "webauthn-roaming": "security key",
        "totp": "authenticator app",
        "phone": "phone",
        "email": "email",
        "push-notification": "push (Guardian)",
        "recovery-code": "recovery code",
    }
)


def read_text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _flag(data: Mapping[str, Any], key: str) -> bool | None:
    value = data.get(key)
    return value if isinstance(value, bool) else None


def read_time(data: Mapping[str, Any], key: str) -> datetime | None:
    text = read_text(data, key)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


@dataclass(frozen=True)
class AuthenticationMethod:
    """One of the user's sign-in methods (``GET /authentication-methods`` item)."""

    id: str
    type: str
    created_at: datetime | None = None
    usage: tuple[str, ...] = ()
    """``primary`` (signs in by itself) and/or ``secondary`` (a second factor)."""
    confirmed: bool | None = None
    """``False`` for an enrollment not verified yet; ``None`` when the type has no such field."""
    name: str | None = None
    last_auth_at: datetime | None = None
    email: str | None = None
    phone_number: str | None = None
    preferred_authentication_method: str | None = None
    """``sms`` or ``voice``, for a phone."""
    credential_device_type: str | None = None
    credential_backed_up: bool | None = None
    transports: tuple[str, ...] = ()
    user_agent: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The whole object as received, unknown fields included."""

    @property
    def label(self) -> str:
        """The type in words (``authenticator app``), or the type itself when unknown."""
        return TYPE_LABELS.get(self.type, self.type)

    @property
    def detail(self) -> str:
        """What tells two methods of a type apart: name, address, number or device."""
        return self.name or self.email or self.phone_number or self.user_agent or ""

    @property
    def removable_here(self) -> bool:
        """A password is changed or removed elsewhere; every other method may be deleted."""
        return self.type != "password"

    def to_json(self) -> dict[str, Any]:
        """The object as the API sent it (exact, for ``--json``)."""
        return dict(self.raw) if self.raw else {"id": self.id, "type": self.type}


def parse_method(data: Any) -> AuthenticationMethod:
    """One method object; ``ValueError`` without a string ``id`` and ``type``."""
    if not isinstance(data, Mapping):
        raise ValueError("an authentication method is not an object")
    method_id, kind = read_text(data, "id"), read_text(data, "type")
    if method_id is None or kind is None:
        raise ValueError("an authentication method has no id or type")
    return AuthenticationMethod(
        id=method_id,
        type=kind,
        created_at=read_time(data, "created_at"),
        usage=_strings(data, "usage"),
        confirmed=_flag(data, "confirmed"),
        name=read_text(data, "name"),
        last_auth_at=read_time(data, "last_auth_at"),
        email=read_text(data, "email"),
        phone_number=read_text(data, "phone_number"),
        preferred_authentication_method=read_text(data, "preferred_authentication_method"),
        credential_device_type=read_text(data, "credential_device_type"),
        credential_backed_up=_flag(data, "credential_backed_up"),
        transports=_strings(data, "transports"),
        user_agent=read_text(data, "user_agent"),
        raw=MappingProxyType(dict(data)),
    )


def parse_methods(data: Any) -> tuple[AuthenticationMethod, ...]:
    """The list: the envelope or a bare array; items without an id or type are skipped."""
    items = data.get("authentication_methods") if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise ValueError("the answer holds no list of authentication methods")
    methods = []
    for item in items:
        try:
            methods.append(parse_method(item))
        except ValueError:
            continue  # one odd entry must not hide the others
    return tuple(methods)


@dataclass(frozen=True)
class Factor:
    """A factor the tenant offers and this user may enroll (``GET /factors``)."""

    type: str
    usage: tuple[str, ...] = ()


def parse_factors(data: Any) -> tuple[Factor, ...]:
    items = data.get("factors") if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise ValueError("the answer holds no list of factors")
    return tuple(
        Factor(type=kind, usage=_strings(item, "usage"))
        for item in items
        if isinstance(item, Mapping) and (kind := read_text(item, "type")) is not None
    )


@dataclass(frozen=True)
class Enrollment:
    """A started enrollment (the 202 of ``POST /authentication-methods``), to be verified.

    ``barcode_uri`` (TOTP, push) is the ``otpauth://`` URI to draw as a QR code and
    ``manual_input_code`` the same secret for typing; ``recovery_code`` is shown once and can
    never be fetched again. Email and phone enrollments carry neither: a code was sent.
    """

    id: str
    type: str
    auth_session: Secret
    barcode_uri: Secret | None = None
    manual_input_code: Secret | None = None
    recovery_code: Secret | None = None
    location: str | None = None

    @property
    def needs_code(self) -> bool:
        """Verify takes an ``otp_code`` (TOTP, email, phone), not only the session."""
        return self.type in ("totp", "email", "phone")


def _location_id(location: str | None) -> str | None:
    if not location:
        return None
    segment = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]
    return unquote(segment) or None


def parse_enrollment(kind: str, data: Any, location: str | None) -> Enrollment:
    """A 202 body for a ``kind`` enrollment; ``ValueError`` without a session or an id."""
    if not isinstance(data, Mapping):
        raise ValueError("the enrollment answer is not an object")
    session = read_text(data, "auth_session")
    method_id = read_text(data, "id") or _location_id(location)
    if session is None or method_id is None:
        raise ValueError("the enrollment answer has no auth_session or id")

    def secret(key: str) -> Secret | None:
        value = read_text(data, key)
        return Secret(value) if value else None

    return Enrollment(
        id=method_id,
        type=read_text(data, "type") or kind,
        auth_session=Secret(session),
        barcode_uri=secret("barcode_uri"),
        manual_input_code=secret("manual_input_code"),
        recovery_code=secret("recovery_code"),
        location=location,
    )


#: Key URI parameters whose values are the defaults (Google Authenticator's Key Uri Format).
_OTPAUTH_DEFAULTS = {"algorithm": "SHA1", "digits": "6", "period": "30"}


def qr_otpauth(uri: str) -> str:
    """``uri`` without parameters that only repeat the defaults, for a smaller QR code.

    Auth0 spells out ``algorithm=SHA1&digits=6&period=30`` (OAS example); dropping them leaves
    the same key for every authenticator app and one QR version less, which is what lets the
    code fit 80x24 beside the manual code and the prompt. Anything else is kept as sent.
    """
    parts = urlsplit(uri)
    if parts.scheme.lower() != "otpauth":
        return uri
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if _OTPAUTH_DEFAULTS.get(name.lower(), "").lower() != value.lower()
    ]
    return urlunsplit(parts._replace(query=urlencode(query, safe=":@")))
