"""Reading a JSON object body, as every flow in this package must before it parses.

Sending is :func:`tui_console.exchange_failures.send`, shared with the Management and My
Account clients: a connection that never opened is a :class:`~tui_console.errors.NetworkError`
("nothing was sent"), one that broke after the request left a
:class:`~tui_console.errors.ResponseLost`, and no httpx exception type leaks past the core.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

__all__ = ["json_object"]


def json_object(response: httpx.Response) -> dict[str, Any] | None:
    """The body as a JSON object, or ``None`` when it is empty, not JSON or not an object."""
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
