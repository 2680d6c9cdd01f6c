"""The Management API's rules, as plain functions: errors, scopes, queries, PATCH semantics.

Everything here is what Auth0 was recorded (or documented) to do, without HTTP or locking, so
the aggregates (:mod:`.users`, :mod:`.sessions`, :mod:`.mfa`...) apply it under the tenant's
lock and the routes (:mod:`.management_pipeline` and the endpoint modules) only translate. Named
``management_rules`` because "management" alone was three things: these rules, the routes and
the client's ``tui_console.management``. Sources:
``auth0-reference.md`` §6 and ``auth0-recordings/NOTES.md`` §1-§7.

* **Error bodies** are ``{"statusCode", "error", "message", "errorCode"}``; ``errorCode`` is
  optional and left out where Auth0 is not known to send one (NOTES.md §6).
* **Scopes.** Each endpoint accepts *admin* scopes (any user) and *current-user* scopes (only
  the token's own ``sub``); a token with neither gets 403 ``insufficient_scope`` listing the
  scopes as Auth0 lists them (§6.1, §6.6, §6.7).
* **Queries** are validated the way Auth0's schema validator words it: "Query validation
  error: '<reason>' on property <name> (<description>)." with ``invalid_query_string``.
* **PATCH** (§6.3, NOTES.md §2): metadata is merged at the top level only, a ``null`` value
  deletes its key, a nested object replaces the whole nested object, ``{}`` wipes everything;
  an emptied ``user_metadata`` stays as ``{}`` while an emptied ``app_metadata`` disappears.
  ``updated_at`` moves on every PATCH, even one that changes nothing.
"""

from __future__ import annotations

import copy
import secrets
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from tui_console.devtenant.models import User, hash_password

__all__ = [
    "GLOBAL_LIMIT_BODY",
    "ManagementApiError",
    "Policy",
    "apply_user_patch",
    "error_body",
    "filter_fields",
    "insufficient_scope",
    "invalid_body",
    "invalid_query",
    "merge_metadata",
    "new_credential_id",
    "parse_bool",
    "parse_int",
    "policy",
    "required_patch_scopes",
    "subject_mismatch",
    "user_not_found",
    "validate_user_patch",
    "wrong_type",
]

#: The Management API 429 body (recorded: errors.json, terraform; NOTES.md §7).
GLOBAL_LIMIT_BODY: dict[str, Any] = {
    "statusCode": 429,
    "error": "Too Many Requests",
    "message": "Global limit has been reached",
    "errorCode": "too_many_requests",
}

_ID_ALPHABET = string.ascii_letters + string.digits


class ManagementApiError(Exception):
    """A Management API refusal: status, Auth0's ``message`` and optional ``errorCode``."""

    def __init__(
        self,
        status: int,
        message: str,
        error_code: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.error_code = error_code
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.message, self.error_code)


def error_body(status: int, message: str, error_code: str | None = None) -> dict[str, Any]:
    """``{"statusCode", "error" (the reason phrase), "message"[, "errorCode"]}``."""
    body: dict[str, Any] = {
        "statusCode": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
    }
    if error_code is not None:
        body["errorCode"] = error_code
    return body


def insufficient_scope(scopes: Iterable[str]) -> ManagementApiError:
    """403 ``insufficient_scope`` naming the scopes that would do (comma-joined, no spaces,
    as recorded in errors.json)."""
    return ManagementApiError(
        403, "Insufficient scope, expected any of: " + ",".join(scopes), "insufficient_scope"
    )


def subject_mismatch() -> ManagementApiError:
    """403 for a current-user token acting on someone else (auth0-reference.md §6.2; the
    wording is documented, not recorded, and no ``errorCode`` is known for it)."""
    return ManagementApiError(403, "User to be acted on does not match subject in bearer token.")


def user_not_found() -> ManagementApiError:
    """404 as recorded in users-get.json (go 2023, terraform 2025)."""
    return ManagementApiError(404, "The user does not exist.", "inexistent_user")


def invalid_body(reason: str, prop: str | None = None, description: str = "") -> ManagementApiError:
    """400 ``invalid_body`` in the validator's words (errors.json: "Payload validation error:
    '<reason>' on property <prop> (<description>).")."""
    where = f" on property {prop} ({description})" if prop else ""
    return ManagementApiError(400, f"Payload validation error: '{reason}'{where}.", "invalid_body")


def invalid_query(reason: str, prop: str, description: str) -> ManagementApiError:
    """400 for a bad query parameter, worded like :func:`invalid_body` (UNCONFIRMED: no query
    validation error was recorded; ``invalid_query_string`` follows ``invalid_uri``'s pattern)."""
    return ManagementApiError(
        400,
        f"Query validation error: '{reason}' on property {prop} ({description}).",
        "invalid_query_string",
    )


def new_credential_id() -> str:
    """``dcr_`` + 16 alphanumerics (NOTES.md §4)."""
    return "dcr_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(16))


# -- scopes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """Who may call an endpoint: ``admin`` scopes act on anyone, ``current_user`` scopes only on
    the token's own user. ``expected`` is the list Auth0's 403 names, in its order."""

    admin: frozenset[str]
    current_user: frozenset[str]
    expected: tuple[str, ...]

    def access(self, scopes: frozenset[str]) -> str:
        """``"admin"`` or ``"current_user"``; raises 403 ``insufficient_scope`` otherwise."""
        if scopes & self.admin:
            return "admin"
        if scopes & self.current_user:
            return "current_user"
        raise insufficient_scope(self.expected)


def _policy(
    admin: tuple[str, ...], current_user: tuple[str, ...], expected: tuple[str, ...]
) -> Policy:
    return Policy(frozenset(admin), frozenset(current_user), expected)


#: auth0-reference.md §6.1, §6.4, §6.6 and the recorded 403 list for GET /users/{id} (§6.7).
_POLICIES: dict[str, Policy] = {
    "get_user": _policy(
        ("read:users", "read:user_idp_tokens"),
        ("read:current_user",),
        ("read:users", "read:current_user", "read:user_idp_tokens"),
    ),
    # MO lists these three; the docs also map create:current_user_metadata to this PATCH (§6.1).
    "patch_user": _policy(
        ("update:users", "update:users_app_metadata"),
        ("update:current_user_metadata", "create:current_user_metadata"),
        ("update:users", "update:users_app_metadata", "update:current_user_metadata"),
    ),
    "link": _policy(
        ("update:users",),
        ("update:current_user_identities",),
        ("update:users", "update:current_user_identities"),
    ),
    "unlink": _policy(
        ("update:users",),
        ("update:current_user_identities",),
        ("update:users", "update:current_user_identities"),
    ),
    "list_device_credentials": _policy(
        ("read:device_credentials",), (), ("read:device_credentials",)
    ),
    "create_device_credential": _policy(
        (),
        ("create:current_user_device_credentials",),
        ("create:current_user_device_credentials",),
    ),
    "delete_device_credential": _policy(
        ("delete:device_credentials",),
        ("update:current_user", "delete:current_user_device_credentials"),
        (
            "delete:device_credentials",
            "update:current_user",
            "delete:current_user_device_credentials",
        ),
    ),
    # The support endpoints take admin scopes only (auth0-reference.md §8.2, §8.3, §8.6).
    "list_users": _policy(("read:users",), (), ("read:users",)),
    "read_sessions": _policy(("read:sessions",), (), ("read:sessions",)),
    "delete_sessions": _policy(("delete:sessions",), (), ("delete:sessions",)),
    "read_refresh_tokens": _policy(("read:refresh_tokens",), (), ("read:refresh_tokens",)),
    "delete_refresh_tokens": _policy(("delete:refresh_tokens",), (), ("delete:refresh_tokens",)),
    "read_logs": _policy(("read:logs", "read:logs_users"), (), ("read:logs", "read:logs_users")),
    "read_user_blocks": _policy(("read:users",), (), ("read:users",)),
    "delete_user_blocks": _policy(("update:users",), (), ("update:users",)),
    # The one support call a user token may make for itself (§8.6 [MO, F1]).
    "read_enrollments": _policy(
        ("read:users",), ("read:current_user",), ("read:users", "read:current_user")
    ),
    "read_authentication_methods": _policy(
        ("read:authentication_methods",), (), ("read:authentication_methods",)
    ),
    "delete_authentication_methods": _policy(
        ("delete:authentication_methods",), (), ("delete:authentication_methods",)
    ),
    "invalidate_remember_browser": _policy(("update:users",), (), ("update:users",)),
}


def policy(endpoint: str) -> Policy:
    return _POLICIES[endpoint]


# -- queries ------------------------------------------------------------------------------------


def parse_bool(value: str | None, prop: str, description: str, *, default: bool) -> bool:
    if value is None:
        return default
    if value in ("true", "false"):
        return value == "true"
    raise invalid_query("Expected type boolean but found type string", prop, description)


def parse_int(
    value: str | None,
    prop: str,
    description: str,
    *,
    default: int,
    minimum: int,
    maximum: int | None = None,
) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise invalid_query(
            "Expected type integer but found type string", prop, description
        ) from None
    if number < minimum:
        raise invalid_query(f"Value {number} is less than minimum {minimum}", prop, description)
    if maximum is not None and number > maximum:
        raise invalid_query(f"Value {number} is greater than maximum {maximum}", prop, description)
    return number


def filter_fields(item: dict[str, Any], fields: str | None, include: bool) -> dict[str, Any]:
    """``fields=a,b``: only those keys with ``include_fields=true``, all but those with
    ``false``; no ``fields`` (or an empty one) leaves ``item`` whole (NOTES.md §1)."""
    names = {name.strip() for name in (fields or "").split(",") if name.strip()}
    if not names:
        return item
    if include:
        return {k: v for k, v in item.items() if k in names}
    return {k: v for k, v in item.items() if k not in names}


# -- PATCH /api/v2/users/{id} -------------------------------------------------------------------

_METADATA = ("user_metadata", "app_metadata")
_STRING_ATTRIBUTES = {
    "name": "The user's full name.",
    "nickname": "The user's nickname.",
    "picture": "A URI pointing to the user's picture.",
    "given_name": "The user's given name(s).",
    "family_name": "The user's family name(s).",
    "username": "The user's username.",
    "email": "Email address of this user.",
    "phone_number": "The user's phone number (following the E.164 recommendation).",
    "connection": "Name of the connection to target for this user update.",
    "password": "New password for this user.",
    "client_id": "Auth0 client ID. Only valid when updating email address.",
}
_BOOLEAN_ATTRIBUTES = {
    "email_verified": "Whether this email address is verified (true) or unverified (false).",
    "blocked": "Whether this user was blocked by an administrator (true) or not (false).",
    "verify_email": "Whether this user will receive a verification email after creation.",
    "phone_verified": "Whether this phone number has been verified (true) or not (false).",
    "verify_phone_number": "Whether this user will receive a text after changing the phone number.",
    "verify_password": "Whether this user will receive a verification email after update.",
}
_METADATA_DESCRIPTIONS = {
    "user_metadata": "User metadata to which this user has read/write access.",
    "app_metadata": "User metadata to which this user has read-only access.",
}
#: Attributes that may be unset with ``null`` (auth0-reference.md §6.3 [F6]).
_NULLABLE = frozenset({"given_name", "family_name", "username", "nickname", "picture", "name"})
#: Attributes accepted but with nothing to store in this tenant.
_ACCEPTED_ONLY = frozenset(
    {"connection", "client_id", "verify_email", "verify_phone_number", "verify_password"}
)


def _json_type(value: Any, *, integers: bool) -> str:
    """The JSON Schema name of ``value``'s type, as Auth0's 400s word it ("found type string").

    A whole number is a "number", or with ``integers`` an "integer" (the user-patch checks
    say so; UNRECORDED both: no wrong-type 400 was recorded)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) and integers:
        return "integer"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def wrong_type(
    expected: str,
    value: Any,
    prop: str | None = None,
    description: str = "",
    *,
    integers: bool = False,
) -> ManagementApiError:
    """:func:`invalid_body` for a ``value`` that is not of the ``expected`` JSON type:
    "Expected type string but found type number"."""
    found = _json_type(value, integers=integers)
    return invalid_body(f"Expected type {expected} but found type {found}", prop, description)


def validate_user_patch(body: Any) -> dict[str, Any]:
    """The PATCH body, checked against the user update schema; 400 ``invalid_body`` if not."""
    if not isinstance(body, dict):
        raise wrong_type("object", body, integers=True)
    known = set(_STRING_ATTRIBUTES) | set(_BOOLEAN_ATTRIBUTES) | set(_METADATA)
    unknown = sorted(set(body) - known)
    if unknown:
        raise invalid_body(f"Additional properties not allowed: {','.join(unknown)}")
    for key, value in body.items():
        if key in _METADATA:
            if not isinstance(value, dict):
                raise wrong_type("object", value, key, _METADATA_DESCRIPTIONS[key], integers=True)
        elif key in _BOOLEAN_ATTRIBUTES:
            if not isinstance(value, bool):
                raise wrong_type("boolean", value, key, _BOOLEAN_ATTRIBUTES[key], integers=True)
        elif not (isinstance(value, str) or (value is None and key in _NULLABLE)):
            raise wrong_type("string", value, key, _STRING_ATTRIBUTES[key], integers=True)
    if body.get("password") == "":
        raise invalid_body("String is too short (0 chars), minimum 1", "password", "New password")
    return body


def required_patch_scopes(body: Mapping[str, Any], access: str, scopes: frozenset[str]) -> None:
    """403 when the token may not change what ``body`` touches.

    With ``update:users`` anything goes. ``update:users_app_metadata`` reaches both metadata
    objects; the current-user scopes only ``user_metadata`` (auth0-reference.md §6.1, §6.3).
    The 403 texts are Auth0's format with the admin scopes that would allow the change
    (UNCONFIRMED: no current-user PATCH refusal was recorded, NOTES.md §11).
    """
    if "update:users" in scopes:
        return
    if any(key not in _METADATA for key in body):
        raise insufficient_scope(("update:users",))
    if "app_metadata" in body and not (access == "admin" and "update:users_app_metadata" in scopes):
        raise insufficient_scope(("update:users", "update:users_app_metadata"))


def merge_metadata(current: dict[str, Any] | None, change: dict[str, Any]) -> dict[str, Any]:
    """Top-level merge: keys set replace (a nested object replaces the whole object), ``null``
    deletes, ``{}`` wipes everything (NOTES.md §2, auth0-reference.md §6.3)."""
    if not change:
        return {}
    merged = copy.deepcopy(current) if current else {}
    for key, value in change.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def apply_user_patch(user: User, body: Mapping[str, Any], *, now: str) -> None:
    """Apply a validated, authorised PATCH to ``user`` in place and move ``updated_at``."""
    for key, value in body.items():
        if key == "user_metadata":
            # An emptied user_metadata stays as {} (recorded).
            user.user_metadata = merge_metadata(user.user_metadata, value)
        elif key == "app_metadata":
            # An emptied app_metadata disappears from the user (recorded).
            user.app_metadata = merge_metadata(user.app_metadata, value) or None
        elif key == "password":
            user.password_hash = hash_password(value)
            user.last_password_reset = now
        elif key == "email":
            user.email = value
            if user.identities and user.identities[0].profile_data is not None:
                user.identities[0].profile_data["email"] = value
        elif key in _ACCEPTED_ONLY or key in ("phone_number", "phone_verified"):
            continue
        elif value is None and key in ("name", "nickname", "picture"):
            continue  # required attributes keep their value (Auth0 restores its defaults)
        else:
            setattr(user, key, value)
    user.updated_at = now
