"""My Account API failures (problem JSON) as the typed errors the console already shows.

The API answers errors as RFC 9457 problem details, ``{type, status, title, detail,
validation_errors?: [{detail, field, pointer, source}]}`` (auth0-reference.md §8.4 [YO]); a body
that is not JSON reads as auth0-spa-js reads it, ``type: "invalid_json"``. Each becomes a
:class:`MyAccountError`, a :class:`~tui_console.management.errors.ManagementAPIError` (the
server refused), with a cause in words and a next step; a 429 is the same
:class:`~tui_console.errors.RateLimited` as everywhere, waiting ``retry-after`` (else one
token's refill from the lower-case ``x-ratelimit-*`` headers). Server text is redacted.

    ManagementAPIError                 (tui_console.management.errors)
    └── MyAccountError                 the My Account API refused: ``problem`` has its body
        ├── MethodNotFound             404: no such method (removed meanwhile?)
        ├── MethodNotRemovable         409 on delete: Auth0 keeps it, and says why in words
        └── MyAccountUnavailable       the API is off for this tenant or application
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from tui_console.errors import RateLimited
from tui_console.management.errors import ManagementAPIError
from tui_console.ratelimit.headers import wait_after_429
from tui_console.redact import redact

__all__ = [
    "DASHBOARD_STEPS",
    "MethodNotFound",
    "MethodNotRemovable",
    "MyAccountError",
    "MyAccountUnavailable",
    "Problem",
    "ValidationError",
    "error_from_problem",
]

Action = Literal["list", "read", "create", "verify", "update", "delete"]

DASHBOARD_STEPS = (
    "In the Auth0 Dashboard: (1) Applications > APIs: activate the MyAccount API from its "
    "banner; (2) MyAccount API > Application Access: authorize this application for user "
    "access with the read/create/update/delete:me:authentication_methods and read:me:factors "
    "scopes; (3) give the application a Multi-Resource Refresh Token policy for it (Management "
    "API: PATCH /api/v2/clients/CLIENT_ID with refresh_token.policies = [{audience: "
    "'https://TENANT/me/', scope: [those scopes]}]), or sign in for it separately. See the "
    "README, 'Your sign-in methods'."
)
"""What a tenant administrator does so the console can manage sign-in methods (§8.4, §8.5)."""


@dataclass(frozen=True)
class ValidationError:
    """One entry of ``validation_errors``: which input, and what is wrong with it."""

    detail: str
    field: str | None = None
    pointer: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Problem:
    """A problem-JSON body, read tolerantly (missing members are empty)."""

    type: str
    status: int
    title: str
    detail: str
    validation_errors: tuple[ValidationError, ...] = ()


class MyAccountError(ManagementAPIError):
    """The My Account API refused a request; ``problem`` is its body."""

    def __init__(self, message: str, *, problem: Problem, hint: str = "") -> None:
        super().__init__(
            message,
            status=problem.status,
            error=problem.title,
            error_code=problem.type,
            server_message=problem.detail,
            hint=hint,
        )
        self.problem = problem


class MethodNotFound(MyAccountError):
    """404: the method does not exist (any more)."""


class MethodNotRemovable(MyAccountError):
    """409 on delete: Auth0 will not remove the method in the account's current state."""


class MyAccountUnavailable(MyAccountError):
    """The tenant has not activated the My Account API, or this application has no access."""


def _text(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    return redact(value) if isinstance(value, str) else ""


def read_problem(response: httpx.Response) -> Problem:
    """The problem body of ``response``; a non-JSON body is ``type: invalid_json``."""
    try:
        body: Any = json.loads(response.content or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return Problem("invalid_json", response.status_code, response.reason_phrase, "")
    errors = []
    for item in body.get("validation_errors") or ():
        if isinstance(item, Mapping) and _text(item, "detail"):
            errors.append(
                ValidationError(
                    detail=_text(item, "detail"),
                    field=_text(item, "field") or None,
                    pointer=_text(item, "pointer") or None,
                    source=_text(item, "source") or None,
                )
            )
    status = body.get("status")
    return Problem(
        type=_text(body, "type") or "about:blank",
        status=status if isinstance(status, int) else response.status_code,
        title=_text(body, "title") or response.reason_phrase,
        detail=_text(body, "detail"),
        validation_errors=tuple(errors),
    )


_SCOPE = re.compile(r"\b((?:read|create|update|delete):me:[a-z_]+)")


def _said(problem: Problem) -> str:
    return f" ({problem.detail})" if problem.detail else ""


def error_from_problem(
    response: httpx.Response, action: Action, *, now: float | None = None
) -> MyAccountError | RateLimited:
    """The error a non-success My Account ``response`` to ``action`` stands for."""
    problem = read_problem(response)
    status = response.status_code
    said = _said(problem)
    if status == 429:
        wait = wait_after_429(response.headers, time.time() if now is None else now)
        return RateLimited(
            "The My Account API's limit for your account is used up (a few requests per "
            f"minute per user){said}.",
            retry_after=wait,
            hint="" if wait is not None else "Wait a minute, then try again.",
        )
    if status == 400:
        fields = ", ".join(
            f"{e.field or e.pointer or 'input'}: {e.detail}" for e in problem.validation_errors
        )
        return MyAccountError(
            f"Auth0 rejected the request{f' ({fields})' if fields else said}.",
            problem=problem,
            hint="Nothing was changed; correct the value and try again.",
        )
    if status == 401:
        return MyAccountError(
            f"The My Account API did not accept the access token{said}.",
            problem=problem,
            hint="Sign in again (tui-console login).",
        )
    if status == 403:
        scopes = tuple(dict.fromkeys(_SCOPE.findall(problem.detail)))
        needed = f": it needs {', '.join(scopes)}" if scopes else ""
        return MyAccountUnavailable(
            f"Your sign-in may not do this with the My Account API{needed}{said}.",
            problem=problem,
            hint="The application's access to the MyAccount API must include that scope. "
            + DASHBOARD_STEPS,
        )
    if status == 404:
        return MethodNotFound(
            f"There is no such sign-in method{said}; it may have been removed meanwhile.",
            problem=problem,
            hint="List your methods again: tui-console mfa",
        )
    if status == 409 and action == "delete":
        return MethodNotRemovable(
            "Auth0 will not remove this sign-in method: removing it conflicts with the "
            "account as it is now, usually because it is the last method you can sign in "
            f"with (your only primary method){said}.",
            problem=problem,
            hint="Add another way to sign in first (tui-console mfa add ...), then remove it.",
        )
    if status == 409:
        return MyAccountError(
            f"Auth0 refused this because the method already exists or conflicts{said}.",
            problem=problem,
            hint="List your methods (tui-console mfa); remove the old one first to replace it.",
        )
    if status == 415:
        return MyAccountError(
            "The My Account API did not take the request's body format (HTTP 415).",
            problem=problem,
            hint="This is a bug in tui-console; please report it.",
        )
    if status >= 500:
        return MyAccountError(
            f"Auth0 failed to handle the request (HTTP {status}){said}.",
            problem=problem,
            hint="Try again in a moment; after a change, list your methods first to see "
            "whether it applied.",
        )
    return MyAccountError(
        f"The My Account API refused the request (HTTP {status}){said}.",
        problem=problem,
        hint="Nothing was changed. If this persists, ask a tenant administrator.",
    )
