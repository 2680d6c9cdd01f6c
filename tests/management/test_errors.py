"""Auth0's error answers become errors with a cause and a next step, and never carry a token."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.recordings import as_response, load
from tui_console.errors import RateLimited
from tui_console.management import (
    Conflict,
    InsufficientScope,
    InvalidRequest,
    ManagementAPIError,
    ServerError,
    SubjectMismatch,
    Unauthorized,
    UserNotFound,
    error_from_response,
)

NOW = 1_630_700_000.0
EXPECTED: dict[int, type[Exception]] = {
    400: InvalidRequest,
    401: Unauthorized,
    409: Conflict,
    429: RateLimited,
}


def answer(
    status: int, body: Any = None, *, text: str | None = None, **headers: str
) -> httpx.Response:
    request = httpx.Request("GET", "https://tenant.example/api/v2/users/auth0%7C1")
    if text is not None:
        return httpx.Response(status, text=text, headers=headers, request=request)
    return httpx.Response(status, json=body, headers=headers, request=request)


def management_errors() -> list[dict[str, Any]]:
    """errors.json entries for /api/v2 paths (recordings and quoted issue reports)."""
    return [r for r in load("errors") if (r.get("url_path") or "").startswith("/api/v2")]


class TestRecordedErrors:
    def test_every_recorded_management_error_maps_to_its_class(self) -> None:
        """Each /api/v2 error in errors.json becomes the error its status and code call for."""
        records = management_errors()
        assert len(records) > 50
        for record in records:
            error = error_from_response(as_response(record), now=NOW)
            body = record["response_body"]
            status = record["status"]
            if status in EXPECTED:
                assert type(error) is EXPECTED[status], record["url_path"]
            elif status == 404:
                code = body.get("errorCode")
                assert type(error) is (
                    UserNotFound if code == "inexistent_user" else ManagementAPIError
                )
            else:
                assert status == 403
                code = body.get("errorCode")
                assert type(error) is (
                    InsufficientScope if code == "insufficient_scope" else ManagementAPIError
                )
            assert error.message and error.hint, record["url_path"]
            if isinstance(error, ManagementAPIError):
                assert error.status == status
                assert error.error == body["error"]
                assert error.error_code == body.get("errorCode")
                assert error.server_message == body.get("message", "")

    def test_recorded_insufficient_scope_messages_yield_the_scopes(self) -> None:
        found = {}
        for record in management_errors():
            error = error_from_response(as_response(record), now=NOW)
            if isinstance(error, InsufficientScope) and error.required_scopes:
                found[record["url_path"]] = error.required_scopes
        assert found == {
            "/api/v2/connections-directory-provisionings": ("read:directory_provisionings",),
            "/api/v2/organizations/org_SrEMrFYV9b6phMSo/clients": ("read:organization_clients",),
            "/api/v2/rate-limit-policies": ("read:rate_limit_policies",),
        }

    def test_insufficient_scope_without_scopes_does_not_suggest_a_login(self) -> None:
        """Auth0 also uses insufficient_scope for "Please upgrade your subscription"."""
        record = next(
            r for r in management_errors() if r["url_path"] == "/api/v2/supplemental-signals"
        )
        error = error_from_response(as_response(record), now=NOW)
        assert isinstance(error, InsufficientScope)
        assert error.required_scopes == ()
        assert "--scope" not in error.hint
        assert "upgrade your subscription" in error.message

    def test_recorded_429s_are_rate_limited(self) -> None:
        """Real 429s (terraform) and quoted ones without a message are RateLimited."""
        records = [r for r in load("ratelimit-429-retry") if r["status"] == 429]
        records += [r for r in management_errors() if r["status"] == 429]
        assert records
        for record in records:
            error = error_from_response(as_response(record), now=NOW)
            assert isinstance(error, RateLimited)
            assert error.retry_after is None  # the recorders kept no rate-limit headers
            assert error.hint

    def test_the_recorded_device_credentials_401(self) -> None:
        record = next(r for r in load("device-credentials-create") if r["status"] == 401)
        error = error_from_response(as_response(record), now=NOW)
        assert isinstance(error, Unauthorized)
        assert error.server_message == "Missing authentication"
        assert error.error_code is None
        assert "tui-console login" in error.hint


class TestInsufficientScope:
    @pytest.mark.parametrize(
        ("message", "scopes"),
        [
            (
                "Insufficient scope, expected any of: "
                "read:users,read:current_user,read:user_idp_tokens",
                ("read:users", "read:current_user", "read:user_idp_tokens"),
            ),
            (
                "Insufficient scope; expected: update:users, update:current_user_identities.",
                ("update:users", "update:current_user_identities"),
            ),
            (
                "Insufficient scope; expected any of: delete:device_credentials, "
                "update:current_user, delete:current_user_device_credentials.",
                (
                    "delete:device_credentials",
                    "update:current_user",
                    "delete:current_user_device_credentials",
                ),
            ),
        ],
    )
    def test_the_documented_forms_are_parsed(self, message: str, scopes: tuple[str, ...]) -> None:
        body = {
            "statusCode": 403,
            "error": "Forbidden",
            "message": message,
            "errorCode": "insufficient_scope",
        }
        error = error_from_response(answer(403, body))
        assert isinstance(error, InsufficientScope)
        assert error.required_scopes == scopes

    def test_the_hint_names_a_scope_a_person_can_get(self) -> None:
        """Of "read:users, read:current_user", only the current_user one is for end users."""
        body = {
            "statusCode": 403,
            "error": "Forbidden",
            "message": "Insufficient scope, expected any of: read:users,read:current_user",
            "errorCode": "insufficient_scope",
        }
        error = error_from_response(answer(403, body))
        assert "read:users, read:current_user" in error.message
        assert error.hint == (
            "Sign in again asking for read:current_user "
            "(tui-console login --scope read:current_user)."
        )


class TestOtherErrors:
    def test_subject_mismatch(self) -> None:
        body = {
            "statusCode": 403,
            "error": "Forbidden",
            "message": "User to be acted on does not match subject in bearer token.",
        }
        error = error_from_response(answer(403, body))
        assert isinstance(error, SubjectMismatch)
        assert "own user account" in error.message

    def test_bad_audience_names_the_management_audience(self) -> None:
        body = {
            "statusCode": 401,
            "error": "Unauthorized",
            "message": "Bad audience: https://api.example",
        }
        error = error_from_response(answer(401, body))
        assert isinstance(error, Unauthorized)
        assert "--audience https://tenant.example/api/v2/" in error.hint

    def test_server_errors_say_a_change_may_have_applied(self) -> None:
        error = error_from_response(answer(503, text="<html>upstream down</html>"))
        assert isinstance(error, ServerError)
        assert error.error == "Service Unavailable"
        assert "reload" in error.hint and "<html>" not in str(error)

    def test_an_html_429_is_rate_limited_with_the_wait_from_retry_after(self) -> None:
        """auth0-spa-js#396: a text/html 429. Retry-After wins over the bucket headers."""
        error = error_from_response(
            answer(429, text="<html>Too Many Requests</html>", **{"Retry-After": "9"}), now=NOW
        )
        assert isinstance(error, RateLimited)
        assert error.retry_after == 9
        assert error.hint == "Try again in 9 s."

    def test_a_429_waits_for_one_token_not_the_reset(self) -> None:
        headers = {
            "X-RateLimit-Limit": "10",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(int(NOW) + 50),
        }
        error = error_from_response(answer(429, {"statusCode": 429}, **headers), now=NOW)
        assert isinstance(error, RateLimited)
        assert error.retry_after == 5

    def test_a_token_quoted_by_the_server_is_redacted(self) -> None:
        """Validation errors quote the value; a link_with ID token must not reach the screen."""
        jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
        body = {
            "statusCode": 400,
            "error": "Bad Request",
            "message": f"Payload validation error: 'Invalid token {jwt}' on property link_with",
            "errorCode": "invalid_body",
        }
        error = error_from_response(answer(400, body))
        assert isinstance(error, InvalidRequest)
        assert jwt not in str(error) and jwt not in error.server_message
        assert "Payload validation error" in str(error)

    def test_a_body_that_is_not_an_object(self) -> None:
        error = error_from_response(answer(418, ["odd"]))
        assert type(error) is ManagementAPIError
        assert error.status == 418 and error.error == "I'm a teapot"

    def test_json_without_content_type_is_still_read(self) -> None:
        """deploy-cli's recordings carry no Content-Type; the body is JSON all the same."""
        request = httpx.Request("GET", "https://tenant.example/api/v2/x")
        body = {
            "statusCode": 404,
            "error": "Not Found",
            "message": "The user does not exist.",
            "errorCode": "inexistent_user",
        }
        response = httpx.Response(404, content=json.dumps(body).encode(), request=request)
        assert isinstance(error_from_response(response), UserNotFound)
