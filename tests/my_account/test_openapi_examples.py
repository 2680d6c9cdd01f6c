"""The client's parsing against responses shaped exactly as the OpenAPI examples.

Bodies are copied from Auth0's My Account OAS, ``auth0/docs-v2``
``main/docs/oas/myaccount/myaccount-api-oas.json`` (commit ``0c7b7e56``): the ``multiple-methods``
example of ``GET /authentication-methods`` 200, and the ``totp``, ``recovery-code``, ``email``
and ``passkey`` examples of ``POST /authentication-methods`` 202. The OAS has no error examples;
its ``ErrorResponse`` schema (``type, status, title, detail, validation_errors``) is summarised in
auth0-reference.md §8.4, and the bodies below follow it.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tui_console.errors import RateLimited
from tui_console.my_account.errors import (
    MethodNotFound,
    MethodNotRemovable,
    MyAccountError,
    MyAccountUnavailable,
    error_from_problem,
)
from tui_console.my_account.models import parse_enrollment, parse_method, parse_methods

#: OAS, GET /authentication-methods, 200, example "multiple-methods" (verbatim).
LIST_EXAMPLE: dict[str, Any] = {
    "authentication_methods": [
        {
            "id": "email|dev_XXXXXXXXXXXXXXXX",
            "type": "email",
            "confirmed": True,
            "email": "user@example.com",
            "usage": ["secondary"],
            "created_at": "2025-01-15T10:30:00.000Z",
        },
        {
            "id": "phone|dev_YYYYYYYYYYYYYYYY",
            "type": "phone",
            "confirmed": True,
            "phone_number": "+15551234567",
            "preferred_authentication_method": "sms",
            "usage": ["secondary"],
            "created_at": "2025-01-16T14:00:00.000Z",
        },
        {
            "id": "totp|dev_ZZZZZZZZZZZZZZZZ",
            "type": "totp",
            "confirmed": True,
            "usage": ["secondary"],
            "created_at": "2025-02-01T09:15:00.000Z",
        },
        {
            "id": "passkey|dev_AAAAAAAAAAAAAAAA",
            "type": "passkey",
            "credential_device_type": "multi_device",
            "credential_backed_up": True,
            "identity_user_id": "auth0|507f1f77bcf86cd799439011",
            "key_id": "dGVzdC1rZXktaWQ",
            "public_key": "pQECAyYgASFYI...",
            "transports": ["internal"],
            "user_agent": "Chrome 131.0.0 / Mac OS X 10.15.7",
            "user_handle": "YXV0aDB8NTA3ZjFmNzdiY2Y4NmNkNzk5NDM5MDEx",
            "relying_party_id": "example.auth0.com",
            "usage": ["primary"],
            "created_at": "2025-03-10T08:00:00.000Z",
        },
        {
            "id": "password|dXNlci0xMjM",
            "type": "password",
            "identity_user_id": "auth0|507f1f77bcf86cd799439011",
            "usage": ["primary"],
            "created_at": "2024-06-01T12:00:00.000Z",
        },
        {
            "id": "webauthn-platform|dev_BBBBBBBBBBBBBBBB",
            "type": "webauthn-platform",
            "confirmed": True,
            "key_id": "dGVzdC1wbGF0Zm9ybS1rZXk",
            "public_key": "pQECAyYgASFYI...",
            "usage": ["secondary"],
            "created_at": "2025-02-20T11:00:00.000Z",
        },
        {
            "id": "webauthn-roaming|dev_CCCCCCCCCCCCCCCC",
            "type": "webauthn-roaming",
            "confirmed": True,
            "key_id": "dGVzdC1yb2FtaW5nLWtleQ",
            "public_key": "pQECAyYgASFYI...",
            "usage": ["secondary"],
            "created_at": "2025-02-25T16:45:00.000Z",
        },
    ]
}

#: OAS, POST /authentication-methods, 202, example "totp" (verbatim).
TOTP_202 = {
    "id": "totp|dev_XXXXXXXXXXXXXXXX",
    "auth_session": "Fe26.2**05c400ed...",
    "barcode_uri": "otpauth://totp/my-tenant:auth0%7C507f1f77bcf86cd799439011?secret=JBSWY3DPEHPK3PXP&issuer=my-tenant&algorithm=SHA1&digits=6&period=30",
    "manual_input_code": "JBSWY3DPEHPK3PXP",
}
#: OAS, POST /authentication-methods, 202, example "recovery-code" (verbatim).
RECOVERY_202 = {
    "id": "recovery-code|dev_XXXXXXXXXXXXXXXX",
    "auth_session": "Fe26.2**05c400ed...",
    "recovery_code": "ABCDEFGHIJKLMNOPQRSTUVWX",
}
#: OAS, POST /authentication-methods, 202, example "email" (verbatim).
EMAIL_202 = {"id": "email|dev_XXXXXXXXXXXXXXXX", "auth_session": "Fe26.2**05c400ed..."}
#: OAS, POST /authentication-methods, 202, example "passkey" (shortened: no id in the body).
PASSKEY_202 = {
    "auth_session": "Fe26.2**05c400ed...",
    "authn_params_public_key": {"challenge": "dGVzdC1jaGFsbGVuZ2U", "timeout": 60000},
}


def test_the_list_example_parses_every_type_and_keeps_unknown_fields() -> None:
    """All seven methods of the OAS example, with their type fields; the rest kept in raw."""
    methods = parse_methods(LIST_EXAMPLE)
    assert [m.type for m in methods] == [
        "email",
        "phone",
        "totp",
        "passkey",
        "password",
        "webauthn-platform",
        "webauthn-roaming",
    ]
    email, phone, totp, passkey, password, platform, _ = methods
    assert email.email == "user@example.com" and email.confirmed is True
    assert phone.phone_number == "+15551234567"
    assert phone.preferred_authentication_method == "sms"
    assert totp.label == "authenticator app" and totp.created_at is not None
    assert passkey.usage == ("primary",) and passkey.credential_backed_up is True
    assert passkey.transports == ("internal",) and passkey.detail.startswith("Chrome")
    assert passkey.raw["relying_party_id"] == "example.auth0.com"
    assert password.confirmed is None and not password.removable_here
    assert platform.label == "security key (this device)"
    assert [m.to_json() for m in methods] == LIST_EXAMPLE["authentication_methods"]


def test_a_bare_array_unknown_types_and_odd_entries_are_tolerated() -> None:
    """The guide's bare array, a type the client has never heard of, and junk entries."""
    methods = parse_methods(
        [
            {"id": "sms-magic|dev_1", "type": "sms-magic", "usage": "primary", "new": 1},
            {"type": "totp"},
            "junk",
            {"id": "totp|dev_2", "type": "totp", "created_at": "not a date", "confirmed": "yes"},
        ]
    )
    assert [m.id for m in methods] == ["sms-magic|dev_1", "totp|dev_2"]
    assert methods[0].label == "sms-magic" and methods[0].usage == ()
    assert methods[1].created_at is None and methods[1].confirmed is None
    with pytest.raises(ValueError):
        parse_method({"type": "totp"})


def test_the_enrollment_examples_give_the_uri_the_code_and_the_id() -> None:
    """TOTP: URI and manual code as secrets; recovery code once; passkey id from Location."""
    totp = parse_enrollment("totp", TOTP_202, "/me/v1/authentication-methods/totp%7Cdev_X")
    assert totp.id == "totp|dev_XXXXXXXXXXXXXXXX" and totp.needs_code
    assert totp.barcode_uri is not None and totp.barcode_uri.reveal().startswith("otpauth://")
    assert totp.manual_input_code is not None
    assert "JBSWY3DPEHPK3PXP" not in repr(totp)
    recovery = parse_enrollment("recovery-code", RECOVERY_202, None)
    assert recovery.recovery_code is not None and not recovery.needs_code
    assert "ABCDEFGHIJKLMNOPQRSTUVWX" not in repr(recovery)
    email = parse_enrollment("email", EMAIL_202, None)
    assert email.needs_code and email.barcode_uri is None
    passkey = parse_enrollment(
        "passkey", PASSKEY_202, "https://t.example/me/v1/authentication-methods/passkey%7Cnew"
    )
    assert passkey.id == "passkey|new"
    with pytest.raises(ValueError):
        parse_enrollment("totp", {"id": "totp|dev_1"}, None)


def _response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.Response(
        status,
        content=content,
        headers={"content-type": "application/json", **(headers or {})},
        request=httpx.Request("DELETE", "https://t.example/me/v1/authentication-methods/x"),
    )


def _problem(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"type": "about:blank", "status": status, "title": title, "detail": detail, **extra}


def test_problem_json_maps_onto_the_error_tree_with_a_cause_and_a_next_step() -> None:
    """400 names the field; 403 the scope and the dashboard; 404; 409 on delete in words."""
    invalid = error_from_problem(
        _response(
            400,
            _problem(
                400,
                "Bad Request",
                "Invalid request body",
                validation_errors=[
                    {
                        "detail": "must be E.164",
                        "field": "phone_number",
                        "pointer": "/phone_number",
                        "source": "body",
                    }
                ],
            ),
        ),
        "create",
    )
    assert isinstance(invalid, MyAccountError) and "phone_number: must be E.164" in invalid.message
    assert invalid.problem.validation_errors[0].pointer == "/phone_number"
    forbidden = error_from_problem(
        _response(403, _problem(403, "Forbidden", "Insufficient scope, expected: read:me:factors")),
        "list",
    )
    assert isinstance(forbidden, MyAccountUnavailable)
    assert "read:me:factors" in forbidden.message and "Dashboard" in forbidden.hint
    gone = error_from_problem(_response(404, _problem(404, "Not Found", "")), "read")
    assert isinstance(gone, MethodNotFound)
    kept = error_from_problem(_response(409, _problem(409, "Conflict", "")), "delete")
    assert isinstance(kept, MethodNotRemovable)
    assert "last method you can sign in with" in kept.message and kept.hint
    exists = error_from_problem(_response(409, _problem(409, "Conflict", "")), "create")
    assert not isinstance(exists, MethodNotRemovable)
    broken = error_from_problem(_response(502, b"<html>Bad Gateway</html>"), "delete")
    assert isinstance(broken, MyAccountError) and broken.problem.type == "invalid_json"
    assert "list your methods first" in broken.hint


def test_a_429_waits_for_retry_after_read_from_lower_case_headers() -> None:
    """``retry-after`` first; without it, one token's refill from ``x-ratelimit-*``."""
    now = 1_800_000_000.0
    limited = error_from_problem(
        _response(429, _problem(429, "Too Many Requests", ""), {"retry-after": "12"}),
        "create",
        now=now,
    )
    assert isinstance(limited, RateLimited) and limited.retry_after == 12
    by_headers = error_from_problem(
        _response(
            429,
            _problem(429, "Too Many Requests", ""),
            {
                "x-ratelimit-limit": "5",
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": str(int(now) + 60),
            },
        ),
        "create",
        now=now,
    )
    assert isinstance(by_headers, RateLimited) and by_headers.retry_after == pytest.approx(12)


def test_the_totp_example_draws_a_qr_code_that_fits_80x24() -> None:
    """The defaults Auth0 spells out are dropped, the key is the same, and it fits 80x24."""
    from urllib.parse import parse_qs, urlsplit

    from tui_console.my_account.models import qr_otpauth
    from tui_console.qr import qr_lines

    uri = str(TOTP_202["barcode_uri"])
    compact = qr_otpauth(uri)
    assert "algorithm" not in compact and "period" not in compact
    before, after = urlsplit(uri), urlsplit(compact)
    assert after.path == before.path
    assert parse_qs(after.query) == {"secret": ["JBSWY3DPEHPK3PXP"], "issuer": ["my-tenant"]}
    # A 32-character secret, as the dev tenant issues, must fit too.
    long_secret = compact.replace("JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PXP" * 2)
    for text in (compact, long_secret):
        lines = qr_lines(text)
        assert len(lines) + 2 <= 24 and max(len(line) for line in lines) <= 80
    kept = "otpauth://totp/x?secret=AB&digits=8&algorithm=SHA256"
    assert qr_otpauth(kept) == kept
