"""The Management API calls a signed-in person makes on their own account.

Each method is one request to an endpoint of auth0-reference.md §6 with the ``current_user``
scopes of §6.1, answered with our models (:mod:`.models`) or raised as our errors
(:mod:`.errors`). Nothing here handles tokens or rate limits: the ``httpx.Auth`` adds and
refreshes the token, and :class:`~tui_console.ratelimit.RateLimitedTransport` gates, records and
retries (design.md point 3). What this layer adds is knowledge of Auth0's sharp edges, taken
from the recordings (auth0-recordings/NOTES.md):

* ids go in the path percent-encoded, ``auth0|…`` as ``auth0%7C…`` (NOTES.md §1);
* a metadata PATCH merges top-level keys, deletes ``null`` ones and wipes everything on ``{}``
  (NOTES.md §2, :mod:`.metadata`), and is marked idempotent so a 429 may replay it;
* an unlink that matches nothing is a 200 with the identities unchanged (NOTES.md §3,
  identities-unlink.json), so the identity is checked before and after;
* listing device credentials needs ``read:device_credentials``, which Auth0 grants only to
  admin tokens (auth0-reference.md §6.6), while revoking and creating have current-user scopes;
* revoking an already-revoked credential is still 204 (NOTES.md §4).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import httpx

from tui_console.exchange_failures import (
    answer_lost,
    is_read,
    send,
    server_failed,
    unreadable_reason,
)
from tui_console.management.errors import (
    Conflict,
    InsufficientScope,
    NothingUnlinked,
    RequestRefused,
    UnexpectedResponse,
    error_from_response,
)
from tui_console.management.metadata import MetadataUpdate, metadata_patch, size_warnings
from tui_console.management.models import DeviceCredentialPage, Identity, User, parse_identities
from tui_console.ratelimit.transport import IDEMPOTENT_EXTENSION
from tui_console.redact import Secret

__all__ = ["CredentialType", "ManagementClient"]

CredentialType = Literal["public_key", "refresh_token", "rotating_refresh_token"]

_NO_CHANGES: Mapping[str, Any] = MappingProxyType({})
_MAX_PER_PAGE = 100

# How to see whether a write whose answer was lost applied, per kind of write.
_CHECK_METADATA = (
    "Run `tui-console metadata` (or reload in the console) to see whether it applied; "
    "sending the same change again is safe."
)
_CHECK_IDENTITIES = "Run `tui-console identities` to see whether it applied before trying again."
_CHECK_DEVICE_KEY = (
    "Trying again is safe: if the key was added, Auth0 answers that the device already has one."
)
_CHECK_DEVICE_REVOKE = "Revoking again is safe: Auth0 answers the same once it is gone."
_T = TypeVar("_T")


class ManagementClient:
    """Calls ``https://<tenant>/api/v2/`` (``base_url``, the Management API audience).

    ``auth`` adds the bearer token (default: the client's own auth). Transport failures are
    :class:`~tui_console.errors.NetworkError`; error answers are the :mod:`.errors` tree.
    """

    def __init__(
        self, http: httpx.AsyncClient, base_url: str, *, auth: httpx.Auth | None = None
    ) -> None:
        self._http = http
        self._base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._auth = auth

    async def get_user(self, user_id: str) -> User:
        """The full user ``user_id`` (``GET /users/{id}``, scope ``read:current_user``)."""
        response = await self._request("GET", ("users", user_id))
        return parse_body(response, User.from_json)

    async def update_user_metadata(
        self,
        user_id: str,
        *,
        set: Mapping[str, Any] = _NO_CHANGES,
        unset: Iterable[str] = (),
    ) -> MetadataUpdate:
        """Set the keys in ``set`` and delete those in ``unset``; other keys are kept.

        Scope ``update:current_user_metadata``. The change is checked before sending
        (:func:`~tui_console.management.metadata.metadata_patch`: an empty change is refused,
        since ``{}`` would wipe all metadata). Returns the updated user and warnings (over the
        10 KB profile limit).
        """
        body = metadata_patch(set, unset)
        response = await self._request(
            "PATCH",
            ("users", user_id),
            body=body,
            extensions={IDEMPOTENT_EXTENSION: True},
            check=_CHECK_METADATA,
        )
        user = parse_body(response, User.from_json, check=_CHECK_METADATA)
        return MetadataUpdate(user=user, warnings=size_warnings(user))

    async def link_identity(self, user_id: str, *, id_token: Secret) -> tuple[Identity, ...]:
        """Link the account ``id_token`` (signed in through this same app) into ``user_id``.

        ``POST /users/{id}/identities`` with ``link_with`` (the only body a ``current_user``
        token may send, auth0-reference.md §6.4). Returns the primary user's identities.
        """
        response = await self._request(
            "POST",
            ("users", user_id, "identities"),
            body={"link_with": id_token.reveal()},
            check=_CHECK_IDENTITIES,
        )
        return parse_body(response, parse_identities, check=_CHECK_IDENTITIES)

    async def unlink_identity(
        self, user_id: str, *, provider: str, identity_user_id: str
    ) -> tuple[Identity, ...]:
        """Unlink ``provider``/``identity_user_id`` (the bare id) from ``user_id``.

        Refused without a request: the primary identity (it *is* the account) and an id that
        still carries its ``provider|`` prefix. The user is read first, because Auth0 answers
        an unlink that matches nothing with 200 and the identities unchanged
        (identities-unlink.json): an identity that is not linked, or still is afterwards, is
        :class:`NothingUnlinked` rather than a false success. Returns the remaining identities.
        """
        if f"{provider}|{identity_user_id}" == user_id:
            raise RequestRefused(
                f"{user_id} is the account's primary identity; it cannot be unlinked.",
                hint="Unlink the other identities, or sign in with the one to keep as primary.",
            )
        if identity_user_id.startswith(f"{provider}|"):
            bare = identity_user_id.removeprefix(f"{provider}|")
            raise RequestRefused(
                f"The identity user id {identity_user_id!r} includes its provider prefix.",
                hint=f"Give the id without '{provider}|': {bare}",
            )
        linked = (await self.get_user(user_id)).identities
        if not _contains(linked, provider, identity_user_id):
            raise _nothing_unlinked(provider, identity_user_id, linked, still_linked=False)
        response = await self._request(
            "DELETE",
            ("users", user_id, "identities", provider, identity_user_id),
            check=_CHECK_IDENTITIES,
        )
        remaining = parse_body(response, parse_identities, check=_CHECK_IDENTITIES)
        if _contains(remaining, provider, identity_user_id):
            raise _nothing_unlinked(provider, identity_user_id, remaining, still_linked=True)
        return remaining

    async def list_device_credentials(
        self,
        user_id: str,
        *,
        page: int = 0,
        per_page: int = 50,
        include_totals: bool = False,
        type: CredentialType | None = None,
    ) -> DeviceCredentialPage:
        """One page (0-based, at most 100 per page) of ``user_id``'s device credentials.

        Expect :class:`InsufficientScope` with a personal sign-in: the endpoint requires the
        admin scope ``read:device_credentials`` (auth0-reference.md §6.6).
        """
        if page < 0 or not 1 <= per_page <= _MAX_PER_PAGE:
            raise RequestRefused(
                f"Page {page} with {per_page} per page is out of range.",
                hint=f"Pages start at 0 and hold 1 to {_MAX_PER_PAGE} credentials.",
            )
        params = {
            "user_id": user_id,
            "page": str(page),
            "per_page": str(per_page),
            "include_totals": "true" if include_totals else "false",
        }
        if type is not None:
            params["type"] = type
        try:
            response = await self._request("GET", ("device-credentials",), params=params)
        except InsufficientScope as exc:
            needed = ", ".join(exc.required_scopes) or "read:device_credentials"
            raise InsufficientScope(
                f"Listing device credentials needs an admin scope ({needed}), which Auth0 "
                "does not grant to a personal sign-in.",
                required_scopes=exc.required_scopes,
                **exc.answer_fields(),
                hint="Revoking a credential by its id and adding a device key still work.",
            ) from None
        return parse_body(
            response,
            lambda data: DeviceCredentialPage.from_json(data, page=page, per_page=per_page),
        )

    async def create_device_credential(
        self, *, device_name: str, device_id: str, public_key: bytes, client_id: str
    ) -> str:
        """Register ``public_key`` for the device; returns the new credential id (``dcr_…``).

        ``POST /device-credentials`` (scope ``create:current_user_device_credentials``) with
        the key base64-encoded, ``type: public_key`` being the only type it accepts.
        """
        if not device_name or not device_id or not public_key:
            raise RequestRefused(
                "A device key needs a device name, a device id and a public key.",
                hint="Give all three and try again.",
            )
        body = {
            "device_name": device_name,
            "type": "public_key",
            "value": base64.b64encode(public_key).decode("ascii"),
            "device_id": device_id,
            "client_id": client_id,
        }
        try:
            response = await self._request(
                "POST", ("device-credentials",), body=body, check=_CHECK_DEVICE_KEY
            )
        except Conflict as exc:
            raise Conflict(
                f"This device ({device_id}) already has a public key.",
                **exc.answer_fields(),
                hint="Revoke its current key first (tui-console devices revoke ID), then add it.",
            ) from None
        return parse_body(response, _credential_id, check=_CHECK_DEVICE_KEY)

    async def revoke_device_credential(self, credential_id: str) -> None:
        """Revoke a device credential. Auth0 answers 204 even when it was already gone."""
        await self._request(
            "DELETE", ("device-credentials", credential_id), check=_CHECK_DEVICE_REVOKE
        )

    async def _request(
        self,
        method: str,
        segments: tuple[str, ...],
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
        check: str = "",
    ) -> httpx.Response:
        """Send one request; a non-2xx answer is raised as its error.

        A connection that never opened is NetworkError (nothing was sent). A write that was
        sent but got no answer, or a 5xx, is ResponseLost: it may have applied, and ``check``
        says how to see whether it did before trying again.
        """
        if not all(segments):
            raise RequestRefused(
                "An id in the request is empty.", hint="Give the id of the item to act on."
            )
        url = self._base_url + "/".join(quote(segment, safe="") for segment in segments)
        request = self._http.build_request(
            method, url, json=body, params=params, extensions=extensions
        )
        response = await send(self._http, request, auth=self._auth, check=check)
        if response.is_server_error and not is_read(request):
            raise server_failed(response, check=check)
        if not response.is_success:
            raise error_from_response(response)
        return response


def parse_body(response: httpx.Response, parser: Callable[[Any], _T], *, check: str = "") -> _T:
    """The JSON body as ``parser`` reads it; any other shape is :class:`UnexpectedResponse`.

    After a write the status already said it applied, so a body that is not JSON (cut
    short, an HTML page from a proxy) is a lost answer to a change that applied.
    """
    request = response.request
    try:
        data = json.loads(response.content)
    except ValueError:
        if not is_read(request):
            raise answer_lost(
                request,
                unreadable_reason(response),
                check=check,
                effect="Its status says the change applied.",
            ) from None
        raise UnexpectedResponse(
            f"Auth0 answered {request.method} {request.url.path} with something other than "
            f"JSON ({unreadable_reason(response)}).",
            status=response.status_code,
            hint="This is usually a passing fault at Auth0 or on the way: try again. If it "
            "keeps happening, check that the profile's domain is an Auth0 tenant.",
        ) from None
    try:
        return parser(data)
    except ValueError as exc:
        raise UnexpectedResponse(
            f"Auth0 answered {request.method} {request.url.path} with an unexpected body ({exc}).",
            status=response.status_code,
            hint="Check that the profile's domain is an Auth0 tenant; then try again.",
        ) from None


def _contains(identities: Iterable[Identity], provider: str, user_id: str) -> bool:
    return any(i.provider == provider and i.user_id == user_id for i in identities)


def _nothing_unlinked(
    provider: str, user_id: str, identities: tuple[Identity, ...], *, still_linked: bool
) -> NothingUnlinked:
    linked = ", ".join(i.qualified_id for i in identities) or "none"
    if still_linked:
        return NothingUnlinked(
            f"Nothing was unlinked: Auth0 answered, but the {provider} identity {user_id} "
            "is still linked.",
            status=200,
            hint=f"Linked identities: {linked}. Reload, then try again.",
        )
    return NothingUnlinked(
        f"Nothing was unlinked: no {provider} identity with user id {user_id}.",
        status=200,
        hint=f"Linked identities: {linked}. Give the provider and the id after its '|'.",
    )


def _credential_id(data: Any) -> str:
    credential_id = data.get("id") if isinstance(data, dict) else None
    if not isinstance(credential_id, str) or not credential_id:
        raise ValueError("the answer has no credential id")
    return credential_id
