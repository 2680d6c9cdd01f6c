"""A scripted Management API for the client tests: answers by method and raw path."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from tui_console.management import ManagementClient

AUDIENCE = "https://tenant.example/api/v2/"

Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


class FakeApi:
    """Routes ``(METHOD, raw path)`` to an answer; unknown routes are a test failure (404 body)."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Answer] = {}
        self.requests: list[httpx.Request] = []

    def on(self, method: str, path: str, answer: Answer) -> None:
        self.routes[(method, path)] = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.raw_path.decode().split("?")[0]
        answer = self.routes.get((request.method, path))
        if answer is None:
            raise AssertionError(f"unexpected request {request.method} {path}")
        return answer(request) if callable(answer) else answer

    def client(self) -> ManagementClient:
        http = httpx.AsyncClient(transport=httpx.MockTransport(self))
        return ManagementClient(http, AUDIENCE)


def sent_json(request: httpx.Request) -> Any:
    return json.loads(request.content)


def user_body(user_id: str = "auth0|abc", **extra: Any) -> dict[str, Any]:
    """A user shaped like the 2023 recordings (keys absent rather than null)."""
    provider, _, bare = user_id.partition("|")
    body: dict[str, Any] = {
        "created_at": "2023-01-25T19:00:26.539Z",
        "email": "ada@example.com",
        "email_verified": True,
        "identities": [
            {
                "connection": "Username-Password-Authentication",
                "user_id": bare,
                "provider": provider,
                "isSocial": False,
            }
        ],
        "name": "ada@example.com",
        "nickname": "ada",
        "picture": "https://example.com/ada.png",
        "updated_at": "2023-01-25T19:00:26.539Z",
        "user_id": user_id,
    }
    body.update(extra)
    return body
