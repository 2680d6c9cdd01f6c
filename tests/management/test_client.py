"""The Management API client against recorded answers and a scripted API: what it sends, what
it returns, and what it refuses to send."""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from tests.clocks import Clock
from tests.ratelimit.fakes import NOW, FakeSleep
from tests.recordings import as_response, load
from tui_console.errors import NetworkError, RateLimited
from tui_console.management import (
    Conflict,
    InsufficientScope,
    InvalidMetadata,
    ManagementClient,
    NothingUnlinked,
    RequestRefused,
    Unauthorized,
    UnexpectedResponse,
    UserNotFound,
)
from tui_console.ratelimit import IDEMPOTENT_EXTENSION, RateLimitBoard, RateLimitedTransport
from tui_console.redact import Secret

from .fakes import AUDIENCE, FakeApi, sent_json, user_body

USER = "auth0|613282adac819400692c0dd9"
USER_PATH = "/api/v2/users/auth0%7C613282adac819400692c0dd9"


def replay(record: dict[str, Any]) -> httpx.Response:
    """The recorded answer (status, headers, body) as the scripted API's response."""
    recorded = as_response(record)
    return httpx.Response(recorded.status_code, headers=recorded.headers, content=recorded.content)


def user_id_of(path: str) -> str:
    """The decoded user id in ``/api/v2/users/{id}[/...]``."""
    return unquote(path.split("/")[4])


class TestGetUser:
    async def test_every_recorded_full_get_goes_to_the_recorded_path(self) -> None:
        """The id is percent-encoded (``%7C``) exactly as the SDKs sent it; the answer parses."""
        records = [r for r in load("users-get") if not r["query"].get("fields")]
        assert len(records) >= 10
        for record in records:
            api = FakeApi()
            api.on("GET", record["url_path"], replay(record))
            client = api.client()
            user_id = user_id_of(record["url_path"])
            if record["status"] == 404:
                with pytest.raises(UserNotFound):
                    await client.get_user(user_id)
            else:
                user = await client.get_user(user_id)
                assert user.user_id == user_id
            assert api.requests[0].url.raw_path.decode() == record["url_path"]

    async def test_an_answer_that_is_not_a_user(self) -> None:
        api = FakeApi()
        api.on("GET", USER_PATH, httpx.Response(200, text="<html>login</html>"))
        with pytest.raises(UnexpectedResponse) as caught:
            await api.client().get_user(USER)
        assert caught.value.status == 200
        assert "/api/v2/users/auth0|613282adac819400692c0dd9" in caught.value.message

    async def test_an_empty_id_is_refused_before_it_becomes_the_users_list(self) -> None:
        api = FakeApi()
        with pytest.raises(RequestRefused):
            await api.client().get_user("")
        assert api.requests == []

    async def test_transport_failures_are_network_errors(self) -> None:
        def fail(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("refused")

        client = ManagementClient(httpx.AsyncClient(transport=httpx.MockTransport(fail)), AUDIENCE)
        with pytest.raises(NetworkError, match="tenant.example"):
            await client.get_user(USER)

    async def test_a_429_is_rate_limited(self) -> None:
        api = FakeApi()
        body = {"statusCode": 429, "error": "Too Many Requests", "message": "Global limit"}
        api.on("GET", USER_PATH, httpx.Response(429, json=body, headers={"Retry-After": "4"}))
        with pytest.raises(RateLimited) as caught:
            await api.client().get_user(USER)
        assert caught.value.retry_after == 4

    async def test_the_given_auth_is_used(self) -> None:
        class Stamp(httpx.Auth):
            def auth_flow(self, request: httpx.Request) -> Any:
                request.headers["Authorization"] = "Bearer stamped"
                yield request

        api = FakeApi()
        api.on("GET", USER_PATH, httpx.Response(200, json=user_body(USER)))
        http = httpx.AsyncClient(transport=httpx.MockTransport(api))
        await ManagementClient(http, AUDIENCE.rstrip("/"), auth=Stamp()).get_user(USER)
        assert api.requests[0].headers["Authorization"] == "Bearer stamped"
        assert api.requests[0].url.raw_path.decode() == USER_PATH


class TestUpdateMetadata:
    async def test_sends_a_merge_patch_marked_idempotent(self) -> None:
        api = FakeApi()
        answer = user_body(USER, user_metadata={"theme": "dark"})
        api.on("PATCH", USER_PATH, httpx.Response(200, json=answer))
        result = await api.client().update_user_metadata(USER, set={"theme": "dark"}, unset=["old"])
        (request,) = api.requests
        assert sent_json(request) == {"user_metadata": {"theme": "dark", "old": None}}
        assert request.extensions[IDEMPOTENT_EXTENSION] is True
        assert dict(result.user.user_metadata) == {"theme": "dark"}
        assert result.warnings == ()

    async def test_recorded_patch_answers_become_the_updated_user(self) -> None:
        for record in load("users-patch-metadata"):
            sent = record["request_body"].get("user_metadata")
            if not sent:
                continue
            api = FakeApi()
            api.on("PATCH", record["url_path"], replay(record))
            result = await api.client().update_user_metadata(
                user_id_of(record["url_path"]),
                set={k: v for k, v in sent.items() if v is not None},
                unset=[k for k, v in sent.items() if v is None],
            )
            assert sent_json(api.requests[0]) == {"user_metadata": sent}
            assert dict(result.user.user_metadata) == record["response_body"]["user_metadata"]

    async def test_an_empty_change_sends_nothing(self) -> None:
        api = FakeApi()
        with pytest.raises(InvalidMetadata):
            await api.client().update_user_metadata(USER)
        assert api.requests == []

    async def test_a_bad_key_sends_nothing(self) -> None:
        api = FakeApi()
        with pytest.raises(InvalidMetadata, match="'a.b'"):
            await api.client().update_user_metadata(USER, set={"a.b": 1})
        assert api.requests == []

    async def test_oversized_metadata_comes_back_with_a_warning(self) -> None:
        api = FakeApi()
        big = {"notes": "x" * 11_000}
        api.on("PATCH", USER_PATH, httpx.Response(200, json=user_body(USER, user_metadata=big)))
        result = await api.client().update_user_metadata(USER, set=big)
        assert len(result.warnings) == 1 and "10 KB" in result.warnings[0]


class TestLink:
    async def test_links_with_the_id_token_and_returns_the_identities(self) -> None:
        """The recorded 201 answers (the primary's identities) are what link returns."""
        for record in load("identities-link"):
            api = FakeApi()
            api.on("POST", record["url_path"], replay(record))
            identities = await api.client().link_identity(
                user_id_of(record["url_path"]), id_token=Secret("eyJ.secondary.token")
            )
            assert sent_json(api.requests[0]) == {"link_with": "eyJ.secondary.token"}
            assert [i.user_id for i in identities] == [
                item["user_id"] for item in record["response_body"]
            ]

    async def test_a_conflict_does_not_show_the_token(self) -> None:
        api = FakeApi()
        body = {
            "statusCode": 409,
            "error": "Conflict",
            "message": "Specified identity already exists.",
        }
        api.on("POST", USER_PATH + "/identities", httpx.Response(409, json=body))
        with pytest.raises(Conflict) as caught:
            await api.client().link_identity(USER, id_token=Secret("eyJ.secret.token"))
        assert "secret" not in str(caught.value) and "already exists" in str(caught.value)


class TestUnlink:
    SECONDARY = "613282ad45244d0069782b56"

    def two_identities(self) -> dict[str, Any]:
        """The ruby 2021 user after linking: the primary and one secondary."""
        record = load("identities-link")[0]
        return user_body(USER, identities=record["response_body"])

    async def test_a_matching_unlink_returns_the_remaining_identities(self) -> None:
        """go-auth0's recording: the bare id in the path, the remaining identities back."""
        record = next(
            r for r in load("identities-unlink") if "%7C" not in r["url_path"].rsplit("/", 1)[1]
        )
        primary = user_id_of(record["url_path"])
        secondary = record["url_path"].rsplit("/", 1)[1]
        linked = record["response_body"] + [
            {
                "provider": "auth0",
                "user_id": secondary,
                "connection": "Username-Password-Authentication",
            }
        ]
        api = FakeApi()
        api.on(
            "GET",
            record["url_path"].split("/identities")[0],
            httpx.Response(200, json=user_body(primary, identities=linked)),
        )
        api.on("DELETE", record["url_path"], replay(record))
        remaining = await api.client().unlink_identity(
            primary, provider="auth0", identity_user_id=secondary
        )
        assert [i.user_id for i in remaining] == [primary.split("|")[1]]
        assert api.requests[-1].url.raw_path.decode() == record["url_path"]

    async def test_an_unchanged_answer_is_nothing_unlinked(self) -> None:
        """ruby's recording: Auth0 answered 200 with both identities still there."""
        record = next(r for r in load("identities-unlink") if r["url_path"].startswith(USER_PATH))
        api = FakeApi()
        api.on("GET", USER_PATH, httpx.Response(200, json=self.two_identities()))
        api.on("DELETE", f"{USER_PATH}/identities/auth0/{self.SECONDARY}", replay(record))
        with pytest.raises(NothingUnlinked) as caught:
            await api.client().unlink_identity(
                USER, provider="auth0", identity_user_id=self.SECONDARY
            )
        assert "still linked" in caught.value.message
        assert f"auth0|{self.SECONDARY}" in caught.value.hint

    async def test_an_identity_that_is_not_linked_is_nothing_unlinked_and_not_sent(self) -> None:
        """Auth0 would answer 200 unchanged; say so instead of reporting success."""
        api = FakeApi()
        api.on("GET", USER_PATH, httpx.Response(200, json=self.two_identities()))
        with pytest.raises(NothingUnlinked) as caught:
            await api.client().unlink_identity(
                USER, provider="google-oauth2", identity_user_id="42"
            )
        assert caught.value.message == (
            "Nothing was unlinked: no google-oauth2 identity with user id 42."
        )
        assert [r.method for r in api.requests] == ["GET"]

    async def test_the_primary_identity_is_refused_without_a_request(self) -> None:
        api = FakeApi()
        with pytest.raises(RequestRefused, match="primary identity"):
            await api.client().unlink_identity(
                USER, provider="auth0", identity_user_id="613282adac819400692c0dd9"
            )
        assert api.requests == []

    async def test_a_prefixed_id_is_refused_with_the_bare_one_in_the_hint(self) -> None:
        """ruby sent ``auth0|…`` and Auth0 silently matched nothing; we refuse up front."""
        api = FakeApi()
        with pytest.raises(RequestRefused) as caught:
            await api.client().unlink_identity(
                USER, provider="auth0", identity_user_id=f"auth0|{self.SECONDARY}"
            )
        assert caught.value.hint.endswith(self.SECONDARY)
        assert api.requests == []

    async def test_path_segments_are_encoded(self) -> None:
        """An identity id with '|' (custom oauth2 connections) is one path segment."""
        user = user_body(
            USER,
            identities=[
                {"provider": "auth0", "user_id": "613282adac819400692c0dd9"},
                {"provider": "oauth2", "user_id": "my-idp|7"},
            ],
        )
        api = FakeApi()
        api.on("GET", USER_PATH, httpx.Response(200, json=user))
        api.on(
            "DELETE",
            f"{USER_PATH}/identities/oauth2/my-idp%7C7",
            httpx.Response(200, json=user["identities"][:1]),
        )
        remaining = await api.client().unlink_identity(
            USER, provider="oauth2", identity_user_id="my-idp|7"
        )
        assert len(remaining) == 1


class TestDeviceCredentials:
    async def test_lists_with_and_without_totals(self) -> None:
        """Recorded bare array and envelope; the query carries paging and the user."""
        for record in load("device-credentials-list"):
            totals = record["query"].get("include_totals") == "true"
            api = FakeApi()
            api.on("GET", "/api/v2/device-credentials", replay(record))
            page = await api.client().list_device_credentials(
                "auth0|me", include_totals=totals, type="public_key"
            )
            assert (page.total is not None) == totals
            params = dict(api.requests[0].url.params)
            assert params == {
                "user_id": "auth0|me",
                "page": "0",
                "per_page": "50",
                "include_totals": "true" if totals else "false",
                "type": "public_key",
            }

    @pytest.mark.parametrize(("page", "per_page"), [(-1, 50), (0, 0), (0, 101)])
    async def test_paging_out_of_range_is_refused(self, page: int, per_page: int) -> None:
        api = FakeApi()
        with pytest.raises(RequestRefused):
            await api.client().list_device_credentials("auth0|me", page=page, per_page=per_page)
        assert api.requests == []

    async def test_insufficient_scope_explains_that_listing_needs_an_admin(self) -> None:
        api = FakeApi()
        body = {
            "statusCode": 403,
            "error": "Forbidden",
            "message": "Insufficient scope, expected any of: read:device_credentials",
            "errorCode": "insufficient_scope",
        }
        api.on("GET", "/api/v2/device-credentials", httpx.Response(403, json=body))
        with pytest.raises(InsufficientScope) as caught:
            await api.client().list_device_credentials("auth0|me")
        error = caught.value
        assert error.required_scopes == ("read:device_credentials",)
        assert "admin scope (read:device_credentials)" in error.message
        assert "personal sign-in" in error.message
        assert error.hint == "Revoking a credential by its id and adding a device key still work."

    async def test_create_sends_the_key_base64_and_returns_the_id(self) -> None:
        record = next(
            r
            for r in load("device-credentials-create")
            if r["status"] == 201 and r["response_body"]["id"].startswith("dcr_")
        )
        sent = record["request_body"]
        api = FakeApi()
        api.on("POST", "/api/v2/device-credentials", replay(record))
        credential_id = await api.client().create_device_credential(
            device_name=sent["device_name"],
            device_id=sent["device_id"],
            public_key=base64.b64decode(sent["value"]),
            client_id=sent["client_id"],
        )
        assert credential_id == "dcr_GppmjtmDWWY7RRS5"
        assert json.loads(api.requests[0].content) == sent

    async def test_create_conflict_says_the_device_has_a_key(self) -> None:
        api = FakeApi()
        body = {
            "statusCode": 409,
            "error": "Conflict",
            "message": "A public key already exists for the device.",
        }
        api.on("POST", "/api/v2/device-credentials", httpx.Response(409, json=body))
        with pytest.raises(Conflict) as caught:
            await api.client().create_device_credential(
                device_name="laptop", device_id="dev-1", public_key=b"key", client_id="c"
            )
        assert caught.value.message == "This device (dev-1) already has a public key."
        assert "devices revoke" in caught.value.hint

    async def test_create_with_the_recorded_401(self) -> None:
        record = next(r for r in load("device-credentials-create") if r["status"] == 401)
        api = FakeApi()
        api.on("POST", "/api/v2/device-credentials", replay(record))
        with pytest.raises(Unauthorized):
            await api.client().create_device_credential(
                device_name="d", device_id="i", public_key=b"k", client_id="c"
            )

    async def test_create_refuses_missing_parts(self) -> None:
        api = FakeApi()
        with pytest.raises(RequestRefused):
            await api.client().create_device_credential(
                device_name="d", device_id="i", public_key=b"", client_id="c"
            )
        assert api.requests == []

    async def test_revoke_twice_is_204_twice(self) -> None:
        """The recorded pair: the second revoke of a gone credential is still 204."""
        records = [r for r in load("device-credentials-delete") if "dcr_" in r["url_path"]]
        assert [r["status"] for r in records] == [204, 204]
        answers = iter(replay(r) for r in records)
        api = FakeApi()
        api.on("DELETE", records[0]["url_path"], lambda request: next(answers))
        client = api.client()
        await client.revoke_device_credential("dcr_GppmjtmDWWY7RRS5")
        await client.revoke_device_credential("dcr_GppmjtmDWWY7RRS5")  # no error: already gone
        assert [r.method for r in api.requests] == ["DELETE", "DELETE"]


class TestThroughTheRateLimitedTransport:
    """The client on the real transport stack: limits are handled below it, errors above."""

    def client(self, api: FakeApi) -> tuple[ManagementClient, FakeSleep]:
        clock = Clock(NOW)
        sleep = FakeSleep(clock)
        transport = RateLimitedTransport(
            httpx.MockTransport(api),
            board=RateLimitBoard(clock=clock),
            sleep=sleep,
            random=lambda: 0.0,
        )
        return ManagementClient(httpx.AsyncClient(transport=transport), AUDIENCE), sleep

    async def test_a_429_storm_on_a_read_ends_in_rate_limited_after_three_sends(self) -> None:
        api = FakeApi()
        body = {"statusCode": 429, "error": "Too Many Requests"}
        api.on("GET", USER_PATH, httpx.Response(429, json=body))
        client, sleep = self.client(api)
        with pytest.raises(RateLimited) as caught:
            await client.get_user(USER)
        assert len(api.requests) == 3
        assert sleep.calls == [1, 2]
        assert caught.value.hint

    async def test_a_link_429_is_rate_limited_after_one_send(self) -> None:
        """A POST is not replayed; the error says to wait one token (6 s), not the 60 s reset."""
        api = FakeApi()
        headers = {
            "X-RateLimit-Limit": "10",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(int(time.time()) + 60),  # the client dates errors by real time
        }
        api.on("POST", USER_PATH + "/identities", httpx.Response(429, headers=headers))
        client, sleep = self.client(api)
        with pytest.raises(RateLimited) as caught:
            await client.link_identity(USER, id_token=Secret("eyJ.a.b"))
        assert len(api.requests) == 1 and sleep.calls == []
        assert caught.value.retry_after == pytest.approx(6, abs=1)

    async def test_a_metadata_patch_429_is_replayed(self) -> None:
        api = FakeApi()
        answers = iter(
            [
                httpx.Response(429, json={"statusCode": 429}),
                httpx.Response(200, json=user_body(USER)),
            ]
        )
        api.on("PATCH", USER_PATH, lambda request: next(answers))
        client, _ = self.client(api)
        result = await client.update_user_metadata(USER, set={"theme": "dark"})
        assert result.user.user_id == USER
        assert [sent_json(r) for r in api.requests] == [{"user_metadata": {"theme": "dark"}}] * 2
