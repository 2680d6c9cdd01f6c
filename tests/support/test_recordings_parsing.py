"""The support client reads Auth0's recorded answers (sessions.json, refresh-tokens.json,
users-list.json): every recorded interaction is served back to the real
:class:`~tui_console.management.support_client.SupportClient` and must parse or succeed.

What the recordings pin down (auth0-recordings/NOTES.md §5, §11): 202 with ``{}`` and 204
with no body are both success; an empty list has no ``next``; ``idle_expires_at``,
``expires_at`` and ``session_id`` are explicit ``null``; ``scopes`` is one string.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import httpx

from tests import recordings
from tests.recordings import answering_with, api_segments
from tests.recordings import load as load_recordings
from tui_console.management.support_client import SupportClient
from tui_console.management.support_models import SupportUser, UserSearchPage


def _client(record: dict[str, Any]) -> SupportClient:
    def sent_as_recorded(request: httpx.Request) -> None:
        assert request.method == record["method"]
        assert unquote(request.url.path) == unquote(record["url_path"])

    return SupportClient(answering_with(record, sent_as_recorded), recordings.HOST + "/api/v2/")


async def test_every_recorded_session_answer_is_read() -> None:
    records = load_recordings("sessions")
    assert records
    for record in records:
        client = _client(record)
        parts, method = api_segments(record), record["method"]
        if method == "GET" and parts[0] == "users":
            page = await client.user_sessions(parts[1])
            assert page.sessions == () and page.next is None  # no `next` on the last page
        elif method == "GET":
            session = await client.get_session(parts[1])
            assert session.id == record["response_body"]["id"]
            assert session.device.initial_user_agent is not None
            assert session.client_ids and session.methods
            assert session.expires_at is not None and session.expires_at.tzinfo is not None
        elif method == "POST":
            await client.end_session(parts[1])  # 202 {}
        elif parts[0] == "sessions":
            await client.end_session(parts[1], with_refresh_tokens=False)  # 202 {}
        # DELETE /users/{id}/sessions (202 {}) is not a support verb: nothing to read


async def test_every_recorded_refresh_token_answer_is_read() -> None:
    records = load_recordings("refresh-tokens")
    seen_tokens = 0
    for record in records:
        client = _client(record)
        parts, method = api_segments(record), record["method"]
        if method == "GET" and parts[0] == "users":
            page = await client.user_refresh_tokens(parts[1])
            body = record["response_body"]
            assert page.next == body.get("next") and page.total == body.get("total")
            for token in page.tokens:
                seen_tokens += 1
                assert token.session_id is None  # explicit null
                assert token.idle_expires_at is None and token.expires_at is None
                assert token.rotating is False and token.device is None
                [server] = token.resource_servers
                assert "offline_access" in server.scopes or server.scopes  # one string, split
                assert all(" " not in scope for scope in server.scopes)
        elif method == "DELETE" and parts[0] == "refresh-tokens":
            await client.revoke_refresh_token(parts[1])  # 204, no body
    assert seen_tokens > 0


def test_every_recorded_users_list_is_read() -> None:
    records = load_recordings("users-list")
    parsed = 0
    for record in records:
        body = record["response_body"]
        if record["status"] != 200 or not isinstance(body, list | dict):
            continue
        if isinstance(body, dict) and "users" not in body:
            continue
        if "fields" in (record.get("query") or {}):
            continue  # a fields filter keeps only the named keys, not a user object
        page = UserSearchPage.from_json(body, page=0, per_page=50)
        parsed += len(page.users)
        for user in page.users:
            assert isinstance(user, SupportUser) and user.user_id
    assert parsed > 0
