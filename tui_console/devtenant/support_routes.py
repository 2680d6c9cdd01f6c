"""The Management API endpoints of the support console (admin scopes only).

They run through the same pipeline as :mod:`.management_routes` (token, injected failure,
rate limit, scope, validation, data; :func:`~.management_routes.endpoint_for`). Shapes are the
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
  refresh-token delete, 204 with no body for ``DELETE /refresh-tokens/{id}``;
* logs (:mod:`.logs`): ``GET /api/v2/logs`` (page or checkpoint mode), ``/logs/{id}``,
  ``/users/{id}/logs``, in their own rate-limit bucket (``TenantSettings.logs_burst``);
* user blocks (:mod:`.attack_protection`): ``GET``/``DELETE /api/v2/user-blocks/{id}`` and
  ``?identifier=``: ``{"blocked_for": [...]}`` and 204 (recorded);
* MFA (:mod:`.mfa`): ``GET /api/v2/users/{id}/enrollments``, ``GET``/``DELETE
  /api/v2/users/{id}/authentication-methods[/{method_id}]`` (the DELETE without an id resets
  them all), ``POST /api/v2/users/{id}/multifactor/actions/invalidate-remember-browser``:
  204 with no body for the deletes and the invalidation (recorded);

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
from tui_console.devtenant.management import (
    ManagementApiError,
    filter_fields,
    invalid_body,
    invalid_query,
    parse_bool,
    parse_int,
    policy,
    subject_mismatch,
)
from tui_console.devtenant.management_routes import (
    EndpointSpec,
    endpoint_for,
    json_body,
    object_body,
)
from tui_console.devtenant.sessions import page_by_checkpoint, refresh_token_json, session_json
from tui_console.devtenant.state import TenantState
from tui_console.devtenant.tokens import ManagementCaller

__all__ = ["routes"]

_MAX_PER_PAGE = 100
_DESCRIPTIONS = {
    "page": "Page index of the results to return. First page is 0.",
    "per_page": "Number of results per page.",
    "include_totals": "Return results inside an object that contains the total result count "
    "(true) or as a direct array of results (false, default).",
    "include_fields": "Whether specified fields are to be included (true) or excluded (false).",
    "search_engine": "The version of the search engine",
    "email": "Email address to search for (case-sensitive).",
}


def _paging(request: Request, *, default_per_page: int = 50) -> tuple[int, int, bool]:
    """``(page, per_page, include_totals)`` validated as Auth0 does (per_page ≤ 100)."""
    query = request.query_params
    d = _DESCRIPTIONS
    page = parse_int(query.get("page"), "page", d["page"], default=0, minimum=0)
    per_page = parse_int(
        query.get("per_page"),
        "per_page",
        d["per_page"],
        default=default_per_page,
        minimum=1,
        maximum=_MAX_PER_PAGE,
    )
    totals = parse_bool(
        query.get("include_totals"), "include_totals", d["include_totals"], default=False
    )
    return page, per_page, totals


def _fields(request: Request) -> tuple[str | None, bool]:
    query = request.query_params
    include = parse_bool(
        query.get("include_fields"),
        "include_fields",
        _DESCRIPTIONS["include_fields"],
        default=True,
    )
    return query.get("fields"), include


# -- users ----------------------------------------------------------------------------------------


async def list_users(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    policy("list_users").access(caller.scopes)
    query = request.query_params
    engine = query.get("search_engine", "v3")
    if engine not in ("v2", "v3"):
        raise invalid_query(
            f'No enum match for: "{engine}"', "search_engine", _DESCRIPTIONS["search_engine"]
        )
    page, per_page, totals = _paging(request)
    fields, include = _fields(request)
    wanted = parse_query(query.get("q", ""))
    if page * per_page >= SEARCH_RESULT_CAP:
        raise ManagementApiError(
            400, "You can only page through the first 1000 records.", "invalid_paging"
        )
    users = [u for u in state.directory_json() if wanted.matches(u)]
    users = sort_users(users, query.get("sort"))[:SEARCH_RESULT_CAP]
    start = page * per_page
    items = [filter_fields(u, fields, include) for u in users[start : start + per_page]]
    if not totals:
        return 200, items
    envelope = {"start": start, "limit": per_page, "length": len(items), "total": len(users)}
    return 200, {**envelope, "users": items}


async def users_by_email(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """Exact and case-sensitive: ``Ada@example.com`` finds nobody (§8.6 [MO, U1])."""
    policy("list_users").access(caller.scopes)
    email = request.query_params.get("email")
    if not email:
        raise invalid_query("Missing required property: email", "email", _DESCRIPTIONS["email"])
    fields, include = _fields(request)
    return 200, [
        filter_fields(u, fields, include) for u in state.directory_json() if u.get("email") == email
    ]


# -- sessions and refresh tokens ----------------------------------------------------------------

_ENTERPRISE_ONLY = "Please upgrade your subscription to use sessions management"
_TAKE = "Number of results per page. Defaults to 50."
_FROM = "An optional cursor from which to start the selection (exclusive)."


def _enterprise(state: TenantState) -> None:
    if state.settings.plan != "enterprise":
        raise ManagementApiError(403, _ENTERPRISE_ONLY, "insufficient_entitlement")


def _all_scopes(caller: ManagementCaller, needed: tuple[str, ...]) -> None:
    if not set(needed) <= caller.scopes:
        raise ManagementApiError(
            403, "Insufficient scope, expected all of: " + ",".join(needed), "insufficient_scope"
        )


def _existing_user(state: TenantState, user_id: str) -> None:
    state.management_user(user_id)  # 404 inexistent_user when there is none


def _checkpoint_list(
    request: Request, key: str, items: list[dict[str, Any]]
) -> tuple[int, dict[str, Any]]:
    query = request.query_params
    take = parse_int(query.get("take"), "take", _TAKE, default=50, minimum=1, maximum=100)
    totals = parse_bool(
        query.get("include_totals"),
        "include_totals",
        _DESCRIPTIONS["include_totals"],
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
    _enterprise(state)
    policy("read_sessions").access(caller.scopes)
    user_id = request.path_params["id"]
    _existing_user(state, user_id)
    items = [session_json(state, s) for s in state.sessions.of_user(user_id)]
    return _checkpoint_list(request, "sessions", items)


async def delete_user_sessions(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    _enterprise(state)
    policy("delete_sessions").access(caller.scopes)
    user_id = request.path_params["id"]
    _existing_user(state, user_id)
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
    _enterprise(state)
    policy("read_sessions").access(caller.scopes)
    return 200, session_json(state, _session(state, request.path_params["id"]))


async def delete_session(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """202 ``{}``, also for an id that is gone (recorded with a placeholder id)."""
    _enterprise(state)
    policy("delete_sessions").access(caller.scopes)
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
    state.revoke_families(session_ids=[session_id])
    return 202, {}


async def user_refresh_tokens(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    _enterprise(state)
    policy("read_refresh_tokens").access(caller.scopes)
    user_id = request.path_params["id"]
    _existing_user(state, user_id)
    items = [refresh_token_json(state, f) for f in state.live_families(user_id)]
    return _checkpoint_list(request, "tokens", items)


async def delete_user_refresh_tokens(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    _enterprise(state)
    policy("delete_refresh_tokens").access(caller.scopes)
    user_id = request.path_params["id"]
    _existing_user(state, user_id)
    state.revoke_families(user_id=user_id)
    return 202, {}


def _family(state: TenantState, family_id: str) -> Any:
    family = state.live_family(family_id)
    if family is None:
        raise ManagementApiError(
            404, "The refresh token does not exist.", "refresh_token_not_found"
        )
    return family


async def get_refresh_token(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    _enterprise(state)
    policy("read_refresh_tokens").access(caller.scopes)
    return 200, refresh_token_json(state, _family(state, request.path_params["id"]))


async def delete_refresh_token(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """204 with no body (recorded; the OAS says 202). UNRECORDED: 404 for an unknown id."""
    _enterprise(state)
    policy("delete_refresh_tokens").access(caller.scopes)
    family = _family(state, request.path_params["id"])
    state.revoke_families(family_ids=[family.id])
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
    _existing_user(state, user_id)
    session_id = body.get("session_id")
    keep_tokens = body.get("preserve_refresh_tokens", False)
    mine = [s.id for s in state.sessions.of_user(user_id)]
    ended = [session_id] if session_id is not None else mine
    state.sessions.end(s for s in ended if s in mine)
    if not keep_tokens:
        if session_id is None:
            state.revoke_families(user_id=user_id)
        elif session_id in mine:
            state.revoke_families(session_ids=[session_id])
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


# -- logs -----------------------------------------------------------------------------------------


def _logs_fields(items: list[dict[str, Any]], request: Request) -> list[dict[str, Any]]:
    """``fields`` with ``include_fields=true`` (or alone) keeps those keys plus ``_id``
    (recorded); exclusion drops the named keys (recorded answers drop more: not imitated)."""
    fields, include = _fields(request)
    if not fields:
        return items
    if include:
        fields = f"{fields},_id"
    return [filter_fields(item, fields, include) for item in items]


def _sorted_logs(items: list[dict[str, Any]], sort: str | None) -> list[dict[str, Any]]:
    if not sort:
        return items  # newest first
    field, _, direction = sort.partition(":")
    if direction not in ("1", "-1") or not field:
        raise invalid_query(
            f"sort must be field:1 or field:-1, not {sort!r}", "sort", "Field to sort by."
        )
    ordered = sorted(items, key=lambda e: (str(e.get(field) or ""), e["log_id"]))
    return ordered if direction == "1" else ordered[::-1]


def _page_of_logs(request: Request, items: list[dict[str, Any]]) -> tuple[int, Any]:
    page, per_page, totals = _paging(request)
    items = _sorted_logs(items, request.query_params.get("sort"))
    start = page * per_page
    chosen = _logs_fields(items[start : start + per_page], request)
    if not totals:
        return 200, chosen
    envelope = {"start": start, "limit": per_page, "length": len(chosen), "total": len(items)}
    return 200, {**envelope, "logs": chosen}


async def list_logs(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """Page mode, or checkpoint mode with ``from``/``take`` (which ignores the rest)."""
    policy("read_logs").access(caller.scopes)
    query = request.query_params
    checkpoint = query.get("from")
    if checkpoint is not None or query.get("take") is not None:
        take = parse_int(query.get("take"), "take", _TAKE, default=50, minimum=1, maximum=100)
        return 200, state.logs.after(checkpoint or "", take)
    wanted = parse_query(query.get("q", ""))
    return _page_of_logs(request, [e for e in state.logs.newest_first() if wanted.matches(e)])


async def get_log(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    policy("read_logs").access(caller.scopes)
    event = state.logs.get(request.path_params["id"])
    if event is None:
        raise ManagementApiError(404, "Log not found", "inexistent_log")
    return 200, event


async def user_logs(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """Page mode only (no ``from``/``take`` here, §8.6)."""
    policy("read_logs").access(caller.scopes)
    user_id = request.path_params["id"]
    _existing_user(state, user_id)
    mine = [e for e in state.logs.newest_first() if e.get("user_id") == user_id]
    return _page_of_logs(request, mine)


# -- user blocks ----------------------------------------------------------------------------------

_IDENTIFIER = "Should be any of a username, phone number, or email."


def _identifier(request: Request) -> str:
    identifier = request.query_params.get("identifier")
    if not identifier:
        raise invalid_query("Missing required property: identifier", "identifier", _IDENTIFIER)
    return identifier


async def user_blocks(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    policy("read_user_blocks").access(caller.scopes)
    return 200, {"blocked_for": state.brute_force.blocks_of_user(request.path_params["id"])}


async def identifier_blocks(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    policy("read_user_blocks").access(caller.scopes)
    return 200, {"blocked_for": state.brute_force.blocks_of_identifier(_identifier(request))}


def _log_unblock(state: TenantState, caller: ManagementCaller, user_id: str | None) -> None:
    state.logs.record(
        "ublkdu",
        description="User block released by an administrator.",
        client_id=caller.azp,
        user_id=user_id,
    )


async def delete_user_blocks(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """204 with no body, also when nothing was blocked (recorded)."""
    policy("delete_user_blocks").access(caller.scopes)
    user_id = request.path_params["id"]
    if state.brute_force.release_user(user_id):
        _log_unblock(state, caller, user_id)
    return 204, None


async def delete_identifier_blocks(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    policy("delete_user_blocks").access(caller.scopes)
    identifier = _identifier(request)
    known = state.find_user_by_email(identifier)
    if state.brute_force.release_identifier(identifier):
        _log_unblock(state, caller, known.user_id if known else None)
    return 204, None


# -- MFA ------------------------------------------------------------------------------------------


async def enrollments(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """The one support call a user token may make, for itself (§8.6)."""
    access = policy("read_enrollments").access(caller.scopes)
    user_id = request.path_params["id"]
    if access == "current_user" and user_id != caller.sub:
        raise subject_mismatch()
    _existing_user(state, user_id)
    return 200, state.mfa.enrollments(user_id)


async def authentication_methods(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """A bare array, or ``{authenticators, total, start, limit}`` without ``total`` when
    empty (recorded)."""
    policy("read_authentication_methods").access(caller.scopes)
    user_id = request.path_params["id"]
    _existing_user(state, user_id)
    page, per_page, totals = _paging(request)
    methods = state.mfa.methods(user_id)
    start = page * per_page
    items = methods[start : start + per_page]
    if not totals:
        return 200, items
    body: dict[str, Any] = {"authenticators": items}
    if methods:
        body["total"] = len(methods)
    return 200, {**body, "start": start, "limit": per_page}


async def authentication_method(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    policy("read_authentication_methods").access(caller.scopes)
    user_id = request.path_params["id"]
    _existing_user(state, user_id)
    return 200, state.mfa.method(user_id, request.path_params["method_id"])


async def delete_authentication_method(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    policy("delete_authentication_methods").access(caller.scopes)
    user_id = request.path_params["id"]
    _existing_user(state, user_id)
    state.mfa.delete(user_id, request.path_params["method_id"])
    _log_unenroll(state, caller, user_id, "An authentication method was removed.")
    return 204, None


async def reset_authentication_methods(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """ "Reset MFA": every method gone; 204 (recorded)."""
    policy("delete_authentication_methods").access(caller.scopes)
    user_id = request.path_params["id"]
    _existing_user(state, user_id)
    state.mfa.reset(user_id)
    _log_unenroll(state, caller, user_id, "Every authentication method was removed.")
    return 204, None


def _log_unenroll(
    state: TenantState, caller: ManagementCaller, user_id: str, description: str
) -> None:
    """``gd_unenroll`` next to the ``sapi`` (UNRECORDED description)."""
    state.logs.record("gd_unenroll", description=description, client_id=caller.azp, user_id=user_id)


async def invalidate_remember_browser(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """No body or ``{}``; 204 with no body (recorded, both ways)."""
    policy("invalidate_remember_browser").access(caller.scopes)
    raw = await json_body(request)
    if raw is not None and object_body(raw):
        raise invalid_body(f"Additional properties not allowed: {','.join(sorted(raw))}")
    user_id = request.path_params["id"]
    _existing_user(state, user_id)
    state.mfa.forget_browsers(user_id)
    return 204, None


def routes() -> list[Route]:
    users = EndpointSpec("list_users")
    read_sessions = EndpointSpec("read_sessions")
    delete_sessions = EndpointSpec("delete_sessions", action="Delete a Session")
    read_tokens = EndpointSpec("read_refresh_tokens")
    delete_tokens = EndpointSpec("delete_refresh_tokens", action="Delete a Refresh Token")
    logs = EndpointSpec("read_logs", logs=True)
    read_blocks = EndpointSpec("read_user_blocks")
    unblock = EndpointSpec("delete_user_blocks", action="Delete a User Block")
    read_methods = EndpointSpec("read_authentication_methods")
    delete_methods = EndpointSpec(
        "delete_authentication_methods", action="Delete an Authentication Method"
    )
    methods_path = "/api/v2/users/{id}/authentication-methods"
    return [
        Route(
            "/api/v2/users/{id}/enrollments",
            endpoint_for(EndpointSpec("read_enrollments"), enrollments),
            methods=["GET"],
        ),
        Route(methods_path, endpoint_for(read_methods, authentication_methods), methods=["GET"]),
        Route(
            methods_path,
            endpoint_for(
                EndpointSpec(
                    "delete_authentication_methods", action="Delete all Authentication Methods"
                ),
                reset_authentication_methods,
            ),
            methods=["DELETE"],
        ),
        Route(
            methods_path + "/{method_id}",
            endpoint_for(read_methods, authentication_method),
            methods=["GET"],
        ),
        Route(
            methods_path + "/{method_id}",
            endpoint_for(delete_methods, delete_authentication_method),
            methods=["DELETE"],
        ),
        Route(
            "/api/v2/users/{id}/multifactor/actions/invalidate-remember-browser",
            endpoint_for(
                EndpointSpec(
                    "invalidate_remember_browser", action="Invalidate Remember Browser for MFA"
                ),
                invalidate_remember_browser,
            ),
            methods=["POST"],
        ),
        Route("/api/v2/logs", endpoint_for(logs, list_logs), methods=["GET"]),
        Route("/api/v2/logs/{id}", endpoint_for(logs, get_log), methods=["GET"]),
        Route("/api/v2/users/{id}/logs", endpoint_for(logs, user_logs), methods=["GET"]),
        Route("/api/v2/user-blocks", endpoint_for(read_blocks, identifier_blocks), methods=["GET"]),
        Route(
            "/api/v2/user-blocks",
            endpoint_for(unblock, delete_identifier_blocks),
            methods=["DELETE"],
        ),
        Route("/api/v2/user-blocks/{id}", endpoint_for(read_blocks, user_blocks), methods=["GET"]),
        Route(
            "/api/v2/user-blocks/{id}",
            endpoint_for(unblock, delete_user_blocks),
            methods=["DELETE"],
        ),
        Route("/api/v2/users", endpoint_for(users, list_users), methods=["GET"]),
        Route("/api/v2/users-by-email", endpoint_for(users, users_by_email), methods=["GET"]),
        Route(
            "/api/v2/users/{id}/sessions",
            endpoint_for(read_sessions, user_sessions),
            methods=["GET"],
        ),
        Route(
            "/api/v2/users/{id}/sessions",
            endpoint_for(delete_sessions, delete_user_sessions),
            methods=["DELETE"],
        ),
        Route("/api/v2/sessions/{id}", endpoint_for(read_sessions, get_session), methods=["GET"]),
        Route(
            "/api/v2/sessions/{id}",
            endpoint_for(delete_sessions, delete_session),
            methods=["DELETE"],
        ),
        Route(
            "/api/v2/sessions/{id}/revoke",
            endpoint_for(
                EndpointSpec("delete_sessions", action="Revoke a Session"), revoke_session
            ),
            methods=["POST"],
        ),
        Route(
            "/api/v2/users/{id}/refresh-tokens",
            endpoint_for(read_tokens, user_refresh_tokens),
            methods=["GET"],
        ),
        Route(
            "/api/v2/users/{id}/refresh-tokens",
            endpoint_for(delete_tokens, delete_user_refresh_tokens),
            methods=["DELETE"],
        ),
        Route(
            "/api/v2/refresh-tokens/{id}",
            endpoint_for(read_tokens, get_refresh_token),
            methods=["GET"],
        ),
        Route(
            "/api/v2/refresh-tokens/{id}",
            endpoint_for(delete_tokens, delete_refresh_token),
            methods=["DELETE"],
        ),
        Route(
            "/api/v2/users/{id}/revoke-access",
            endpoint_for(
                EndpointSpec("delete_sessions", action="Revoke a User's Access"), revoke_access
            ),
            methods=["POST"],
        ),
    ]
