"""The Management API at ``<issuer>api/v2/``: the endpoints a person uses on their own account.

Routes (auth0-reference.md §6; recorded shapes in auth0-recordings/NOTES.md §1-§7):

* ``GET /api/v2/users/{id}`` with ``fields`` / ``include_fields``;
* ``PATCH /api/v2/users/{id}`` (the filter is ignored, as recorded);
* ``POST /api/v2/users/{id}/identities`` (``link_with`` for current-user tokens; ``provider`` +
  ``user_id`` for admin tokens) → 201 with the primary's identities;
* ``DELETE /api/v2/users/{id}/identities/{provider}/{user_id}`` → 200 with what remains;
* ``GET /api/v2/device-credentials`` (admin scope ``read:device_credentials`` only);
* ``POST /api/v2/device-credentials`` → 201 ``{"id": "dcr_…"}``;
* ``DELETE /api/v2/device-credentials/{id}`` → 204, also when already gone;
* anything else under ``/api/v2/`` → Hapi's 404 ``Not Found`` (recorded, errors.json;
  :data:`.management_pipeline.not_found_route`).

Each endpoint is a handler run by :func:`.management_pipeline.endpoint_for` (token, injected
failures, rate limit, then the handler's scope check (403), body and query validation (400),
the current-user subject check (403) and the data (404, 409)).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from tui_console.devtenant import seed
from tui_console.devtenant.management_pipeline import (
    EndpointSpec,
    check_properties,
    endpoint_for,
    json_body,
    object_body,
)
from tui_console.devtenant.management_rules import (
    filter_fields,
    insufficient_scope,
    invalid_body,
    invalid_query,
    policy,
    required_patch_scopes,
    subject_mismatch,
    validate_user_patch,
    wrong_type,
)
from tui_console.devtenant.state import TenantState
from tui_console.devtenant.support_queries import field_filter, paging
from tui_console.devtenant.tokens import ManagementCaller, read_link_with_token

__all__ = ["routes"]

_CREDENTIAL_TYPES = ("public_key", "refresh_token", "rotating_refresh_token")


# -- users --------------------------------------------------------------------------------------


async def get_user(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    user_id = request.path_params["id"]
    access = policy("get_user").access(caller.scopes)
    fields, include = field_filter(request)
    if access == "current_user" and user_id != caller.sub:
        raise subject_mismatch()
    return 200, filter_fields(state.directory.management_user(user_id), fields, include)


async def patch_user(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """Recorded: the ``fields`` filter is ignored on PATCH, the full user comes back."""
    user_id = request.path_params["id"]
    access = policy("patch_user").access(caller.scopes)
    body = validate_user_patch(await json_body(request))
    required_patch_scopes(body, access, caller.scopes)
    if access == "current_user" and user_id != caller.sub:
        raise subject_mismatch()
    return 200, state.directory.patch_user(user_id, body)


_LINK_WITH = "JWT for the secondary account being linked."
_LINK_PROPERTIES = {
    "provider": "Identity provider of the secondary user account being linked.",
    "connection_id": "connection_id of the secondary user account being linked.",
    "user_id": "user_id of the secondary user account being linked.",
}


async def link_identity(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """``link_with`` (any token with the scope) or ``provider`` + ``user_id`` (admin only:
    auth0-reference.md §6.4, "with a current_user token only link_with is accepted")."""
    user_id = request.path_params["id"]
    access = policy("link").access(caller.scopes)
    body = object_body(await json_body(request))
    if "link_with" in body:
        others = sorted(set(body) - {"link_with"})
        if others:
            raise invalid_body(f"Additional properties not allowed: {','.join(others)}")
        token = body["link_with"]
        if not isinstance(token, str) or not token:
            raise wrong_type("string", token, "link_with", _LINK_WITH)
        if access == "current_user" and user_id != caller.sub:
            raise subject_mismatch()
        secondary = read_link_with_token(state, token, azp=caller.azp)
    else:
        if access != "admin":
            raise insufficient_scope(("update:users",))
        check_properties(body, _LINK_PROPERTIES, ("provider", "user_id"))
        provider, given = body["provider"], body["user_id"]
        # Recorded (ruby, go): the full "auth0|…" id is accepted here; a bare one is qualified.
        secondary = given if "|" in given else f"{provider}|{given}"
    return 201, state.directory.link_identity(user_id, secondary)


async def unlink_identity(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    params = request.path_params
    access = policy("unlink").access(caller.scopes)
    if access == "current_user" and params["id"] != caller.sub:
        raise subject_mismatch()
    return 200, state.directory.unlink_identity(params["id"], params["provider"], params["user_id"])


# -- device credentials -------------------------------------------------------------------------

_PER_PAGE = (
    "Number of results per page.  There is a maximum of 1000 results allowed from this endpoint."
)
_TYPE = (
    "Type of credentials to retrieve. Must be `public_key`, `refresh_token` or "
    "`rotating_refresh_token`. The property will default to `refresh_token` when paging is "
    "requested"
)


async def list_device_credentials(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """Admin only (``read:device_credentials``, auth0-reference.md §6.6): a current-user token
    gets 403 ``insufficient_scope``. Items have no ``client_id`` (recorded, NOTES.md §4)."""
    policy("list_device_credentials").access(caller.scopes)
    query = request.query_params
    page, per_page, totals = paging(request, per_page_description=_PER_PAGE)
    fields, include = field_filter(request)
    kind = query.get("type")
    if kind is not None and kind not in _CREDENTIAL_TYPES:
        raise invalid_query(f'No enum match for: "{kind}"', "type", _TYPE)
    matching = state.list_device_credentials(
        user_id=query.get("user_id") or None,
        client_id=query.get("client_id") or None,
        type=kind,
    )
    start = page * per_page
    items = [
        filter_fields(c.to_management_json(), fields, include)
        for c in matching[start : start + per_page]
    ]
    if not totals:
        return 200, items
    envelope = {"start": start, "limit": per_page, "total": len(matching)}
    return 200, {**envelope, "device_credentials": items}


_CREATE_PROPERTIES = {
    "device_name": "Name for this device easily recognized by owner.",
    "type": "Type of credential. Must be `public_key`.",
    "value": "Base64 encoded string containing the credential.",
    "device_id": "Unique identifier for the device. Recommend using Android_ID on Android and "
    "identifierForVendor.",
    "client_id": "client_id of the client (application) this credential is for.",
}


async def create_device_credential(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """A public key for the caller's own device (auth0-reference.md §6.6; recorded 201)."""
    policy("create_device_credential").access(caller.scopes)
    body = object_body(await json_body(request))
    check_properties(body, _CREATE_PROPERTIES, ("device_name", "type", "value", "device_id"))
    if body["type"] != "public_key":
        raise invalid_body(
            f'No enum match for: "{body["type"]}"', "type", _CREATE_PROPERTIES["type"]
        )
    for name in ("device_name", "value"):
        if not body[name]:
            raise invalid_body(
                "String is too short (0 chars), minimum 1", name, _CREATE_PROPERTIES[name]
            )
    try:
        base64.b64decode(body["value"], validate=True)
    except binascii.Error:
        raise invalid_body(
            f"Object didn't pass validation for format byte: {body['value']}",
            "value",
            _CREATE_PROPERTIES["value"],
        ) from None
    credential_id = state.directory.create_device_credential(
        user_id=caller.sub,
        client_id=body.get("client_id") or caller.azp or seed.CLIENT_ID,
        device_name=body["device_name"],
        device_id=body["device_id"],
        value=body["value"],
    )
    return 201, {"id": credential_id}


async def delete_device_credential(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """204 with an empty body, also when the credential is already gone (recorded)."""
    access = policy("delete_device_credential").access(caller.scopes)
    acting_user = caller.sub if access == "current_user" else None
    state.directory.delete_device_credential(request.path_params["id"], acting_user=acting_user)
    return 204, None


def routes() -> list[Route]:
    """The account endpoints, relative to the ``/api/v2`` mount (:func:`.app.create_app`)."""
    users = EndpointSpec("get_user")
    identities = EndpointSpec(
        "link", conflict="Specified identity already exists.", action="Link a User Account"
    )
    writes = EndpointSpec(
        "create_device_credential",
        device_credentials_write=True,
        conflict="A public key already exists for the device.",
        action="Create a Device Public Key",
    )
    return [
        Route("/users/{id}", endpoint_for(users, get_user), methods=["GET"]),
        Route(
            "/users/{id}",
            endpoint_for(EndpointSpec("patch_user", action="Update a User"), patch_user),
            methods=["PATCH"],
        ),
        Route(
            "/users/{id}/identities",
            endpoint_for(identities, link_identity),
            methods=["POST"],
        ),
        Route(
            "/users/{id}/identities/{provider}/{user_id}",
            endpoint_for(EndpointSpec("unlink", action="Unlink a User Account"), unlink_identity),
            methods=["DELETE"],
        ),
        Route(
            "/device-credentials",
            endpoint_for(EndpointSpec("list_device_credentials"), list_device_credentials),
            methods=["GET"],
        ),
        Route(
            "/device-credentials",
            endpoint_for(writes, create_device_credential),
            methods=["POST"],
        ),
        Route(
            "/device-credentials/{id}",
            endpoint_for(
                EndpointSpec(
                    "delete_device_credential",
                    device_credentials_write=True,
                    action="Delete a Device Credential",
                ),
                delete_device_credential,
            ),
            methods=["DELETE"],
        ),
    ]
