"""The OAuth 2.0 Device Authorization Grant (RFC 8628), for terminals without a browser.

Protocol pairs in oauth4webapi's shape: :func:`build_device_authorization_request` /
:func:`parse_device_authorization_response` (§3.1-§3.2) and :func:`build_device_token_request`
(§3.4), whose answer :func:`~tui_console.auth.tokens.parse_token_response` reads. The flow,
:func:`poll_for_tokens`, waits ``interval`` after each response, adds 5 s on ``slow_down``
(§3.5), tracks expiry on the wall clock and reports progress each second for a countdown.

Decisions follow the JSON ``error`` field, never the HTTP status: Auth0 answers 403 for
``authorization_pending`` and 429 for ``slow_down``, which are normal control flow here.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from tui_console.auth._http import json_object
from tui_console.auth.discovery import ServerMetadata
from tui_console.auth.dpop import DPoP
from tui_console.auth.tokens import (
    FORM,
    TokenSet,
    no_usable_answer,
    parse_oauth_error,
    parse_token_response,
    raise_for_oauth_error,
)
from tui_console.errors import (
    AuthError,
    ConfigError,
    LoginCancelled,
    LoginTimedOut,
    NetworkError,
    OAuthError,
)
from tui_console.exchange_failures import send, unreadable_reason
from tui_console.redact import Secret

__all__ = [
    "DeviceAuthorization",
    "PollProgress",
    "build_device_authorization_request",
    "build_device_token_request",
    "parse_device_authorization_response",
    "poll_for_tokens",
]

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DEFAULT_INTERVAL = 5
"""Seconds between polls when the server names none (RFC 8628 §3.2)."""
SLOW_DOWN_STEP = 5
"""Seconds added to the interval on each ``slow_down``, for the rest of the flow (§3.5)."""
MAX_TRANSIENT_FAILURES = 3
"""Consecutive unreachable/5xx polls tolerated before giving up (a code lives ~15 min)."""
TICK = 1.0
"""Longest single sleep, so the countdown the person sees moves every second."""


@dataclass(frozen=True)
class DeviceAuthorization:
    """A device authorization response (RFC 8628 §3.2).

    Show ``user_code`` and ``verification_uri`` (or ``verification_uri_complete``);
    never show ``device_code``. ``expires_at`` is wall-clock epoch seconds, because the
    code expires at the server even while a laptop sleeps.
    """

    device_code: Secret
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: int
    interval: int
    expires_at: float


@dataclass(frozen=True)
class PollProgress:
    """One tick of :func:`poll_for_tokens`, for a countdown.

    ``last_error`` is the previous poll's ``error`` (``"authorization_pending"``,
    ``"slow_down"``) or ``None`` before the first answer.
    """

    seconds_left: float
    interval: float
    attempts: int
    last_error: str | None


def build_device_authorization_request(
    metadata: ServerMetadata,
    *,
    client_id: str,
    scope: str,
    audience: str | None = None,
) -> httpx.Request:
    """Ask for a device and user code (RFC 8628 §3.1) as a public client: no secret."""
    endpoint = metadata.device_authorization_endpoint
    if not endpoint:
        raise ConfigError(
            f"{metadata.issuer} does not offer the device flow (no device_authorization_endpoint).",
            hint="Enable the device code grant for the application, or sign in with the browser.",
        )
    form = {"client_id": client_id, "scope": scope}
    if audience:
        form["audience"] = audience
    return httpx.Request("POST", endpoint, data=form, headers=FORM)


def _field_error(name: str, problem: str) -> AuthError:
    return AuthError(
        f"The device authorization response's {name} {problem}.",
        hint="The server does not speak RFC 8628 as expected; check the issuer URL.",
    )


def _optional_text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and (not isinstance(value, str) or not value):
        raise _field_error(name, "is not a non-empty string")
    return value


def _text(body: dict[str, Any], name: str) -> str:
    value = _optional_text(body, name)
    if value is None:
        raise _field_error(name, "is missing")
    return value


def _seconds(body: dict[str, Any], name: str, default: int | None) -> int:
    value = body.get(name)
    if value is None:
        value = default
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise _field_error(name, "is missing or not a positive number of seconds")
    return math.ceil(value)


def parse_device_authorization_response(
    response: httpx.Response, *, now: float | None = None
) -> DeviceAuthorization:
    """The validated :class:`DeviceAuthorization`, or the server's :class:`OAuthError`.

    Each field's type is checked and a bad one is named (as oauth4webapi does). A missing
    ``interval`` means 5 s (RFC 8628 §3.2).
    """
    raise_for_oauth_error(response, "The device authorization request")
    body = json_object(response)
    if body is None:
        raise no_usable_answer("The device authorization request", unreadable_reason(response))
    expires_in = _seconds(body, "expires_in", None)
    received = now if now is not None else time.time()
    return DeviceAuthorization(
        device_code=Secret(_text(body, "device_code")),
        user_code=_text(body, "user_code"),
        verification_uri=_text(body, "verification_uri"),
        verification_uri_complete=_optional_text(body, "verification_uri_complete"),
        expires_in=expires_in,
        interval=_seconds(body, "interval", DEFAULT_INTERVAL),
        expires_at=received + expires_in,
    )


async def request_device_authorization(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    *,
    client_id: str,
    scope: str,
    audience: str | None = None,
) -> DeviceAuthorization:
    """Start a device sign-in (RFC 8628 §3.1-3.2): send the request, parse the answer."""
    request = build_device_authorization_request(
        metadata, client_id=client_id, scope=scope, audience=audience
    )
    return parse_device_authorization_response(await send(client, request))


def build_device_token_request(
    metadata: ServerMetadata, *, client_id: str, device_code: Secret
) -> httpx.Request:
    """One poll of the token endpoint with the device code (RFC 8628 §3.4)."""
    form = {
        "grant_type": DEVICE_CODE_GRANT,
        "device_code": device_code.reveal(),
        "client_id": client_id,
    }
    return httpx.Request("POST", metadata.token_endpoint, data=form, headers=FORM)


def _expired() -> LoginTimedOut:
    return LoginTimedOut(
        "The sign-in code expired before it was approved.",
        hint="Start the sign-in again to get a new code.",
    )


def _final_error(error: OAuthError) -> Exception:
    """The error a person should see for a poll answer that ends the flow (RFC 8628 §3.5)."""
    detail = f" ({error.description})" if error.description else ""
    if error.error == "expired_token":
        return _expired()
    if error.error == "access_denied":
        return LoginCancelled(
            f"The sign-in was denied on the server{detail}.",
            hint="Start the sign-in again if that was a mistake.",
        )
    if error.error == "invalid_grant":
        return LoginTimedOut(
            f"The sign-in code is no longer valid: it expired or was already used{detail}.",
            hint="Start the sign-in again to get a new code.",
        )
    return error


async def _countdown(
    seconds: float,
    *,
    expires_at: float,
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[None]],
    report: Callable[[], None],
) -> None:
    """Sleep ``seconds`` in slices of at most :data:`TICK`, reporting before each one.

    The slices are counted, not measured, so a wall-clock jump cannot stretch the wait;
    the wall clock only decides expiry, where it is the right clock.
    """
    remaining = seconds
    while remaining > 0 and clock() < expires_at:
        report()
        step = min(TICK, remaining)
        await sleep(step)
        remaining -= step


async def poll_for_tokens(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    authorization: DeviceAuthorization,
    *,
    client_id: str,
    audience: str | None = None,
    on_progress: Callable[[PollProgress], None] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.time,
    validate: Callable[[TokenSet], Awaitable[None]] | None = None,
    dpop: DPoP | None = None,
) -> TokenSet:
    """Poll until the person approves, denies, or the code expires (RFC 8628 §3.4-§3.5).

    Waits ``interval`` seconds after each *response* (so latency never causes
    ``slow_down``), adds 5 s on every ``slow_down`` and keeps it. ``expired_token``, an
    ``invalid_grant`` or the local expiry raise :class:`LoginTimedOut`, ``access_denied``
    :class:`LoginCancelled`; any other OAuth error is raised as it is. An unreachable server
    or a 5xx is retried with a growing pause, up to :data:`MAX_TRANSIENT_FAILURES` in a row.
    Cancel the task to stop; ``CancelledError`` propagates untouched.

    ``validate(tokens)`` runs before the tokens are returned, so the caller can check the
    ID token before anything is stored.

    With ``dpop`` every poll carries a proof (RFC 9449 §5) and the tokens come bound to its
    key; a ``use_dpop_nonce`` answer is retried at once with the server's nonce (it is not a
    poll the server counts against the interval), and later polls start with that nonce.
    """
    interval = float(authorization.interval)
    delay = interval
    attempts = 0
    failures = 0
    last_error: str | None = None

    def report() -> None:
        if on_progress is not None:
            left = max(0.0, authorization.expires_at - clock())
            on_progress(PollProgress(left, interval, attempts, last_error))

    while True:
        await _countdown(
            delay, expires_at=authorization.expires_at, clock=clock, sleep=sleep, report=report
        )
        if clock() >= authorization.expires_at:
            raise _expired()
        request = build_device_token_request(
            metadata, client_id=client_id, device_code=authorization.device_code
        )
        attempts += 1
        try:
            response = await send(client, request, auth=dpop.auth() if dpop else None)
        except NetworkError:  # nothing sent, or the answer lost: a poll is safe to repeat
            failures += 1
            if failures > MAX_TRANSIENT_FAILURES:
                raise
            delay = interval + 2.0**failures
            continue
        error = parse_oauth_error(response)
        if error is None and response.is_server_error and failures < MAX_TRANSIENT_FAILURES:
            failures += 1
            delay = interval + 2.0**failures
            continue
        failures = 0
        if error is None and response.status_code == 429:
            # A 429 without an OAuth body (an HTML page) asks for the same thing as slow_down.
            error = OAuthError("slow_down", status=429)
        if error is None:
            tokens = parse_token_response(
                response,
                audience=audience,
                now=clock(),
                dpop_jkt=dpop.thumbprint if dpop else None,
            )
            if validate is not None:
                await validate(tokens)
            return tokens
        last_error = error.error
        if error.error == "slow_down":
            interval += SLOW_DOWN_STEP
        elif error.error != "authorization_pending":
            raise _final_error(error)
        delay = interval
