"""Parsing WWW-Authenticate challenges (RFC 9110 §11.6.1, RFC 6750 §3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_console.auth.www_authenticate import Challenge, bearer_challenge, parse_www_authenticate

AUTH0_401 = (
    'Bearer realm="Users", error="invalid_token", error_description="The access token '
    "signature could not be validated. A common cause of this is requesting multiple "
    'audiences for an access token signed with HS256"'
)


def test_auth0s_userinfo_challenge() -> None:
    """The recorded /userinfo 401 header yields realm, error and the full description."""
    [challenge] = parse_www_authenticate(AUTH0_401)
    assert challenge.scheme == "Bearer"
    assert challenge.params["realm"] == "Users"
    assert challenge.params["error"] == "invalid_token"
    assert challenge.params["error_description"].endswith("signed with HS256")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer", [Challenge("Bearer")]),
        ("Bearer error=invalid_token", [Challenge("Bearer", {"error": "invalid_token"})]),
        (
            'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
            [
                Challenge("Newauth", {"realm": "apps", "type": "1", "title": 'Login to "apps"'}),
                Challenge("Basic", {"realm": "simple"}),
            ],
        ),
        (
            "Negotiate abc==, Bearer ERROR=insufficient_scope",
            [
                Challenge("Negotiate", token68="abc=="),
                Challenge("Bearer", {"error": "insufficient_scope"}),
            ],
        ),
        ('Bearer error="cut off', [Challenge("Bearer", {"error": "cut off"})]),
        (', , Bearer realm = "x" ,', [Challenge("Bearer", {"realm": "x"})]),
        ('Bearer realm="a", realm="b"', [Challenge("Bearer", {"realm": "a"})]),
        ("", []),
    ],
)
def test_challenges(header: str, expected: list[Challenge]) -> None:
    """Several schemes, token68, escapes, odd spacing, duplicates and truncation."""
    assert parse_www_authenticate(header) == expected


def test_the_bearer_challenge_is_found_among_others() -> None:
    """The scheme is matched case-insensitively; no header means no challenge."""
    challenge = bearer_challenge('Basic realm="x", bearer error="invalid_token"')
    assert challenge is not None and challenge.params["error"] == "invalid_token"
    assert bearer_challenge(None) is None
    assert bearer_challenge('Basic realm="x"') is None


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x10FFFF)))
def test_any_description_round_trips(description: str) -> None:
    """Whatever the server quotes (commas, quotes, backslashes) comes back unchanged."""
    quoted = description.replace("\\", "\\\\").replace('"', '\\"')
    header = f'Bearer realm="Users", error="invalid_token", error_description="{quoted}"'
    challenge = bearer_challenge(header)
    assert challenge is not None
    assert challenge.params["error_description"] == description
    assert challenge.params["error"] == "invalid_token"


@given(st.text())
def test_the_parser_never_raises(header: str) -> None:
    """Garbage in, some (possibly empty) list of challenges out."""
    assert isinstance(parse_www_authenticate(header), list)
