"""The My Account API's refusals as problem JSON, and the three every rule raises.

The OAS declares its ``ErrorResponse`` as RFC 9457 problem JSON; nothing of it was recorded
(NOTES.md §12), so the ``type`` URIs, the ``title`` words and the details are UNRECORDED.
:mod:`.my_account_routes` serves them; :mod:`.my_account`'s rules raise them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Problem", "bad_request", "conflict", "not_found"]


@dataclass(frozen=True)
class Problem(Exception):
    """A problem-JSON refusal (RFC 9457, as the OAS declares): ``{type, status, title, detail,
    validation_errors?}``. UNRECORDED: the ``type`` URIs and ``title`` words."""

    status: int
    title: str
    detail: str
    type: str = "about:blank"
    validation_errors: tuple[dict[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": self.type,
            "status": self.status,
            "title": self.title,
            "detail": self.detail,
        }
        if self.validation_errors:
            data["validation_errors"] = [dict(error) for error in self.validation_errors]
        return data


def bad_request(detail: str, *, field_name: str | None = None) -> Problem:
    errors: tuple[dict[str, str], ...] = ()
    if field_name is not None:
        errors = (
            {"detail": detail, "field": field_name, "pointer": f"/{field_name}", "source": "body"},
        )
    return Problem(400, "Bad Request", detail, validation_errors=errors)


def not_found(method_id: str) -> Problem:
    return Problem(404, "Not Found", f"The authentication method {method_id} does not exist")


def conflict(detail: str) -> Problem:
    return Problem(409, "Conflict", detail)
