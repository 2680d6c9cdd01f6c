"""The Management API's request pipeline, shared by every ``/api/v2`` endpoint.

Every request goes through :func:`endpoint_for`, in Auth0's order: the bearer token (401, with
``WWW-Authenticate: Bearer`` and, as recorded, no rate-limit headers), then an injected failure
if a test armed one (:mod:`.faults`), then the rate limit (429 with the recorded body), then the
endpoint's own checks and data, which raise :class:`~.management_rules.ManagementApiError`.
Every answer after authentication carries ``X-RateLimit-Limit``, ``-Remaining`` and ``-Reset``
(reset = when the bucket is full again, NOTES.md §7), so errors are rendered here rather than
by the app-level handler; every answer is ``application/json; charset=utf-8``, the 204
included (recorded). A change that succeeded is logged as an ``sapi`` event.

Endpoints live beside the data they serve: the account's in :mod:`.management_routes`, the
support console's in :mod:`.support_routes` and :mod:`.sign_in_support_routes`. They share the
body helpers here (:func:`json_body`, :func:`object_body`, :func:`check_properties`), which word
their 400s as Auth0's schema validator does.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui_console.devtenant.dpop import resource_request
from tui_console.devtenant.faults import InjectedFailure, default_body
from tui_console.devtenant.http import json_response, tenant
from tui_console.devtenant.management_rules import (
    GLOBAL_LIMIT_BODY,
    ManagementApiError,
    error_body,
    invalid_body,
    policy,
    wrong_type,
)
from tui_console.devtenant.rate_limits import RateLimitDecision
from tui_console.devtenant.state import TenantState
from tui_console.devtenant.tokens import ManagementCaller, read_management_token

__all__ = [
    "EndpointSpec",
    "Handler",
    "check_properties",
    "endpoint_for",
    "json_body",
    "not_found_route",
    "object_body",
    "respond",
]

_JSON_UTF8 = "application/json; charset=utf-8"
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_STALL_POLL = 0.05

Handler = Callable[[Request, TenantState, ManagementCaller], Awaitable[tuple[int, Any]]]


@dataclass(frozen=True)
class EndpointSpec:
    """What the pipeline needs to know about an endpoint beyond its handler."""

    policy: str
    device_credentials_write: bool = False
    conflict: str = "Conflict"
    logs: bool = False
    """Counted in the log-reading bucket instead of the per-caller one."""
    action: str = ""
    """What a successful change is called in its ``sapi`` log event ("Update a User")."""


def respond(payload: Any, status: int, headers: dict[str, str]) -> Response:
    if payload is None:
        return Response(b"", status, headers=headers, media_type=_JSON_UTF8)
    return json_response(payload, status, media_type=_JSON_UTF8, headers=headers)


def _error(exc: ManagementApiError, headers: dict[str, str] | None = None) -> Response:
    return respond(exc.body(), exc.status, {**(headers or {}), **exc.headers})


def _empty_bucket(state: TenantState, spec: EndpointSpec) -> RateLimitDecision:
    """The headers of an empty per-caller bucket, for an injected 429."""
    registry = state.limits.endpoint(spec.device_credentials_write, logs=spec.logs)
    full_in = registry.capacity / registry.refill_per_second
    return RateLimitDecision(
        allowed=False,
        limit=registry.capacity,
        remaining=0,
        reset=math.ceil(state.now() + full_in),
    )


async def _stall(request: Request, seconds: float) -> bool:
    """Wait ``seconds``, or until the client hangs up (then False), so a stalled request whose
    client timed out does not hold the server's shutdown."""
    await request.body()  # read (and keep) the body first: it shares the receive channel
    deadline = asyncio.get_running_loop().time() + seconds
    while (left := deadline - asyncio.get_running_loop().time()) > 0:
        if await request.is_disconnected():
            return False
        await asyncio.sleep(min(left, _STALL_POLL))
    return True


async def _injected(
    request: Request,
    state: TenantState,
    spec: EndpointSpec,
    caller: ManagementCaller,
    failure: InjectedFailure,
) -> Response | None:
    """Play an armed failure: stall, then answer with its status (None: handle normally)."""
    state.count("management_injected_failures")
    if failure.delay and not await _stall(request, failure.delay):
        return Response(b"", 499)  # nobody is listening any more
    status = failure.status
    if status is None:
        return None
    if status == 429:
        state.count("management_429s")
        headers = _empty_bucket(state, spec).headers()
    elif status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    else:
        headers = state.limits.peek_management(
            caller.sub, device_credentials_write=spec.device_credentials_write, logs=spec.logs
        ).headers()
    body = failure.body
    if body is None:
        body = default_body(
            status, expected_scopes=policy(spec.policy).expected, conflict=spec.conflict
        )
    return respond(body, status, {**headers, **failure.headers})


def endpoint_for(spec: EndpointSpec, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        state = tenant(request)
        state.count("management_requests")
        try:
            caller = read_management_token(
                state, request.headers.get("authorization"), dpop=resource_request(state, request)
            )
        except ManagementApiError as exc:
            return _error(exc)
        failure = state.failures.take(request.method, request.scope["path"])
        if failure is not None:
            injected = await _injected(request, state, spec, caller, failure)
            if injected is not None:
                return injected
        decision = state.limits.take_management(
            caller.sub, device_credentials_write=spec.device_credentials_write, logs=spec.logs
        )
        headers = decision.headers()
        if not decision.allowed:
            state.count("management_requests_on_empty_bucket")
            state.count("management_429s")
            return respond(dict(GLOBAL_LIMIT_BODY), 429, headers)
        try:
            status, payload = await handler(request, state, caller)
        except ManagementApiError as exc:
            return _error(exc, headers)
        if request.method != "GET":
            await _log_change(request, state, spec, caller, status, payload)
        return respond(payload, status, headers)

    return endpoint


async def _log_change(
    request: Request,
    state: TenantState,
    spec: EndpointSpec,
    caller: ManagementCaller,
    status: int,
    payload: Any,
) -> None:
    """The ``sapi`` event of a change that succeeded (shape recorded, logs.json)."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else None
    except (ValueError, UnicodeDecodeError):
        body = None
    ip = request.client.host if request.client else None
    state.logs.record(
        "sapi",
        description=spec.action or f"{request.method} {request.url.path}",
        client_id=caller.azp,
        ip=ip,
        details={
            "request": {
                "auth": {
                    "credentials": {"scopes": sorted(caller.scopes)},
                    "strategy": "jwt",
                    "user": {},
                },
                "body": body,
                "channel": "api",
                "ip": ip,
                "method": request.method.lower(),
                "path": request.scope.get("raw_path", b"").decode("latin-1") or request.url.path,
                "query": dict(request.query_params),
                "userAgent": request.headers.get("user-agent", ""),
            },
            "response": {"body": payload if payload is not None else {}, "statusCode": status},
        },
    )


async def json_body(request: Request) -> Any:
    """The parsed JSON body (None when empty); Hapi's 400 when it is not JSON."""
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ManagementApiError(400, "Invalid request payload JSON format") from None


def object_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise wrong_type("object", body)
    return body


def check_properties(
    body: dict[str, Any], schema: dict[str, str], required: tuple[str, ...]
) -> None:
    """A closed object of string properties, ``schema`` mapping each to its description."""
    unknown = sorted(set(body) - set(schema))
    if unknown:
        raise invalid_body(f"Additional properties not allowed: {','.join(unknown)}")
    for name in required:
        if name not in body:
            raise invalid_body(f"Missing required property: {name}")
    for name, value in body.items():
        if not isinstance(value, str):
            raise wrong_type("string", value, name, schema[name])


async def not_found(request: Request) -> Response:
    """Hapi's answer for a route it does not have (recorded body, errors.json); mounted after
    every Management route (:data:`not_found_route`)."""
    tenant(request).count("management_requests")
    return respond(error_body(404, "Not Found"), 404, {})


#: Anything under ``/api/v2`` no route matched; it must come last in the mount.
not_found_route = Route("/{rest:path}", not_found, methods=_ALL_METHODS)
