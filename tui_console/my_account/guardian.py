"""The read-only fallback: the user's own Guardian enrollments, through the Management API.

Where the My Account API is not available (not activated, no client grant for the
application), the sign-in's Management API token can still *read* the person's MFA: ``GET
/api/v2/users/{id}/enrollments`` with ``read:current_user`` (auth0-reference.md §8.6). Nothing
can be changed that way, and only the "first confirmed" Guardian enrollments are listed
(authenticator apps, SMS, push), not email or recovery-code methods.

The record and its parser are support's
(:class:`~tui_console.management.sign_in_trouble_models.Enrollment`): one model of one Auth0
answer. The recordings hold only ``[]`` (auth0-recordings/NOTES.md §11).
"""

from __future__ import annotations

from tui_console.management.client import ManagementClient, parse_body
from tui_console.management.sign_in_trouble_models import Enrollment, parse_enrollments

__all__ = ["GuardianEnrollment", "GuardianReader"]

GuardianEnrollment = Enrollment
"""The Management API's enrollment record, named for the API it comes from: the My Account
API has an ``Enrollment`` of its own (a method being added)."""


class GuardianReader(ManagementClient):
    """``GET /api/v2/users/{id}/enrollments`` on the sign-in's Management API client."""

    @classmethod
    def sharing(cls, client: ManagementClient) -> GuardianReader:
        """A reader on ``client``'s HTTP client, base URL and auth (the same board and log)."""
        return cls(client._http, client._base_url, auth=client._auth)

    async def enrollments(self, user_id: str) -> tuple[GuardianEnrollment, ...]:
        """The user's Guardian enrollments (``read:current_user`` for one's own)."""
        response = await self._request("GET", ("users", user_id, "enrollments"))
        return parse_body(response, parse_enrollments)
