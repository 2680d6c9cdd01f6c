"""Query parameters the Management list endpoints share: page mode, field filters, the user check.

Auth0 validates them the same way across its list endpoints (``per_page`` at most 100,
booleans as ``true``/``false``); the 400 wording is :func:`.management_rules.invalid_query`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from tui_console.devtenant.management_rules import parse_bool, parse_int, policy
from tui_console.devtenant.state import TenantState
from tui_console.devtenant.tokens import ManagementCaller

__all__ = [
    "DESCRIPTIONS",
    "TAKE",
    "existing_user",
    "field_filter",
    "page_of",
    "paging",
    "permitted_user",
]

MAX_PER_PAGE = 100
DESCRIPTIONS = {
    "page": "Page index of the results to return. First page is 0.",
    "per_page": "Number of results per page.",
    "include_totals": "Return results inside an object that contains the total result count "
    "(true) or as a direct array of results (false, default).",
    "include_fields": "Whether specified fields are to be included (true) or excluded (false).",
    "search_engine": "The version of the search engine",
    "email": "Email address to search for (case-sensitive).",
}


def paging(
    request: Request, *, default_per_page: int = 50, per_page_description: str | None = None
) -> tuple[int, int, bool]:
    """``(page, per_page, include_totals)`` validated as Auth0 does (per_page ≤ 100).

    ``per_page_description`` is the endpoint's own wording of ``per_page`` in the 400, where
    its OAS says more than the common one (device credentials)."""
    query = request.query_params
    d = DESCRIPTIONS
    page = parse_int(query.get("page"), "page", d["page"], default=0, minimum=0)
    per_page = parse_int(
        query.get("per_page"),
        "per_page",
        per_page_description or d["per_page"],
        default=default_per_page,
        minimum=1,
        maximum=MAX_PER_PAGE,
    )
    totals = parse_bool(
        query.get("include_totals"), "include_totals", d["include_totals"], default=False
    )
    return page, per_page, totals


def field_filter(request: Request) -> tuple[str | None, bool]:
    query = request.query_params
    include = parse_bool(
        query.get("include_fields"),
        "include_fields",
        DESCRIPTIONS["include_fields"],
        default=True,
    )
    return query.get("fields"), include


TAKE = "Number of results per page. Defaults to 50."


def existing_user(state: TenantState, user_id: str) -> None:
    """404 ``inexistent_user`` when there is no such user."""
    state.directory.management_user(user_id)


def permitted_user(
    request: Request, state: TenantState, caller: ManagementCaller, endpoint: str
) -> str:
    """The path's user id (``{id}``) once ``caller`` may call ``endpoint`` (403 first, as Auth0
    checks the scope before the user) and the user exists (404 ``inexistent_user``)."""
    policy(endpoint).access(caller.scopes)
    user_id: str = request.path_params["id"]
    existing_user(state, user_id)
    return user_id


def page_of(
    request: Request,
    items: list[dict[str, Any]],
    key: str,
    shape: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
) -> tuple[int, Any]:
    """One page of ``items`` (already filtered and sorted): a bare array, or with
    ``include_totals`` the search envelope ``{start, limit, length, total, <key>}`` that
    users and logs share (recorded, NOTES.md §5). ``shape`` applies the field filter."""
    page, per_page, totals = paging(request)
    start = page * per_page
    chosen = shape(items[start : start + per_page])
    if not totals:
        return 200, chosen
    envelope = {"start": start, "limit": per_page, "length": len(chosen), "total": len(items)}
    return 200, {**envelope, key: chosen}
