"""The token endpoint's answers (RFC 6749 §5, OIDC Core §3.1.3.3) as :class:`TokenSet`.

:class:`TokenSet` is what a sign-in or a refresh yields; it lives in the light
:mod:`tui_console.token_set` (below both auth and storage) and is re-exported here. This
module holds the two request/response pairs shared by every grant: the refresh grant
(RFC 6749 §6) and revocation (RFC 7009), plus the OAuth error parser that every flow uses to
decide on the JSON ``error`` field, not the status.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from tui_console.auth.dpop import DPOP_ERRORS, dpop_error
from tui_console.errors import AuthError, OAuthError, RateLimited, ResponseLost
from tui_console.exchange_failures import status_reason, unreadable_reason
from tui_console.ratelimit.headers import parse_retry_after
from tui_console.redact import Secret
from tui_console.token_set import YEAR_10000, TokenSet

__all__ = [
    "TokenSet",
    "build_refresh_request",
    "no_usable_answer",
    "build_revocation_request",
    "parse_oauth_error",
    "parse_token_response",
    "raise_for_oauth_error",
]

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}


def _json_body(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def parse_oauth_error(response: httpx.Response) -> OAuthError | None:
    """The OAuth error in ``response``'s JSON body (RFC 6749 §5.2), or ``None`` if it has none.

    The DPoP errors (``invalid_dpop_proof``, ``use_dpop_nonce``, RFC 9449 §12.2) come as
    :class:`~tui_console.auth.dpop.DPoPError`: they are about the proof, not the grant.
    """
    body = _json_body(response)
    if not body or not isinstance(body.get("error"), str):
        return None
    description = body.get("error_description")
    description = description if isinstance(description, str) else ""
    if body["error"] in DPOP_ERRORS:
        return dpop_error(body["error"], description, status=response.status_code)
    return OAuthError(body["error"], description, status=response.status_code)


def no_usable_answer(what: str, reason: str) -> ResponseLost:
    """A token-endpoint request that left but got no usable answer: the server's passing fault.

    Not "check the issuer": discovery already proved it is an OpenID provider. The session
    in hand is kept (the callers treat a :class:`ResponseLost` as transient).
    """
    return ResponseLost(
        f"{what} was sent, but no usable answer came back: {reason}.",
        hint="This is usually brief; try again in a moment.",
    )


def raise_for_oauth_error(response: httpx.Response, what: str) -> None:
    """Raise the error a non-2xx answer stands for: the server's :class:`OAuthError`, or:

    :class:`RateLimited` for a 429 without one, :class:`ResponseLost` for a 5xx without one
    (the server failed; try again), :class:`AuthError` for any other status.
    """
    if response.is_success:
        return
    error = parse_oauth_error(response)
    if error is not None:
        raise error
    if response.status_code == 429:
        raise RateLimited(
            f"{what} was refused: too many requests (HTTP 429).",
            retry_after=parse_retry_after(response.headers.get("retry-after"), time.time()),
            hint="" if response.headers.get("retry-after") else "Wait a minute, then try again.",
        )
    if response.is_server_error:
        raise no_usable_answer(what, status_reason(response))
    raise AuthError(
        f"{what} failed with HTTP {response.status_code} and no OAuth error in the answer.",
        hint="Check that the issuer URL points at an OpenID provider, then try again.",
    )


def parse_token_response(
    response: httpx.Response,
    *,
    audience: str | None = None,
    now: float | None = None,
    dpop_jkt: str | None = None,
) -> TokenSet:
    """A :class:`TokenSet` from a token endpoint response, or the server's :class:`OAuthError`.

    Checks each field's type and names the offending one (as oauth4webapi does), so a
    misbehaving server gives a specific message rather than a ``KeyError``. ``dpop_jkt`` is
    the thumbprint of the key whose proof the request carried (``None``: no DPoP); a
    ``token_type`` of ``DPoP`` without one is refused (RFC 9449 §5).
    """
    raise_for_oauth_error(response, "The token request")
    body = _json_body(response)
    if body is None:
        raise no_usable_answer("The token request", unreadable_reason(response))
    access_token = body.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise AuthError("The token response has no access_token.")
    token_type = body.get("token_type", "Bearer")
    if not isinstance(token_type, str):
        raise AuthError("The token response's token_type is not a string.")
    if token_type.lower() == "dpop" and dpop_jkt is None:
        raise AuthError(
            "The token endpoint issued a DPoP-bound token to a request that carried no DPoP "
            "proof, so it could never be used.",
            hint="Sign in with DPoP (--dpop), or check the application's sender-constraining "
            "settings.",
        )
    expires_in = body.get("expires_in")
    if expires_in is not None and (
        isinstance(expires_in, bool) or not isinstance(expires_in, int | float)
    ):
        raise AuthError("The token response's expires_in is not a number.")
    received = now if now is not None else time.time()
    if expires_in is not None and not 0 <= expires_in < YEAR_10000 - received:
        # JSON's 1e400 reads as infinity: no expiry could be stored or shown for it.
        raise AuthError(f"The token response's expires_in ({expires_in!r}) is not a lifetime.")
    for name in ("refresh_token", "id_token", "scope"):
        if name in body and body[name] is not None and not isinstance(body[name], str):
            raise AuthError(f"The token response's {name} is not a string.")
    return TokenSet(
        access_token=Secret(access_token),
        token_type=token_type,
        expires_at=received + float(expires_in) if expires_in is not None else None,
        scope=tuple((body.get("scope") or "").split()),
        refresh_token=Secret(body["refresh_token"]) if body.get("refresh_token") else None,
        id_token=Secret(body["id_token"]) if body.get("id_token") else None,
        audience=audience,
        issued_at=received,
        dpop_jkt=dpop_jkt,
    )


def build_refresh_request(
    token_endpoint: str,
    *,
    client_id: str,
    refresh_token: Secret,
    scope: str | None = None,
    audience: str | None = None,
) -> httpx.Request:
    """The refresh grant (RFC 6749 §6) for a public client: no secret, ``client_id`` in the body.

    ``audience`` asks a Multi-Resource Refresh Token for another API's access token
    (auth0-reference.md §3.6); leave it out for the sign-in's own audience.
    """
    form = {
        "grant_type": "refresh_token",
        "client_id": client_id,
        "refresh_token": refresh_token.reveal(),
    }
    if scope:
        form["scope"] = scope
    if audience:
        form["audience"] = audience
    return httpx.Request("POST", token_endpoint, data=form, headers=FORM)


def build_revocation_request(
    revocation_endpoint: str,
    *,
    client_id: str,
    token: Secret,
    token_type_hint: str = "refresh_token",
) -> httpx.Request:
    """Token revocation (RFC 7009 §2.1) for a public client, as Auth0's ``/oauth/revoke`` wants."""
    form = {
        "client_id": client_id,
        "token": token.reveal(),
        "token_type_hint": token_type_hint,
    }
    return httpx.Request("POST", revocation_endpoint, data=form, headers=FORM)
