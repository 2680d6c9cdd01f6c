"""OpenID Connect endpoints: discovery, JWKS, ``/authorize`` and ``/userinfo``.

* Discovery (auth0-reference.md §5 [B9, E4]): ``issuer`` has a trailing slash; the endpoint
  names are Auth0's (``/authorize``, ``/oauth/token``, ``/oauth/device/code``, ``/userinfo``,
  ``/oauth/revoke``, ``/.well-known/jwks.json``); ``code_challenge_methods_supported`` and
  ``id_token_signing_alg_values_supported`` are listed as Auth0 lists them, although this
  tenant only signs RS256 and only accepts S256 (§2.1 CONFLICT: B1 says S256 is the only
  method). Endpoints the tenant does not implement (registration, MFA, logout) are not
  advertised, so clients do not try them. DPoP is: ``dpop_signing_alg_values_supported``
  (RFC 9449 §5.1) lists the proof algorithms the tenant checks.
* ``/authorize`` (§2.1-2.4 [B1, B3, B8]): the client and ``redirect_uri`` are checked first and
  failures there show an error page instead of redirecting — a ``redirect_uri`` must equal one
  of the allowed callback URLs exactly, port included. Later failures redirect back with
  ``error``, ``error_description`` and ``state``. PKCE S256 is required of public clients.
  ``prompt=none`` answers ``login_required`` / ``consent_required`` without showing anything;
  ``prompt=login`` ignores the session; ``prompt=consent`` shows consent again. ``dpop_jkt``
  (RFC 9449 §10) binds the code to a DPoP key: its exchange needs a proof from that key.
* ``/userinfo`` (§4 [D1, D2, D5]; NOTES.md §6-8): a bad, expired or missing token gets 401 with
  the plain-text body ``Unauthorized``, no ``Content-Type``, and the reason in
  ``WWW-Authenticate: Bearer realm="Users", error="invalid_token", error_description="…"``.
  Success is ``application/json; charset=utf-8`` with the claims the token's scopes release.
  Every response carries ``X-RateLimit-*``; past the per-user burst it is 429 with Auth0's body.
* ``/userinfo`` with DPoP (RFC 9449 §7; §4.4 [D3]; the guesses are in :mod:`.dpop`):
  ``Authorization: DPoP <token>`` plus a ``DPoP`` proof with ``ath``, the tenant's nonce and a
  key matching the token's binding. A bound token sent as Bearer is ``invalid_token``.
  Refusals are 401 ``Unauthorized`` with ``WWW-Authenticate: DPoP error="…",
  error_description="…", algs="ES256 RS256 PS256"`` (``use_dpop_nonce`` with a fresh
  ``DPoP-Nonce``); every answer to a DPoP request carries the current nonce.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from tui_console.devtenant.dpop import (
    ALGORITHMS,
    RESOURCE_NONCE_REQUIRED,
    DPoPRejected,
    dpop_challenge,
    verify_proof,
)
from tui_console.devtenant.http import json_response, redirect_with_params, tenant
from tui_console.devtenant.login_routes import advance, current_session, reuse_session
from tui_console.devtenant.pages import error_page
from tui_console.devtenant.rate_limits import USERINFO_TOO_MANY_REQUESTS
from tui_console.devtenant.tokens import InvalidAccessToken, TokenPrincipal, read_access_token

__all__ = ["discovery_document", "routes"]

_JSON_UTF8 = "application/json; charset=utf-8"
#: Recorded on ``/userinfo`` responses (NOTES.md §8).
_USERINFO_CACHE_CONTROL = (
    "private, no-store, no-cache, must-revalidate, post-check=0, pre-check=0, no-transform"
)
_S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")


def discovery_document(issuer: str) -> dict[str, Any]:
    """``/.well-known/openid-configuration`` for ``issuer`` (which ends with ``/``)."""
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}authorize",
        "token_endpoint": f"{issuer}oauth/token",
        "device_authorization_endpoint": f"{issuer}oauth/device/code",
        "userinfo_endpoint": f"{issuer}userinfo",
        "jwks_uri": f"{issuer}.well-known/jwks.json",
        "revocation_endpoint": f"{issuer}oauth/revoke",
        "scopes_supported": [
            "openid",
            "profile",
            "offline_access",
            "name",
            "given_name",
            "family_name",
            "nickname",
            "email",
            "email_verified",
            "picture",
            "created_at",
            "identities",
            "phone",
            "address",
        ],
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "response_modes_supported": ["query"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["HS256", "RS256", "PS256"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "private_key_jwt",
            "none",
        ],
        "grant_types_supported": [
            "authorization_code",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code",
        ],
        "claims_supported": [
            "aud",
            "auth_time",
            "created_at",
            "email",
            "email_verified",
            "exp",
            "family_name",
            "given_name",
            "iat",
            "identities",
            "iss",
            "name",
            "nickname",
            "phone_number",
            "picture",
            "sub",
        ],
        "request_uri_parameter_supported": False,
        "request_parameter_supported": False,
        "dpop_signing_alg_values_supported": list(ALGORITHMS),
    }


async def openid_configuration(request: Request) -> Response:
    return json_response(discovery_document(tenant(request).issuer), media_type=_JSON_UTF8)


async def jwks(request: Request) -> Response:
    return json_response(tenant(request).signing_key.jwks(), media_type=_JSON_UTF8)


async def authorize(request: Request) -> Response:
    state = tenant(request)
    query = request.query_params

    client_id = query.get("client_id")
    if not client_id:
        return error_page(
            issuer=state.issuer,
            error="invalid_request",
            description="Missing required parameter: client_id",
        )
    client = state.get_client(client_id)
    if client is None:
        return error_page(
            issuer=state.issuer, error="invalid_request", description=f"Unknown client: {client_id}"
        )
    redirect_uri_sent = "redirect_uri" in query
    redirect_uri = query.get("redirect_uri") or state.settings.callback_urls[0]
    if redirect_uri not in state.settings.callback_urls:
        return error_page(
            issuer=state.issuer,
            error="unauthorized_client",
            description=(
                f"Callback URL mismatch. {redirect_uri} is not in the list of allowed callback URLs"
            ),
        )

    oauth_state = query.get("state")

    def fail(error: str, description: str) -> Response:
        return redirect_with_params(
            redirect_uri,
            {"error": error, "error_description": description, "state": oauth_state},
        )

    response_type = query.get("response_type")
    if not response_type:
        return fail("invalid_request", "Missing required parameter: response_type")
    if response_type != "code":
        return fail("unsupported_response_type", f"Unsupported response type: {response_type}")
    response_mode = query.get("response_mode")
    if response_mode not in (None, "", "query"):
        return fail("invalid_request", f"Unsupported response_mode: {response_mode}")
    if "authorization_code" not in client.grant_types:
        return fail(
            "unauthorized_client", "Grant type 'authorization_code' not allowed for the client."
        )
    audience = query.get("audience") or None
    if audience is not None and state.resource_server(audience) is None:
        return fail("access_denied", f"Service not found: {audience}")

    challenge = query.get("code_challenge") or None
    method = query.get("code_challenge_method")
    if challenge is None:
        if client.is_public:
            return fail(
                "invalid_request",
                "Parameter 'code_challenge' is required: public clients must use PKCE (S256)",
            )
    else:
        if method != "S256":
            return fail(
                "invalid_request",
                f"Unsupported code_challenge_method: {method or 'plain'}. Use S256",
            )
        if not _S256_CHALLENGE.fullmatch(challenge):
            return fail(
                "invalid_request",
                "Invalid code_challenge: expected 43 base64url characters (S256)",
            )

    dpop_jkt = query.get("dpop_jkt") or None
    if dpop_jkt is not None and not _S256_CHALLENGE.fullmatch(dpop_jkt):
        return fail(
            "invalid_request", "Invalid dpop_jkt: expected a JWK SHA-256 thumbprint (RFC 7638)"
        )

    prompts = frozenset(query.get("prompt", "").split())
    if "none" in prompts and len(prompts) > 1:
        return fail("invalid_request", "prompt=none cannot be combined with other prompts")
    scopes = state.grant_scopes(query.get("scope"), audience, client)
    session = None if "login" in prompts else current_session(request)
    if "none" in prompts:
        if session is None:
            return fail("login_required", "Login required")
        if not state.authorizations.has_consent(session.user_id, client_id, audience, scopes):
            return fail("consent_required", "Consent required")

    txn = state.authorizations.create_transaction(
        kind="authorize",
        client_id=client_id,
        scopes=scopes,
        audience=audience,
        redirect_uri=redirect_uri,
        redirect_uri_sent=redirect_uri_sent,
        state=oauth_state,
        nonce=query.get("nonce"),
        code_challenge=challenge,
        prompt=prompts,
        login_hint=query.get("login_hint", ""),
        dpop_jkt=dpop_jkt,
    )
    if session is not None:
        reuse_session(request, session, txn)
        return advance(state, txn)
    return RedirectResponse(f"/u/login?state={txn.id}", status_code=302)


def _unauthorized(request: Request, description: str) -> Response:
    state = tenant(request)
    caller = request.client.host if request.client else "unknown"
    decision = state.limits.invalid_token.take(caller)
    description = description.replace('"', "'")
    headers = {
        "WWW-Authenticate": (
            f'Bearer realm="Users", error="invalid_token", error_description="{description}"'
        ),
        "Cache-Control": _USERINFO_CACHE_CONTROL,
        **decision.headers(),
    }
    # media_type None: no Content-Type header at all, as recorded.
    return Response(b"Unauthorized", status_code=401, headers=headers, media_type=None)


def _dpop_unauthorized(request: Request, error: str, description: str) -> Response:
    """401 with a ``DPoP`` challenge (RFC 9449 §7.1), shaped like :func:`_unauthorized`."""
    state = tenant(request)
    state.count("dpop_nonce_challenges" if error == "use_dpop_nonce" else "dpop_rejections")
    caller = request.client.host if request.client else "unknown"
    decision = state.limits.invalid_token.take(caller)
    headers = {
        "WWW-Authenticate": dpop_challenge(error, description),
        "Cache-Control": _USERINFO_CACHE_CONTROL,
        "DPoP-Nonce": state.dpop.nonce(),
        **decision.headers(),
    }
    return Response(b"Unauthorized", status_code=401, headers=headers, media_type=None)


def _dpop_principal(request: Request, token: str) -> TokenPrincipal | Response:
    """The principal of ``Authorization: DPoP <token>``: the proof first (so a stale nonce is
    answered before anything else), then the token, then the binding."""
    state = tenant(request)
    try:
        proof = verify_proof(
            state,
            request.headers.getlist("dpop"),
            method=request.method,
            url=f"{state.issuer}userinfo",
            access_token=token,
            require_nonce=True,
            nonce_description=RESOURCE_NONCE_REQUIRED,
        )
    except DPoPRejected as exc:
        return _dpop_unauthorized(request, exc.error, exc.description)
    try:
        principal = read_access_token(state, token)
    except InvalidAccessToken as exc:
        return _dpop_unauthorized(request, "invalid_token", str(exc))
    if principal.jkt is None:
        return _dpop_unauthorized(
            request, "invalid_token", "The access token is not bound to a DPoP key"
        )
    if principal.jkt != proof.jkt:
        return _dpop_unauthorized(
            request, "invalid_token", "The DPoP proof key does not match the token's binding"
        )
    return principal


async def userinfo(request: Request) -> Response:
    state = tenant(request)
    state.count("userinfo_requests")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    dpop = scheme.lower() == "dpop"
    if dpop:
        found = _dpop_principal(request, token.strip())
        if isinstance(found, Response):
            return found
        principal = found
    else:
        if scheme.lower() != "bearer":
            token = ""
        try:
            principal = read_access_token(state, token.strip())
        except InvalidAccessToken as exc:
            return _unauthorized(request, str(exc))
        if principal.jkt is not None:
            # RFC 9449 §7.2: a DPoP-bound token must not be accepted as a bearer token.
            return _dpop_unauthorized(
                request, "invalid_token", "A DPoP-bound access token was presented as Bearer"
            )
    decision = state.limits.userinfo.take(principal.user_id)
    headers = {"Cache-Control": _USERINFO_CACHE_CONTROL, **decision.headers()}
    if dpop:
        headers["DPoP-Nonce"] = state.dpop.nonce()
    if not decision.allowed:
        return json_response(
            USERINFO_TOO_MANY_REQUESTS, 429, media_type=_JSON_UTF8, headers=headers
        )
    user = state.get_user(principal.user_id)
    if user is None:
        return _unauthorized(request, "The user of this token does not exist anymore")
    claims = {"sub": user.user_id, **user.profile_claims(principal.scopes)}
    return json_response(claims, media_type=_JSON_UTF8, headers=headers)


def routes() -> list[Route]:
    return [
        Route("/.well-known/openid-configuration", openid_configuration, methods=["GET"]),
        Route("/.well-known/jwks.json", jwks, methods=["GET"]),
        Route("/authorize", authorize, methods=["GET"]),
        Route("/userinfo", userinfo, methods=["GET", "POST"]),
    ]
