"""The Management API endpoints of the support console (admin scopes only).

They run through the same pipeline as :mod:`.management_routes` (token, injected failure,
rate limit, scope, validation, data; :func:`~.management_routes.endpoint_for`). Shapes are the
recordings' (auth0-recordings/NOTES.md §5, §11); where nothing was recorded the module that
owns the data says what was guessed.

* ``GET /api/v2/users`` (``q``, ``search_engine``, ``page``/``per_page``/``include_totals``,
  ``sort``, ``fields``/``include_fields``; :mod:`.directory`): a bare array, or
  ``{start, limit, length, total, users}`` with totals (recorded);
* ``GET /api/v2/users-by-email?email=``: a bare array, exact and case-sensitive [MO, U1];
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from tui_console.devtenant.directory import SEARCH_RESULT_CAP, parse_query, sort_users
from tui_console.devtenant.management import (
    ManagementApiError,
    filter_fields,
    invalid_query,
    parse_bool,
    parse_int,
    policy,
)
from tui_console.devtenant.management_routes import EndpointSpec, endpoint_for
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


def routes() -> list[Route]:
    users = EndpointSpec("list_users")
    return [
        Route("/api/v2/users", endpoint_for(users, list_users), methods=["GET"]),
        Route("/api/v2/users-by-email", endpoint_for(users, users_by_email), methods=["GET"]),
    ]
