"""The Management API calls support staff make with a machine token (auth0-reference.md §8.2,
§8.3, §8.6): find users, read and end their sessions and refresh tokens, sign them out.

A :class:`ManagementClient` underneath, so every request goes through the same transports
(rate-limit board, call log) and the same error tree. Auth0's sharp edges, from the
recordings (auth0-recordings/NOTES.md §11):

* the session and refresh-token deletes answer 202 with ``{}`` or 204 with nothing (a
  hand-edited recording says 204 where the OAS says 202): any 2xx is success, the body unread;
* those endpoints are Enterprise-only: another plan answers 403 (``insufficient_entitlement``,
  or ``insufficient_scope`` with "Please upgrade your subscription", errors.json), which is
  :class:`PlanLacksFeature`, saying what still works;
* ``users-by-email`` is exact and case-sensitive; ``GET /users`` searches with ``q`` and
  ``search_engine=v3``, 0-based pages of at most 100 (and 1,000 results in all).

And the calls behind "why can't this user sign in?" (§8.6, issue 12):

* logs: ``GET /users/{id}/logs`` pages (no checkpoint there); ``GET /logs`` with ``from``/
  ``take`` is a checkpoint read that **ignores every other parameter** (``q`` too) and walks
  forward to newer events, oldest first: a tail remembers the greatest ``log_id`` it saw;
* user blocks by id or ``?identifier=`` (``{"blocked_for": []}`` when none) and their deletes,
  204 and idempotent; the ``blocked`` flag is a user PATCH (``update:users``);
* authentication methods listed under the key ``authenticators``; their deletes, the reset of
  all of them and ``invalidate-remember-browser`` answer 204 with no body: done, not queued;
* device credentials with the admin scope, per type: Auth0 takes ``type`` as
  ``refresh_token`` when paging without one (§8.6), so each type is asked for on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, get_args

from tui_console.management.client import CredentialType, ManagementClient, parse_body
from tui_console.management.errors import ManagementAPIError, RequestRefused, UserNotFound
from tui_console.management.models import DeviceCredential
from tui_console.management.sign_in_trouble_models import (
    Enrollment,
    LogEvent,
    LogPage,
    MfaMethodPage,
    UserBlock,
    parse_enrollments,
    parse_log_events,
    parse_user_blocks,
)
from tui_console.management.support_models import (
    RefreshTokenPage,
    Session,
    SessionPage,
    SupportUser,
    UserSearchPage,
)
from tui_console.ratelimit.transport import IDEMPOTENT_EXTENSION

if TYPE_CHECKING:
    import httpx

__all__ = ["PlanLacksFeature", "SupportClient"]

_MAX_PER_PAGE = 100
_MAX_TAKE = 100
#: The most device credentials Auth0 lets a listing reach (auth0-reference.md §6.6).
_MAX_CREDENTIALS = 1000
_CHECK_UNBLOCKED = "Unblocking again is harmless: list the blocks to see what is left."
_CHECK_MFA = "List the user's authentication methods to see what is left before trying again."
_CHECK_BLOCKED_FLAG = "Read the user again to see the flag; setting it again is harmless."
_CHECK_ENDED = (
    "Ending something twice is harmless: list the user's sessions and refresh tokens to see "
    "what is left."
)


class PlanLacksFeature(ManagementAPIError):
    """403: the tenant's Auth0 plan does not include this endpoint (sessions and refresh
    tokens are Enterprise-only, auth0-reference.md §8.2, §8.3)."""


def _plan_refusal(error: ManagementAPIError, what: str) -> ManagementAPIError:
    """``error`` as :class:`PlanLacksFeature` when it is the plan's refusal, else unchanged."""
    message = error.server_message.lower()
    if error.status != 403 or not (
        error.error_code == "insufficient_entitlement" or "upgrade your subscription" in message
    ):
        return error
    return PlanLacksFeature(
        f"This tenant's Auth0 plan does not include {what}: Auth0 offers the sessions and "
        "refresh-token endpoints on Enterprise plans only.",
        **error.answer_fields(),
        hint="Still works here: finding users, their details and signing a user out "
        "everywhere (support sign-out-everywhere).",
    )


def _page_range(page: int, per_page: int) -> None:
    if page < 0 or not 1 <= per_page <= _MAX_PER_PAGE:
        raise RequestRefused(
            f"Page {page} with {per_page} per page is out of range.",
            hint=f"Pages start at 0 and hold 1 to {_MAX_PER_PAGE} users.",
        )


def _take_range(take: int) -> None:
    if not 1 <= take <= _MAX_TAKE:
        raise RequestRefused(
            f"{take} per page is out of range.", hint=f"Ask for 1 to {_MAX_TAKE} at a time."
        )


def _user_list_params(checkpoint: str | None, take: int) -> dict[str, str]:
    """The query of one page of a user's sessions or refresh tokens: ``take`` items from
    ``checkpoint`` (the first page without one), with the total."""
    _take_range(take)
    params = {"take": str(take), "include_totals": "true"}
    if checkpoint:
        params["from"] = checkpoint
    return params


class SupportClient(ManagementClient):
    """Support staff's calls on ``https://<tenant>/api/v2/`` with an admin (machine) token."""

    @classmethod
    def sharing(cls, client: ManagementClient) -> SupportClient:
        """A support client on ``client``'s HTTP client, base URL and auth."""
        return cls(client._http, client._base_url, auth=client._auth)

    async def _request(
        self, method: str, segments: tuple[str, ...], **kwargs: Any
    ) -> httpx.Response:
        """As the base client's, with a missing user worded for support staff (the base's hint
        is about the person's own account)."""
        try:
            return await super()._request(method, segments, **kwargs)
        except UserNotFound as error:
            raise UserNotFound(
                "Auth0 has no such user; it may have been deleted or linked into another account.",
                **error.answer_fields(),
                hint="Find the user first: tui-console support find EMAIL-OR-QUERY",
            ) from None

    async def _enterprise(
        self, what: str, method: str, segments: tuple[str, ...], **kwargs: Any
    ) -> Any:
        """One request to a sessions / refresh-token endpoint, the plan's 403 worded."""
        try:
            return await self._request(method, segments, **kwargs)
        except ManagementAPIError as error:
            raise _plan_refusal(error, what) from None

    # -- users ---------------------------------------------------------------------------------

    async def users_by_email(self, email: str) -> tuple[SupportUser, ...]:
        """Every user with exactly this e-mail (several connections may share one); exact and
        case-sensitive at Auth0 (scope ``read:users``)."""
        response = await self._request("GET", ("users-by-email",), params={"email": email})
        return parse_body(response, _users)

    async def support_user(self, user_id: str) -> SupportUser:
        """The full user ``user_id`` with the admin fields (scope ``read:users``)."""
        response = await self._request("GET", ("users", user_id))
        return parse_body(response, SupportUser.from_json)

    async def search_users(
        self, query: str, *, page: int = 0, per_page: int = 50
    ) -> UserSearchPage:
        """One page of ``GET /users?q=QUERY&search_engine=v3`` with totals (``read:users``)."""
        _page_range(page, per_page)
        params = {
            "q": query,
            "search_engine": "v3",
            "page": str(page),
            "per_page": str(per_page),
            "include_totals": "true",
        }
        response = await self._request("GET", ("users",), params=params)
        return parse_body(
            response, lambda data: UserSearchPage.from_json(data, page=page, per_page=per_page)
        )

    # -- sessions ------------------------------------------------------------------------------

    async def user_sessions(
        self, user_id: str, *, checkpoint: str | None = None, take: int = 50
    ) -> SessionPage:
        """One page of ``user_id``'s sessions from ``checkpoint`` (``read:sessions``)."""
        params = _user_list_params(checkpoint, take)
        response = await self._enterprise(
            "session management", "GET", ("users", user_id, "sessions"), params=params
        )
        return parse_body(response, SessionPage.from_json)

    async def get_session(self, session_id: str) -> Session:
        """One session by id (``read:sessions``)."""
        response = await self._enterprise("session management", "GET", ("sessions", session_id))
        return parse_body(response, Session.from_json)

    async def end_session(self, session_id: str, *, with_refresh_tokens: bool = True) -> None:
        """End a session: ``POST /sessions/{id}/revoke`` (with its refresh tokens; scopes
        ``delete:sessions`` and ``delete:refresh_tokens``) or ``DELETE /sessions/{id}``
        (the session only; ``delete:sessions``). Asynchronous at Auth0."""
        if with_refresh_tokens:
            segments: tuple[str, ...] = ("sessions", session_id, "revoke")
            await self._enterprise("session management", "POST", segments, check=_CHECK_ENDED)
        else:
            segments = ("sessions", session_id)
            await self._enterprise("session management", "DELETE", segments, check=_CHECK_ENDED)

    # -- refresh tokens ------------------------------------------------------------------------

    async def user_refresh_tokens(
        self, user_id: str, *, checkpoint: str | None = None, take: int = 50
    ) -> RefreshTokenPage:
        """One page of ``user_id``'s refresh tokens (``read:refresh_tokens``)."""
        params = _user_list_params(checkpoint, take)
        response = await self._enterprise(
            "refresh-token management", "GET", ("users", user_id, "refresh-tokens"), params=params
        )
        return parse_body(response, RefreshTokenPage.from_json)

    async def revoke_refresh_token(self, token_id: str) -> None:
        """``DELETE /refresh-tokens/{id}`` (``delete:refresh_tokens``): 202 or 204."""
        await self._enterprise(
            "refresh-token management", "DELETE", ("refresh-tokens", token_id), check=_CHECK_ENDED
        )

    # -- signing a user out --------------------------------------------------------------------

    async def revoke_access(
        self, user_id: str, *, session_id: str | None = None, keep_refresh_tokens: bool = False
    ) -> None:
        """``POST /users/{id}/revoke-access``: every session of the user (or ``session_id``)
        and, unless ``keep_refresh_tokens``, their refresh tokens (§8.6; scopes
        ``delete:sessions`` and ``delete:refresh_tokens``)."""
        body: dict[str, Any] = {"preserve_refresh_tokens": keep_refresh_tokens}
        if session_id is not None:
            body["session_id"] = session_id
        await self._request(
            "POST", ("users", user_id, "revoke-access"), body=body, check=_CHECK_ENDED
        )

    # -- logs ----------------------------------------------------------------------------------

    async def user_logs(self, user_id: str, *, page: int = 0, per_page: int = 100) -> LogPage:
        """One page of ``user_id``'s log events, newest first (``read:logs``)."""
        _page_range(page, per_page)
        params = {
            "page": str(page),
            "per_page": str(per_page),
            "include_totals": "true",
            "sort": "date:-1",
        }
        response = await self._request("GET", ("users", user_id, "logs"), params=params)
        return parse_body(
            response, lambda data: LogPage.from_json(data, page=page, per_page=per_page)
        )

    async def latest_logs(self, *, per_page: int = 1) -> tuple[LogEvent, ...]:
        """The tenant's newest events, newest first (page mode, ``read:logs``): where a tail
        starts."""
        _page_range(0, per_page)
        params = {"page": "0", "per_page": str(per_page)}
        response = await self._request("GET", ("logs",), params=params)
        return parse_body(response, parse_log_events)

    async def logs_after(self, checkpoint: str, *, take: int = 100) -> tuple[LogEvent, ...]:
        """Up to ``take`` of the tenant's events with a greater ``log_id`` than ``checkpoint``,
        oldest first (``from``/``take``; every other parameter would be ignored)."""
        _take_range(take)
        params = {"from": checkpoint, "take": str(take)}
        response = await self._request("GET", ("logs",), params=params)
        return parse_body(response, parse_log_events)

    async def get_log(self, log_id: str) -> LogEvent:
        """One event by ``log_id`` (``read:logs``)."""
        response = await self._request("GET", ("logs", log_id))
        return parse_body(response, LogEvent.from_json)

    # -- brute-force blocks and the blocked flag -----------------------------------------------

    async def user_blocks(self, user_id: str) -> tuple[UserBlock, ...]:
        """``GET /user-blocks/{id}`` (``read:users``)."""
        response = await self._request("GET", ("user-blocks", user_id))
        return parse_body(response, parse_user_blocks)

    async def identifier_blocks(self, identifier: str) -> tuple[UserBlock, ...]:
        """``GET /user-blocks?identifier=`` (a username, phone number or e-mail; ``read:users``)."""
        params = {"identifier": identifier}
        response = await self._request("GET", ("user-blocks",), params=params)
        return parse_body(response, parse_user_blocks)

    async def unblock_user(self, user_id: str) -> int:
        """``DELETE /user-blocks/{id}`` (``update:users``): 204, also with nothing blocked."""
        response = await self._request("DELETE", ("user-blocks", user_id), check=_CHECK_UNBLOCKED)
        return response.status_code

    async def unblock_identifier(self, identifier: str) -> int:
        """``DELETE /user-blocks?identifier=`` (``update:users``)."""
        response = await self._request(
            "DELETE",
            ("user-blocks",),
            params={"identifier": identifier},
            check=_CHECK_UNBLOCKED,
        )
        return response.status_code

    async def set_blocked(self, user_id: str, blocked: bool) -> SupportUser:
        """Set the administrator's ``blocked`` flag: ``PATCH /users/{id}`` (``update:users``);
        replaying it changes nothing more, so a 429 may resend it."""
        response = await self._request(
            "PATCH",
            ("users", user_id),
            body={"blocked": blocked},
            extensions={IDEMPOTENT_EXTENSION: True},
            check=_CHECK_BLOCKED_FLAG,
        )
        return parse_body(response, SupportUser.from_json, check=_CHECK_BLOCKED_FLAG)

    # -- MFA -----------------------------------------------------------------------------------

    async def enrollments(self, user_id: str) -> tuple[Enrollment, ...]:
        """The user's first confirmed Guardian enrollments (``read:users``)."""
        response = await self._request("GET", ("users", user_id, "enrollments"))
        return parse_body(response, parse_enrollments)

    async def mfa_methods(
        self, user_id: str, *, page: int = 0, per_page: int = 100
    ) -> MfaMethodPage:
        """One page of the user's authentication methods (``read:authentication_methods``)."""
        _page_range(page, per_page)
        params = {"page": str(page), "per_page": str(per_page), "include_totals": "true"}
        response = await self._request(
            "GET", ("users", user_id, "authentication-methods"), params=params
        )
        return parse_body(
            response, lambda data: MfaMethodPage.from_json(data, page=page, per_page=per_page)
        )

    async def delete_mfa_method(self, user_id: str, method_id: str) -> int:
        """Delete one method (``delete:authentication_methods``); ``method_id`` holds a ``|``,
        sent as ``%7C``. 204."""
        segments = ("users", user_id, "authentication-methods", method_id)
        response = await self._request("DELETE", segments, check=_CHECK_MFA)
        return response.status_code

    async def reset_mfa(self, user_id: str) -> int:
        """Delete every method of the user ("reset MFA", ``delete:authentication_methods``)."""
        segments = ("users", user_id, "authentication-methods")
        response = await self._request("DELETE", segments, check=_CHECK_MFA)
        return response.status_code

    async def invalidate_remember_browser(self, user_id: str) -> int:
        """Every browser the user told to skip MFA must do MFA again (``update:users``). No
        body; 204. Sending it twice does no more than once, but it is a POST: never replayed."""
        segments = ("users", user_id, "multifactor", "actions", "invalidate-remember-browser")
        response = await self._request(
            "POST", segments, check="Forgetting the browsers again is harmless."
        )
        return response.status_code

    # -- device credentials (admin) ------------------------------------------------------------

    async def user_device_credentials(
        self, user_id: str
    ) -> tuple[tuple[DeviceCredential, ...], bool]:
        """Every device credential of ``user_id``, each type asked for on its own in pages of
        100 (``read:device_credentials``); and whether Auth0's 1,000-result cap cut it short."""
        found: list[DeviceCredential] = []
        cut = False
        kinds: tuple[CredentialType, ...] = get_args(CredentialType)
        for kind in kinds:
            page = 0
            while True:
                batch = await self.list_device_credentials(
                    user_id, page=page, per_page=_MAX_PER_PAGE, include_totals=True, type=kind
                )
                found.extend(batch.credentials)
                reached = batch.start + len(batch.credentials)
                if batch.total is not None:
                    more = reached < batch.total
                else:
                    more = len(batch.credentials) >= _MAX_PER_PAGE
                if not batch.credentials or not more:
                    break
                if reached >= _MAX_CREDENTIALS:
                    cut = True
                    break
                page += 1
        return tuple(found), cut


def _users(data: Any) -> tuple[SupportUser, ...]:
    if not isinstance(data, list):
        raise ValueError("the users are not a JSON array")
    return tuple(SupportUser.from_json(item) for item in data)
