"""Management API failures as errors a person can act on.

Auth0's Management API answers errors with ``{"statusCode", "error", "message", "errorCode"}``
(auth0-reference.md §6.7); ``errorCode`` is optional (auth0-recordings/NOTES.md §6: many 404s,
the 401 "Missing authentication" and early 429s lack it), the body may carry no
``Content-Type`` (deploy-cli recordings) and a 429 may not be JSON at all (an HTML 429,
errors.json issue report). :func:`error_from_response` reads all of these. Server messages are
passed through :func:`~tui_console.redact.redact`: Auth0's validation errors quote the offending
value, which for ``link_with`` would be an ID token.

    TuiConsoleError                     (tui_console.errors)
    ├── RateLimited                     429: ``retry_after`` is one token's refill, not the reset
    ├── ManagementAPIError              the API answered with an error: status, error, error_code
    │   ├── InvalidRequest              400 (invalid_body, invalid_uri, ...)
    │   ├── Unauthorized                401: missing, expired or wrong-audience token
    │   ├── InsufficientScope           403 insufficient_scope; ``required_scopes`` as parsed
    │   ├── SubjectMismatch             403: a current_user token acting on another user
    │   ├── UserNotFound                404 inexistent_user
    │   ├── Conflict                    409
    │   ├── ServerError                 5xx
    │   ├── UnexpectedResponse          a success whose body has the wrong shape
    │   └── NothingUnlinked             an unlink Auth0 answered 200 without removing anything
    └── RequestRefused                  refused before sending (nothing went to Auth0)
        └── InvalidMetadata             a metadata change Auth0 would misread or reject
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from typing import Any

import httpx

from tui_console.errors import RateLimited, TuiConsoleError
from tui_console.ratelimit.headers import wait_after_429
from tui_console.redact import redact

__all__ = [
    "Conflict",
    "InsufficientScope",
    "InvalidMetadata",
    "InvalidRequest",
    "ManagementAPIError",
    "NothingUnlinked",
    "RequestRefused",
    "ServerError",
    "SubjectMismatch",
    "Unauthorized",
    "UnexpectedResponse",
    "UserNotFound",
    "error_from_response",
]


class ManagementAPIError(TuiConsoleError):
    """The Management API answered with an error.

    ``status`` is the HTTP status, ``error`` the reason phrase, ``error_code`` Auth0's
    ``errorCode`` (often absent) and ``server_message`` Auth0's ``message``, redacted.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error: str = "",
        error_code: str | None = None,
        server_message: str = "",
        hint: str = "",
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.error = error
        self.error_code = error_code
        self.server_message = server_message

    def answer_fields(self) -> dict[str, Any]:
        """What Auth0 answered (``status``, ``error``, ``error_code``, ``server_message``) as
        keyword arguments, for an error that words the same answer for the call that met it."""
        return {
            "status": self.status,
            "error": self.error,
            "error_code": self.error_code,
            "server_message": self.server_message,
        }


class InvalidRequest(ManagementAPIError):
    """400: Auth0 rejected the request's path or body; nothing was changed."""


class Unauthorized(ManagementAPIError):
    """401: the access token is missing, expired, or meant for another API ("Bad audience")."""


class InsufficientScope(ManagementAPIError):
    """403 ``insufficient_scope``: the token lacks a scope. ``required_scopes``: any one of them.

    Empty when Auth0's message names none (it also uses this code for plan restrictions,
    "Please upgrade your subscription ...", errors.json).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        required_scopes: tuple[str, ...] = (),
        error: str = "",
        error_code: str | None = None,
        server_message: str = "",
        hint: str = "",
    ) -> None:
        super().__init__(
            message,
            status=status,
            error=error,
            error_code=error_code,
            server_message=server_message,
            hint=hint,
        )
        self.required_scopes = required_scopes


class SubjectMismatch(ManagementAPIError):
    """403: a ``current_user`` token may act only on its own user (auth0-reference.md §6.2)."""


class UserNotFound(ManagementAPIError):
    """404 ``inexistent_user``: no such user (deleted, or unlinked into another account)."""


class Conflict(ManagementAPIError):
    """409: the change conflicts with what exists (an identity already linked, a device key)."""


class ServerError(ManagementAPIError):
    """5xx: Auth0 failed; a change may or may not have been applied."""


class UnexpectedResponse(ManagementAPIError):
    """A success status whose body is not the documented shape."""


class NothingUnlinked(ManagementAPIError):
    """Auth0 answered an unlink with 200 but the identity is not gone, or was never linked.

    Auth0 does not fail an unlink that matches nothing: it returns the identities unchanged
    (auth0-recordings identities-unlink.json, ruby-auth0 sending a prefixed id).
    """


class RequestRefused(TuiConsoleError):
    """Refused before sending: Auth0 would reject it or do something not asked for."""


class InvalidMetadata(RequestRefused):
    """A metadata change that is empty, has a forbidden key, or a value JSON cannot carry.

    ``key`` names the offending key (dotted path for nested keys) when there is one.
    """

    def __init__(self, message: str, *, key: str | None = None, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.key = key


_SCOPES = re.compile(r"insufficient scope\s*[,;]?\s*expected(?:\s+any\s+of)?\s*:\s*(.+)", re.I)


def _required_scopes(server_message: str) -> tuple[str, ...]:
    """The scopes in "Insufficient scope, expected any of: a,b" (or "...; expected: a, b.")."""
    found = _SCOPES.search(server_message)
    if found is None:
        return ()
    names = (name.strip().rstrip(".") for name in found.group(1).split(","))
    return tuple(name for name in names if name and " " not in name)


def _suggested_scope(scopes: tuple[str, ...]) -> str:
    """The scope a person can ask for: a ``current_user`` one if listed (the others need admin)."""
    return next((scope for scope in scopes if "current_user" in scope), scopes[0])


def _body(response: httpx.Response) -> Mapping[str, Any]:
    """The JSON error object, whatever the Content-Type says; empty when it isn't one."""
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _text(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    return value if isinstance(value, str) else ""


def _management_audience(response: httpx.Response) -> str:
    """``https://<tenant>/api/v2/`` for the tenant that answered (for the login hint)."""
    try:
        url = response.request.url
    except RuntimeError:  # a Response built without a request
        return "https://<your-tenant>/api/v2/"
    return f"{url.scheme}://{url.netloc.decode('ascii')}/api/v2/"


def error_from_response(
    response: httpx.Response, *, now: float | None = None
) -> ManagementAPIError | RateLimited:
    """The error a non-success Management API ``response`` stands for (return it, then raise).

    ``now`` (epoch seconds) dates the wait of a 429.
    """
    status = response.status_code
    body = _body(response)
    server_message = redact(_text(body, "message"))
    code = _text(body, "errorCode") or None
    fields: dict[str, Any] = {
        "status": status,
        "error": _text(body, "error") or response.reason_phrase,
        "error_code": code,
        "server_message": server_message,
    }
    said = f" ({server_message})" if server_message else ""
    if status == 429:
        retry_after = wait_after_429(response.headers, time.time() if now is None else now)
        return RateLimited(
            f"Auth0's rate limit for this kind of request is used up{said}.",
            retry_after=retry_after,
            hint="" if retry_after is not None else "Wait a minute, then try again.",
        )
    if status == 400:
        return InvalidRequest(
            f"Auth0 rejected the request{said}.",
            hint="Nothing was changed; check the values and try again.",
            **fields,
        )
    if status == 401:
        if server_message.lower().startswith("bad audience"):
            audience = _management_audience(response)
            hint = (
                "The access token was issued for another API; sign in again for the "
                f"Management API (tui-console login --audience {audience})."
            )
        else:
            hint = "Sign in again (tui-console login)."
        return Unauthorized(f"Auth0 did not accept the access token{said}.", hint=hint, **fields)
    if status == 403 and code == "insufficient_scope":
        scopes = _required_scopes(server_message)
        if not scopes:
            return InsufficientScope(
                f"Auth0 refused this{said}.",
                hint="The tenant's plan or settings do not allow it; ask a tenant administrator.",
                **fields,
            )
        scope = _suggested_scope(scopes)
        return InsufficientScope(
            f"Your sign-in lacks the permission this needs: any of {', '.join(scopes)}.",
            required_scopes=scopes,
            hint=f"Sign in again asking for {scope} (tui-console login --scope {scope}).",
            **fields,
        )
    if status == 403 and "does not match subject" in server_message:
        return SubjectMismatch(
            "This sign-in may act only on its own user account.",
            hint="Sign in as the account you want to change (tui-console login).",
            **fields,
        )
    if status == 404 and code == "inexistent_user":
        return UserNotFound(
            "Auth0 has no such user; it may have been deleted or linked into another account.",
            hint="Sign in again (tui-console login) to use the account you are signed in as.",
            **fields,
        )
    if status == 409:
        return Conflict(
            f"Auth0 refused a conflicting change{said}.",
            hint="Nothing was changed; reload to see the current state.",
            **fields,
        )
    if status >= 500:
        return ServerError(
            f"Auth0 failed to handle the request (HTTP {status}){said}.",
            hint="Try again in a moment; after a change, reload first to see whether it applied.",
            **fields,
        )
    return ManagementAPIError(
        f"Auth0 refused the request (HTTP {status}){said}.",
        hint="Nothing was changed. If this persists, ask a tenant administrator.",
        **fields,
    )
