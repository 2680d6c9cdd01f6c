"""Users, identities and device credentials parse from every recorded shape, and from odd ones."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.recordings import load
from tui_console.management import (
    DeviceCredential,
    DeviceCredentialPage,
    Identity,
    User,
    parse_identities,
)

from .fakes import user_body


def primary_identity(user: User) -> Identity | None:
    """The identity the account was created with: its ``provider|user_id`` is the user id."""
    return next((i for i in user.identities if i.qualified_id == user.user_id), None)


def recorded_users() -> list[dict[str, Any]]:
    """Every full user body in the recordings (users-get and PATCH answers, no ``fields``)."""
    bodies = [r["response_body"] for r in load("users-get") + load("users-patch-metadata")]
    return [b for b in bodies if isinstance(b, dict) and {"user_id", "identities"} <= b.keys()]


class TestUser:
    def test_every_recorded_user_parses(self) -> None:
        """All recorded users (2018-2025) parse; absent metadata reads as empty."""
        users = recorded_users()
        assert len(users) >= 20
        for body in users:
            user = User.from_json(body)
            assert user.user_id == body["user_id"]
            assert user.email == body.get("email")
            assert dict(user.user_metadata) == body.get("user_metadata", {})
            assert dict(user.app_metadata) == body.get("app_metadata", {})
            assert len(user.identities) == len(body["identities"])
            assert user.created_at is not None and user.created_at.tzinfo is not None
            assert user.raw == body

    def test_every_recorded_user_has_its_primary_identity(self) -> None:
        """``provider|user_id`` of one identity is the user id; identity ids are bare."""
        for body in recorded_users():
            user = User.from_json(body)
            primary = primary_identity(user)
            assert primary is not None, user.user_id
            assert primary.qualified_id == user.user_id
            assert "|" not in primary.user_id

    def test_timestamps_keep_their_milliseconds_in_utc(self) -> None:
        user = User.from_json(user_body(last_login="2023-01-26T08:15:02.007Z"))
        assert user.created_at == datetime(2023, 1, 25, 19, 0, 26, 539000, tzinfo=UTC)
        assert user.last_login == datetime(2023, 1, 26, 8, 15, 2, 7000, tzinfo=UTC)

    def test_absent_keys_read_as_none_or_empty(self) -> None:
        """Only ``user_id`` is required; nothing else is ever null-filled by Auth0."""
        user = User.from_json({"user_id": "auth0|1"})
        assert {user.email, user.name, user.last_login, user.logins_count} == {None}
        assert user.identities == ()
        assert user.user_metadata == {} and user.app_metadata == {}
        assert primary_identity(user) is None

    def test_wrong_types_read_as_absent(self) -> None:
        user = User.from_json(
            user_body(email=7, email_verified="yes", logins_count=True, created_at="yesterday")
        )
        assert {user.email, user.email_verified, user.logins_count, user.created_at} == {None}

    def test_key_order_does_not_matter(self) -> None:
        body = user_body(user_metadata={"b": 1, "a": 2}, logins_count=3)
        reordered = dict(reversed(list(body.items())))
        assert User.from_json(reordered) == User.from_json(body)

    def test_a_filtered_answer_with_user_id_parses_without_identities(self) -> None:
        """``fields=picture,email,user_id`` keeps three keys; the rest reads as absent."""
        body = next(
            r["response_body"]
            for r in load("users-get")
            if r["query"].get("fields") == "picture,email,user_id"
            and r["query"].get("include_fields") == "true"
        )
        user = User.from_json(body)
        assert (user.user_id, user.identities, user.name) == (body["user_id"], (), None)

    def test_a_filtered_answer_without_user_id_is_refused(self) -> None:
        """users-get's ``fields=email`` answer has no ``user_id``: not a usable user."""
        filtered = [
            b for b in (r["response_body"] for r in load("users-get")) if "user_id" not in b
        ]
        assert filtered
        for body in filtered:
            with pytest.raises(ValueError):
                User.from_json(body)

    def test_metadata_is_read_only(self) -> None:
        user = User.from_json(user_body(user_metadata={"a": 1}))
        with pytest.raises(TypeError):
            user.user_metadata["a"] = 2  # type: ignore[index]


class TestIdentity:
    def test_recorded_link_and_unlink_answers_parse(self) -> None:
        """201 link and 200 unlink answers are bare arrays of the primary's identities."""
        for record in load("identities-link") + load("identities-unlink"):
            identities = parse_identities(record["response_body"])
            assert identities
            for identity, raw in zip(identities, record["response_body"], strict=True):
                assert identity.user_id == raw["user_id"]
                assert identity.provider == "auth0"
                assert identity.is_social is False
                assert identity.profile_data == raw["profileData"]

    def test_a_numeric_social_id_becomes_a_string(self) -> None:
        identity = Identity.from_json(
            {"provider": "google-oauth2", "user_id": 10234, "isSocial": True}
        )
        assert identity == Identity(
            connection=None,
            provider="google-oauth2",
            user_id="10234",
            is_social=True,
            profile_data=None,
        )
        assert identity.qualified_id == "google-oauth2|10234"

    @pytest.mark.parametrize(
        "item",
        [{"user_id": "1"}, {"provider": "auth0"}, {"provider": "auth0", "user_id": True}, "x"],
    )
    def test_an_identity_without_provider_or_id_is_refused(self, item: Any) -> None:
        with pytest.raises(ValueError):
            Identity.from_json(item)

    def test_identities_must_be_an_array(self) -> None:
        with pytest.raises(ValueError):
            parse_identities({"identities": []})


class TestDeviceCredentials:
    def test_recorded_lists_parse_with_and_without_totals(self) -> None:
        """A bare array without include_totals, the envelope with it (NOTES.md §5)."""
        for record in load("device-credentials-list"):
            body = record["response_body"]
            page = DeviceCredentialPage.from_json(body, page=0, per_page=50)
            if isinstance(body, list):
                assert page.total is None
                assert [c.id for c in page.credentials] == [item["id"] for item in body]
            else:
                assert page.total == body["total"]
                assert (page.start, page.limit) == (body["start"], body["limit"])
                assert len(page.credentials) == len(body["device_credentials"])

    def test_the_recorded_public_key_credential(self) -> None:
        """The 2018 item has no client_id key: it reads as None."""
        body = load("device-credentials-list")[0]["response_body"]
        assert DeviceCredentialPage.from_json(body, page=0, per_page=50).credentials == (
            DeviceCredential(
                id="dcr_GppmjtmDWWY7RRS5",
                device_name="rubytest-username_phone_1",
                device_id="68753A44-4D6F-1226-9C60-0050E4C00067",
                type="public_key",
                user_id="auth0|5bb7aa92ea4644072b1abe07",
                client_id=None,
            ),
        )

    def test_a_bare_page_starts_at_page_times_per_page(self) -> None:
        page = DeviceCredentialPage.from_json([], page=3, per_page=20)
        assert (page.start, page.limit, page.total) == (60, 20, None)

    @pytest.mark.parametrize("body", [{"total": 1}, {"device_credentials": [{"type": "x"}]}, "[]"])
    def test_malformed_pages_are_refused(self, body: Any) -> None:
        with pytest.raises(ValueError):
            DeviceCredentialPage.from_json(body, page=0, per_page=50)
