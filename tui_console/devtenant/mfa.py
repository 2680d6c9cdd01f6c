"""MFA factors of users: authentication methods and Guardian enrollments
(auth0-reference.md §8.6; auth0-recordings/NOTES.md §11, authentication-methods.json,
enrollments.json, invalidate-remember-browser.json).

Recorded shapes: a method is ``{id, type, confirmed, name, created_at}`` plus, for an e-mail,
``email`` masked as ``chuc****@exam*******`` and, for a phone, ``phone_number`` masked as
``XXXXXXXXXXX5044`` with ``preferred_authentication_method: "sms"`` and
``authentication_methods: [{id: "sms|dev_…", type: "sms"}]`` sharing the phone's suffix. Ids
are ``<type>|dev_`` + 16 alphanumerics. The list with ``include_totals`` is
``{authenticators, total, start, limit}`` and **omits** ``total`` when empty; deletes (one, or
all: "reset MFA") and ``invalidate-remember-browser`` answer 204 with no body.

Guesses:

* UNRECORDED: a recovery code is listed as ``{id: "recovery-code|dev_…", type:
  "recovery-code", confirmed, created_at}`` (no name); methods carry ``last_auth_at`` when used
  (the OAS lists it; the recorded fresh methods had never been used, so it is left out until
  a seeded one has).
* UNRECORDED: ``GET /users/{id}/enrollments`` (the "first confirmed" Guardian enrollments) lists
  a TOTP app as ``{id, status: "confirmed", type: "authenticator", name, auth_method:
  "authenticator", enrolled_at, last_auth}`` and a phone as ``type: "sms"``, ``auth_method:
  "sms"`` with the masked ``phone_number``; e-mail and recovery-code methods are not
  enrollments. The recordings only hold ``[]``.
* UNRECORDED: 404 "Authentication method not found" / ``authentication_method_not_found``
  for an unknown method id.
"""

from __future__ import annotations

import copy
import secrets
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui_console.devtenant.management_rules import ManagementApiError
from tui_console.devtenant.models import iso_timestamp

if TYPE_CHECKING:
    from tui_console.devtenant.state import TenantState

__all__ = ["AuthenticationMethod", "MfaRegistry", "mask_email", "mask_phone", "new_method_id"]

_ALPHANUMERIC = string.ascii_letters + string.digits


def new_method_id(kind: str) -> str:
    return f"{kind}|dev_" + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(16))


def mask_email(email: str) -> str:
    """As recorded: the first 4 characters of the local part and of the domain, the rest
    ``*``; a local part shorter than 4 becomes ``****``."""
    local, _, domain = email.partition("@")
    masked_local = local[:4] + "*" * (len(local) - 4) if len(local) >= 4 else "****"
    return f"{masked_local}@{domain[:4]}{'*' * max(0, len(domain) - 4)}"


def mask_phone(phone: str) -> str:
    """As recorded: the length kept, all but the last 4 characters ``X``."""
    return "X" * max(0, len(phone) - 4) + phone[-4:]


@dataclass
class AuthenticationMethod:
    id: str
    type: str
    """``totp``, ``phone``, ``email`` or ``recovery-code``."""
    created_at: float
    name: str | None = None
    phone_number: str | None = None
    email: str | None = None
    last_auth_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type, "confirmed": True}
        if self.name is not None:
            data["name"] = self.name
        if self.email is not None:
            data["email"] = mask_email(self.email)
        if self.phone_number is not None:
            data["phone_number"] = mask_phone(self.phone_number)
        data["created_at"] = iso_timestamp(self.created_at)
        if self.type == "phone":
            suffix = self.id.split("|", 1)[1]
            data["preferred_authentication_method"] = "sms"
            data["authentication_methods"] = [{"id": f"sms|{suffix}", "type": "sms"}]
        if self.last_auth_at is not None:
            data["last_auth_at"] = iso_timestamp(self.last_auth_at)
        return data

    def enrollment_json(self) -> dict[str, Any] | None:
        if self.type not in ("totp", "phone"):
            return None
        kind = "authenticator" if self.type == "totp" else "sms"
        data: dict[str, Any] = {
            "id": self.id.split("|", 1)[1],
            "status": "confirmed",
            "type": kind,
            "auth_method": kind,
            "enrolled_at": iso_timestamp(self.created_at),
            "last_auth": iso_timestamp(self.last_auth_at or self.created_at),
        }
        if self.name is not None:
            data["name"] = self.name
        if self.phone_number is not None:
            data["phone_number"] = mask_phone(self.phone_number)
        return data


class MfaRegistry:
    """Each user's authentication methods and remembered-browser generation."""

    def __init__(self, state: TenantState) -> None:
        self._state = state
        self._methods: dict[str, list[AuthenticationMethod]] = {}
        self.remembered_browsers_reset: dict[str, float] = {}
        """user id → when support last invalidated the user's remembered browsers."""

    def clear(self) -> None:
        with self._state.lock:
            self._methods.clear()
            self.remembered_browsers_reset.clear()

    def add(self, user_id: str, method: AuthenticationMethod) -> None:
        with self._state.lock:
            self._methods.setdefault(user_id, []).append(method)

    def methods(self, user_id: str) -> list[dict[str, Any]]:
        with self._state.lock:
            return [m.to_json() for m in self._methods.get(user_id, [])]

    def method(self, user_id: str, method_id: str) -> dict[str, Any]:
        with self._state.lock:
            for m in self._methods.get(user_id, []):
                if m.id == method_id:
                    return m.to_json()
        raise _method_not_found()

    def enrollments(self, user_id: str) -> list[dict[str, Any]]:
        with self._state.lock:
            found = (m.enrollment_json() for m in self._methods.get(user_id, []))
            return [copy.deepcopy(e) for e in found if e is not None]

    def delete(self, user_id: str, method_id: str) -> None:
        with self._state.lock:
            methods = self._methods.get(user_id, [])
            kept = [m for m in methods if m.id != method_id]
            if len(kept) == len(methods):
                raise _method_not_found()
            self._methods[user_id] = kept
            self._touched(user_id)

    def reset(self, user_id: str) -> None:
        """Delete every method ("reset MFA"); nothing to delete is fine (recorded 204)."""
        with self._state.lock:
            if self._methods.pop(user_id, None):
                self._touched(user_id)

    def forget_browsers(self, user_id: str) -> None:
        with self._state.lock:
            self.remembered_browsers_reset[user_id] = self._state.now()

    def _touched(self, user_id: str) -> None:
        user = self._state.users.get(user_id)
        if user is not None:
            user.multifactor_last_modified = iso_timestamp(self._state.now())


def _method_not_found() -> ManagementApiError:
    return ManagementApiError(
        404, "Authentication method not found", "authentication_method_not_found"
    )
