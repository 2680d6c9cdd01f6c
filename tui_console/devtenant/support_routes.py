"""The Management API endpoints of the support console for finding a user and ending their
sessions (issue 11; admin scopes only).

They run through the same pipeline as the account endpoints (token, injected failure, rate
limit, scope, validation, data; :func:`~.management_pipeline.endpoint_for`). Shapes are the
recordings' (auth0-recordings/NOTES.md §5, §11); where nothing was recorded the module that
owns the data says what was guessed.

* ``GET /api/v2/users`` (``q``, ``search_engine``, ``page``/``per_page``/``include_totals``,
  ``sort``, ``fields``/``include_fields``; :mod:`.directory`): a bare array, or
  ``{start, limit, length, total, users}`` with totals (recorded);
* ``GET /api/v2/users-by-email?email=``: a bare array, exact and case-sensitive [MO, U1];
* sessions and refresh tokens (:mod:`.sessions`, Enterprise only): ``GET
  /api/v2/users/{id}/sessions`` and ``/refresh-tokens`` (checkpoint ``from``/``take``),
  ``GET``/``DELETE /api/v2/sessions/{id}``, ``POST /api/v2/sessions/{id}/revoke``,
  ``DELETE /api/v2/users/{id}/sessions`` and ``/refresh-tokens``, ``GET``/``DELETE
  /api/v2/refresh-tokens/{id}``; ``POST /api/v2/users/{id}/revoke-access``. Statuses as
  recorded: 202 with ``{}`` for the session deletes, the revoke and the user-level
  refresh-token delete, 204 with no body for ``DELETE /refresh-tokens/{id}``.

On ``TenantSettings(plan="free")`` the session and refresh-token endpoints answer 403
``insufficient_entitlement`` "Please upgrade your subscription to use sessions management"
(UNRECORDED wording, patterned on the recorded "Please upgrade your subscription to use bot
detection", errors.json); revoke-access stays available (the OAS has no plan note for it).

Scopes: one of the listed scopes for each endpoint, except the revokes that end refresh tokens
too (``POST /sessions/{id}/revoke``, ``revoke-access``), which need both ``delete:sessions`` and
``delete:refresh_tokens``; their 403 says "Insufficient scope, expected all of: ..."
(UNRECORDED wording).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.routing import Route

from tui_console.devtenant.directory import SEARCH_RESULT_CAP, parse_query, sort_users
from tui_console.devtenant.management_pipeline import (
    EndpointSpec,
    endpoint_for,
    json_body,
    object_body,
)
from tui_console.devtenant.management_rules import (
    ManagementApiError,
    filter_fields,
    invalid_body,
    invalid_query,
    parse_bool,
    parse_int,
    policy,
)
from tui_console.devtenant.sessions import page_by_checkpoint, refresh_token_json, session_json
from tui_console.devtenant.state import TenantState
from tui_console.devtenant.support_queries import (
    DESCRIPTIONS,
    TAKE,
    existing_user,
    field_filter,
    page_of,
    paging,
    permitted_user,
)
from tui_console.devtenant.tokens import ManagementCaller

__all__ = ["routes"]


# -- users ----------------------------------------------------------------------------------------


async def list_users(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    policy("list_users").access(caller.scopes)
    query = request.query_params
    engine = query.get("search_engine", "v3")
    if engine not in ("v2", "v3"):
        raise invalid_query(
            f'No enum match for: "{engine}"', "search_engine", DESCRIPTIONS["search_engine"]
        )
    page, per_page, _ = paging(request)
    fields, include = field_filter(request)
    wanted = parse_query(query.get("q", ""))
    if page * per_page >= SEARCH_RESULT_CAP:
        raise ManagementApiError(
            400, "You can only page through the first 1000 records.", "invalid_paging"
        )
    users = [u for u in state.directory.management_users() if wanted.matches(u)]
    users = sort_users(users, query.get("sort"))[:SEARCH_RESULT_CAP]
    return page_of(
        request, users, "users", lambda chosen: [filter_fields(u, fields, include) for u in chosen]
    )


async def users_by_email(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """Exact and case-sensitive: ``Ada@example.com`` finds nobody (§8.6 [MO, U1])."""
    policy("list_users").access(caller.scopes)
    email = request.query_params.get("email")
    if not email:
        raise invalid_query("Missing required property: email", "email", DESCRIPTIONS["email"])
    fields, include = field_filter(request)
    return 200, [
        filter_fields(u, fields, include)
        for u in state.directory.management_users()
        if u.get("email") == email
    ]


# -- sessions and refresh tokens ----------------------------------------------------------------

_ENTERPRISE_ONLY = "Please upgrade your subscription to use sessions management"


def _enterprise(state: TenantState) -> None:
    if state.settings.plan != "enterprise":
        raise ManagementApiError(403, _ENTERPRISE_ONLY, "insufficient_entitlement")


def _enterprise_access(state: TenantState, caller: ManagementCaller, endpoint: str) -> None:
    """The plan first (403 ``insufficient_entitlement``), then ``endpoint``'s scope."""
    _enterprise(state)
    policy(endpoint).access(caller.scopes)


def _enterprise_user(
    request: Request, state: TenantState, caller: ManagementCaller, endpoint: str
) -> str:
    """The plan, then :func:`.support_queries.permitted_user`: the path's user id."""
    _enterprise(state)
    return permitted_user(request, state, caller, endpoint)


def _all_scopes(caller: ManagementCaller, needed: tuple[str, ...]) -> None:
    if not set(needed) <= caller.scopes:
        raise ManagementApiError(
            403, "Insufficient scope, expected all of: " + ",".join(needed), "insufficient_scope"
        )


def _checkpoint_list(
    request: Request, key: str, items: list[dict[str, Any]]
) -> tuple[int, dict[str, Any]]:
    query = request.query_params
    take = parse_int(query.get("take"), "take", TAKE, default=50, minimum=1, maximum=100)
    totals = parse_bool(
        query.get("include_totals"),
        "include_totals",
        DESCRIPTIONS["include_totals"],
        default=False,
    )
    page, following = page_by_checkpoint(items, query.get("from") or None, take)
    body: dict[str, Any] = {key: page}
    if following is not None:
        body["next"] = following
    if totals:
        body["total"] = len(items)
    return 200, body


async def user_sessions(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    user_id = _enterprise_user(request, state, caller, "read_sessions")
    items = [session_json(state, s) for s in state.sessions.of_user(user_id)]
    return _checkpoint_list(request, "sessions", items)


async def delete_user_sessions(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    user_id = _enterprise_user(request, state, caller, "delete_sessions")
    state.sessions.end(s.id for s in state.sessions.of_user(user_id))
    return 202, {}


def _session(state: TenantState, session_id: str) -> Any:
    session = state.sessions.get(session_id)
    if session is None:
        raise ManagementApiError(404, "The session does not exist.", "session_not_found")
    return session


async def get_session(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    _enterprise_access(state, caller, "read_sessions")
    return 200, session_json(state, _session(state, request.path_params["id"]))


async def delete_session(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """202 ``{}``, also for an id that is gone (recorded with a placeholder id)."""
    _enterprise_access(state, caller, "delete_sessions")
    state.sessions.end([request.path_params["id"]])
    return 202, {}


async def revoke_session(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """The session and its refresh tokens (§8.2); 202 ``{}`` (recorded)."""
    _enterprise(state)
    _all_scopes(caller, ("delete:sessions", "delete:refresh_tokens"))
    session_id = request.path_params["id"]
    state.sessions.end([session_id])
    state.refresh_tokens.revoke_families(session_ids=[session_id])
    return 202, {}


async def user_refresh_tokens(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    user_id = _enterprise_user(request, state, caller, "read_refresh_tokens")
    items = [refresh_token_json(state, f) for f in state.refresh_tokens.live_families(user_id)]
    return _checkpoint_list(request, "tokens", items)


async def delete_user_refresh_tokens(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    user_id = _enterprise_user(request, state, caller, "delete_refresh_tokens")
    state.refresh_tokens.revoke_families(user_id=user_id)
    return 202, {}


def _family(state: TenantState, family_id: str) -> Any:
    family = state.refresh_tokens.live_family(family_id)
    if family is None:
        raise ManagementApiError(
            404, "The refresh token does not exist.", "refresh_token_not_found"
        )
    return family


async def get_refresh_token(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    _enterprise_access(state, caller, "read_refresh_tokens")
    return 200, refresh_token_json(state, _family(state, request.path_params["id"]))


async def delete_refresh_token(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """204 with no body (recorded; the OAS says 202). UNRECORDED: 404 for an unknown id."""
    _enterprise_access(state, caller, "delete_refresh_tokens")
    family = _family(state, request.path_params["id"])
    state.refresh_tokens.revoke_families(family_ids=[family.id])
    return 204, None


_REVOKE_ACCESS = {
    "session_id": "ID of the session to revoke.",
    "preserve_refresh_tokens": "Whether to preserve the refresh tokens associated with the "
    "session.",
}


async def revoke_access(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """``{session_id?, preserve_refresh_tokens?}`` (JSON or form); 202 ``{}`` (UNRECORDED)."""
    _all_scopes(caller, ("delete:sessions", "delete:refresh_tokens"))
    user_id = request.path_params["id"]
    body = await _revoke_access_body(request)
    existing_user(state, user_id)
    session_id = body.get("session_id")
    keep_tokens = body.get("preserve_refresh_tokens", False)
    mine = [s.id for s in state.sessions.of_user(user_id)]
    ended = [session_id] if session_id is not None else mine
    state.sessions.end(s for s in ended if s in mine)
    if not keep_tokens:
        if session_id is None:
            state.refresh_tokens.revoke_families(user_id=user_id)
        elif session_id in mine:
            state.refresh_tokens.revoke_families(session_ids=[session_id])
    return 202, {}


async def _revoke_access_body(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        body: dict[str, Any] = dict(form)
        if "preserve_refresh_tokens" in body:
            body["preserve_refresh_tokens"] = parse_bool(
                form["preserve_refresh_tokens"],
                "preserve_refresh_tokens",
                _REVOKE_ACCESS["preserve_refresh_tokens"],
                default=False,
            )
    else:
        raw = await json_body(request)
        body = {} if raw is None else object_body(raw)
    unknown = sorted(set(body) - set(_REVOKE_ACCESS))
    if unknown:
        raise invalid_body(f"Additional properties not allowed: {','.join(unknown)}")
    session_id = body.get("session_id")
    if session_id is not None and (
        not isinstance(session_id, str) or not 0 < len(session_id) <= 50
    ):
        raise invalid_body(
            "Expected a string of 1 to 50 characters", "session_id", _REVOKE_ACCESS["session_id"]
        )
    keep = body.get("preserve_refresh_tokens", False)
    if not isinstance(keep, bool):
        raise invalid_body(
            "Expected type boolean",
            "preserve_refresh_tokens",
            _REVOKE_ACCESS["preserve_refresh_tokens"],
        )
    return body


def routes() -> list[Route]:
    """Relative to the ``/api/v2`` mount (:func:`.app.create_app`)."""
    users = EndpointSpec("list_users")
    read_sessions = EndpointSpec("read_sessions")
    delete_sessions = EndpointSpec("delete_sessions", action="Delete a Session")
    read_tokens = EndpointSpec("read_refresh_tokens")
    delete_tokens = EndpointSpec("delete_refresh_tokens", action="Delete a Refresh Token")
    return [
        Route("/users", endpoint_for(users, list_users), methods=["GET"]),
        Route("/users-by-email", endpoint_for(users, users_by_email), methods=["GET"]),
        Route(
            "/users/{id}/sessions",
            endpoint_for(read_sessions, user_sessions),
            methods=["GET"],
        ),
        Route(
            "/users/{id}/sessions",
            endpoint_for(delete_sessions, delete_user_sessions),
            methods=["DELETE"],
        ),
        Route("/sessions/{id}", endpoint_for(read_sessions, get_session), methods=["GET"]),
        Route(
            "/sessions/{id}",
            endpoint_for(delete_sessions, delete_session),
            methods=["DELETE"],
        ),
        Route(
            "/sessions/{id}/revoke",
            endpoint_for(
                EndpointSpec("delete_sessions", action="Revoke a Session"), revoke_session
            ),
            methods=["POST"],
        ),
        Route(
            "/users/{id}/refresh-tokens",
            endpoint_for(read_tokens, user_refresh_tokens),
            methods=["GET"],
        ),
        Route(
            "/users/{id}/refresh-tokens",
            endpoint_for(delete_tokens, delete_user_refresh_tokens),
            methods=["DELETE"],
        ),
        Route(
            "/refresh-tokens/{id}",
            endpoint_for(read_tokens, get_refresh_token),
            methods=["GET"],
        ),
        Route(
            "/refresh-tokens/{id}",
            endpoint_for(delete_tokens, delete_refresh_token),
            methods=["DELETE"],
        ),
        Route(
            "/users/{id}/revoke-access",
            endpoint_for(
                EndpointSpec("delete_sessions", action="Revoke a User's Access"), revoke_access
            ),
            methods=["POST"],
        ),
    ]
