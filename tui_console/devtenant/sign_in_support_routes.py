"""The Management API endpoints behind "why can't this user sign in?" (issue 12): log events,
brute-force blocks and MFA factors, admin scopes only except a user's own enrollments.

They run through the pipeline of :mod:`.management_pipeline`; shapes are the recordings'
(auth0-recordings/NOTES.md §11), and the modules that own the data list what was guessed:

* logs (:mod:`.logs`): ``GET /api/v2/logs`` (page or checkpoint mode), ``/logs/{id}``,
  ``/users/{id}/logs``, in their own rate-limit bucket (``TenantSettings.logs_burst``);
* user blocks (:mod:`.attack_protection`): ``GET``/``DELETE /api/v2/user-blocks/{id}`` and
  ``?identifier=``: ``{"blocked_for": [...]}`` and 204 (recorded);
* MFA (:mod:`.mfa`): ``GET /api/v2/users/{id}/enrollments``, ``GET``/``DELETE
  /api/v2/users/{id}/authentication-methods[/{method_id}]`` (the DELETE without an id resets
  them all), ``POST /api/v2/users/{id}/multifactor/actions/invalidate-remember-browser``:
  204 with no body for the deletes and the invalidation (recorded).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from tui_console.devtenant.directory import parse_query
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
    parse_int,
    policy,
    subject_mismatch,
)
from tui_console.devtenant.state import TenantState
from tui_console.devtenant.support_queries import (
    TAKE,
    existing_user,
    field_filter,
    page_of,
    paging,
    permitted_user,
)
from tui_console.devtenant.tokens import ManagementCaller

__all__ = ["routes"]


# -- logs -----------------------------------------------------------------------------------------


def _logs_fields(items: list[dict[str, Any]], request: Request) -> list[dict[str, Any]]:
    """``fields`` with ``include_fields=true`` (or alone) keeps those keys plus ``_id``
    (recorded); exclusion drops the named keys (recorded answers drop more: not imitated)."""
    fields, include = field_filter(request)
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
    ordered = _sorted_logs(items, request.query_params.get("sort"))
    return page_of(request, ordered, "logs", lambda chosen: _logs_fields(chosen, request))


async def list_logs(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """Page mode, or checkpoint mode with ``from``/``take`` (which ignores the rest)."""
    policy("read_logs").access(caller.scopes)
    query = request.query_params
    checkpoint = query.get("from")
    if checkpoint is not None or query.get("take") is not None:
        take = parse_int(query.get("take"), "take", TAKE, default=50, minimum=1, maximum=100)
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
    user_id = permitted_user(request, state, caller, "read_logs")
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
    known = state.directory.find_user_by_email(identifier)
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
    existing_user(state, user_id)
    return 200, state.mfa.enrollments(user_id)


async def authentication_methods(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """A bare array, or ``{authenticators, total, start, limit}`` without ``total`` when
    empty (recorded)."""
    user_id = permitted_user(request, state, caller, "read_authentication_methods")
    page, per_page, totals = paging(request)
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
    user_id = permitted_user(request, state, caller, "read_authentication_methods")
    return 200, state.mfa.method(user_id, request.path_params["method_id"])


async def delete_authentication_method(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    user_id = permitted_user(request, state, caller, "delete_authentication_methods")
    state.mfa.delete(user_id, request.path_params["method_id"])
    _log_unenroll(state, caller, user_id, "An authentication method was removed.")
    return 204, None


async def reset_authentication_methods(
    request: Request, state: TenantState, caller: ManagementCaller
) -> tuple[int, Any]:
    """ "Reset MFA": every method gone; 204 (recorded)."""
    user_id = permitted_user(request, state, caller, "delete_authentication_methods")
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
    existing_user(state, user_id)
    state.mfa.forget_browsers(user_id)
    return 204, None


def routes() -> list[Route]:
    """Relative to the ``/api/v2`` mount (:func:`.app.create_app`)."""
    logs = EndpointSpec("read_logs", logs=True)
    read_blocks = EndpointSpec("read_user_blocks")
    unblock = EndpointSpec("delete_user_blocks", action="Delete a User Block")
    read_methods = EndpointSpec("read_authentication_methods")
    delete_methods = EndpointSpec(
        "delete_authentication_methods", action="Delete an Authentication Method"
    )
    methods_path = "/users/{id}/authentication-methods"
    return [
        Route(
            "/users/{id}/enrollments",
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
            "/users/{id}/multifactor/actions/invalidate-remember-browser",
            endpoint_for(
                EndpointSpec(
                    "invalidate_remember_browser", action="Invalidate Remember Browser for MFA"
                ),
                invalidate_remember_browser,
            ),
            methods=["POST"],
        ),
        Route("/logs", endpoint_for(logs, list_logs), methods=["GET"]),
        Route("/logs/{id}", endpoint_for(logs, get_log), methods=["GET"]),
        Route("/users/{id}/logs", endpoint_for(logs, user_logs), methods=["GET"]),
        Route("/user-blocks", endpoint_for(read_blocks, identifier_blocks), methods=["GET"]),
        Route(
            "/user-blocks",
            endpoint_for(unblock, delete_identifier_blocks),
            methods=["DELETE"],
        ),
        Route("/user-blocks/{id}", endpoint_for(read_blocks, user_blocks), methods=["GET"]),
        Route(
            "/user-blocks/{id}",
            endpoint_for(unblock, delete_user_blocks),
            methods=["DELETE"],
        ),
    ]
