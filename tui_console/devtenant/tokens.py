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
* A grant from a DPoP request (RFC 9449, auth0-reference.md §4.4 [D3]) gets a bound access
  token where its API allows it (:func:`~tui_console.devtenant.dpop.access_token_binding`):
  ``cnf: {"jkt": ...}`` in a JWT (the binding of an opaque token stays in the tenant's
  records) and ``token_type: "DPoP"``.

The Management API reads its bearer token with :func:`read_management_token` (401s as Auth0
answers them, NOTES.md §4, §6; auth0-reference.md §6.2, §6.7) and the ``link_with`` ID token
of an account-linking request with :func:`read_link_with_token` (§6.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt

from tui_console.devtenant.dpop import (
    DPoPRejected,
    ResourceRequest,
    access_token_binding,
    dpop_challenge,
    verify_proof,
)
from tui_console.devtenant.management_rules import ManagementApiError
from tui_console.devtenant.records import Grant
from tui_console.devtenant.state import TenantState

__all__ = [
    "InvalidAccessToken",
    "ManagementCaller",
    "TokenPrincipal",
    "audiences",
    "build_token_response",
    "expired",
    "read_access_token",
    "read_link_with_token",
    "read_management_token",
]

#: The one recorded Management 401 carries a bare ``WWW-Authenticate: Bearer`` (NOTES.md §6).
_BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


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
    jkt = access_token_binding(state, grant)
    if grant.audience:
        audience: str | list[str] = (
            [grant.audience, state.userinfo_audience] if "openid" in scopes else grant.audience
        )
        access_claims: dict[str, Any] = {
            "iss": state.issuer,
            "sub": grant.user_id,
            "aud": audience,
            "iat": now,
            "exp": now + settings.access_token_ttl,
            "scope": grant.scope,
            "azp": grant.client_id,
        }
        if jkt is not None:
            access_claims["cnf"] = {"jkt": jkt}
        access_token = state.signing_key.sign(access_claims)
    else:
        access_token = state.authorizations.issue_opaque_token(
            grant, now + settings.access_token_ttl
        )

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
    body["token_type"] = "DPoP" if jkt is not None else "Bearer"
    return body


def audiences(claims: dict[str, Any]) -> list[Any]:
    """A token's ``aud`` as a list: RFC 7519 §4.1.3 allows one string or an array."""
    audience = claims.get("aud")
    return audience if isinstance(audience, list) else [audience]


def expired(state: TenantState, claims: dict[str, Any]) -> bool:
    """Whether a token has no numeric ``exp`` or the tenant's clock has reached it."""
    exp = claims.get("exp")
    return not isinstance(exp, int | float) or state.now() >= exp


class InvalidAccessToken(Exception):
    """The bearer token cannot be used at ``/userinfo``; ``str()`` is the description Auth0
    puts in ``WWW-Authenticate``."""


@dataclass(frozen=True)
class TokenPrincipal:
    """Who an access token speaks for, and which scopes it carries."""

    user_id: str
    scopes: frozenset[str]
    jkt: str | None = None
    """The DPoP key thumbprint the token is bound to (``cnf.jkt``); ``None``: a Bearer token."""


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
        if state.userinfo_audience not in audiences(claims):
            raise InvalidAccessToken("The access token is not valid for /userinfo")
        if expired(state, claims):
            raise InvalidAccessToken("The token has expired")
        scopes = frozenset(str(claims.get("scope", "")).split())
        user_id = str(claims.get("sub", ""))
        cnf = claims.get("cnf")
        jkt = cnf.get("jkt") if isinstance(cnf, dict) else None
    else:
        record = state.authorizations.opaque_token(token)
        if record is None:
            raise InvalidAccessToken("Invalid token")
        if state.now() >= record.expires_at:
            raise InvalidAccessToken("The token has expired")
        scopes = frozenset(record.grant.scopes)
        user_id = record.grant.user_id
        jkt = access_token_binding(state, record.grant)
    if "openid" not in scopes:
        raise InvalidAccessToken("The access token was not granted the openid scope")
    if state.get_user(user_id) is None:
        raise InvalidAccessToken("The user of this token does not exist anymore")
    bound = jkt if isinstance(jkt, str) else None
    return TokenPrincipal(user_id=user_id, scopes=scopes, jkt=bound)


@dataclass(frozen=True)
class ManagementCaller:
    """Who a Management API token speaks for: ``sub`` (a user id, or ``<client>@clients`` for
    a machine-to-machine token), its scopes, and ``azp`` (the application it was issued to)."""

    sub: str
    scopes: frozenset[str]
    azp: str | None


def _unauthorized(message: str) -> ManagementApiError:
    return ManagementApiError(401, message, headers=_BEARER_CHALLENGE)


def read_management_token(
    state: TenantState, authorization: str | None, *, dpop: ResourceRequest | None = None
) -> ManagementCaller:
    """The caller behind an ``Authorization`` header, or a 401 as Auth0 words it.

    No bearer token: "Missing authentication" (recorded, device-credentials-create.json, for a
    request with Basic credentials). A token that is not an RS256 JWT signed by this tenant for
    this issuer, or has expired: "Invalid token." (auth0-reference.md §6.2). A valid token for
    another API: "Bad audience: <aud>" (§6.7; audiences joined by a space when there are
    several, UNCONFIRMED).

    A DPoP-bound token (``cnf.jkt``, only issued with ``TenantSettings.management_api_dpop``)
    must come as ``Authorization: DPoP`` with a proof from its key, checked against ``dpop``
    (RFC 9449 §7); refusals carry a ``WWW-Authenticate: DPoP`` challenge. UNCONFIRMED for
    Auth0, whose Management API may take no DPoP at all (see :mod:`.dpop`).
    """
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() not in ("bearer", "dpop") or not token:
        raise _unauthorized("Missing authentication")
    if token.count(".") != 2:
        raise _unauthorized("Invalid token.")
    try:
        claims = state.signing_key.verify(token)
    except jwt.PyJWTError:
        raise _unauthorized("Invalid token.") from None
    if claims.get("iss") != state.issuer:
        raise _unauthorized("Invalid token.")
    named = audiences(claims)
    if state.management_audience not in named:
        raise _unauthorized("Bad audience: " + " ".join(str(a) for a in named))
    if expired(state, claims):
        raise _unauthorized("Invalid token.")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise _unauthorized("Invalid token.")
    cnf = claims.get("cnf")
    jkt = cnf.get("jkt") if isinstance(cnf, dict) else None
    if scheme.lower() == "dpop" or jkt is not None:
        _check_management_dpop(state, token, jkt, dpop if scheme.lower() == "dpop" else None)
    azp = claims.get("azp")
    return ManagementCaller(
        sub=sub,
        scopes=frozenset(str(claims.get("scope", "")).split()),
        azp=azp if isinstance(azp, str) else None,
    )


def _dpop_unauthorized(error: str, message: str) -> ManagementApiError:
    return ManagementApiError(
        401, message, headers={"WWW-Authenticate": dpop_challenge(error, message)}
    )


def _check_management_dpop(
    state: TenantState, token: str, jkt: object, request: ResourceRequest | None
) -> None:
    """A bound token needs the DPoP scheme and a proof from its key; an unbound one no proof."""
    if request is None:
        state.count("dpop_rejections")
        raise _dpop_unauthorized(
            "invalid_token", "A DPoP-bound access token was presented as Bearer"
        )
    try:
        proof = verify_proof(
            state,
            request.proofs,
            method=request.method,
            url=request.url,
            access_token=token,
            require_nonce=False,
        )
    except DPoPRejected as exc:
        state.count("dpop_nonce_challenges" if exc.error == "use_dpop_nonce" else "dpop_rejections")
        error = _dpop_unauthorized(exc.error, exc.description)
        error.headers["DPoP-Nonce"] = state.dpop.nonce()
        raise error from None
    if jkt != proof.jkt:
        state.count("dpop_rejections")
        message = (
            "The access token is not bound to a DPoP key"
            if jkt is None
            else "The DPoP proof key does not match the token's binding"
        )
        raise _dpop_unauthorized("invalid_token", message)


def _bad_link_with(reason: str) -> ManagementApiError:
    return ManagementApiError(400, f"Invalid link_with token: {reason}.", "invalid_body")


def read_link_with_token(state: TenantState, token: str, *, azp: str | None) -> str:
    """The user id (``sub``) of a ``link_with`` ID token, checked as Auth0 documents it
    (auth0-reference.md §6.4; auth0/docs#5930): signed with RS256 by this tenant, ``iss`` this
    issuer, ``aud`` the ``azp`` of the access token making the call, not expired. Anything else
    is 400 (UNCONFIRMED wording: no link_with refusal was recorded).
    """
    try:
        claims = state.signing_key.verify(token)  # RS256 only: an HS256 token fails here
    except jwt.PyJWTError:
        raise _bad_link_with("not an ID token signed by this tenant with RS256") from None
    if claims.get("iss") != state.issuer:
        raise _bad_link_with("issued by another tenant")
    if azp is None or azp not in audiences(claims):
        raise _bad_link_with("its audience is not the application of the access token")
    if expired(state, claims):
        raise _bad_link_with("expired")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise _bad_link_with("no subject")
    return sub
