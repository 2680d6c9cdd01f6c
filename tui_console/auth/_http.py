"""HTTP plumbing shared by the flows: sending, and reading a JSON object body.

Every flow in this package sends through :func:`send`, so a DNS failure, a refused
connection or a timeout reaches the person as the same :class:`NetworkError` with the same
next step, and no httpx exception type leaks past the auth layer.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tui_console.errors import NetworkError

__all__ = ["json_object", "send", "unreachable"]


def unreachable(request: httpx.Request, exc: httpx.TransportError) -> NetworkError:
    """The :class:`NetworkError` for ``request`` failing with ``exc`` (host and kind, no body)."""
    return NetworkError(
        f"Could not reach {request.url.host} ({type(exc).__name__}).",
        hint="Check the network connection, then try again.",
    )


async def send(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    auth: httpx.Auth | None = None,
) -> httpx.Response:
    """``client.send(request)`` with the body read; a transport failure is a :class:`NetworkError`.

    ``auth=None`` keeps the client's own auth (httpx would read ``None`` as "no auth").
    """
    try:
        if auth is None:
            return await client.send(request)
        return await client.send(request, auth=auth)
    except httpx.TransportError as exc:
        raise unreachable(request, exc) from None


def json_object(response: httpx.Response) -> dict[str, Any] | None:
    """The body as a JSON object, or ``None`` when it is empty, not JSON or not an object."""
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
