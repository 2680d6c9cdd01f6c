"""The protocol parsers against recorded Auth0 traffic (``shared/auth0-recordings/``).

Each recording is rebuilt as an ``httpx.Response`` from its status, headers and body, and
fed to the parser a flow would use. The recordings are read in place, never copied.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.recordings import as_response, load
from tui_console.auth.id_token import unverified_claims
from tui_console.auth.revocation import parse_revocation_response
from tui_console.auth.tokens import TokenSet, parse_token_response
from tui_console.auth.userinfo import parse_userinfo_response
from tui_console.errors import OAuthError, RateLimited
from tui_console.redact import Secret


def interactions(name: str, path: str) -> list[dict[str, Any]]:
    """The recorded interactions of ``name`` that hit ``path``; at least one."""
    found = [record for record in load(name) if record["url_path"] == path]
    assert found, f"{name}.json holds no {path} interaction"
    return found


def test_every_token_success_parses() -> None:
    """Each recorded 200 from /oauth/token is a TokenSet with the recorded values."""
    successes = [r for r in interactions("token", "/oauth/token") if r["status"] == 200]
    assert len(successes) >= 20
    for record in successes:
        body = record["response_body"]
        tokens = parse_token_response(as_response(record), now=1000.0)
        assert isinstance(tokens, TokenSet), record["source"]
        assert tokens.access_token == Secret(body["access_token"])
        assert tokens.expires_at == 1000.0 + body["expires_in"]
        assert tokens.scope == tuple(body.get("scope", "").split())
        assert (tokens.refresh_token is not None) == ("refresh_token" in body)
        assert (tokens.id_token is not None) == ("id_token" in body)


def test_every_token_error_keeps_its_code() -> None:
    """Each recorded /oauth/token failure is an OAuthError with the same error and status."""
    failures = [
        r
        for name in ("token", "errors")
        for r in interactions(name, "/oauth/token")
        if r["status"] != 200
    ]
    assert {r["response_body"]["error"] for r in failures} >= {"invalid_grant", "invalid_request"}
    for record in failures:
        with pytest.raises(OAuthError) as caught:
            parse_token_response(as_response(record))
        assert caught.value.error == record["response_body"]["error"], record["source"]
        assert caught.value.description == record["response_body"]["error_description"]
        assert caught.value.status == record["status"]


def test_recorded_id_tokens_are_readable_for_display() -> None:
    """The status screen can show a recorded ID token's claims (its signature is redacted)."""
    records = [r for r in load("token") if r.get("decoded_jwts", {}).get("id_token")]
    assert records
    for record in records:
        claims = unverified_claims(Secret(record["response_body"]["id_token"]))
        assert claims == record["decoded_jwts"]["id_token"]["payload"], record["source"]


def test_every_userinfo_recording_parses() -> None:
    """200s become profiles; 401s are invalid_token read from WWW-Authenticate only."""
    records = interactions("userinfo", "/userinfo") + interactions("errors", "/userinfo")
    assert {r["status"] for r in records} == {200, 401, 429}
    for record in records:
        response = as_response(record)
        if record["status"] == 200:
            profile = parse_userinfo_response(response)
            assert profile.sub == record["response_body"]["sub"]
            assert profile.email == record["response_body"]["email"]
            assert profile.updated_at is not None
        elif record["status"] == 401:
            assert record["response_body"] == "Unauthorized"  # plain text, not JSON
            with pytest.raises(OAuthError) as caught:
                parse_userinfo_response(response)
            assert caught.value.error == "invalid_token"
            assert caught.value.description.startswith("The access token signature could not")
        else:
            assert record["response_headers"]["Content-Type"] == "text/html"
            with pytest.raises(RateLimited):
                parse_userinfo_response(response)


def test_revocation_answers_are_accepted() -> None:
    """Auth0's /oauth/revoke 200 with an empty body means done."""
    for record in interactions("oauth-revoke", "/oauth/revoke"):
        assert record["status"] == 200 and record["response_body"] is None
        parse_revocation_response(as_response(record))


def test_missing_recordings_skip_and_say_where(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without the shared folder the tests skip, naming the path that was tried."""
    monkeypatch.setenv("TUI_CONSOLE_RECORDINGS", str(tmp_path / "nowhere"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"Auth0 recordings not found at .*nowhere"):
        load("token")


def test_missing_recordings_fail_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Under ``CI=true`` a missing shared folder fails the test: CI cannot pass unchecked."""
    monkeypatch.setenv("TUI_CONSOLE_RECORDINGS", str(tmp_path / "nowhere"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"CI must check against them"):
        load("token")
