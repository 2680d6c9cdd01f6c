"""What every route of the dev tenant shares: the tenant behind a request, Auth0's
Authentication API error, request parsing and response shapes.

The routes are plain module functions (:mod:`.app` puts the :class:`TenantState` on
``app.state.tenant``), so they reach the tenant through :func:`tenant` instead of importing
one from a sibling route module. :class:`AuthApiError` lives here rather than beside the state
because it *is* an HTTP answer (a status and a body); the tenant's rules raise it and the
app-level handler in :mod:`.app` renders it.

* Bodies: ``application/x-www-form-urlencoded`` as the specs say, and JSON, which Auth0's
  ``/oauth/token`` also accepts (its MRRT example posts JSON, auth0-reference.md §3.6 [C7]).
  Parsed here with the standard library, so the tenant needs no ``python-multipart``.
* Errors: ``{"error", "error_description"}`` with ``Content-Type: application/json`` and **no**
  charset (recorded, NOTES.md §6).
* Token successes: the same content type plus ``Cache-Control: no-store`` and
  ``Pragma: no-cache`` (recorded 2021, NOTES.md §8).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

if TYPE_CHECKING:
    from tui_console.devtenant.state import TenantState

__all__ = [
    "AuthApiError",
    "auth_error_response",
    "json_response",
    "read_params",
    "redirect_with_params",
    "tenant",
    "token_response",
]

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class AuthApiError(Exception):
    """An Authentication API refusal: HTTP status plus the ``{error, error_description}`` body.

    Auth0 uses the status inconsistently (403 for a pending device code, 429 for ``slow_down``,
    401 and 403 for two kinds of ``access_denied``), so the status travels with the error.
    """

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{status} {error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def tenant(request: Request) -> TenantState:
    """The :class:`TenantState` the app was created with (:func:`.app.create_app`)."""
    return cast("TenantState", request.app.state.tenant)


def _dumps(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


async def read_params(request: Request) -> dict[str, str]:
    """The request's body parameters (form or JSON), first value of each name winning."""
    raw = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            data = json.loads(raw or b"{}")
        except (ValueError, UnicodeDecodeError) as exc:
            raise AuthApiError(400, "invalid_request", "Invalid JSON body") from exc
        if not isinstance(data, dict):
            raise AuthApiError(400, "invalid_request", "The JSON body must be an object")
        return {str(k): v if isinstance(v, str) else str(v) for k, v in data.items()}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AuthApiError(400, "invalid_request", "The body is not UTF-8") from exc
    params: dict[str, str] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        params.setdefault(key, value)
    return params


def json_response(
    payload: Any,
    status_code: int = 200,
    *,
    media_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Response:
    """Compact JSON with exactly ``media_type`` (Starlette adds no charset to it)."""
    return Response(_dumps(payload), status_code, headers=headers, media_type=media_type)


def auth_error_response(error: AuthApiError, headers: dict[str, str] | None = None) -> Response:
    """Auth0's Authentication API error body at the error's status."""
    return json_response(error.body(), error.status, headers=headers)


def token_response(payload: dict[str, Any]) -> Response:
    """A 200 from ``/oauth/token`` or ``/oauth/device/code``: JSON, never cached."""
    return json_response(payload, headers=dict(_NO_STORE))


def redirect_with_params(uri: str, params: dict[str, str | None]) -> RedirectResponse:
    """302 to ``uri`` with ``params`` added to its query (``None`` values left out)."""
    parts = urlsplit(uri)
    extra = urlencode({k: v for k, v in params.items() if v is not None})
    query = f"{parts.query}&{extra}" if parts.query and extra else parts.query or extra
    return RedirectResponse(urlunsplit(parts._replace(query=query)), status_code=302)
