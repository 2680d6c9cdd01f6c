"""The authorization code grant with PKCE: the /authorize URL, the redirect, the exchange."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_console.auth.authorization_code import (
    build_authorization_request,
    build_code_exchange_request,
    parse_authorization_redirect,
)
from tui_console.auth.pkce import s256_challenge
from tui_console.errors import AuthError, LoginCancelled, OAuthError
from tui_console.redact import Secret

from .fakes import AUDIENCE, CLIENT_ID, METADATA, form

REDIRECT = "http://127.0.0.1:8400/callback"


def params(url: str) -> dict[str, str]:
    query = parse_qs(urlsplit(url).query)
    assert all(len(values) == 1 for values in query.values()), query
    return {name: values[0] for name, values in query.items()}


def test_the_authorize_url_carries_pkce_state_nonce_and_audience() -> None:
    """Every parameter RFC 6749 §4.1.1, RFC 7636 §4.3 and OIDC need, S256 always."""
    request = build_authorization_request(
        METADATA,
        client_id=CLIENT_ID,
        redirect_uri=REDIRECT,
        scope="openid profile offline_access",
        audience=AUDIENCE,
        prompt="login",
        extra={"connection": "Username-Password-Authentication"},
    )
    assert request.url.startswith(METADATA.authorization_endpoint + "?")
    assert params(request.url) == {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": "openid profile offline_access",
        "state": request.state,
        "nonce": request.nonce,
        "code_challenge": s256_challenge(request.pkce.verifier.reveal()),
        "code_challenge_method": "S256",
        "audience": AUDIENCE,
        "prompt": "login",
        "connection": "Username-Password-Authentication",
    }
    assert request.redirect_uri == REDIRECT
    assert request.pkce.verifier.reveal() not in request.url


def test_optional_parameters_are_left_out_and_values_are_fresh() -> None:
    """No audience or prompt unless asked; each request has its own state, nonce and PKCE."""
    first = build_authorization_request(
        METADATA, client_id=CLIENT_ID, redirect_uri=REDIRECT, scope="openid"
    )
    second = build_authorization_request(
        METADATA, client_id=CLIENT_ID, redirect_uri=REDIRECT, scope="openid"
    )
    assert not {"audience", "prompt"} & set(params(first.url))
    assert first.state != second.state
    assert first.nonce != second.nonce
    assert first.pkce.verifier != second.pkce.verifier


def test_an_endpoint_query_is_kept() -> None:
    """An authorization endpoint that already has a query keeps it."""
    metadata = METADATA.__class__(
        **{**METADATA.__dict__, "authorization_endpoint": "https://idp.example/auth?tenant=a"}
    )
    request = build_authorization_request(
        metadata, client_id=CLIENT_ID, redirect_uri=REDIRECT, scope="openid"
    )
    assert params(request.url)["tenant"] == "a"


@pytest.mark.parametrize("name", ["state", "code_challenge_method", "nonce", "redirect_uri"])
def test_extra_cannot_replace_protocol_parameters(name: str) -> None:
    """A caller cannot weaken state, nonce or PKCE through ``extra``."""
    with pytest.raises(ValueError, match=name):
        build_authorization_request(
            METADATA, client_id=CLIENT_ID, redirect_uri=REDIRECT, scope="openid", extra={name: "x"}
        )


def redirect(**query: str) -> str:
    return f"{REDIRECT}?{urlencode(query)}"


@given(code=st.text(min_size=1), state=st.text(min_size=1))
def test_the_code_comes_back_when_the_state_matches(code: str, state: str) -> None:
    """Any code and state survive the URL encoding round trip."""
    assert parse_authorization_redirect(redirect(code=code, state=state), expected_state=state) == (
        code
    )


def test_a_pasted_url_may_carry_surrounding_whitespace() -> None:
    """People paste with a trailing newline or spaces."""
    url = "  " + redirect(code="c", state="s") + "\n"
    assert parse_authorization_redirect(url, expected_state="s") == "c"


def test_a_missing_state_is_named() -> None:
    """A redirect without state cannot be tied to this sign-in."""
    with pytest.raises(AuthError, match="no state"):
        parse_authorization_redirect(redirect(code="c"), expected_state="s")


def test_a_different_state_is_refused() -> None:
    """RFC 6749 §10.12: a redirect from another sign-in (or a forger) is refused."""
    with pytest.raises(AuthError, match="state does not match: this redirect is not from the"):
        parse_authorization_redirect(redirect(code="c", state="other"), expected_state="s")


def test_the_state_is_checked_before_an_error() -> None:
    """A forged error redirect cannot end the sign-in."""
    forged = redirect(error="access_denied", state="forged")
    with pytest.raises(AuthError, match="state does not match") as caught:
        parse_authorization_redirect(forged, expected_state="s")
    assert not isinstance(caught.value, LoginCancelled)


def test_access_denied_is_a_cancelled_sign_in() -> None:
    """The person clicked "Decline" in the browser."""
    url = redirect(error="access_denied", error_description="User did not consent", state="s")
    with pytest.raises(LoginCancelled, match="User did not consent"):
        parse_authorization_redirect(url, expected_state="s")


def test_other_errors_carry_their_code() -> None:
    """login_required and friends (prompt=none) arrive as OAuthError with the code."""
    url = redirect(error="login_required", error_description="Login required", state="s")
    with pytest.raises(OAuthError) as caught:
        parse_authorization_redirect(url, expected_state="s")
    assert (caught.value.error, caught.value.description) == ("login_required", "Login required")


def test_a_missing_code_is_named() -> None:
    """A redirect with the right state but no code is not a sign-in."""
    with pytest.raises(AuthError, match="no authorization code"):
        parse_authorization_redirect(redirect(state="s"), expected_state="s")


def test_a_repeated_parameter_is_refused() -> None:
    """RFC 6749 §3.1: response parameters must not repeat (which one would be real?)."""
    url = f"{REDIRECT}?code=a&code=b&state=s"
    with pytest.raises(AuthError, match="code more than once"):
        parse_authorization_redirect(url, expected_state="s")


def test_the_code_exchange_carries_the_verifier_and_redirect_uri() -> None:
    """RFC 6749 §4.1.3 with RFC 7636 §4.5, as a public client (no secret)."""
    request = build_code_exchange_request(
        METADATA,
        client_id=CLIENT_ID,
        code="code-1",
        redirect_uri=REDIRECT,
        verifier=Secret("v" * 43),
    )
    assert (request.method, str(request.url)) == ("POST", METADATA.token_endpoint)
    assert form(request) == {
        "grant_type": "authorization_code",
        "client_id": CLIENT_ID,
        "code": "code-1",
        "redirect_uri": REDIRECT,
        "code_verifier": "v" * 43,
    }
