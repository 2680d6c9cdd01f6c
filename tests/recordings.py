"""Loader for the recorded Auth0 traffic in ``shared/auth0-recordings/`` (beside the repo).

The recordings are data we may read but never copy into the project. Their format is
described in that folder's README: each file is a JSON list of interactions with
``method``, ``url_path``, ``status``, ``response_headers`` and ``response_body``.
``TUI_CONSOLE_RECORDINGS`` points elsewhere. When the folder is missing, tests that need it
skip and say where they looked, except under ``CI=true``, where they fail: a CI run must not
pass by not checking against Auth0's real answers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

ENV = "TUI_CONSOLE_RECORDINGS"
DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "auth0-recordings"
HOST = "https://tenant.example"


def recordings_dir() -> Path:
    """Where the recordings are read from: ``$TUI_CONSOLE_RECORDINGS`` or ``../shared/``."""
    return Path(os.environ.get(ENV) or DEFAULT)


def load(name: str) -> list[dict[str, Any]]:
    """The interactions in ``<name>.json``; skips the calling test when the folder is absent
    (fails under ``CI=true``)."""
    folder = recordings_dir()
    if not folder.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Auth0 recordings not found at {folder}; CI must check against them")
        pytest.skip(
            f"Auth0 recordings not found at {folder} (they live in shared/, beside the repo)"
        )
    records: list[dict[str, Any]] = json.loads((folder / f"{name}.json").read_text("utf-8"))
    return records


def as_response(record: dict[str, Any]) -> httpx.Response:
    """The recorded answer as an ``httpx.Response``, body bytes rebuilt from the record.

    A JSON body is re-serialised, a string body sent as is, and ``null`` is an empty body.
    """
    body = record["response_body"]
    if body is None:
        content = b""
    elif isinstance(body, str):
        content = body.encode()
    else:
        content = json.dumps(body).encode()
    request = httpx.Request(record.get("method") or "GET", HOST + (record.get("url_path") or "/"))
    headers = record.get("response_headers") or {}
    return httpx.Response(record["status"], headers=headers, content=content, request=request)


def answering_with(
    record: dict[str, Any], on_request: Callable[[httpx.Request], None]
) -> httpx.AsyncClient:
    """An HTTP client that answers every request with ``record``'s response
    (:func:`as_response`); ``on_request`` sees each request first (to keep or check it)."""

    def answer(request: httpx.Request) -> httpx.Response:
        on_request(request)
        return as_response(record)

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


def api_segments(record: dict[str, Any]) -> list[str]:
    """The recorded Management API path below ``/api/v2/``, one decoded segment each."""
    return [unquote(s) for s in record["url_path"].removeprefix("/api/v2/").split("/")]
