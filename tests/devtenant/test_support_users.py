"""Finding a user: ``GET /api/v2/users`` (search) and ``/users-by-email`` (auth0-reference.md
§8.6 [U1]), against the recordings (users-list.json) and the seeded directory."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.devtenant.mgmt import api, assert_error, bearer, user_token
from tests.devtenant.support import support_token
from tests.devtenant.test_recordings_conformance import assert_conforms
from tests.recordings import load as load_recordings
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.directory import EDSGER_USER_ID, GRACE_USER_ID
from tui_console.devtenant.models import User
from tui_console.devtenant.seed import DEMO_USER_ID


def _seed_from(record: dict[str, Any]) -> list[User]:
    """The users a recorded answer shows (filtered items completed), plus a decoy that no
    recorded query matches, so the filters have something to drop."""
    body = record["response_body"]
    items = body["users"] if isinstance(body, dict) else body
    users = []
    for n, item in enumerate(items):
        data = copy.deepcopy(item)
        data.setdefault("user_id", f"auth0|recorded{n:018d}")
        data.setdefault("email", record.get("query", {}).get("email") or f"r{n}@example.com")
        data.setdefault("created_at", "2021-09-03T20:16:30.000Z")
        data.setdefault("updated_at", "2021-09-03T20:16:30.000Z")
        users.append(User.from_management_json(data, now="2021-09-03T20:16:30.000Z"))
    return users


def _in_recorded_order(response: httpx.Response, record: dict[str, Any]) -> httpx.Response:
    """``response`` with its users in the recording's order (Auth0 promises none; the shapes
    are what must agree, item by item)."""
    body = response.json()
    recorded = record["response_body"]
    assert response.status_code == 200, response.text
    items, wanted = (
        (body["users"], recorded["users"]) if isinstance(body, dict) else (body, recorded)
    )
    rank = {u.get("user_id", n): n for n, u in enumerate(wanted)}
    items.sort(key=lambda u: rank.get(u.get("user_id"), len(rank)))
    return httpx.Response(
        response.status_code, headers=response.headers, json=body, request=response.request
    )


async def test_users_list_recordings(
    tenant_with: Callable[..., RunningTenant], client: httpx.AsyncClient
) -> None:
    tenant = tenant_with(management_burst=100)
    token = tenant.state.mint_access_token(["read:users"])
    replayed = 0
    for record in load_recordings("users-list"):
        if record["status"] != 200:
            continue
        query = dict(record.get("query") or {})
        users = _seed_from(record)
        if "q" in query or "email" in query:
            decoy = User.from_management_json(
                {"user_id": "auth0|decoy", "email": "decoy@elsewhere.test", "username": "decoy"},
                now="2010-01-01T00:00:00.000Z",
            )
            decoy.updated_at = "2010-01-01T00:00:00.000Z"
            users.append(decoy)
        tenant.state.directory.replace(users)
        response = await client.get(
            tenant.url(record["url_path"].lstrip("/")), params=query, headers=bearer(token)
        )
        assert_conforms(_in_recorded_order(response, record), record)
        replayed += 1
    assert replayed >= 15


async def _search(
    client: httpx.AsyncClient, tenant: RunningTenant, token: str, **params: str
) -> httpx.Response:
    return await client.get(api(tenant, "users"), params=params, headers=bearer(token))


async def test_the_seeded_directory_is_a_few_dozen_varied_users(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    token = await support_token(client, tenant)
    response = await _search(client, tenant, token, per_page="100", include_totals="true")
    body = response.json()
    assert 30 <= body["total"] <= 60 and body["length"] == body["total"]
    connections = {u["identities"][0]["connection"] for u in body["users"]}
    assert len(connections) >= 4
    assert any(u.get("blocked") is True for u in body["users"])
    assert any("last_login" in u for u in body["users"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('email:"ada@example.com"', {DEMO_USER_ID}),
        ("email:ADA@example.com", {DEMO_USER_ID}),  # email is a normalized field
        ("email:grace*", {GRACE_USER_ID}),
        ('name:"Grace Hopper" OR name:"Edsger Dijkstra"', {GRACE_USER_ID, EDSGER_USER_ID}),
        ("blocked:true AND email:edsger*", {EDSGER_USER_ID}),
        ("user_id:auth0|65f1c0de5a1b2c3d4e5f6a7b", {DEMO_USER_ID}),
        ("(email:ada* OR email:grace*) AND NOT email:grace*", {DEMO_USER_ID}),
        ("app_metadata.plan:pioneer", {DEMO_USER_ID}),
    ],
)
async def test_lucene_subset(
    tenant: RunningTenant, client: httpx.AsyncClient, q: str, expected: set[str]
) -> None:
    token = await support_token(client, tenant)
    response = await _search(client, tenant, token, q=q, search_engine="v3")
    assert response.status_code == 200, response.text
    assert {u["user_id"] for u in response.json()} == expected


async def test_case_sensitive_values_and_connections(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    token = await support_token(client, tenant)
    github = await _search(client, tenant, token, q="identities.connection:github")
    assert github.json() and all(
        any(i["connection"] == "github" for i in u["identities"]) for u in github.json()
    )
    assert (await _search(client, tenant, token, q="identities.connection:GitHub")).json() == []


async def test_paging_walks_every_user_once(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    token = await support_token(client, tenant)
    seen: list[str] = []
    page = 0
    while True:
        body = (
            await _search(
                client, tenant, token, page=str(page), per_page="7", include_totals="true"
            )
        ).json()
        assert body["start"] == page * 7 and body["limit"] == 7
        seen += [u["user_id"] for u in body["users"]]
        if body["length"] < 7:
            break
        page += 1
    assert len(seen) == len(set(seen)) == body["total"]


async def test_bad_queries_are_400(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    token = await support_token(client, tenant)
    for q in ("email:(", "AND", 'name:"open', "user_metadata.theme:da*"):
        response = await _search(client, tenant, token, q=q)
        assert response.status_code == 400, q
        assert response.json()["errorCode"] == "invalid_query_string"
    too_many = await _search(client, tenant, token, per_page="101")
    assert too_many.status_code == 400


async def test_users_by_email_is_case_sensitive(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    token = await support_token(client, tenant)
    url = api(tenant, "users-by-email")
    found = await client.get(url, params={"email": "ada@example.com"}, headers=bearer(token))
    assert [u["user_id"] for u in found.json()] == [DEMO_USER_ID]
    capital = await client.get(url, params={"email": "Ada@example.com"}, headers=bearer(token))
    assert capital.status_code == 200 and capital.json() == []


async def test_a_user_token_cannot_search(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    token = await user_token(client, tenant)
    response = await _search(client, tenant, token, q="email:ada*")
    assert_error(
        response, 403, "Insufficient scope, expected any of: read:users", "insufficient_scope"
    )
