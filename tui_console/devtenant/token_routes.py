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
* ``client_credentials`` for the support applications (client secret or client assertion):
  :mod:`.machine_clients` has the rules and the guesses;
* ``/oauth/revoke``: 200 with an empty body, also for unknown tokens (§3.5 [C6, AO]).

DPoP (RFC 9449; §4.4 [D3]; the rules and the guesses are in :mod:`.dpop`): a ``DPoP`` header
on ``/oauth/token`` is checked before the grant, so a nonce challenge costs the client no code,
no poll and no refresh token. A public client's proof must carry the tenant's nonce: without
one it is ``400 use_dpop_nonce`` with a ``DPoP-Nonce`` header, and every answer to a request
with a proof carries the current nonce. The grant then binds to the proof's key: a device or
code grant from here on, a refresh token family for good (its refresh needs a proof from the
same key), a code already bound by ``dpop_jkt`` at ``/authorize`` only to that key.
"""

from __future__ import annotations

import math
from dataclasses import replace

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui_console.devtenant.dpop import DPoPRejected, VerifiedProof, verify_proof
from tui_console.devtenant.http import (
    AuthApiError,
    auth_error_response,
    read_params,
    tenant,
    token_response,
)
from tui_console.devtenant.machine_clients import ClientRefused
from tui_console.devtenant.models import Client
from tui_console.devtenant.records import Grant
from tui_console.devtenant.state import DEVICE_CODE_GRANT, TenantState
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
    refresh = state.refresh_tokens.issue(grant) if "offline_access" in grant.scopes else None
    return token_response(build_token_response(state, grant, refresh_token=refresh))


async def device_code(request: Request) -> Response:
    """RFC 8628 §3.1-3.2: start a device authorization."""
    state = tenant(request)
    params = await read_params(request)
    client = _client(state, params)
    _require_grant(client, DEVICE_CODE_GRANT)
    audience = params.get("audience") or None
    if audience is not None and state.resource_server(audience) is None:
        raise AuthApiError(403, "access_denied", f"Service not found: {audience}")
    scopes = state.grant_scopes(params.get("scope"), audience, client)
    code = state.device_codes.create(client.client_id, scopes, audience)
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


def _proof(request: Request, state: TenantState, client: Client) -> VerifiedProof | None:
    """The request's checked DPoP proof, ``None`` without one, or a DPoP :class:`AuthApiError`."""
    proofs = request.headers.getlist("dpop")
    if not proofs:
        return None
    try:
        return verify_proof(
            state,
            proofs,
            method=request.method,
            url=f"{state.issuer}oauth/token",
            require_nonce=client.is_public,
        )
    except DPoPRejected as exc:
        raise _dpop_refusal(state, exc.error, exc.description) from None


def _dpop_refusal(state: TenantState, error: str, description: str) -> AuthApiError:
    state.count("dpop_nonce_challenges" if error == "use_dpop_nonce" else "dpop_rejections")
    return AuthApiError(400, error, description)


def _bound(state: TenantState, grant: Grant, proof: VerifiedProof | None) -> Grant:
    """``grant`` bound to the proof's key. A code bound at ``/authorize`` (``dpop_jkt``) takes
    a proof from that key only (RFC 9449 §10)."""
    if grant.dpop_jkt is not None:
        if proof is None:
            raise _dpop_refusal(
                state, "invalid_dpop_proof", "A DPoP proof is required: the grant is bound to a key"
            )
        if proof.jkt != grant.dpop_jkt:
            raise _dpop_refusal(
                state,
                "invalid_dpop_proof",
                "The DPoP proof key does not match the key the grant is bound to",
            )
        return grant
    return replace(grant, dpop_jkt=proof.jkt) if proof is not None else grant


async def token(request: Request) -> Response:
    """RFC 6749 §3.2. The one route that renders its own :class:`AuthApiError`: a refusal is
    logged (:func:`_log_refusal`) and, like a success, carries the current ``DPoP-Nonce``, so
    it cannot leave through the app-level handler, which adds no headers."""
    state = tenant(request)
    state.count("token_requests")
    response = await _token(request, state)
    if request.headers.get("dpop") is not None:
        # Any answer to a DPoP request carries the current nonce, so the client stays current.
        response.headers["DPoP-Nonce"] = state.dpop.nonce()
    return response


#: grant type → the log event types of its success and its failure (auth0-reference.md §8.6
#: [L2]); reuse of a rotated refresh token is ``ferrt`` instead.
_EXCHANGE_EVENTS = {
    DEVICE_CODE_GRANT: ("sede", "fede"),
    "authorization_code": ("seacft", "feacft"),
    "refresh_token": ("sertft", "fertft"),
    "client_credentials": ("seccft", "feccft"),
}
#: Answers to a device poll that are part of waiting, not failures worth an event.
_WAITING = frozenset({"authorization_pending", "slow_down"})


def _ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _log_exchange(request: Request, state: TenantState, grant_type: str, grant: Grant) -> None:
    kind = _EXCHANGE_EVENTS[grant_type][0]
    state.logs.record(
        kind,
        client_id=grant.client_id,
        user_id=grant.user_id,
        user_name=_user_name(state, grant.user_id),
        ip=_ip(request),
        audience=grant.audience,
        scope=grant.scope,
    )


def _user_name(state: TenantState, user_id: str) -> str:
    user = state.get_user(user_id)
    return user.email if user else ""


def _log_refusal(
    request: Request,
    state: TenantState,
    grant_type: str,
    params: dict[str, str],
    exc: AuthApiError,
    reuses_before: int,
) -> None:
    if grant_type not in _EXCHANGE_EVENTS or exc.error in _WAITING:
        return
    kind = _EXCHANGE_EVENTS[grant_type][1]
    if grant_type == "refresh_token" and state.stats.reuse_detections > reuses_before:
        kind = "ferrt"
    state.logs.record(
        kind,
        description=exc.description,
        client_id=params.get("client_id") or None,
        ip=_ip(request),
        audience=params.get("audience") or None,
        scope=params.get("scope") or None,
    )


async def _token(request: Request, state: TenantState) -> Response:
    grant_type = ""
    params: dict[str, str] = {}
    reuses_before = state.stats.reuse_detections
    try:
        params = await read_params(request)
        grant_type = _required(params, "grant_type")
        if grant_type == "client_credentials":
            return _client_credentials(request, state, params)
        client = _client(state, params)
        if grant_type in (DEVICE_CODE_GRANT, "authorization_code", "refresh_token"):
            _require_grant(client, grant_type)
        proof = _proof(request, state, client)
        if grant_type == DEVICE_CODE_GRANT:
            grant = state.device_codes.poll(_required(params, "device_code"), client.client_id)
            response = _tokens_for(state, _bound(state, grant, proof))
            _log_exchange(request, state, grant_type, grant)
            return response
        if grant_type == "authorization_code":
            grant = state.authorizations.redeem_code(
                _required(params, "code"),
                client_id=client.client_id,
                redirect_uri=params.get("redirect_uri") or None,
                code_verifier=params.get("code_verifier") or None,
            )
            response = _tokens_for(state, _bound(state, grant, proof))
            _log_exchange(request, state, grant_type, grant)
            return response
        if grant_type == "refresh_token":
            return _refresh(request, state, client, params, proof)
        if grant_type in _KNOWN_GRANTS:
            _require_grant(client, grant_type)
        raise AuthApiError(400, "unsupported_grant_type", f"Unsupported grant type: {grant_type}")
    except AuthApiError as exc:
        _log_refusal(request, state, grant_type, params, exc, reuses_before)
        return auth_error_response(exc)


def _client_credentials(request: Request, state: TenantState, params: dict[str, str]) -> Response:
    """A machine token for a support application (auth0-reference.md §8.7 [K2])."""
    machine = state.machine
    try:
        client = machine.authenticate(
            params, request.headers.get("authorization"), state.get_client
        )
        _require_grant(client, "client_credentials")
        grant = machine.grant(client, params.get("audience") or None, params.get("scope"))
    except ClientRefused as exc:
        raise AuthApiError(exc.status, exc.error, exc.description) from None
    ttl = state.settings.access_token_ttl
    token = state.mint_access_token(
        grant.scopes, audience=grant.audience, client_id=client.client_id, ttl=ttl
    )
    state.logs.record(
        "seccft",
        client_id=client.client_id,
        ip=_ip(request),
        audience=grant.audience,
        scope=" ".join(grant.scopes),
    )
    # Recorded (token.json, TestLoginWithClientCredentials): no scope, no refresh or ID token.
    return token_response({"access_token": token, "expires_in": ttl, "token_type": "Bearer"})


def _refresh(
    request: Request,
    state: TenantState,
    client: Client,
    params: dict[str, str],
    proof: VerifiedProof | None,
) -> Response:
    """Rotation: every exchange returns a new refresh token (auth0-reference.md §3.3 [C2]).

    A family bound to a DPoP key takes a proof from that key only, checked before anything
    is spent, so a stolen bound refresh token is refused without tripping reuse detection.
    """
    presented = _required(params, "refresh_token")
    binding = state.refresh_tokens.binding(presented)
    if binding is not None and proof is None:
        raise _dpop_refusal(
            state,
            "invalid_dpop_proof",
            "A DPoP proof is required: the refresh token is bound to a key",
        )
    if binding is not None and proof is not None and proof.jkt != binding:
        raise _dpop_refusal(
            state,
            "invalid_dpop_proof",
            "The DPoP proof key does not match the key the refresh token is bound to",
        )
    audience = params.get("audience") or None
    grant, rotated = state.refresh_tokens.exchange(
        presented, client.client_id, audience=audience, scope=params.get("scope") or None
    )
    requested = params.get("scope")
    if requested:
        # A refresh may narrow the scopes, never widen them (§3.2 [C8]).
        wanted = requested.split()
        grant = replace(grant, scopes=tuple(s for s in grant.scopes if s in wanted))
    if grant.dpop_jkt is None and proof is not None:
        grant = replace(grant, dpop_jkt=proof.jkt)  # this access token only; the family stays
    body = build_token_response(state, grant, refresh_token=rotated)
    if audience is not None:
        body["resource"] = grant.audience  # MRRT answers name their API (auth0-spa-js#1621)
    _log_exchange(request, state, "refresh_token", grant)
    return token_response(body)


async def revoke(request: Request) -> Response:
    state = tenant(request)
    params = await read_params(request)
    client = _client(state, params)
    presented = _required(params, "token")
    if state.refresh_tokens.revoke(presented, client.client_id):
        state.logs.record("srrt", client_id=client.client_id, ip=_ip(request))
    # Recorded: 200, empty body, Content-Type application/json (NOTES.md §8).
    return Response(b"", status_code=200, headers={"Content-Type": "application/json"})


def routes() -> list[Route]:
    return [
        Route("/oauth/device/code", device_code, methods=["POST"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/oauth/revoke", revoke, methods=["POST"]),
    ]
