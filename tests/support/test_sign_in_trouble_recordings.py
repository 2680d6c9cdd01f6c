"""The support client and Auth0's recorded answers for logs, blocks and MFA (logs.json,
user-blocks.json, enrollments.json, authentication-methods.json,
invalidate-remember-browser.json), both ways:

* **what it reads**: every recorded answer is served back to the real
  :class:`~tui_console.management.support_client.SupportClient` and must parse (explicit
  ``null``\\ s, ``""``, absent keys, a 56-digit ``log_id`` kept as a string, ``authenticators``
  with no ``total`` when empty) or succeed (204 with no body);
* **what it sends**: the request the client makes for the same call has the recorded method,
  path (``auth0|`` as ``auth0%7C``, ``|`` in a method id as ``%7C``) and, where the recording's
  parameters are the ones this client chooses (checkpoint ``from``/``take``, ``identifier``),
  the same query.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests import recordings
from tests.recordings import answering_with, api_segments
from tests.recordings import load as load_recordings
from tui_console.management.sign_in_trouble_models import (
    LogEvent,
    LogPage,
)
from tui_console.management.support_client import SupportClient

Sent = list[httpx.Request]


def _client(record: dict[str, Any], sent: Sent) -> SupportClient:
    """A client whose every request is answered with ``record``'s response."""
    return SupportClient(answering_with(record, sent.append), recordings.HOST + "/api/v2/")


def _assert_sent_as_recorded(sent: Sent, record: dict[str, Any]) -> None:
    [request] = sent
    assert request.method == record["method"]
    assert request.url.raw_path.decode().split("?")[0] == record["url_path"]  # %7C, as sent


async def _call(record: dict[str, Any], method: str, *args: Any, **kwargs: Any) -> Any:
    """``SupportClient.<method>(*args, **kwargs)`` answered with ``record``; the request it
    sent is checked against the recorded one."""
    sent: Sent = []
    result = await getattr(_client(record, sent), method)(*args, **kwargs)
    _assert_sent_as_recorded(sent, record)
    return result


def _check_event(event: LogEvent, item: dict[str, Any]) -> None:
    log_id = item.get("log_id") or item["_id"]
    assert event.log_id == log_id and isinstance(event.log_id, str) and len(log_id) == 56
    for key in ("type", "description", "client_name", "ip", "user_id", "connection"):
        value = item.get(key)
        assert getattr(event, key) == (value or None)  # absent, null and "" alike
    if item.get("date"):
        assert event.date is not None and event.date.tzinfo is not None
    assert event.kind.sentence  # every recorded code is in words, or kept as it is


async def test_every_recorded_log_answer_is_read_and_asked_for_as_recorded() -> None:
    records = load_recordings("logs")
    events = 0
    for record in records:
        parts, query = api_segments(record), record.get("query") or {}
        body = record["response_body"]
        if parts[0] == "users":
            page: LogPage = await _call(record, "user_logs", parts[1])
            assert [e.log_id for e in page.events] == [i["log_id"] for i in body]
        elif len(parts) == 2:
            event = await _call(record, "get_log", parts[1])
            _check_event(event, body)
        elif "from" in query:
            sent: Sent = []
            found = await _client(record, sent).logs_after(query["from"], take=int(query["take"]))
            assert dict(sent[0].url.params) == query  # the checkpoint read, exactly as recorded
            assert [e.log_id for e in found] == [i["log_id"] for i in body]
            assert all(e.log_id > query["from"] for e in found)  # forward, oldest first
        else:
            found = await _call(record, "latest_logs", per_page=1)
            for event, item in zip(found, body, strict=True):
                if "fields" not in query:
                    _check_event(event, item)
                else:
                    assert event.log_id == item["_id"]  # a fields filter keeps _id only
        events += len(body) if isinstance(body, list) else 1
    assert events > 100


def test_recorded_log_types_are_in_words() -> None:
    """Every type code in the recordings has a sentence (none is shown as a bare code)."""
    codes = {
        item["type"]
        for record in load_recordings("logs")
        for item in (
            record["response_body"]
            if isinstance(record["response_body"], list)
            else [record["response_body"]]
        )
        if item.get("type")
    }
    assert codes >= {"sapi", "ss", "fp", "fu", "seccft"}
    unknown = {
        code for code in codes if not LogEvent.from_json({"log_id": "1", "type": code}).kind.known
    }
    assert unknown == set()


def test_a_secret_in_a_log_entry_is_masked_and_the_rest_kept() -> None:
    entry: dict[str, Any] = {
        "log_id": "9" * 56,
        "type": "sapi",
        "details": {
            "request": {"body": {"client_secret": "s3cr3t-value", "name": "app"}},
            "response": {"body": {"access_token": "eyJhbGciOiJIUzI1NiJ9.e30.sig", "ok": True}},
            "body": {"password": "*****"},
        },
    }
    shown = LogEvent.from_json(entry).redacted()
    text = json.dumps(shown)
    assert "s3cr3t-value" not in text and "eyJhbGciOiJIUzI1NiJ9" not in text
    assert shown["details"]["request"]["body"]["name"] == "app"
    assert shown["details"]["body"]["password"] == "*****"  # Auth0's own mask, kept
    assert shown["details"]["response"]["body"]["ok"] is True
    assert entry["details"]["request"]["body"]["client_secret"] == "s3cr3t-value"  # a copy


async def test_every_recorded_user_block_answer_is_read_and_asked_for_as_recorded() -> None:
    records = load_recordings("user-blocks")
    assert len(records) == 4
    for record in records:
        parts, query = api_segments(record), record.get("query") or {}
        sent: Sent = []
        client = _client(record, sent)
        if record["method"] == "GET" and len(parts) == 2:
            assert await client.user_blocks(parts[1]) == ()
        elif record["method"] == "GET":
            assert await client.identifier_blocks(query["identifier"]) == ()
        elif len(parts) == 2:
            assert await client.unblock_user(parts[1]) == 204  # no body: done
        else:
            assert await client.unblock_identifier(query["identifier"]) == 204
        _assert_sent_as_recorded(sent, record)
        assert dict(sent[0].url.params) == query


async def test_every_recorded_enrollment_list_and_remember_browser_answer() -> None:
    listed = 0
    for record in load_recordings("enrollments"):
        parts = api_segments(record)
        if record["method"] == "GET" and parts[0] == "users" and parts[2] == "enrollments":
            assert await _call(record, "enrollments", parts[1]) == ()
            listed += 1
    assert listed == 2
    for record in load_recordings("invalidate-remember-browser"):
        parts = api_segments(record)
        status = await _call(record, "invalidate_remember_browser", parts[1])
        assert status == 204


async def test_every_recorded_authentication_methods_answer() -> None:
    seen_masked = False
    for record in load_recordings("authentication-methods"):
        parts, method = api_segments(record), record["method"]
        body = record["response_body"]
        if method == "GET" and len(parts) == 3:
            page = await _call(record, "mfa_methods", parts[1], per_page=50)
            assert [m.id for m in page.methods] == [m["id"] for m in body["authenticators"]]
            assert page.total == body.get("total")  # absent when the list is empty
            assert not page.has_more
            for found in page.methods:
                assert found.confirmed is True
                if found.type == "email":
                    assert found.detail is not None and "****" in found.detail
                    seen_masked = True
                if found.type == "phone":
                    assert found.detail is not None and found.detail.startswith("XXXX")
                    assert found.linked == (found.id.replace("phone|", "sms|"),)
        elif method == "DELETE" and len(parts) == 4:
            status = await _call(record, "delete_mfa_method", parts[1], parts[3])
            assert status == 204
        elif method == "DELETE":
            assert await _call(record, "reset_mfa", parts[1]) == 204
    assert seen_masked


@pytest.mark.parametrize("body", [[], {"authenticators": [], "start": 0, "limit": 50}])
def test_an_empty_methods_list_in_either_shape(body: Any) -> None:
    from tui_console.management.sign_in_trouble_models import MfaMethodPage

    page = MfaMethodPage.from_json(body, page=0, per_page=50)
    assert page.methods == () and not page.has_more
