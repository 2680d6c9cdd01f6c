"""The read-only fallback: the user's own Guardian enrollments, through the Management API.

Where the My Account API is not available (not activated, no client grant for the
application), the sign-in's Management API token can still *read* the person's MFA: ``GET
/api/v2/users/{id}/enrollments`` with ``read:current_user`` (auth0-reference.md §8.6). Nothing
can be changed that way, and only the "first confirmed" Guardian enrollments are listed
(authenticator apps, SMS, push), not email or recovery-code methods.

The recordings hold only ``[]`` (auth0-recordings/NOTES.md §11); the fields read here are those
the Management API's OAS names for an enrollment (``id``, ``status``, ``type``, ``name``,
``identifier``, ``phone_number``, ``auth_method``, ``enrolled_at``, ``last_auth``). **Guess**:
every field but ``id`` may be missing, and a field of the wrong type reads as absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from tui_console.management.client import ManagementClient, parse_body
from tui_console.my_account.models import read_text, read_time

__all__ = ["GuardianEnrollment", "GuardianReader", "parse_guardian_enrollments"]

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
class GuardianEnrollment:
    """One Guardian enrollment of the user (read-only)."""

    id: str
    status: str | None = None
    """``pending`` or ``confirmed``."""
    type: str | None = None
    name: str | None = None
    identifier: str | None = None
    phone_number: str | None = None
    """Masked by Auth0 (``XXXXXXXXXXX5044``)."""
    auth_method: str | None = None
    enrolled_at: datetime | None = None
    last_auth: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def label(self) -> str:
        """The kind in words (``authenticator app``)."""
        kind = self.auth_method or self.type or "unknown"
        return _LABELS.get(kind, kind)

    @property
    def detail(self) -> str:
        return self.name or self.phone_number or self.identifier or ""

    @property
    def confirmed(self) -> bool | None:
        return None if self.status is None else self.status == "confirmed"

    def to_json(self) -> dict[str, Any]:
        """The object as Auth0 sent it (exact, for ``--json``)."""
        return dict(self.raw) if self.raw else {"id": self.id}


def parse_guardian_enrollments(data: Any) -> tuple[GuardianEnrollment, ...]:
    """The bare array Auth0 answers (recorded); entries without a string ``id`` are skipped."""
    if not isinstance(data, list):
        raise ValueError("the answer is not a list of enrollments")
    return tuple(
        GuardianEnrollment(
            id=enrollment_id,
            status=read_text(item, "status"),
            type=read_text(item, "type"),
            name=read_text(item, "name"),
            identifier=read_text(item, "identifier"),
            phone_number=read_text(item, "phone_number"),
            auth_method=read_text(item, "auth_method"),
            enrolled_at=read_time(item, "enrolled_at"),
            last_auth=read_time(item, "last_auth"),
            raw=MappingProxyType(dict(item)),
        )
        for item in data
        if isinstance(item, Mapping) and (enrollment_id := read_text(item, "id")) is not None
    )


class GuardianReader(ManagementClient):
    """``GET /api/v2/users/{id}/enrollments`` on the sign-in's Management API client."""

    @classmethod
    def sharing(cls, client: ManagementClient) -> GuardianReader:
        """A reader on ``client``'s HTTP client, base URL and auth (the same board and log)."""
        return cls(client._http, client._base_url, auth=client._auth)

    async def enrollments(self, user_id: str) -> tuple[GuardianEnrollment, ...]:
        """The user's Guardian enrollments (``read:current_user`` for one's own)."""
        response = await self._request("GET", ("users", user_id, "enrollments"))
        return parse_body(response, parse_guardian_enrollments)
