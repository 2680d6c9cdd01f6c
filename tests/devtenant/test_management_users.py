"""GET and PATCH /api/v2/users/{id}: shapes, field filters, metadata semantics, scopes."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.devtenant.mgmt import (
    ISO,
    JSON_UTF8,
    admin_token,
    api,
    assert_error,
    bearer,
    user_token,
)
from tui_console.devtenant import RunningTenant, TenantSettings, TenantState, serve
from tui_console.devtenant.seed import DEMO_USER_ID, SECOND_USER_ID

NOT_FOUND = "The user does not exist."
MISMATCH = "User to be acted on does not match subject in bearer token."


async def test_get_user_is_the_full_auth0_user(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """``%7C`` is decoded; unset keys are absent, never null; secondary identities alone carry
    profileData; dates have three fractional digits."""
    token = await user_token(client, tenant)
    url = api(tenant, "users", DEMO_USER_ID)
    assert "%7C" in url
    response = await client.get(url, headers=bearer(token))
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON_UTF8
    user = response.json()
    assert user["user_id"] == DEMO_USER_ID
    assert None not in user.values()
    assert "password_hash" not in json.dumps(user)
    assert {"last_login", "username", "blocked", "last_password_reset"}.isdisjoint(user)
    assert ISO.match(user["created_at"]) and ISO.match(user["updated_at"])
    primary, *secondary = user["identities"]
    assert primary == {
        "provider": "auth0",
        "user_id": DEMO_USER_ID.split("|")[1],
        "connection": "Username-Password-Authentication",
        "isSocial": False,
    }
    assert [i["provider"] for i in secondary] == ["google-oauth2", "github"]
    assert all("profileData" in i and i["isSocial"] is True for i in secondary)
    assert isinstance(user["user_metadata"]["preferences"], dict)


async def test_fields_and_include_fields_filter_the_user_as_recorded(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """true: only the listed keys (no user_id unless listed); false: all but them; no fields:
    everything; a value other than true/false: 400."""
    token = await user_token(client, tenant)
    url = api(tenant, "users", DEMO_USER_ID)

    async def get(**params: str) -> httpx.Response:
        return await client.get(url, headers=bearer(token), params=params)

    full = (await get()).json()
    only = (await get(fields="email,picture", include_fields="true")).json()
    assert only == {"email": full["email"], "picture": full["picture"]}
    assert (await get(fields="email")).json() == {"email": full["email"]}
    without = (await get(fields="email,picture,user_id", include_fields="false")).json()
    assert set(without) == set(full) - {"email", "picture", "user_id"}
    assert (await get(include_fields="true")).json() == full
    assert_error(
        await get(fields="email", include_fields="yes"),
        400,
        "Query validation error: 'Expected type boolean but found type string' on property "
        "include_fields (Whether specified fields are to be included (true) or excluded "
        "(false).).",
        "invalid_query_string",
    )


async def test_current_user_tokens_act_only_on_their_own_user(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Ada's token cannot read Charles (403) nor a missing user (also 403: not hers); an admin
    token reads anyone and gets Auth0's 404 for a missing one."""
    token = await user_token(client, tenant)
    assert_error(
        await client.get(api(tenant, "users", SECOND_USER_ID), headers=bearer(token)),
        403,
        MISMATCH,
    )
    assert_error(
        await client.get(api(tenant, "users", "auth0|nobody"), headers=bearer(token)),
        403,
        MISMATCH,
    )
    admin = admin_token(tenant, "read:users")
    charles = await client.get(api(tenant, "users", SECOND_USER_ID), headers=bearer(admin))
    assert charles.status_code == 200 and charles.json()["name"] == "Charles Babbage"
    missing = await client.get(api(tenant, "users", "auth0|nobody"), headers=bearer(admin))
    assert_error(missing, 404, NOT_FOUND, "inexistent_user")


async def test_a_deleted_users_own_token_gets_404(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Its own ``sub`` no longer exists (linked away, say): 404 inexistent_user."""
    token = await user_token(client, tenant, user_id=SECOND_USER_ID)
    tenant.state.directory.replace([tenant.state.users[DEMO_USER_ID]])
    response = await client.get(api(tenant, "users", SECOND_USER_ID), headers=bearer(token))
    assert_error(response, 404, NOT_FOUND, "inexistent_user")


async def test_missing_scopes_get_insufficient_scope_with_auth0s_lists(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """A token without read:current_user cannot read, one without the metadata scopes cannot
    PATCH; the messages list the scopes as auth0-reference.md §6 does."""
    token = await user_token(client, tenant, scope="openid delete:current_user")
    url = api(tenant, "users", DEMO_USER_ID)
    assert_error(
        await client.get(url, headers=bearer(token)),
        403,
        "Insufficient scope, expected any of: read:users,read:current_user,read:user_idp_tokens",
        "insufficient_scope",
    )
    assert_error(
        await client.patch(url, headers=bearer(token), json={"user_metadata": {"a": 1}}),
        403,
        "Insufficient scope, expected any of: "
        "update:users,update:users_app_metadata,update:current_user_metadata",
        "insufficient_scope",
    )


async def test_patch_merges_user_metadata_at_the_top_level(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Keys sent replace, keys not sent stay, null deletes, a nested object replaces the whole
    nested object, and the state changes with it."""
    token = await user_token(client, tenant)
    url = api(tenant, "users", DEMO_USER_ID)
    before = (await client.get(url, headers=bearer(token))).json()["user_metadata"]
    response = await client.patch(
        url,
        headers=bearer(token),
        json={
            "user_metadata": {
                "theme": "light",
                "language": None,
                "preferences": {"timezone": "UTC"},
                "new": [1, {"two": 2}],
            }
        },
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON_UTF8
    metadata = response.json()["user_metadata"]
    assert metadata == {
        "theme": "light",
        "favourite_machine": before["favourite_machine"],
        "preferences": {"timezone": "UTC"},
        "new": [1, {"two": 2}],
    }
    assert tenant.state.users[DEMO_USER_ID].user_metadata == metadata
    assert response.json()["app_metadata"] == {"plan": "pioneer", "roles": ["mathematician"]}


async def test_patch_with_empty_object_wipes_but_keeps_the_key(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """``{}`` wipes every key and GET then shows ``user_metadata: {}``; an admin ``{}`` on
    app_metadata makes the key disappear (recorded, terraform)."""
    token = await user_token(client, tenant)
    url = api(tenant, "users", DEMO_USER_ID)
    wiped = await client.patch(url, headers=bearer(token), json={"user_metadata": {}})
    assert wiped.json()["user_metadata"] == {}
    assert (await client.get(url, headers=bearer(token))).json()["user_metadata"] == {}

    admin = admin_token(tenant, "update:users")
    cleared = await client.patch(url, headers=bearer(admin), json={"app_metadata": {}})
    assert "app_metadata" not in cleared.json()
    assert cleared.json()["user_metadata"] == {}


async def test_every_patch_moves_updated_at_and_ignores_the_field_filter(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Even a PATCH that changes nothing moves ``updated_at``; ``?fields=`` is ignored."""
    token = await user_token(client, tenant)
    url = api(tenant, "users", DEMO_USER_ID)
    stamps = []
    for _ in range(3):
        response = await client.patch(
            url,
            headers=bearer(token),
            params={"fields": "email", "include_fields": "true"},
            json={"user_metadata": {"theme": "dark"}},
        )
        assert response.status_code == 200
        assert response.json()["user_id"] == DEMO_USER_ID  # the full user, filter ignored
        stamps.append(response.json()["updated_at"])
    assert all(ISO.match(s) for s in stamps)
    assert stamps == sorted(set(stamps)) and stamps[0] > "2024-03-13T14:05:18.421Z"


async def test_current_user_tokens_cannot_touch_app_metadata_or_attributes(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """app_metadata needs update:users(_app_metadata); other attributes need update:users; the
    user is left unchanged. Another user's metadata: subject mismatch."""
    token = await user_token(client, tenant)
    url = api(tenant, "users", DEMO_USER_ID)
    before = tenant.state.users[DEMO_USER_ID].to_management_json()
    assert_error(
        await client.patch(url, headers=bearer(token), json={"app_metadata": {"plan": "x"}}),
        403,
        "Insufficient scope, expected any of: update:users,update:users_app_metadata",
        "insufficient_scope",
    )
    for attribute in ({"email": "a@b.c"}, {"name": "Ada"}, {"password": "secret"}):
        assert_error(
            await client.patch(url, headers=bearer(token), json=attribute),
            403,
            "Insufficient scope, expected any of: update:users",
            "insufficient_scope",
        )
    assert tenant.state.users[DEMO_USER_ID].to_management_json() == before
    other = await client.patch(
        api(tenant, "users", SECOND_USER_ID),
        headers=bearer(token),
        json={"user_metadata": {"a": 1}},
    )
    assert_error(other, 403, MISMATCH)


async def test_admin_patch_changes_attributes_as_recorded(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """update:users may set attributes; ``blocked: false`` then appears, a password sets
    ``last_password_reset`` and replaces the login password, app_metadata merges."""
    admin = admin_token(tenant, "update:users")
    url = api(tenant, "users", SECOND_USER_ID)
    response = await client.patch(
        url,
        headers=bearer(admin),
        json={
            "connection": "Username-Password-Authentication",
            "blocked": False,
            "given_name": "Charles",
            "password": "difference-engine",
            "app_metadata": {"foo": "bar"},
        },
    )
    assert response.status_code == 200, response.text
    user = response.json()
    assert user["blocked"] is False and user["given_name"] == "Charles"
    assert ISO.match(user["last_password_reset"])
    assert user["app_metadata"] == {"foo": "bar"}
    state = tenant.state
    assert state.directory.authenticate("charles@example.com", "difference-engine") is not None
    assert state.directory.authenticate("charles@example.com", "babbage") is None


async def test_malformed_patch_bodies_get_400(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Not JSON: Hapi's message; not an object, a non-object metadata, an unknown property:
    Auth0's payload validation errors."""
    token = await user_token(client, tenant)
    url = api(tenant, "users", DEMO_USER_ID)
    headers = {**bearer(token), "Content-Type": "application/json"}
    assert_error(
        await client.patch(url, headers=headers, content=b"{not json"),
        400,
        "Invalid request payload JSON format",
    )
    assert_error(
        await client.patch(url, headers=headers, content=b"[1]"),
        400,
        "Payload validation error: 'Expected type object but found type array'.",
        "invalid_body",
    )
    assert_error(
        await client.patch(url, headers=bearer(token), json={"user_metadata": "dark"}),
        400,
        "Payload validation error: 'Expected type object but found type string' on property "
        "user_metadata (User metadata to which this user has read/write access.).",
        "invalid_body",
    )
    assert_error(
        await client.patch(url, headers=bearer(token), json={"user_metadata": None}),
        400,
        "Payload validation error: 'Expected type object but found type null' on property "
        "user_metadata (User metadata to which this user has read/write access.).",
        "invalid_body",
    )
    assert_error(
        await client.patch(url, headers=bearer(token), json={"colour": "red"}),
        400,
        "Payload validation error: 'Additional properties not allowed: colour'.",
        "invalid_body",
    )


async def test_patches_are_saved_to_the_state_file(
    tmp_path: Path, client: httpx.AsyncClient
) -> None:
    """With a state file the change survives a restart (the demo keeps it)."""
    path = tmp_path / "tenant.json"
    settings = TenantSettings(device_interval=1)
    with serve(settings, state_file=path) as first:
        token = await user_token(client, first)
        response = await client.patch(
            api(first, "users", DEMO_USER_ID),
            headers=bearer(token),
            json={"user_metadata": {"theme": "solarized"}},
        )
        assert response.status_code == 200
        # Saved at once, not only when the server stops.
        saved = TenantState.load(path).users[DEMO_USER_ID].user_metadata
        assert saved is not None and saved["theme"] == "solarized"
    with serve(settings, state_file=path) as second:
        ada = second.state.users[DEMO_USER_ID]
        assert ada.user_metadata is not None and ada.user_metadata["theme"] == "solarized"


def test_recorded_user_bodies_load_with_auth0_defaults(tenant: RunningTenant) -> None:
    """:meth:`UserDirectory.add_user` keeps what a recorded body has and fills Auth0's defaults
    for what it lacks (name = e-mail, nickname = its local part, gravatar, created = updated)."""
    state = tenant.state
    full = state.directory.add_user(
        {
            "user_id": "auth0|testaccuser",
            "email": "testaccuser@acceptance.test.com",
            "username": "testaccuser",
            "blocked": False,
            "user_metadata": {},
        }
    ).to_management_json()
    assert full["name"] == "testaccuser@acceptance.test.com"
    assert full["nickname"] == "testaccuser"
    assert full["picture"].startswith("https://s.gravatar.com/avatar/")
    assert full["created_at"] == full["updated_at"] and ISO.match(full["created_at"])
    assert full["identities"] == [
        {
            "provider": "auth0",
            "user_id": "testaccuser",
            "connection": "Username-Password-Authentication",
            "isSocial": False,
        }
    ]
    assert full["username"] == "testaccuser" and full["blocked"] is False
    assert full["user_metadata"] == {} and "app_metadata" not in full
