"""Account linking and unlinking: link_with ID tokens, 400/409s, standalone users afterwards."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import jwt
import pytest

from tests.devtenant.mgmt import (
    JSON_UTF8,
    admin_token,
    api,
    assert_error,
    bearer,
    browser_id_token,
    user_token,
)
from tui_console.devtenant import RunningTenant, TenantState
from tui_console.devtenant.seed import (
    CLIENT_ID,
    DEMO_USER_ID,
    SECOND_EMAIL,
    SECOND_PASSWORD,
    SECOND_USER_ID,
)

ADA_BARE = DEMO_USER_ID.split("|")[1]
CHARLES_BARE = SECOND_USER_ID.split("|")[1]
MISMATCH = "User to be acted on does not match subject in bearer token."


async def _link(
    client: httpx.AsyncClient, tenant: RunningTenant, token: str, id_token: str
) -> httpx.Response:
    return await client.post(
        api(tenant, "users", DEMO_USER_ID, "identities"),
        headers=bearer(token),
        json={"link_with": id_token},
    )


async def test_link_with_moves_charles_into_ada(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """201 with the primary's identities, every element with profileData; Charles stops being
    a user; his password now signs in as Ada; GET shows profileData on secondaries only."""
    token = await user_token(client, tenant)
    id_token = await browser_id_token(tenant, SECOND_EMAIL, SECOND_PASSWORD, client=client)
    response = await _link(client, tenant, token, id_token)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == JSON_UTF8
    identities = response.json()
    assert [(i["provider"], i["user_id"]) for i in identities] == [
        ("auth0", ADA_BARE),
        ("google-oauth2", "104817261815121012345"),
        ("github", 1815),
        ("auth0", CHARLES_BARE),
    ]
    assert all("profileData" in i for i in identities)
    charles = identities[-1]
    assert charles["connection"] == "Username-Password-Authentication"
    assert charles["isSocial"] is False
    assert charles["profileData"] == {
        "email": SECOND_EMAIL,
        "email_verified": True,
        "name": "Charles Babbage",
    }
    assert identities[0]["profileData"]["email"] == "ada@example.com"

    state = tenant.state
    assert state.get_user(SECOND_USER_ID) is None
    assert state.directory.find_user_by_email(SECOND_EMAIL) is None
    signed_in = state.directory.authenticate(SECOND_EMAIL, SECOND_PASSWORD)
    assert signed_in is not None and signed_in.user_id == DEMO_USER_ID

    user = (await client.get(api(tenant, "users", DEMO_USER_ID), headers=bearer(token))).json()
    assert "profileData" not in user["identities"][0]
    assert all("profileData" in i for i in user["identities"][1:])


async def test_linking_the_same_account_again_is_409_and_itself_is_400(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """A second link of the same ID token: "Specified identity already exists."; Ada's own ID
    token: "Main identity and the new one are the same."."""
    token = await user_token(client, tenant)
    charles = await browser_id_token(tenant, SECOND_EMAIL, SECOND_PASSWORD, client=client)
    assert (await _link(client, tenant, token, charles)).status_code == 201
    assert_error(
        await _link(client, tenant, token, charles), 409, "Specified identity already exists."
    )
    ada = await browser_id_token(tenant, "ada@example.com", "lovelace", client=client)
    assert_error(
        await _link(client, tenant, token, ada),
        400,
        "Main identity and the new one are the same.",
        "invalid_body",
    )
    assert len(tenant.state.users[DEMO_USER_ID].identities) == 4


def _id_token(tenant: RunningTenant, **overrides: object) -> str:
    now = int(tenant.state.now())
    claims: dict[str, object] = {
        "iss": tenant.issuer,
        "sub": SECOND_USER_ID,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 3600,
        **overrides,
    }
    return tenant.state.signing_key.sign(claims)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda t: _id_token(t, aud="another-client"), "its audience is not the application"),
        (lambda t: _id_token(t, iss="https://elsewhere.example/"), "issued by another tenant"),
        (lambda t: _id_token(t, exp=int(t.state.now()) - 1), "expired"),
        (
            lambda t: jwt.encode({"sub": SECOND_USER_ID, "aud": CLIENT_ID}, "k" * 32, "HS256"),
            "not an ID token signed by this tenant with RS256",
        ),
        (lambda t: "not.a.jwt", "not an ID token signed by this tenant with RS256"),
    ],
)
async def test_link_with_tokens_are_checked(
    tenant: RunningTenant,
    client: httpx.AsyncClient,
    make: Callable[[RunningTenant], str],
    reason: str,
) -> None:
    """RS256 by this tenant, this issuer, aud = the caller's azp, not expired; else 400 and
    nothing moves."""
    token = await user_token(client, tenant)
    response = await _link(client, tenant, token, make(tenant))
    assert response.status_code == 400
    body = response.json()
    assert body["message"].startswith("Invalid link_with token: " + reason)
    assert body["errorCode"] == "invalid_body"
    assert tenant.state.get_user(SECOND_USER_ID) is not None


async def test_link_with_a_user_that_does_not_exist_is_400(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    token = await user_token(client, tenant)
    response = await _link(client, tenant, token, _id_token(tenant, sub="auth0|ghost"))
    assert_error(response, 400, "The user to link does not exist.", "invalid_body")


async def test_current_user_link_bodies_are_limited(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """A current-user token may only send link_with (provider/user_id need update:users), only
    for its own user, and only with the scope."""
    token = await user_token(client, tenant)
    url = api(tenant, "users", DEMO_USER_ID, "identities")
    assert_error(
        await client.post(
            url, headers=bearer(token), json={"provider": "auth0", "user_id": SECOND_USER_ID}
        ),
        403,
        "Insufficient scope, expected any of: update:users",
        "insufficient_scope",
    )
    assert_error(
        await client.post(url, headers=bearer(token), json={"link_with": 5}),
        400,
        "Payload validation error: 'Expected type string but found type number' on property "
        "link_with (JWT for the secondary account being linked.).",
        "invalid_body",
    )
    assert_error(
        await client.post(url, headers=bearer(token), json={"link_with": "x", "provider": "auth0"}),
        400,
        "Payload validation error: 'Additional properties not allowed: provider'.",
        "invalid_body",
    )
    charles_url = api(tenant, "users", SECOND_USER_ID, "identities")
    assert_error(
        await client.post(charles_url, headers=bearer(token), json={"link_with": "x"}),
        403,
        MISMATCH,
    )
    reader = await user_token(client, tenant, scope="read:current_user")
    assert_error(
        await client.post(url, headers=bearer(reader), json={"link_with": "x"}),
        403,
        "Insufficient scope, expected any of: update:users,update:current_user_identities",
        "insufficient_scope",
    )


async def test_admin_links_by_provider_and_user_id(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """``{provider, user_id[, connection_id]}`` with update:users, the id with its prefix as the
    recordings send it."""
    admin = admin_token(tenant, "update:users")
    response = await client.post(
        api(tenant, "users", DEMO_USER_ID, "identities"),
        headers=bearer(admin),
        json={"provider": "auth0", "user_id": SECOND_USER_ID, "connection_id": "con_x"},
    )
    assert response.status_code == 201, response.text
    assert response.json()[-1]["user_id"] == CHARLES_BARE
    assert tenant.state.get_user(SECOND_USER_ID) is None


async def test_unlink_makes_a_standalone_user_without_metadata(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """200 with the remaining identities (each with profileData); ``github|1815`` exists on its
    own with its profile and no metadata; Ada keeps hers."""
    token = await user_token(client, tenant)
    response = await client.delete(
        api(tenant, "users", DEMO_USER_ID, "identities", "github", "1815"),
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text
    remaining = response.json()
    assert [i["provider"] for i in remaining] == ["auth0", "google-oauth2"]
    assert all("profileData" in i for i in remaining)
    github = tenant.state.get_user("github|1815")
    assert github is not None
    standalone = github.to_management_json()
    assert standalone["nickname"] == "countess-of-lovelace"
    assert "user_metadata" not in standalone and "app_metadata" not in standalone
    assert standalone["identities"] == [
        {"provider": "github", "user_id": 1815, "connection": "github", "isSocial": True}
    ]
    assert tenant.state.users[DEMO_USER_ID].user_metadata


async def test_unlink_then_charles_gets_his_account_back(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """After link and unlink, Charles is a user again and his password signs in as him."""
    token = await user_token(client, tenant)
    id_token = await browser_id_token(tenant, SECOND_EMAIL, SECOND_PASSWORD, client=client)
    assert (await _link(client, tenant, token, id_token)).status_code == 201
    response = await client.delete(
        api(tenant, "users", DEMO_USER_ID, "identities", "auth0", CHARLES_BARE),
        headers=bearer(token),
    )
    assert response.status_code == 200
    assert len(response.json()) == 3
    signed_in = tenant.state.directory.authenticate(SECOND_EMAIL, SECOND_PASSWORD)
    assert signed_in is not None and signed_in.user_id == SECOND_USER_ID
    assert signed_in.user_metadata is None


async def test_unlink_of_nothing_answers_the_identities_unchanged(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Recorded quirk: an unknown identity, or the id sent with its ``provider|`` prefix, is a
    200 with the array unchanged; nothing is created."""
    token = await user_token(client, tenant)
    users_before = set(tenant.state.users)
    for provider, uid in (("github", "9999"), ("github", "github|1815"), ("facebook", "1815")):
        response = await client.delete(
            api(tenant, "users", DEMO_USER_ID, "identities", provider, uid),
            headers=bearer(token),
        )
        assert response.status_code == 200
        assert [i["provider"] for i in response.json()] == ["auth0", "google-oauth2", "github"]
    assert set(tenant.state.users) == users_before


async def test_unlinking_the_primary_identity_is_refused(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """400, and the account is untouched. Someone else's identities: subject mismatch."""
    token = await user_token(client, tenant)
    response = await client.delete(
        api(tenant, "users", DEMO_USER_ID, "identities", "auth0", ADA_BARE),
        headers=bearer(token),
    )
    assert_error(response, 400, "Main identity cannot be removed.")
    assert len(tenant.state.users[DEMO_USER_ID].identities) == 3
    other = await client.delete(
        api(tenant, "users", SECOND_USER_ID, "identities", "auth0", CHARLES_BARE),
        headers=bearer(token),
    )
    assert_error(other, 403, MISMATCH)


def test_a_linked_accounts_password_survives_the_state_file(tmp_path: Path) -> None:
    """Saved and loaded, the linked database identity still signs in as the primary, and an
    unlink after the reload gives Charles his own account back; no hash reaches the wire."""
    state = TenantState()
    state.directory.link_identity(DEMO_USER_ID, SECOND_USER_ID)
    path = tmp_path / "tenant.json"
    state.save(path)
    loaded = TenantState.load(path)
    owner = loaded.directory.authenticate(SECOND_EMAIL, SECOND_PASSWORD)
    assert owner is not None and owner.user_id == DEMO_USER_ID
    assert "password_hash" not in json.dumps(loaded.directory.management_user(DEMO_USER_ID))
    loaded.directory.unlink_identity(DEMO_USER_ID, "auth0", CHARLES_BARE)
    charles = loaded.directory.authenticate(SECOND_EMAIL, SECOND_PASSWORD)
    assert charles is not None and charles.user_id == SECOND_USER_ID
