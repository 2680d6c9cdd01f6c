"""Authentication API endpoints: ``/oauth/device/code``, ``/oauth/token``, ``/oauth/revoke``.

Status codes and bodies are Auth0's, not a generic OAuth server's (auth0-reference.md §1-3;
NOTES.md §6, §8):

* unknown ``client_id``: 401 ``access_denied`` "Unauthorized" (what Auth0 answers a failed
  client authentication); a grant the client lacks: 403 ``unauthorized_client`` "Grant type
  '…' not allowed for the client."; an unknown ``audience``: 403 ``access_denied``
  "Service not found: …";
* device polling: 403 ``authorization_pending``, 429 ``slow_down``, 403 ``expired_token`` once
  then 403 ``invalid_grant``, 403 ``access_denied`` (§1.3 [A1, A3]);
* authorization code: 403 ``invalid_grant`` "Invalid authorization code" (recorded) or
  "Failed to verify code verifier";
* refresh: 403 ``invalid_grant`` "Unknown or invalid refresh token." for unknown, revoked,
  expired and reused tokens (§3.2);
* an unknown grant type: 400 ``unsupported_grant_type``; missing parameters: 400
  ``invalid_request``;
* ``/oauth/revoke``: 200 with an empty body, also for unknown tokens (§3.5 [C6, AO]).
"""

from __future__ import annotations

import math
from dataclasses import replace

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui_console.devtenant.auth_api import auth_error_response, read_params, token_response
from tui_console.devtenant.login_routes import tenant
from tui_console.devtenant.models import Client
from tui_console.devtenant.records import Grant
from tui_console.devtenant.state import DEVICE_CODE_GRANT, AuthApiError, TenantState
from tui_console.devtenant.tokens import build_token_response

__all__ = ["routes"]

#: Grants Auth0 knows but this tenant's application does not have: 403 unauthorized_client,
#: as on a tenant whose app lacks them. Anything else is 400 unsupported_grant_type.
_KNOWN_GRANTS = frozenset(
    {
        "password",
        "client_credentials",
        "implicit",
        "http://auth0.com/oauth/grant-type/password-realm",
        "http://auth0.com/oauth/grant-type/passwordless/otp",
        "http://auth0.com/oauth/grant-type/mfa-oob",
        "http://auth0.com/oauth/grant-type/mfa-otp",
        "http://auth0.com/oauth/grant-type/mfa-recovery-code",
        "urn:ietf:params:oauth:grant-type:token-exchange",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "urn:openid:params:grant-type:ciba",
    }
)


def _required(params: dict[str, str], name: str) -> str:
    value = params.get(name, "")
    if not value:
        raise AuthApiError(400, "invalid_request", f"Missing required parameter: {name}")
    return value


def _client(state: TenantState, params: dict[str, str]) -> Client:
    client = state.get_client(_required(params, "client_id"))
    if client is None:
        raise AuthApiError(401, "access_denied", "Unauthorized")
    return client


def _require_grant(client: Client, grant_type: str) -> None:
    if grant_type not in client.grant_types:
        raise AuthApiError(
            403, "unauthorized_client", f"Grant type '{grant_type}' not allowed for the client."
        )


def _tokens_for(state: TenantState, grant: Grant) -> Response:
    """A fresh sign-in's tokens; a refresh-token family starts when offline_access was granted."""
    refresh = state.issue_refresh_token(grant) if "offline_access" in grant.scopes else None
    return token_response(build_token_response(state, grant, refresh_token=refresh))


async def device_code(request: Request) -> Response:
    """RFC 8628 §3.1-3.2: start a device authorization."""
    state = tenant(request)
    try:
        params = await read_params(request)
        client = _client(state, params)
        _require_grant(client, DEVICE_CODE_GRANT)
        audience = params.get("audience") or None
        if audience is not None and state.resource_server(audience) is None:
            raise AuthApiError(403, "access_denied", f"Service not found: {audience}")
    except AuthApiError as exc:
        return auth_error_response(exc)
    scopes = state.grant_scopes(params.get("scope"), audience, client)
    code = state.create_device_code(client.client_id, scopes, audience)
    verification_uri = f"{state.issuer}activate"
    return token_response(
        {
            "device_code": code.device_code,
            "user_code": code.user_code,
            "verification_uri": verification_uri,
            "expires_in": math.ceil(state.settings.device_code_ttl),
            "interval": code.interval,
            "verification_uri_complete": f"{verification_uri}?user_code={code.user_code}",
        }
    )


async def token(request: Request) -> Response:
    state = tenant(request)
    state.count("token_requests")
    try:
        params = await read_params(request)
        grant_type = _required(params, "grant_type")
        client = _client(state, params)
        if grant_type == DEVICE_CODE_GRANT:
            _require_grant(client, grant_type)
            grant = state.poll_device_code(_required(params, "device_code"), client.client_id)
            return _tokens_for(state, grant)
        if grant_type == "authorization_code":
            _require_grant(client, grant_type)
            grant = state.redeem_authorization_code(
                _required(params, "code"),
                client_id=client.client_id,
                redirect_uri=params.get("redirect_uri") or None,
                code_verifier=params.get("code_verifier") or None,
            )
            return _tokens_for(state, grant)
        if grant_type == "refresh_token":
            _require_grant(client, grant_type)
            return _refresh(state, client, params)
        if grant_type in _KNOWN_GRANTS:
            _require_grant(client, grant_type)
        raise AuthApiError(400, "unsupported_grant_type", f"Unsupported grant type: {grant_type}")
    except AuthApiError as exc:
        return auth_error_response(exc)


def _refresh(state: TenantState, client: Client, params: dict[str, str]) -> Response:
    """Rotation: every exchange returns a new refresh token (auth0-reference.md §3.3 [C2])."""
    presented = _required(params, "refresh_token")
    grant, rotated = state.exchange_refresh_token(
        presented, client.client_id, audience=params.get("audience") or None
    )
    requested = params.get("scope")
    if requested:
        # A refresh may narrow the scopes, never widen them (§3.2 [C8]).
        wanted = requested.split()
        grant = replace(grant, scopes=tuple(s for s in grant.scopes if s in wanted))
    return token_response(build_token_response(state, grant, refresh_token=rotated))


async def revoke(request: Request) -> Response:
    state = tenant(request)
    try:
        params = await read_params(request)
        client = _client(state, params)
        presented = _required(params, "token")
    except AuthApiError as exc:
        return auth_error_response(exc)
    state.revoke_refresh_token(presented, client.client_id)
    # Recorded: 200, empty body, Content-Type application/json (NOTES.md §8).
    return Response(b"", status_code=200, headers={"Content-Type": "application/json"})


def routes() -> list[Route]:
    return [
        Route("/oauth/device/code", device_code, methods=["POST"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/oauth/revoke", revoke, methods=["POST"]),
    ]
