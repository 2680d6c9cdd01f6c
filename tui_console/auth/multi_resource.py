"""Multi-Resource Refresh Token exchanges: the pure checks around one (auth0-reference.md §3.6).

A sign-in's refresh token can mint access tokens for other APIs when the application has a
refresh-token policy for them (``refresh_token.policies``): the refresh grant with
``audience`` and ``scope``. Auth0 is quiet about what it does not allow, so the answer is
checked rather than trusted:

* the response's ``resource`` names the audience the token is for; a different one (or, when
  ``resource`` is absent, a JWT whose ``aud`` does not name the audience, which is what a
  pre-MRRT tenant answers, auth0/auth0-react#421) is refused, as auth0-spa-js refuses
  ``mrrt_resource_mismatch`` (auth0/auth0-spa-js#1621);
* scopes the policy does not allow are **dropped silently** (§8.5 [C7]): :func:`missing_scopes`
  names them, so nobody assumes a permission the token does not carry;
* a refused audience (no policy for it, the API not activated, no client grant) is
  :class:`AudienceRefused`, which is about the audience, never about the refresh token: the
  session for the sign-in's own audience stays.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any

import httpx

from tui_console.auth._http import json_object
from tui_console.auth.tokens import TokenSet
from tui_console.errors import AuthError, OAuthError

__all__ = ["AudienceRefused", "check_resource", "missing_scopes"]


class AudienceRefused(OAuthError):
    """The token endpoint would not mint a token for ``audience`` from this refresh token.

    ``error``/``description`` are the server's; the tokens of the sign-in are kept.
    """

    def __init__(self, audience: str, error: OAuthError) -> None:
        super().__init__(
            error.error,
            error.description,
            status=error.status,
            hint=f"A separate sign-in for that API is needed: tui-console login --audience "
            f"{audience}",
        )
        self.audience = audience


def _unverified_audiences(tokens: TokenSet) -> tuple[str, ...] | None:
    """The ``aud`` of a JWT access token, unverified (only the API checks it); None if opaque."""
    parts = tokens.access_token.reveal().split(".")
    if len(parts) != 3:
        return None
    try:
        claims: Any = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    aud = claims.get("aud") if isinstance(claims, dict) else None
    if isinstance(aud, str):
        return (aud,)
    if isinstance(aud, list):
        return tuple(str(a) for a in aud)
    return None


def check_resource(response: httpx.Response, tokens: TokenSet, audience: str) -> None:
    """Refuse an answer for another API than ``audience`` (:class:`AuthError`)."""
    body = json_object(response) or {}
    resource = body.get("resource")
    if isinstance(resource, str):
        if resource.rstrip("/") != audience.rstrip("/"):
            raise AuthError(
                f"Asked for a token for {audience}, the server issued one for {resource}.",
                hint="The application's refresh-token policy may not cover that API; sign in "
                f"for it separately: tui-console login --audience {audience}",
            )
        return
    audiences = _unverified_audiences(tokens)
    if audiences is not None and audience not in audiences:
        raise AuthError(
            f"Asked for a token for {audience}, the server answered with one for "
            f"{', '.join(audiences) or 'no API'} (it ignored the audience: no Multi-Resource "
            "Refresh Token policy).",
            hint=f"Sign in for that API separately: tui-console login --audience {audience}",
        )


def missing_scopes(requested: Iterable[str], granted: Iterable[str]) -> tuple[str, ...]:
    """The requested scopes the token does not carry, in the order they were asked for."""
    have = set(granted)
    return tuple(scope for scope in requested if scope not in have)
