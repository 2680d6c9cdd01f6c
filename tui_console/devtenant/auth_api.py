"""Request parsing and the response shapes of Auth0's Authentication API.

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
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tui_console.devtenant.state import AuthApiError

__all__ = [
    "auth_error_response",
    "json_response",
    "read_params",
    "redirect_with_params",
    "token_response",
]

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


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
