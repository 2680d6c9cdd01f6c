"""The My Account API at ``<issuer>me/v1``: the signed-in user's own authentication methods.

Endpoints, scopes and success statuses are the OAS's (auth0-reference.md §8.4 [YO]); the rules
behind them live in :mod:`.my_account`, the refusals in :mod:`.my_account_problems`. Every
request goes through :func:`_endpoint`:

1. the bearer token: an RS256 JWT of this tenant whose ``aud`` names ``<issuer>me/``, not
   expired, else 401 problem JSON with ``WWW-Authenticate: Bearer`` (UNRECORDED: the detail
   words, and whether the API takes DPoP: Bearer only here);
2. the per-user rate limit, reads and writes apart (§8.4 [D2]): every answer after
   authentication carries lower-case ``x-ratelimit-limit``/``-remaining``/``-reset`` (reset =
   the UNIX second the bucket is full again, as the OAS describes it), a 429 adds
   ``retry-after`` (seconds until one request is allowed);
3. the endpoint's scope (403; UNRECORDED detail: "Insufficient scope, expected: …");
4. ``Content-Type: application/json`` for bodies (415), then the body (400 with
   ``validation_errors``), then the data (404, 409).

Errors are problem JSON ``{type, status, title, detail, validation_errors?}`` served as
``application/json``, as the OAS declares its ``ErrorResponse`` (UNRECORDED: the ``type`` and
``title`` values).
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import jwt
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui_console.devtenant.http import json_response, tenant
from tui_console.devtenant.my_account import FACTORS, method_location
from tui_console.devtenant.my_account_audience import my_account_audience
from tui_console.devtenant.my_account_problems import Problem, bad_request
from tui_console.devtenant.rate_limits import RateLimitDecision
from tui_console.devtenant.state import TenantState
from tui_console.devtenant.tokens import audiences, expired

__all__ = ["routes"]

_PROBLEM = "application/json"  # the OAS declares its ErrorResponse as application/json
_JSON = "application/json"

Handler = Callable[[Request, TenantState, str], Awaitable[Response]]


@dataclass(frozen=True)
class _Spec:
    scope: str
    kind: str
    """``read`` or ``write``: which per-user bucket the request draws from."""


def _limit_headers(decision: RateLimitDecision) -> dict[str, str]:
    return {name.lower(): value for name, value in decision.headers().items()}


def _problem(problem: Problem, headers: dict[str, str] | None = None) -> Response:
    return json_response(
        problem.body(),
        problem.status,
        media_type=_PROBLEM,
        headers={**(headers or {}), **dict(problem.headers)},
    )


def _user_of(state: TenantState, authorization: str | None) -> tuple[str, frozenset[str]]:
    """The user id and scopes of a My Account access token, or a 401 :class:`Problem`."""
    scheme, _, token = (authorization or "").partition(" ")
    challenge = (("WWW-Authenticate", "Bearer"),)
    if scheme.lower() not in ("bearer", "dpop") or not token.strip():
        raise Problem(401, "Unauthorized", "Missing access token", headers=challenge)
    try:
        claims = state.signing_key.verify(token.strip())
    except jwt.PyJWTError:
        raise Problem(401, "Unauthorized", "Invalid token", headers=challenge) from None
    if claims.get("iss") != state.issuer or not isinstance(claims.get("exp"), int | float):
        raise Problem(401, "Unauthorized", "Invalid token", headers=challenge)
    if my_account_audience(state.issuer) not in audiences(claims):
        raise Problem(401, "Unauthorized", "Invalid audience", headers=challenge)
    if expired(state, claims):
        raise Problem(401, "Unauthorized", "The access token has expired", headers=challenge)
    user_id = claims.get("sub")
    if not isinstance(user_id, str) or state.get_user(user_id) is None:
        raise Problem(401, "Unauthorized", "Invalid token", headers=challenge)
    return user_id, frozenset(str(claims.get("scope", "")).split())


def _endpoint(spec: _Spec, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        state = tenant(request)
        state.count("my_account_requests")
        try:
            user_id, scopes = _user_of(state, request.headers.get("authorization"))
        except Problem as problem:
            return _problem(problem)
        registry = state.limits.my_account[spec.kind]
        decision = registry.take(user_id)
        headers = _limit_headers(decision)
        if not decision.allowed:
            state.count("my_account_429s")
            wait = math.ceil(1 / registry.refill_per_second)
            return _problem(
                Problem(
                    429,
                    "Too Many Requests",
                    "Rate limit exceeded for this user; check the x-ratelimit-* headers",
                ),
                {**headers, "retry-after": str(wait)},
            )
        try:
            if spec.scope not in scopes:
                raise Problem(403, "Forbidden", f"Insufficient scope, expected: {spec.scope}")
            response = await handler(request, state, user_id)
        except Problem as problem:
            return _problem(problem, headers)
        response.headers.update(headers)
        return response

    return endpoint


async def _body(request: Request) -> dict[str, Any]:
    """The JSON object body, or 415 (not JSON) / 400 (not an object)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != _JSON:
        raise Problem(415, "Unsupported Media Type", "The request body must be application/json")
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        raise bad_request("The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object")
    return body


def _method_id(request: Request) -> str:
    return str(request.path_params["method_id"])


async def list_factors(request: Request, state: TenantState, user_id: str) -> Response:
    return json_response({"factors": [{"type": t, "usage": list(u)} for t, u in FACTORS]})


async def list_methods(request: Request, state: TenantState, user_id: str) -> Response:
    wanted = request.query_params.get("type") or None
    methods = state.my_account.methods(user_id, type_filter=wanted)
    return json_response({"authentication_methods": [m.to_json() for m in methods[:20]]})


async def get_method(request: Request, state: TenantState, user_id: str) -> Response:
    return json_response(state.my_account.get(user_id, _method_id(request)).to_json())


async def update_method(request: Request, state: TenantState, user_id: str) -> Response:
    body = await _body(request)
    record = state.my_account.rename(user_id, _method_id(request), body)
    return json_response(record.to_json())


async def delete_method(request: Request, state: TenantState, user_id: str) -> Response:
    state.my_account.delete(user_id, _method_id(request))
    return Response(b"", 204)


async def create_method(request: Request, state: TenantState, user_id: str) -> Response:
    body = await _body(request)
    user = state.get_user(user_id)
    account = user.email if user is not None else user_id
    label = "dev-tenant"
    record, answer = state.my_account.enroll(user_id, body, label=label, account=account)
    # UNRECORDED: a passkey's Location before it is verified ends in "passkey%7Cnew" (§8.4).
    location = method_location(state.issuer, record.id if record else "passkey|new")
    return json_response(answer, 202, headers={"Location": location})


async def verify_method(request: Request, state: TenantState, user_id: str) -> Response:
    body = await _body(request)
    record = state.my_account.verify(user_id, _method_id(request), body)
    location = method_location(state.issuer, record.id)
    return json_response(record.to_json(), 201, headers={"Location": location})


def routes() -> list[Route]:
    read_methods = _Spec("read:me:authentication_methods", "read")
    create = _Spec("create:me:authentication_methods", "write")
    base = "/me/v1/authentication-methods"
    one = base + "/{method_id:str}"
    return [
        Route(
            "/me/v1/factors",
            _endpoint(_Spec("read:me:factors", "read"), list_factors),
            methods=["GET"],
        ),
        Route(base, _endpoint(read_methods, list_methods), methods=["GET"]),
        Route(base, _endpoint(create, create_method), methods=["POST"]),
        Route(one + "/verify", _endpoint(create, verify_method), methods=["POST"]),
        Route(one, _endpoint(read_methods, get_method), methods=["GET"]),
        Route(
            one,
            _endpoint(_Spec("update:me:authentication_methods", "write"), update_method),
            methods=["PATCH"],
        ),
        Route(
            one,
            _endpoint(_Spec("delete:me:authentication_methods", "write"), delete_method),
            methods=["DELETE"],
        ),
    ]
