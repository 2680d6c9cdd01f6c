"""Minting the token response, and reading access tokens back at ``/userinfo``.

Shapes follow Auth0 (auth0-reference.md §5 [E1, E2]; NOTES.md §8):

* With an ``audience`` the access token is an RS256 JWT (header ``alg``/``typ``/``kid``) with
  ``iss`` (issuer, trailing slash), ``sub``, ``aud``, ``iat``, ``exp``, ``azp`` and ``scope``.
  ``aud`` is ``[audience, "<issuer>userinfo"]`` when ``openid`` was granted — the one
  multi-audience case Auth0 has — and the plain audience string otherwise.
* Without an ``audience`` the access token is 32 opaque characters, good only at ``/userinfo``.
* With ``openid`` there is an ID token: the profile claims the scopes release, then ``iss``,
  ``sub``, ``aud`` (client id), ``azp``, ``iat``, ``exp``, ``sid`` and the ``/authorize``
  ``nonce``.
* The body is ``access_token``, ``refresh_token`` (with ``offline_access``), ``id_token``,
  ``scope``, ``expires_in``, ``token_type: "Bearer"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt

from tui_console.devtenant.records import Grant
from tui_console.devtenant.state import TenantState

__all__ = ["InvalidAccessToken", "TokenPrincipal", "build_token_response", "read_access_token"]


def build_token_response(
    state: TenantState, grant: Grant, *, refresh_token: str | None
) -> dict[str, Any]:
    """The ``/oauth/token`` success body for ``grant``."""
    now = int(state.now())
    settings = state.settings
    user = state.get_user(grant.user_id)
    if user is None:  # pragma: no cover - callers check that the user exists
        raise ValueError(f"no such user: {grant.user_id}")
    scopes = set(grant.scopes)
    if grant.audience:
        audience: str | list[str] = (
            [grant.audience, state.userinfo_audience] if "openid" in scopes else grant.audience
        )
        access_token = state.signing_key.sign(
            {
                "iss": state.issuer,
                "sub": grant.user_id,
                "aud": audience,
                "iat": now,
                "exp": now + settings.access_token_ttl,
                "scope": grant.scope,
                "azp": grant.client_id,
            }
        )
    else:
        access_token = state.issue_opaque_access_token(grant, now + settings.access_token_ttl)

    body: dict[str, Any] = {"access_token": access_token}
    if refresh_token is not None:
        body["refresh_token"] = refresh_token
    if "openid" in scopes:
        claims: dict[str, Any] = dict(user.profile_claims(scopes))
        claims.update(
            iss=state.issuer,
            sub=grant.user_id,
            aud=grant.client_id,
            azp=grant.client_id,
            iat=now,
            exp=now + settings.id_token_ttl,
        )
        if grant.session_id:
            claims["sid"] = grant.session_id
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        body["id_token"] = state.signing_key.sign(claims)
    body["scope"] = grant.scope
    body["expires_in"] = settings.access_token_ttl
    body["token_type"] = "Bearer"
    return body


class InvalidAccessToken(Exception):
    """The bearer token cannot be used at ``/userinfo``; ``str()`` is the description Auth0
    puts in ``WWW-Authenticate``."""


@dataclass(frozen=True)
class TokenPrincipal:
    """Who an access token speaks for, and which scopes it carries."""

    user_id: str
    scopes: frozenset[str]


def read_access_token(state: TenantState, token: str) -> TokenPrincipal:
    """Validate an access token for ``/userinfo`` (signature, issuer, audience, expiry, the
    ``openid`` scope) against the tenant's clock."""
    if not token:
        raise InvalidAccessToken("Missing access token")
    if token.count(".") == 2:
        try:
            claims = state.signing_key.verify(token)
        except jwt.PyJWTError as exc:
            raise InvalidAccessToken("The access token signature could not be validated") from exc
        if claims.get("iss") != state.issuer:
            raise InvalidAccessToken("The access token was issued by another issuer")
        audiences = claims.get("aud")
        audience_list = audiences if isinstance(audiences, list) else [audiences]
        if state.userinfo_audience not in audience_list:
            raise InvalidAccessToken("The access token is not valid for /userinfo")
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or state.now() >= exp:
            raise InvalidAccessToken("The token has expired")
        scopes = frozenset(str(claims.get("scope", "")).split())
        user_id = str(claims.get("sub", ""))
    else:
        record = state.opaque_access_token(token)
        if record is None:
            raise InvalidAccessToken("Invalid token")
        if state.now() >= record.expires_at:
            raise InvalidAccessToken("The token has expired")
        scopes = frozenset(record.grant.scopes)
        user_id = record.grant.user_id
    if "openid" not in scopes:
        raise InvalidAccessToken("The access token was not granted the openid scope")
    if state.get_user(user_id) is None:
        raise InvalidAccessToken("The user of this token does not exist anymore")
    return TokenPrincipal(user_id=user_id, scopes=scopes)
