"""Token sets and the token endpoint's answers (RFC 6749 §5, OIDC Core §3.1.3.3).

:class:`TokenSet` is what a sign-in or a refresh yields; its secrets are :class:`Secret`
so they never show in a repr. The module also holds the two request/response pairs shared
by every grant: the refresh grant (RFC 6749 §6) and revocation (RFC 7009), plus the OAuth
error parser that every flow uses to decide on the JSON ``error`` field, not the status.
"""

from __future__ import annotations

import base64
import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from tui_console.auth.dpop import DPOP_ERRORS, dpop_error
from tui_console.errors import AuthError, OAuthError, RateLimited, ResponseLost
from tui_console.exchange_failures import status_reason, unreadable_reason
from tui_console.ratelimit.headers import parse_retry_after
from tui_console.redact import Secret

__all__ = [
    "TokenSet",
    "build_refresh_request",
    "no_usable_answer",
    "build_revocation_request",
    "parse_oauth_error",
    "parse_token_response",
    "raise_for_oauth_error",
]

_YEAR_10000 = 253_402_300_800
"""Epoch seconds of 10000-01-01: later times cannot be shown as dates."""

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}


@dataclass(frozen=True)
class TokenSet:
    """The tokens of one grant, for one audience.

    ``expires_at`` is epoch seconds computed from ``expires_in`` when the response arrived.
    ``audience`` is the API the access token was asked for (``None``: only ``/userinfo``).
    ``dpop_jkt`` is the thumbprint of the DPoP key the tokens were requested with (RFC 9449):
    the refresh token is bound to it, and so is the access token when :attr:`dpop_bound`.
    """

    access_token: Secret
    token_type: str = "Bearer"
    expires_at: float | None = None
    scope: tuple[str, ...] = ()
    refresh_token: Secret | None = None
    id_token: Secret | None = None
    audience: str | None = None
    issued_at: float = field(default_factory=time.time)
    dpop_jkt: str | None = None
    refresh_answer_lost_at: float | None = None
    """When a refresh of these tokens was sent but its answer lost (epoch seconds), if one was.

    Auth0 may have rotated the refresh token then; if it later refuses this one as reused,
    that is the likely cause (see :mod:`tui_console.auth.refresh`). A refresh that gets its
    answer clears it."""

    @property
    def access_token_jkt(self) -> str | None:
        """``cnf.jkt`` of a JWT access token (RFC 9449 §6.1), unverified; ``None`` if none."""
        parts = self.access_token.reveal().split(".")
        if len(parts) != 3:
            return None
        try:
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        except ValueError:
            return None
        cnf = claims.get("cnf") if isinstance(claims, dict) else None
        jkt = cnf.get("jkt") if isinstance(cnf, dict) else None
        return jkt if isinstance(jkt, str) else None

    @property
    def dpop_bound(self) -> bool:
        """Whether the access token is sender-constrained: ``token_type`` DPoP or ``cnf.jkt``.

        Such a token is sent as ``Authorization: DPoP`` with a proof; any other as Bearer.
        """
        return self.token_type.lower() == "dpop" or self.access_token_jkt is not None

    def expires_within(self, seconds: float, *, now: float | None = None) -> bool:
        """True when the access token is expired or will be within ``seconds``."""
        if self.expires_at is None:
            return False
        return (now if now is not None else time.time()) + seconds >= self.expires_at

    def has_scopes(self, *scopes: str) -> bool:
        """True when every one of ``scopes`` was granted."""
        return set(scopes) <= set(self.scope)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict *with the secrets revealed*: only the token store calls this."""
        return {
            "access_token": self.access_token.reveal(),
            "token_type": self.token_type,
            "expires_at": self.expires_at,
            "scope": " ".join(self.scope),
            "refresh_token": self.refresh_token.reveal() if self.refresh_token else None,
            "id_token": self.id_token.reveal() if self.id_token else None,
            "audience": self.audience,
            "issued_at": self.issued_at,
            "dpop_jkt": self.dpop_jkt,
            "refresh_answer_lost_at": self.refresh_answer_lost_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TokenSet:
        """The inverse of :meth:`to_dict`; ``ValueError`` naming the field on any bad value.

        The file is ours, but a person may have edited it and a disk may have garbled it, so
        every field's type is checked rather than coerced: ``float("1e400")`` would be an
        infinite expiry that no duration can be printed for, and ``str(["a"])`` a scope of
        ``"['a']"``.
        """
        if not isinstance(data, Mapping):
            raise ValueError("the entry is not an object")
        access_token = _stored_text(data, "access_token")
        if not access_token:
            raise ValueError("access_token is missing")
        refresh = _stored_text(data, "refresh_token")
        id_token = _stored_text(data, "id_token")
        return cls(
            access_token=Secret(access_token),
            token_type=_stored_text(data, "token_type") or "Bearer",
            expires_at=_stored_time(data, "expires_at"),
            scope=tuple((_stored_text(data, "scope") or "").split()),
            refresh_token=Secret(refresh) if refresh else None,
            id_token=Secret(id_token) if id_token else None,
            audience=_stored_text(data, "audience"),
            issued_at=_stored_time(data, "issued_at") or 0.0,
            dpop_jkt=_stored_text(data, "dpop_jkt") or None,
            refresh_answer_lost_at=_stored_time(data, "refresh_answer_lost_at"),
        )

    def merged_with(self, newer: TokenSet) -> TokenSet:
        """``newer`` with what a refresh response may omit kept from ``self``.

        RFC 6749 §6: a refresh may return no new refresh token (keep the old one), and
        OIDC Core §12.2: no new ID token, and no ``scope`` when unchanged (RFC 6749 §5.1).
        """
        return replace(
            newer,
            refresh_token=newer.refresh_token or self.refresh_token,
            id_token=newer.id_token or self.id_token,
            scope=newer.scope or self.scope,
            audience=newer.audience if newer.audience is not None else self.audience,
            dpop_jkt=newer.dpop_jkt or self.dpop_jkt,
        )


def _stored_text(data: Mapping[str, Any], name: str) -> str | None:
    """``data[name]`` if it is a string, ``None`` if absent or null; ``ValueError`` otherwise."""
    value = data.get(name)
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{name} is not a string")


def _stored_time(data: Mapping[str, Any], name: str) -> float | None:
    """``data[name]`` as finite epoch seconds, ``None`` if absent; ``ValueError`` otherwise."""
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} is not a finite number")
    if not 0 <= value < _YEAR_10000:
        raise ValueError(f"{name} is not a time between 1970 and 9999")
    return float(value)


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
    if expires_in is not None and not 0 <= expires_in < _YEAR_10000 - received:
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
) -> httpx.Request:
    """The refresh grant (RFC 6749 §6) for a public client: no secret, ``client_id`` in the body."""
    form = {
        "grant_type": "refresh_token",
        "client_id": client_id,
        "refresh_token": refresh_token.reveal(),
    }
    if scope:
        form["scope"] = scope
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
