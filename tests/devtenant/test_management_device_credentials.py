"""/api/v2/device-credentials: admin-only listing, creating a public key, deleting."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.devtenant.mgmt import JSON_UTF8, admin_token, api, assert_error, bearer, user_token
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.seed import CLIENT_ID, DEMO_USER_ID, SECOND_USER_ID

SEEDED = {"dcr_Ad4L0v3lac3K3y01", "dcr_Ad4R3fr3shT0k3n2", "dcr_Ad4R0t4t1ngT0k3n"}
NEW_KEY = {
    "device_name": "Ada's phone",
    "type": "public_key",
    "value": "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=",
    "device_id": "68753A44-4D6F-1226-9C60-0050E4C00067",
    "client_id": CLIENT_ID,
}


async def _list(
    client: httpx.AsyncClient, tenant: RunningTenant, token: str, **params: str
) -> httpx.Response:
    return await client.get(api(tenant, "device-credentials"), headers=bearer(token), params=params)


async def test_listing_needs_read_device_credentials(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """A person's token never has it: 403 insufficient_scope naming the admin scope."""
    token = await user_token(client, tenant)
    assert_error(
        await _list(client, tenant, token, user_id=DEMO_USER_ID),
        403,
        "Insufficient scope, expected any of: read:device_credentials",
        "insufficient_scope",
    )


async def test_admin_list_is_a_bare_array_of_recorded_items(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Items: id (dcr_ + 16), device_name, device_id, type, user_id; no client_id, no value."""
    admin = admin_token(tenant)
    response = await _list(client, tenant, admin, user_id=DEMO_USER_ID)
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON_UTF8
    items = response.json()
    assert isinstance(items, list) and {i["id"] for i in items} == SEEDED
    for item in items:
        assert set(item) == {"id", "device_name", "device_id", "type", "user_id"}
        assert re.fullmatch(r"dcr_[A-Za-z0-9]{16}", item["id"])
    assert {i["type"] for i in items} == {"public_key", "refresh_token", "rotating_refresh_token"}
    assert (await _list(client, tenant, admin, user_id=SECOND_USER_ID)).json() == []


async def test_filters_totals_paging_and_fields(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    admin = admin_token(tenant)
    by_type = (await _list(client, tenant, admin, type="refresh_token")).json()
    assert [i["id"] for i in by_type] == ["dcr_Ad4R3fr3shT0k3n2"]
    assert (await _list(client, tenant, admin, client_id="other")).json() == []

    envelope = (
        await _list(client, tenant, admin, include_totals="true", per_page="2", page="1")
    ).json()
    assert set(envelope) == {"start", "limit", "total", "device_credentials"}
    assert (envelope["start"], envelope["limit"], envelope["total"]) == (2, 2, 3)
    assert len(envelope["device_credentials"]) == 1

    first = (await _list(client, tenant, admin, per_page="2")).json()
    second = (await _list(client, tenant, admin, per_page="2", page="1")).json()
    assert len(first) == 2 and {i["id"] for i in first + second} == SEEDED

    only_ids = (await _list(client, tenant, admin, fields="id", include_fields="true")).json()
    assert all(set(i) == {"id"} for i in only_ids)
    no_names = (
        await _list(client, tenant, admin, fields="device_name,id", include_fields="false")
    ).json()
    assert all(set(i) == {"device_id", "type", "user_id"} for i in no_names)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"per_page": "101"},
            "Query validation error: 'Value 101 is greater than maximum 100' on property "
            "per_page (Number of results per page.  There is a maximum of 1000 results allowed "
            "from this endpoint.).",
        ),
        (
            {"per_page": "0"},
            "Query validation error: 'Value 0 is less than minimum 1' on property per_page "
            "(Number of results per page.  There is a maximum of 1000 results allowed from "
            "this endpoint.).",
        ),
        (
            {"page": "-1"},
            "Query validation error: 'Value -1 is less than minimum 0' on property page "
            "(Page index of the results to return. First page is 0.).",
        ),
        (
            {"page": "first"},
            "Query validation error: 'Expected type integer but found type string' on "
            "property page (Page index of the results to return. First page is 0.).",
        ),
        (
            {"type": "password"},
            "Query validation error: 'No enum match for: \"password\"' on property type (Type "
            "of credentials to retrieve. Must be `public_key`, `refresh_token` or "
            "`rotating_refresh_token`. The property will default to `refresh_token` when "
            "paging is requested).",
        ),
        (
            {"include_totals": "1"},
            "Query validation error: 'Expected type boolean but found type string' on "
            "property include_totals (Return results inside an object that contains the total "
            "result count (true) or as a direct array of results (false, default).).",
        ),
    ],
)
async def test_bad_queries_get_400(
    tenant: RunningTenant,
    client: httpx.AsyncClient,
    params: dict[str, str],
    message: str,
) -> None:
    response = await _list(client, tenant, admin_token(tenant), **params)
    assert_error(response, 400, message, "invalid_query_string")


async def test_create_returns_only_the_new_id_and_409s_a_second_key(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """201 ``{"id": "dcr_…"}``, owned by the token's user; the same device again: 409."""
    token = await user_token(client, tenant)
    url = api(tenant, "device-credentials")
    response = await client.post(url, headers=bearer(token), json=NEW_KEY)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == JSON_UTF8
    body = response.json()
    assert set(body) == {"id"} and re.fullmatch(r"dcr_[A-Za-z0-9]{16}", body["id"])
    stored = tenant.state.device_credentials[body["id"]]
    assert (stored.user_id, stored.type, stored.client_id) == (
        DEMO_USER_ID,
        "public_key",
        CLIENT_ID,
    )
    assert stored.value == NEW_KEY["value"]
    assert_error(
        await client.post(url, headers=bearer(token), json=NEW_KEY),
        409,
        "A public key already exists for the device.",
    )
    other_device = {**NEW_KEY, "device_id": "another"}
    del other_device["client_id"]  # optional: the token's application is used
    created = await client.post(url, headers=bearer(token), json=other_device)
    assert created.status_code == 201
    assert tenant.state.device_credentials[created.json()["id"]].client_id == CLIENT_ID


def _without(key: str) -> dict[str, Any]:
    return {k: v for k, v in NEW_KEY.items() if k != key}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            _without("device_id"),
            "Payload validation error: 'Missing required property: device_id'.",
        ),
        (_without("value"), "Payload validation error: 'Missing required property: value'."),
        (
            {**NEW_KEY, "type": "refresh_token"},
            "Payload validation error: 'No enum match for: \"refresh_token\"' on property type "
            "(Type of credential. Must be `public_key`.).",
        ),
        (
            {**NEW_KEY, "value": "not base64!"},
            "Payload validation error: 'Object didn't pass validation for format byte: not "
            "base64!' on property value (Base64 encoded string containing the credential.).",
        ),
        (
            {**NEW_KEY, "device_name": ""},
            "Payload validation error: 'String is too short (0 chars), minimum 1' on property "
            "device_name (Name for this device easily recognized by owner.).",
        ),
        (
            {**NEW_KEY, "device_name": 7},
            "Payload validation error: 'Expected type string but found type number' on "
            "property device_name (Name for this device easily recognized by owner.).",
        ),
        (
            {**NEW_KEY, "user_id": DEMO_USER_ID},
            "Payload validation error: 'Additional properties not allowed: user_id'.",
        ),
        ([NEW_KEY], "Payload validation error: 'Expected type object but found type array'."),
    ],
)
async def test_bad_create_bodies_get_400(
    tenant: RunningTenant, client: httpx.AsyncClient, body: Any, message: str
) -> None:
    token = await user_token(client, tenant)
    response = await client.post(
        api(tenant, "device-credentials"), headers=bearer(token), json=body
    )
    assert_error(response, 400, message, "invalid_body")
    assert set(tenant.state.device_credentials) == SEEDED


async def test_create_needs_the_current_user_scope(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Neither a read-only sign-in nor an admin token may create."""
    url = api(tenant, "device-credentials")
    expected = "Insufficient scope, expected any of: create:current_user_device_credentials"
    reader = await user_token(client, tenant, scope="read:current_user")
    assert_error(
        await client.post(url, headers=bearer(reader), json=NEW_KEY),
        403,
        expected,
        "insufficient_scope",
    )
    admin = admin_token(tenant)
    assert_error(
        await client.post(url, headers=bearer(admin), json=NEW_KEY),
        403,
        expected,
        "insufficient_scope",
    )


async def test_delete_is_204_empty_even_when_already_gone(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """204, empty body, Content-Type still sent; the second delete of the same id too."""
    token = await user_token(client, tenant)
    url = api(tenant, "device-credentials", "dcr_Ad4R3fr3shT0k3n2")
    for _ in range(2):
        response = await client.delete(url, headers=bearer(token))
        assert response.status_code == 204
        assert response.content == b""
        assert response.headers["content-type"] == JSON_UTF8
    assert set(tenant.state.device_credentials) == SEEDED - {"dcr_Ad4R3fr3shT0k3n2"}


async def test_delete_of_someone_elses_credential_is_refused(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Charles cannot delete Ada's key; an admin can; no scope is 403 with Auth0's list."""
    charles = await user_token(client, tenant, user_id=SECOND_USER_ID)
    url = api(tenant, "device-credentials", "dcr_Ad4L0v3lac3K3y01")
    assert_error(
        await client.delete(url, headers=bearer(charles)),
        403,
        "User to be acted on does not match subject in bearer token.",
    )
    reader = await user_token(client, tenant, scope="read:current_user")
    assert_error(
        await client.delete(url, headers=bearer(reader)),
        403,
        "Insufficient scope, expected any of: "
        "delete:device_credentials,update:current_user,delete:current_user_device_credentials",
        "insufficient_scope",
    )
    assert "dcr_Ad4L0v3lac3K3y01" in tenant.state.device_credentials
    admin = admin_token(tenant, "delete:device_credentials")
    assert (await client.delete(url, headers=bearer(admin))).status_code == 204
    assert "dcr_Ad4L0v3lac3K3y01" not in tenant.state.device_credentials
