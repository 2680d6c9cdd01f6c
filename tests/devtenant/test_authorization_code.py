"""Authorization code + PKCE through /authorize, with the browser following the forms."""

from __future__ import annotations

import httpx
import jwt

from tests.devtenant.flows import Browser, authorize_params, pkce_pair, query_of
from tui_console.devtenant import RunningTenant


async def _sign_in(
    browser: Browser, tenant: RunningTenant, challenge: str, *, port: int = 8484, **extra: str
) -> tuple[httpx.Response, dict[str, str]]:
    """/authorize → login → consent (accept) → the redirect back to the app."""
    params = authorize_params(tenant, challenge, port=port, **extra)
    login = await browser.open("/authorize", params=params)
    consent = await browser.log_in(login)
    assert "/u/consent" in str(consent.url), consent.text
    redirect = await browser.submit(consent, "accept")
    return redirect, params


async def _exchange(
    client: httpx.AsyncClient, tenant: RunningTenant, code: str, verifier: str, **extra: str
) -> httpx.Response:
    data = {
        "grant_type": "authorization_code",
        "client_id": tenant.client_id,
        "code": code,
        "code_verifier": verifier,
        "redirect_uri": "http://127.0.0.1:8484/callback",
        **extra,
    }
    return await client.post(tenant.url("oauth/token"), data=data)


async def test_code_flow_with_pkce_returns_tokens_and_echoes_state(
    dev_tenant: RunningTenant, browser: Browser, client: httpx.AsyncClient
) -> None:
    """Login and consent end in a 302 to the exact callback with ``code`` and ``state``."""
    verifier, challenge = pkce_pair()
    redirect, params = await _sign_in(browser, dev_tenant, challenge, nonce="n-0S6_WzA2Mj")
    assert redirect.status_code == 302
    location = redirect.headers["location"]
    assert location.startswith("http://127.0.0.1:8484/callback?")
    query = query_of(location)
    assert query["state"] == params["state"]
    assert query["code"]

    response = await _exchange(client, dev_tenant, query["code"], verifier)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    tokens = response.json()
    assert {"access_token", "refresh_token", "id_token", "scope"} <= set(tokens)
    id_claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert id_claims["nonce"] == "n-0S6_WzA2Mj"
    assert id_claims["aud"] == dev_tenant.client_id
    assert id_claims["email"] == "ada@example.com"


async def test_wrong_verifier_is_rejected_and_burns_the_code(
    dev_tenant: RunningTenant, browser: Browser, client: httpx.AsyncClient
) -> None:
    """A verifier that does not hash to the challenge gets 403; the code is then gone."""
    verifier, challenge = pkce_pair()
    redirect, _ = await _sign_in(browser, dev_tenant, challenge)
    code = query_of(redirect.headers["location"])["code"]
    wrong = await _exchange(client, dev_tenant, code, pkce_pair()[0])
    assert wrong.status_code == 403
    assert wrong.json() == {
        "error": "invalid_grant",
        "error_description": "Failed to verify code verifier",
    }
    retry = await _exchange(client, dev_tenant, code, verifier)
    assert retry.status_code == 403
    assert retry.json()["error_description"] == "Invalid authorization code"


async def test_a_code_works_once(
    dev_tenant: RunningTenant, browser: Browser, client: httpx.AsyncClient
) -> None:
    """The second exchange of a code is 403 ``Invalid authorization code`` (recorded text)."""
    verifier, challenge = pkce_pair()
    redirect, _ = await _sign_in(browser, dev_tenant, challenge)
    code = query_of(redirect.headers["location"])["code"]
    assert (await _exchange(client, dev_tenant, code, verifier)).status_code == 200
    again = await _exchange(client, dev_tenant, code, verifier)
    assert again.status_code == 403
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "Invalid authorization code",
    }
    assert again.headers["content-type"] == "application/json"


async def test_exchange_needs_the_same_redirect_uri(
    dev_tenant: RunningTenant, browser: Browser, client: httpx.AsyncClient
) -> None:
    """Another allowed callback at the token endpoint than at /authorize is refused."""
    verifier, challenge = pkce_pair()
    redirect, _ = await _sign_in(browser, dev_tenant, challenge)
    code = query_of(redirect.headers["location"])["code"]
    other = await _exchange(
        client, dev_tenant, code, verifier, redirect_uri="http://127.0.0.1:8485/callback"
    )
    assert other.status_code == 403
    assert other.json()["error"] == "invalid_grant"


async def test_callback_mismatch_shows_an_error_page_and_never_redirects(
    dev_tenant: RunningTenant, browser: Browser
) -> None:
    """Port 8487 is not registered: Auth0's mismatch text on a page, no Location header."""
    _, challenge = pkce_pair()
    params = authorize_params(dev_tenant, challenge, port=8487)
    response = await browser.open("/authorize", params=params)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert (
        "Callback URL mismatch. http://127.0.0.1:8487/callback is not in the list of "
        "allowed callback URLs" in response.text
    )
    sneaky = dict(params, redirect_uri='http://127.0.0.1:1/"><script>x()</script>')
    escaped = await browser.open("/authorize", params=sneaky)
    assert escaped.status_code == 400 and "<script>x()" not in escaped.text


async def test_pkce_is_required_and_only_s256(dev_tenant: RunningTenant, browser: Browser) -> None:
    """Without a challenge, or with ``plain``, the app gets ``invalid_request`` and its state."""
    _, challenge = pkce_pair()
    params = authorize_params(dev_tenant, challenge)
    del params["code_challenge"], params["code_challenge_method"]
    missing = await browser.open("/authorize", params=params)
    assert missing.status_code == 302
    query = query_of(missing.headers["location"])
    assert query["error"] == "invalid_request"
    assert query["state"] == params["state"]
    plain = await browser.open(
        "/authorize",
        params=authorize_params(dev_tenant, "x" * 43, code_challenge_method="plain"),
    )
    assert query_of(plain.headers["location"])["error"] == "invalid_request"


async def test_prompt_none_without_a_session_is_login_required(
    dev_tenant: RunningTenant, browser: Browser
) -> None:
    """Silent authentication with no session redirects ``error=login_required``."""
    _, challenge = pkce_pair()
    params = authorize_params(dev_tenant, challenge, prompt="none")
    response = await browser.open("/authorize", params=params)
    assert response.status_code == 302
    query = query_of(response.headers["location"])
    assert query["error"] == "login_required"
    assert query["state"] == params["state"]
    assert "code" not in query


async def test_the_session_is_reused_and_prompt_login_forces_the_form(
    dev_tenant: RunningTenant, browser: Browser, client: httpx.AsyncClient
) -> None:
    """After one sign-in, ``prompt=none`` returns a code silently with the same ``sid``;
    ``prompt=login`` shows the password form again."""
    verifier, challenge = pkce_pair()
    redirect, _ = await _sign_in(browser, dev_tenant, challenge)
    first = await _exchange(
        client, dev_tenant, query_of(redirect.headers["location"])["code"], verifier
    )
    first_sid = jwt.decode(first.json()["id_token"], options={"verify_signature": False})["sid"]

    verifier2, challenge2 = pkce_pair()
    silent = await browser.open(
        "/authorize", params=authorize_params(dev_tenant, challenge2, prompt="none")
    )
    assert silent.status_code == 302
    code = query_of(silent.headers["location"])["code"]
    second = await _exchange(client, dev_tenant, code, verifier2)
    second_sid = jwt.decode(second.json()["id_token"], options={"verify_signature": False})["sid"]
    assert second_sid == first_sid

    forced = await browser.open(
        "/authorize", params=authorize_params(dev_tenant, challenge2, prompt="login")
    )
    assert forced.status_code == 200
    assert 'name="password"' in forced.text


async def test_declining_consent_redirects_access_denied(
    dev_tenant: RunningTenant, browser: Browser
) -> None:
    """Decline on the consent page: ``error=access_denied`` with the state, and no code."""
    _, challenge = pkce_pair()
    params = authorize_params(dev_tenant, challenge)
    consent = await browser.log_in(await browser.open("/authorize", params=params))
    assert "read:current_user" in consent.text
    declined = await browser.submit(consent, "deny")
    assert declined.status_code == 302
    query = query_of(declined.headers["location"])
    assert query["error"] == "access_denied"
    assert query["state"] == params["state"]
    assert "code" not in query


async def test_unknown_audience_redirects_access_denied(
    dev_tenant: RunningTenant, browser: Browser
) -> None:
    """An API the tenant does not have: Auth0's ``Service not found`` back to the app."""
    _, challenge = pkce_pair()
    params = authorize_params(dev_tenant, challenge, audience="https://nope.example/")
    response = await browser.open("/authorize", params=params)
    query = query_of(response.headers["location"])
    assert query["error"] == "access_denied"
    assert query["error_description"] == "Service not found: https://nope.example/"
