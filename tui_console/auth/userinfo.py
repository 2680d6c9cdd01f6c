"""The UserInfo endpoint (OIDC Core §5.3): who the access token belongs to.

:func:`build_userinfo_request` / :func:`parse_userinfo_response` are the protocol pair and
:func:`fetch_userinfo` sends one through an ``httpx.Auth`` that adds the bearer token.
Auth0's failures are not JSON: a bad token is the plain text ``Unauthorized`` with the
reason only in ``WWW-Authenticate`` (RFC 6750 §3), and a 429 may be an HTML page. So
errors are read from headers, and only a 200 body is ever decoded.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import httpx

from tui_console.auth._http import json_object
from tui_console.auth.dpop import DPOP_ERRORS, dpop_error
from tui_console.auth.www_authenticate import bearer_challenge, dpop_challenge
from tui_console.errors import AuthError, OAuthError, RateLimited
from tui_console.exchange_failures import (
    answer_lost,
    request_of,
    send,
    server_failed,
    unreadable_reason,
)
from tui_console.ratelimit.headers import parse_retry_after

__all__ = ["UserProfile", "build_userinfo_request", "fetch_userinfo", "parse_userinfo_response"]


@dataclass(frozen=True)
class UserProfile:
    """The standard claims (OIDC Core §5.1) a console shows, plus every claim as returned.

    A claim of the wrong type reads as ``None`` here (it stays visible in ``claims``):
    a profile page should not fail over a provider's odd ``picture``.
    """

    sub: str
    name: str | None
    nickname: str | None
    email: str | None
    email_verified: bool | None
    picture: str | None
    updated_at: datetime | None
    claims: Mapping[str, Any]


def build_userinfo_request(endpoint: str) -> httpx.Request:
    """``GET`` the UserInfo endpoint; the ``httpx.Auth`` on the send adds the token."""
    return httpx.Request("GET", endpoint, headers={"Accept": "application/json"})


def _text(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    return value if isinstance(value, str) else None


def _flag(value: Any) -> bool | None:
    """A boolean claim; some providers send ``"true"``/``"false"`` strings instead."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _timestamp(value: Any) -> datetime | None:
    """``updated_at`` as an aware datetime, from either shape Auth0 is documented to send.

    OIDC Core §5.1 says epoch seconds; Auth0's ``/userinfo`` sends an ISO 8601 string
    (auth0-reference.md records the conflict). Anything else reads as unknown.
    """
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, tz=UTC)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    return None


def _seconds(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _retry_after(headers: httpx.Headers, now: float) -> float | None:
    """Seconds to wait: ``Retry-After`` (seconds or HTTP date, :func:`parse_retry_after`),
    else ``X-RateLimit-Reset`` (epoch seconds) minus now; ``None`` when neither is readable."""
    delay = parse_retry_after(headers.get("retry-after"), now)
    if delay is not None:
        return delay
    reset = _seconds(headers.get("x-ratelimit-reset", ""))
    return max(0.0, reset - now) if reset is not None else None


def parse_userinfo_response(response: httpx.Response, *, now: float | None = None) -> UserProfile:
    """The :class:`UserProfile` in a 200 answer, or the error the answer stands for.

    401 (and a 403 with a challenge) is :class:`OAuthError` from the ``WWW-Authenticate``
    header alone, read from its ``DPoP`` challenge (RFC 9449 §7.1) when that one names the
    error, else from the ``Bearer`` one; the DPoP codes (``invalid_dpop_proof``,
    ``use_dpop_nonce``) are :class:`~tui_console.auth.dpop.DPoPError`. 429 is
    :class:`RateLimited` with how long to wait; other failures are :class:`AuthError`.
    ``now`` (epoch seconds) is for the wait.
    """
    status = response.status_code
    if status in (401, 403):
        header = ", ".join(response.headers.get_list("www-authenticate"))
        dpop = dpop_challenge(header)
        challenge = dpop if dpop is not None and "error" in dpop.params else None
        challenge = challenge or bearer_challenge(header) or dpop
        error = challenge.params.get("error") if challenge else None
        if status == 401 or error:
            description = challenge.params.get("error_description", "") if challenge else ""
            if error is not None and error in DPOP_ERRORS:
                raise dpop_error(error, description, status=status)
            hint = "Sign in again to get a new access token."
            if challenge is not None and challenge is dpop:
                hint += " (The refusal came as a DPoP challenge: the token or its DPoP proof.)"
            raise OAuthError(error or "invalid_token", description, status=status, hint=hint)
    if status == 429:
        raise RateLimited(
            "The userinfo endpoint is rate limited for now.",
            retry_after=_retry_after(response.headers, now if now is not None else time.time()),
        )
    if response.is_server_error:
        raise server_failed(response)
    if not response.is_success:
        raise AuthError(
            f"The userinfo endpoint answered HTTP {status}.",
            hint="Try again shortly; if it persists, check the issuer's status.",
        )
    claims = json_object(response)
    if claims is None:
        raise answer_lost(request_of(response), unreadable_reason(response))
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise AuthError(
            "The userinfo answer is not a JSON object with a subject (sub).",
            hint="Check the issuer URL; the server may not be an OpenID provider.",
        )
    return UserProfile(
        sub=claims["sub"],
        name=_text(claims, "name"),
        nickname=_text(claims, "nickname"),
        email=_text(claims, "email"),
        email_verified=_flag(claims.get("email_verified")),
        picture=_text(claims, "picture"),
        updated_at=_timestamp(claims.get("updated_at")),
        claims=MappingProxyType(claims),
    )


async def fetch_userinfo(
    client: httpx.AsyncClient, endpoint: str, *, auth: httpx.Auth | None = None
) -> UserProfile:
    """The signed-in person's profile; ``auth`` adds the access token (default: the client's).

    An unreachable server is :class:`~tui_console.errors.NetworkError`.
    """
    response = await send(client, build_userinfo_request(endpoint), auth=auth)
    return parse_userinfo_response(response)
