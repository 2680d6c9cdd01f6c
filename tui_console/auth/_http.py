"""HTTP plumbing shared by the flows: sending, and reading a JSON object body.

Every flow in this package sends through :func:`send`, so a failure reaches the person as
the same error with the same next step, and no httpx exception type leaks past the auth
layer: a connection that never opened is a :class:`NetworkError` ("nothing was sent"), one
that broke after the request left a :class:`~tui_console.errors.ResponseLost`
(:mod:`tui_console.exchange_failures` draws the line).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tui_console.exchange_failures import transport_error

__all__ = ["json_object", "send"]


async def send(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    auth: httpx.Auth | None = None,
    check: str = "",
    effect: str = "The change may have applied.",
) -> httpx.Response:
    """``client.send(request)`` with the body read; a transport failure is our error.

    ``auth=None`` keeps the client's own auth (httpx would read ``None`` as "no auth").
    ``check`` and ``effect`` word a lost answer (see :func:`~tui_console.exchange_failures.
    answer_lost`).
    """
    try:
        if auth is None:
            return await client.send(request)
        return await client.send(request, auth=auth)
    except httpx.TransportError as exc:
        raise transport_error(request, exc, check=check, effect=effect) from None


def json_object(response: httpx.Response) -> dict[str, Any] | None:
    """The body as a JSON object, or ``None`` when it is empty, not JSON or not an object."""
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
