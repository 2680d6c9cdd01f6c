"""Seed data, settings, token buckets and persistence of the tenant state."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import httpx
import jwt
import pytest

from tests.devtenant.flows import device_tokens
from tui_console.devtenant import DEMO_PASSWORD, TenantSettings, TenantState, seed, serve
from tui_console.devtenant.rate_limits import BucketRegistry, TokenBucket

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_seeded_users_look_like_auth0_users() -> None:
    """Database ids, gravatar pictures, ISO dates, identities and metadata as recorded."""
    state = TenantState()
    ada = state.users[seed.DEMO_USER_ID].to_management_json()
    assert re.fullmatch(r"auth0\|[0-9a-f]{24}", ada["user_id"])
    assert ada["email"] == "ada@example.com" and ada["email_verified"] is True
    assert ada["name"] == "Ada Lovelace" and ada["nickname"] == "ada"
    assert ada["picture"].startswith("https://s.gravatar.com/avatar/")
    assert ISO.match(ada["created_at"]) and ISO.match(ada["updated_at"])
    primary, *secondary = ada["identities"]
    assert primary == {
        "provider": "auth0",
        "user_id": seed.DEMO_USER_ID.split("|")[1],
        "connection": "Username-Password-Authentication",
        "isSocial": False,
    }
    assert {i["provider"] for i in secondary} == {"google-oauth2", "github"}
    assert all(i["isSocial"] and "profileData" in i for i in secondary)
    assert isinstance(ada["user_metadata"]["preferences"], dict)
    assert "password" not in json.dumps(ada) and "password_hash" not in ada

    charles = state.users[seed.SECOND_USER_ID].to_management_json()
    assert charles["name"] == "Charles Babbage"
    assert "user_metadata" not in charles and "app_metadata" not in charles
    assert state.directory.authenticate("charles@example.com", "babbage") is not None
    assert state.directory.authenticate("ada@example.com", DEMO_PASSWORD) is not None
    assert state.directory.authenticate("ada@example.com", "wrong") is None

    assert re.fullmatch(r"[A-Za-z0-9]{32}", seed.CLIENT_ID)
    client = state.get_client(seed.CLIENT_ID)
    assert client is not None and client.token_endpoint_auth_method == "none"
    ids = [c.id for c in state.device_credentials.values()]
    assert ids and all(re.fullmatch(r"dcr_[A-Za-z0-9]{16}", i) for i in ids)


def test_settings_defaults_are_auth0s_and_nonsense_is_refused() -> None:
    """Auth0's lifetimes by default; exact loopback callback URLs; bad values raise."""
    s = TenantSettings()
    assert (s.access_token_ttl, s.id_token_ttl, s.device_code_ttl, s.device_interval) == (
        86400,
        36000,
        900,
        5,
    )
    assert s.refresh_idle_ttl == s.refresh_absolute_ttl == 2_592_000
    assert s.refresh_reuse_leeway == 0 and s.auto_approve is None
    assert s.callback_urls == (
        "http://127.0.0.1:8484/callback",
        "http://127.0.0.1:8485/callback",
        "http://127.0.0.1:8486/callback",
    )
    for bad in ({"device_interval": 0}, {"refresh_reuse_leeway": -1}, {"callback_ports": (0,)}):
        with pytest.raises(ValueError):
            TenantSettings(**bad)


def test_token_bucket_reset_is_when_the_bucket_is_full_again() -> None:
    """Reset = now + (limit - remaining) × refill interval (NOTES.md §7)."""
    bucket = TokenBucket(10, 5 / 60, now=1000.0)
    first = bucket.take(1000.0)
    assert (first.allowed, first.remaining, first.reset) == (True, 9, 1012)
    for _ in range(9):
        last = bucket.take(1000.0)
    assert (last.remaining, last.reset) == (0, 1120)
    refused = bucket.take(1001.0)
    assert not refused.allowed and refused.remaining == 0
    assert refused.headers() == {
        "X-RateLimit-Limit": "10",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "1121",
    }
    assert bucket.take(1012.0).allowed  # one refill interval later


def test_bucket_registry_keeps_one_bucket_per_key() -> None:
    """Keys do not share tokens; the registry reads time from the clock it is given."""
    now = [0.0]
    registry = BucketRegistry.per_minute(2, 60, lambda: now[0])
    assert registry.take("a").allowed and registry.take("a").allowed
    assert not registry.take("a").allowed
    assert registry.take("b").remaining == 1
    now[0] += 1.0
    assert registry.take("a").allowed


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    """Users, metadata, device credentials and the signing key survive; the file is 0600."""
    state = TenantState()
    ada = state.users[seed.DEMO_USER_ID]
    assert ada.user_metadata is not None
    ada.user_metadata["preferences"] = {"timezone": "Europe/Paris"}
    ada.user_metadata["new"] = [1, 2, 3]
    path = tmp_path / "nested" / "tenant.json"
    state.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["tenant.json"]  # no temp files left

    loaded = TenantState.load(path)
    assert loaded.signing_key.kid == state.signing_key.kid
    assert {k: u.to_json() for k, u in loaded.users.items()} == {
        k: u.to_json() for k, u in state.users.items()
    }
    assert loaded.users[seed.DEMO_USER_ID].user_metadata == ada.user_metadata
    assert loaded.device_credentials.keys() == state.device_credentials.keys()
    assert loaded.directory.authenticate("ada@example.com", "lovelace") is not None


def test_load_refuses_a_file_that_is_not_a_state(tmp_path: Path) -> None:
    """A clear ValueError, not a KeyError deep inside."""
    path = tmp_path / "junk.json"
    path.write_text('{"version": 1, "users": []}')
    with pytest.raises(ValueError, match="malformed"):
        TenantState.load(path)
    path.write_text("not json")
    with pytest.raises(ValueError, match="not a dev-tenant state file"):
        TenantState.load(path)


async def test_state_file_keeps_changes_and_key_across_runs(tmp_path: Path) -> None:
    """A second run on a new port has the first run's users and still verifies its tokens."""
    path = tmp_path / "tenant.json"
    settings = TenantSettings(device_interval=1)
    async with httpx.AsyncClient() as client:
        with serve(settings, state_file=path) as first:
            assert path.exists()
            user = first.state.users[seed.DEMO_USER_ID]
            assert user.user_metadata is not None
            user.user_metadata["theme"] = "light"
            id_token = (await device_tokens(client, first))["id_token"]
            kid = first.state.signing_key.kid
        with serve(settings, state_file=path) as second:
            ada = second.state.users[seed.DEMO_USER_ID]
            assert ada.user_metadata is not None and ada.user_metadata["theme"] == "light"
            jwks = (await client.get(second.url(".well-known/jwks.json"))).json()
            [key] = jwks["keys"]
            assert key["kid"] == kid
            claims = jwt.decode(
                id_token, jwt.PyJWK(key).key, algorithms=["RS256"], audience=second.client_id
            )
            assert claims["sub"] == seed.DEMO_USER_ID
