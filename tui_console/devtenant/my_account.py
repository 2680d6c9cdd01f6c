"""The My Account API's data and rules: every user's authentication methods and enrollments.

What Auth0 documents (auth0-reference.md §8.1, §8.4, §8.5; the OAS ``myaccount-api-oas.json``
and the guide ``manage-users/my-account-api``) is followed; what it does not is chosen here and
marked **UNRECORDED** (no recording of any ``/me/v1`` call exists, NOTES.md §12):

* methods: ``{id, type, created_at, usage}`` plus the type's fields; ids are ``<type>|dev_<16>``;
* enrolling answers 202 with a ``Location`` and an ``auth_session``; TOTP gets a real RFC 6238
  secret (``pyotp``), checked at verify with a window of one step either side (UNRECORDED:
  Auth0's window); email and phone get a 6-digit one-time code, printed to the tenant's stderr
  and kept in :attr:`MyAccountData.sent_codes` for tests; a recovery code is shown in the 202
  and verified by ``auth_session`` alone;
* UNRECORDED: a pending enrollment lives :data:`PENDING_TTL` seconds; a wrong code is 400;
  enrolling a second TOTP, recovery code, or the same email/phone again is 409;
* UNRECORDED (the OAS lists 409 without a cause): deleting the user's only primary method
  (password or passkey) is 409, since the person could not sign in any more;
* per-user rate limits, read and write apart (Essentials/Professional: 5 per minute, D2).

The API as a token audience (its scopes, the client grant, MRRT) is :mod:`.my_account_audience`;
the refusals' problem JSON :mod:`.my_account_problems`; the endpoints :mod:`.my_account_routes`.
"""

from __future__ import annotations

import secrets
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pyotp

from tui_console.devtenant.models import iso_timestamp
from tui_console.devtenant.my_account_problems import bad_request, conflict, not_found

__all__ = [
    "ENROLLABLE_TYPES",
    "FACTORS",
    "PENDING_TTL",
    "MethodRecord",
    "MyAccountData",
    "SentCode",
    "demo_methods",
    "method_location",
]

#: Factor types the dev tenant enables, with their usage (``GET /factors``). UNRECORDED which
#: factors a fresh tenant has on: these are the ones a terminal can enroll, plus passkeys.
FACTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("passkey", ("primary",)),
    ("totp", ("secondary",)),
    ("email", ("secondary",)),
    ("phone", ("secondary",)),
    ("recovery-code", ("secondary",)),
)
ENROLLABLE_TYPES = frozenset({"totp", "email", "phone", "recovery-code", "passkey"})
PENDING_TTL = 300.0
"""Seconds an enrollment may wait for its verify (UNRECORDED)."""
_SINGLE_TYPES = frozenset({"totp", "recovery-code"})
_PRIMARY_TYPES = frozenset({"password", "passkey"})


@dataclass
class MethodRecord:
    """One authentication method of a user; ``fields`` are the type's own wire fields."""

    id: str
    type: str
    created_at: str
    usage: tuple[str, ...]
    confirmed: bool = True
    name: str | None = None
    last_auth_at: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    totp_secret: str | None = None
    """The TOTP shared secret (never on the wire after enrollment)."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "created_at": self.created_at,
            "usage": list(self.usage),
        }
        if self.type not in _PRIMARY_TYPES:  # the OAS examples give passwords and passkeys none
            data["confirmed"] = self.confirmed
        if self.name is not None:
            data["name"] = self.name
        if self.last_auth_at is not None:
            data["last_auth_at"] = self.last_auth_at
        data.update(self.fields)
        return data


@dataclass
class _Pending:
    """An enrollment between its 202 and its verify."""

    record: MethodRecord
    user_id: str
    auth_session: str
    expires_at: float
    otp_code: str | None = None
    recovery_code: str | None = None


@dataclass(frozen=True)
class SentCode:
    """A one-time code the tenant "sent" by email or SMS (printed, and kept for tests)."""

    user_id: str
    method_id: str
    channel: str
    destination: str
    code: str


def _new_id(kind: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return f"{kind}|dev_" + "".join(secrets.choice(alphabet) for _ in range(16))


def method_location(issuer: str, method_id: str) -> str:
    """The ``Location`` of a method: ``<issuer>me/v1/authentication-methods/<id, encoded>``."""
    return f"{issuer}me/v1/authentication-methods/{quote(method_id, safe='')}"


class MyAccountData:
    """Every user's authentication methods and pending enrollments (thread-safe).

    ``clock`` is the tenant's (:meth:`TenantState.now`), so tests can expire enrollments.
    ``issuer_label`` names the tenant in ``otpauth://`` URIs.
    """

    def __init__(self, clock: Any, *, seed: Iterable[tuple[str, MethodRecord]] = ()) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._methods: dict[str, list[MethodRecord]] = {}
        self._pending: dict[str, _Pending] = {}
        self.sent_codes: list[SentCode] = []
        """Every one-time code sent, oldest first (tests read the latest)."""
        for user_id, record in seed:
            self._methods.setdefault(user_id, []).append(record)

    def methods(self, user_id: str, *, type_filter: str | None = None) -> list[MethodRecord]:
        with self._lock:
            found = list(self._methods.get(user_id, []))
        return [m for m in found if type_filter is None or m.type == type_filter]

    def get(self, user_id: str, method_id: str) -> MethodRecord:
        for record in self.methods(user_id):
            if record.id == method_id:
                return record
        raise not_found(method_id)

    def totp_secret(self, user_id: str, method_id: str) -> str | None:
        """The secret issued for a (pending or confirmed) TOTP method: for tests."""
        with self._lock:
            pending = self._pending.get(method_id)
            if pending is not None and pending.user_id == user_id:
                return pending.record.totp_secret
        return self.get(user_id, method_id).totp_secret

    def rename(self, user_id: str, method_id: str, body: dict[str, Any]) -> MethodRecord:
        unknown = sorted(set(body) - {"name", "preferred_authentication_method"})
        if unknown:
            raise bad_request(f"Unknown property: {unknown[0]}", field_name=unknown[0])
        name = body.get("name")
        if name is not None and (not isinstance(name, str) or not 1 <= len(name) <= 100):
            raise bad_request("name must be a string of 1 to 100 characters", field_name="name")
        preferred = body.get("preferred_authentication_method")
        with self._lock:
            record = next((m for m in self._methods.get(user_id, []) if m.id == method_id), None)
            if record is None:
                raise not_found(method_id)
            if preferred is not None:
                if record.type != "phone" or preferred not in ("sms", "voice"):
                    raise bad_request(
                        "preferred_authentication_method must be sms or voice, for a phone",
                        field_name="preferred_authentication_method",
                    )
                record.fields["preferred_authentication_method"] = preferred
            if name is not None:
                record.name = name
            return record

    def delete(self, user_id: str, method_id: str) -> None:
        with self._lock:
            methods = self._methods.get(user_id, [])
            record = next((m for m in methods if m.id == method_id), None)
            if record is None:
                raise not_found(method_id)
            primaries = [m for m in methods if "primary" in m.usage]
            if "primary" in record.usage and len(primaries) == 1:
                raise conflict(
                    "The authentication method cannot be deleted: it is the user's only "
                    "primary authentication method"
                )
            methods.remove(record)

    def enroll(
        self, user_id: str, body: dict[str, Any], *, label: str, account: str
    ) -> tuple[MethodRecord | None, dict[str, Any]]:
        """Start an enrollment: the pending record (None for a passkey) and the 202 body."""
        kind = body.get("type")
        if not isinstance(kind, str) or not kind:
            raise bad_request("type is required", field_name="type")
        if kind not in ENROLLABLE_TYPES:
            raise bad_request(f"Unsupported authentication method type: {kind}", field_name="type")
        now = self._clock()
        existing = self.methods(user_id)
        if kind in _SINGLE_TYPES and any(m.type == kind and m.confirmed for m in existing):
            raise conflict(f"The user already has a {kind} authentication method")
        session = secrets.token_urlsafe(24)
        if kind == "passkey":
            challenge = secrets.token_urlsafe(32)
            return None, {
                "auth_session": session,
                "authn_params_public_key": {
                    "challenge": challenge,
                    "timeout": 60000,
                    "rp": {"id": label, "name": label},
                    "user": {
                        "id": secrets.token_urlsafe(16),
                        "name": account,
                        "displayName": account,
                    },
                    "pubKeyCredParams": [
                        {"type": "public-key", "alg": -7},
                        {"type": "public-key", "alg": -257},
                    ],
                    "authenticatorSelection": {
                        "residentKey": "required",
                        "userVerification": "preferred",
                    },
                },
            }
        record = MethodRecord(
            id=_new_id(kind),
            type=kind,
            created_at=iso_timestamp(now),
            usage=("secondary",),
            confirmed=False,
        )
        pending = _Pending(record, user_id, session, now + PENDING_TTL)
        answer: dict[str, Any] = {"id": record.id, "auth_session": session}
        if kind == "totp":
            secret = pyotp.random_base32()
            record.totp_secret = secret
            # The OAS example's shape: label "<tenant>:<user id>", defaults spelled out.
            answer["barcode_uri"] = (
                f"otpauth://totp/{quote(label)}:{quote(user_id, safe='')}?secret={secret}"
                f"&issuer={quote(label)}&algorithm=SHA1&digits=6&period=30"
            )
            answer["manual_input_code"] = secret
        elif kind == "recovery-code":
            code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(24))
            pending.recovery_code = code
            answer["recovery_code"] = code
        else:
            destination = self._destination(kind, body, existing)
            pending.otp_code = f"{secrets.randbelow(10**6):06d}"
            self._send(user_id, record, kind, destination, pending.otp_code)
        with self._lock:
            self._pending[record.id] = pending
        return record, answer

    def _destination(self, kind: str, body: dict[str, Any], existing: list[MethodRecord]) -> str:
        key = "email" if kind == "email" else "phone_number"
        value = body.get(key)
        if not isinstance(value, str) or not value.strip():
            raise bad_request(f"{key} is required for {kind}", field_name=key)
        if kind == "email" and "@" not in value:
            raise bad_request("email is not an email address", field_name="email")
        if kind == "phone" and not (value.startswith("+") and value[1:].isdigit()):
            raise bad_request(
                "phone_number must be in E.164 form, e.g. +14155550100", field_name="phone_number"
            )
        preferred = body.get("preferred_authentication_method", "sms")
        if kind == "phone" and preferred not in ("sms", "voice"):
            raise bad_request(
                "preferred_authentication_method must be sms or voice",
                field_name="preferred_authentication_method",
            )
        if any(m.type == kind and m.fields.get(key) == value for m in existing):
            raise conflict(f"The user already has this {kind} authentication method")
        return value

    def _send(
        self, user_id: str, record: MethodRecord, kind: str, destination: str, code: str
    ) -> None:
        key = "email" if kind == "email" else "phone_number"
        record.fields[key] = destination
        if kind == "phone":
            record.fields["preferred_authentication_method"] = "sms"
        channel = "email" if kind == "email" else "sms"
        self.sent_codes.append(SentCode(user_id, record.id, channel, destination, code))
        print(f"dev tenant: {channel} to {destination}: your code is {code}", file=sys.stderr)

    def verify(self, user_id: str, method_id: str, body: dict[str, Any]) -> MethodRecord:
        """Confirm a pending enrollment; the confirmed method (201)."""
        with self._lock:
            pending = self._pending.get(method_id)
        if pending is None or pending.user_id != user_id:
            raise not_found(method_id)
        if self._clock() > pending.expires_at:
            with self._lock:
                self._pending.pop(method_id, None)
            raise bad_request(
                "The enrollment has expired; start it again", field_name="auth_session"
            )
        session = body.get("auth_session")
        expected = pending.auth_session
        if not isinstance(session, str) or not secrets.compare_digest(session, expected):
            raise bad_request("auth_session is missing or invalid", field_name="auth_session")
        record = pending.record
        if record.type in ("totp", "email", "phone"):
            code = body.get("otp_code")
            if not isinstance(code, str) or not code:
                raise bad_request("otp_code is required", field_name="otp_code")
            if not self._code_matches(pending, code):
                raise bad_request("The one-time code is not valid", field_name="otp_code")
        with self._lock:
            self._pending.pop(method_id, None)
            record.confirmed = True
            self._methods.setdefault(user_id, []).append(record)
        return record

    def _code_matches(self, pending: _Pending, code: str) -> bool:
        if pending.record.totp_secret is not None:
            totp = pyotp.TOTP(pending.record.totp_secret)
            return totp.verify(code, for_time=int(self._clock()), valid_window=1)
        return pending.otp_code is not None and secrets.compare_digest(code, pending.otp_code)


def demo_methods(user_id: str, email: str) -> list[tuple[str, MethodRecord]]:
    """The demo user's seeded methods: the password, a passkey and a confirmed email."""
    created = "2024-03-13T09:41:22.000Z"
    return [
        (
            user_id,
            MethodRecord(
                id="password|dev_Pw8Lq2Rt6Yx1Vb3N",
                type="password",
                created_at=created,
                usage=("primary",),
                fields={"identity_user_id": user_id.split("|", 1)[-1]},
            ),
        ),
        (
            user_id,
            MethodRecord(
                id="passkey|dev_Pk4Hs7Jd2Wq9Zc5M",
                type="passkey",
                created_at="2025-06-02T18:12:05.000Z",
                usage=("primary",),
                name="MacBook Touch ID",
                last_auth_at="2026-11-28T08:03:51.000Z",
                fields={
                    "key_id": "Y2hhbmdlLW1lLXBhc3NrZXktaWQ",
                    "public_key": "pQECAyYgASFYIBdmUxa2RldmVsb3BlcnMtZGV2LXRlbmFudA",
                    "user_handle": "YXV0aDB8NjVmMWMwZGU1YTFiMmMzZDRlNWY2YTdi",
                    "relying_party_id": "127.0.0.1",
                    "credential_device_type": "multi_device",
                    "credential_backed_up": True,
                    "transports": ["internal", "hybrid"],
                    "user_agent": "Safari 18 on macOS",
                    "identity_user_id": user_id.split("|", 1)[-1],
                },
            ),
        ),
        (
            user_id,
            MethodRecord(
                id="email|dev_Em3Kf6Gt1Ur8Sx2D",
                type="email",
                created_at="2025-01-20T11:30:00.000Z",
                usage=("secondary",),
                name="Work email",
                fields={"email": email},
            ),
        ),
    ]
