"""DPoP on the client (RFC 9449): proofs, thumbprints, nonces, and the one-retry rules.

Servers here are httpx ``MockTransport`` handlers, so each test can count requests exactly
and make a server misbehave (ask for a nonce forever, give none) in ways real ones rarely do.
The dev tenant and oidc-provider tests check the same behaviour against real servers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from tests.auth.fakes import NOW
from tests.clocks import Clock
from tui_console.auth.bearer import BearerAuth
from tui_console.auth.dpop import (
    DPoP,
    DPoPAuth,
    DPoPError,
    DPoPNonces,
    access_token_hash,
    jwk_thumbprint,
    proof_target,
)
from tui_console.auth.dpop_key import DPoPKey
from tui_console.auth.refresh import TokenManager
from tui_console.auth.tokens import TokenSet, parse_token_response
from tui_console.auth.userinfo import parse_userinfo_response
from tui_console.errors import AuthError, OAuthError, SessionExpired
from tui_console.redact import Secret, redact
from tui_console.storage.dpop_keys import DPoPKeyStore
from tui_console.storage.token_store import FileTokenStore

TOKEN_URL = "https://tenant.example/oauth/token"
API_URL = "https://tenant.example/api/v2/users/me"
Handler = Callable[[httpx.Request], httpx.Response]


def decode_proof(proof: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The proof's header and claims, after checking its signature with its own ``jwk``."""
    header = jwt.get_unverified_header(proof)
    key = jwt.PyJWK(header["jwk"], algorithm=header["alg"]).key
    options: jwt.types.Options = {"verify_aud": False, "verify_iat": False}
    claims = jwt.decode(proof, key, algorithms=["ES256"], options=options)
    return header, claims


def form(request: httpx.Request) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(request.content.decode()))


def nonce_challenge_400(nonce: str) -> httpx.Response:
    return httpx.Response(
        400,
        json={
            "error": "use_dpop_nonce",
            "error_description": "Authorization server requires nonce in DPoP proof",
        },
        headers={"DPoP-Nonce": nonce},
    )


def nonce_challenge_401(nonce: str | None) -> httpx.Response:
    headers = {"WWW-Authenticate": 'DPoP error="use_dpop_nonce", algs="ES256"'}
    if nonce is not None:
        headers["DPoP-Nonce"] = nonce
    return httpx.Response(401, headers=headers)


class Recorder:
    """A MockTransport handler that records requests and answers with ``answer``.

    Headers are copied as they were sent: a retry re-sends the same request object.
    """

    def __init__(self, answer: Handler) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []
        self.headers: list[httpx.Headers] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.headers.append(request.headers.copy())
        return self.answer(request)

    def proofs(self) -> list[dict[str, Any]]:
        return [decode_proof(headers["DPoP"])[1] for headers in self.headers]


# --- keys, thumbprints, proofs --------------------------------------------------------------


def test_jwk_thumbprint_matches_rfc_7638_example() -> None:
    """The thumbprint of RFC 7638 §3.1's RSA key is the one the RFC gives."""
    jwk = {
        "kty": "RSA",
        "n": (
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tS"
            "oc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65"
            "YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyr"
            "dkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzK"
            "nqDKgw"
        ),
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29",
    }
    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_key_round_trips_through_its_private_jwk_and_keeps_its_thumbprint() -> None:
    """A key saved as a private JWK loads back as the same key; the public JWK has no ``d``."""
    key = DPoPKey.generate()
    private = key.private_jwk()
    assert set(private) == {"kty", "crv", "x", "y", "d"}
    assert "d" not in key.public_jwk
    again = DPoPKey.from_jwk(private)
    assert again.thumbprint == key.thumbprint == jwk_thumbprint(key.public_jwk)
    assert key.thumbprint in repr(key) and private["d"] not in repr(key)
    with pytest.raises(ValueError):
        DPoPKey.from_jwk({**private, "d": "AAAA", "x": private["y"]})
    with pytest.raises(ValueError):
        DPoPKey.from_jwk({"kty": "RSA", "n": "x", "e": "AQAB"})


def test_proof_has_the_header_and_claims_rfc_9449_asks_for() -> None:
    """Header typ/alg/public jwk; claims jti, htm, htu without query and fragment, iat, ath,
    nonce; each proof's jti is new."""
    key = DPoPKey.generate()
    proof = key.proof(
        "get",
        "https://Tenant.example:443/userinfo?x=1#frag",
        access_token=Secret("at-1"),
        nonce="n-1",
        now=NOW,
    )
    header, claims = decode_proof(proof)
    assert header == {"typ": "dpop+jwt", "alg": "ES256", "jwk": key.public_jwk}
    assert claims["htm"] == "GET"
    assert claims["htu"] == "https://tenant.example/userinfo"
    assert claims["iat"] == int(NOW)
    assert claims["nonce"] == "n-1"
    expected_ath = base64.urlsafe_b64encode(hashlib.sha256(b"at-1").digest()).rstrip(b"=")
    assert claims["ath"] == expected_ath.decode() == access_token_hash("at-1")
    assert len(claims["jti"]) >= 16
    bare = decode_proof(key.proof("POST", TOKEN_URL))[1]
    assert "ath" not in bare and "nonce" not in bare
    assert bare["jti"] != claims["jti"]


@pytest.mark.parametrize(
    ("url", "htu"),
    [
        ("https://a.example/p?q=1", "https://a.example/p"),
        ("https://user:pw@a.example/p#f", "https://a.example/p"),
        ("http://127.0.0.1:8080/oauth/token", "http://127.0.0.1:8080/oauth/token"),
        ("http://127.0.0.1:80/x", "http://127.0.0.1/x"),
        ("https://a.example", "https://a.example/"),
        ("http://[::1]:9/userinfo", "http://[::1]:9/userinfo"),
    ],
)
def test_proof_target_drops_query_fragment_userinfo_and_default_port(url: str, htu: str) -> None:
    """htu is the request URI without query, fragment or user info, normalised."""
    assert proof_target(url) == htu


def test_nonces_are_remembered_per_origin_from_any_response() -> None:
    """A DPoP-Nonce is kept for its scheme, host and port only; junk values are ignored."""
    nonces = DPoPNonces()
    request = httpx.Request("POST", "https://tenant.example/oauth/token")
    assert nonces.observe(httpx.Response(200, headers={"DPoP-Nonce": "n1"}, request=request))
    assert nonces.get("https://tenant.example:443/userinfo") == "n1"
    assert nonces.get("http://tenant.example/userinfo") is None
    assert nonces.get("https://api.example/") is None
    bad = httpx.Response(200, headers={"DPoP-Nonce": 'a"b'}, request=request)
    assert nonces.observe(bad) is None
    assert nonces.get(TOKEN_URL) == "n1"


# --- DPoPAuth at the token endpoint -----------------------------------------------------------


async def send_token_request(handler: Handler, dpop: DPoP) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        request = httpx.Request("POST", TOKEN_URL, data={"grant_type": "refresh_token"})
        return await client.send(request, auth=DPoPAuth(dpop))


async def test_token_request_retries_once_with_the_nonce_the_server_demands() -> None:
    """400 use_dpop_nonce earns one retry whose proof carries that nonce and the same body;
    the next request starts with the nonce and needs no retry."""
    dpop = DPoP(DPoPKey.generate())

    def answer(request: httpx.Request) -> httpx.Response:
        claims = decode_proof(request.headers["DPoP"])[1]
        if claims.get("nonce") != "server-nonce":
            return nonce_challenge_400("server-nonce")
        return httpx.Response(200, json={"access_token": "at"}, headers={"DPoP-Nonce": "next"})

    server = Recorder(answer)
    response = await send_token_request(server, dpop)
    assert response.status_code == 200
    assert len(server.requests) == 2
    first, second = server.proofs()
    assert "nonce" not in first and second["nonce"] == "server-nonce"
    assert first["jti"] != second["jti"]
    assert form(server.requests[1]) == {"grant_type": "refresh_token"}
    assert dpop.nonces.get(TOKEN_URL) == "next"  # a success's nonce is kept too

    def answer_next(request: httpx.Request) -> httpx.Response:
        assert decode_proof(request.headers["DPoP"])[1]["nonce"] == "next"
        return httpx.Response(200, json={"access_token": "at"})

    again = Recorder(answer_next)
    assert (await send_token_request(again, dpop)).status_code == 200
    assert len(again.requests) == 1


async def test_a_second_nonce_refusal_is_an_error_not_a_loop() -> None:
    """A server that asks for a new nonce again gets exactly two requests, then DPoPError."""
    counter = iter(range(100))
    server = Recorder(lambda request: nonce_challenge_400(f"nonce-{next(counter)}"))
    with pytest.raises(DPoPError) as raised:
        await send_token_request(server, DPoP(DPoPKey.generate()))
    assert len(server.requests) == 2
    assert raised.value.error == "use_dpop_nonce"
    assert "refused the DPoP nonce" in str(raised.value)
    assert "without DPoP" in raised.value.hint


async def test_a_nonce_challenge_without_a_nonce_is_an_error_at_once() -> None:
    """use_dpop_nonce with no DPoP-Nonce header cannot be answered: one request, DPoPError."""
    server = Recorder(lambda request: httpx.Response(400, json={"error": "use_dpop_nonce"}))
    with pytest.raises(DPoPError, match="sent none"):
        await send_token_request(server, DPoP(DPoPKey.generate()))
    assert len(server.requests) == 1


def test_token_response_records_the_key_and_refuses_dpop_without_a_proof() -> None:
    """token_type DPoP is taken only from a request that carried a proof; the set records the
    key's thumbprint, and invalid_dpop_proof is a DPoPError."""
    body = {"access_token": "at", "token_type": "DPoP", "expires_in": 60}
    tokens = parse_token_response(httpx.Response(200, json=body), dpop_jkt="jkt-1")
    assert tokens.dpop_jkt == "jkt-1" and tokens.dpop_bound
    with pytest.raises(AuthError, match="carried no DPoP proof"):
        parse_token_response(httpx.Response(200, json=body))
    refused = httpx.Response(400, json={"error": "invalid_dpop_proof", "error_description": "x"})
    with pytest.raises(DPoPError) as raised:
        parse_token_response(refused, dpop_jkt="jkt-1")
    assert "clock" in raised.value.hint


def test_token_set_knows_its_binding_and_keeps_it_through_storage() -> None:
    """cnf.jkt in a JWT access token makes it bound even as token_type Bearer would not;
    dpop_jkt survives to_dict/from_dict and a refresh that does not repeat it."""
    claims = {"sub": "u", "cnf": {"jkt": "jkt-9"}}
    jwt_token = jwt.encode(claims, "k" * 32, algorithm="HS256")
    bound = TokenSet(access_token=Secret(jwt_token), dpop_jkt="jkt-9")
    assert bound.access_token_jkt == "jkt-9" and bound.dpop_bound
    bearer = TokenSet(access_token=Secret("opaque"), dpop_jkt="jkt-9")
    assert bearer.access_token_jkt is None and not bearer.dpop_bound
    assert TokenSet.from_dict(bound.to_dict()) == bound
    assert bound.merged_with(TokenSet(access_token=Secret("new"))).dpop_jkt == "jkt-9"


def test_userinfo_reads_the_dpop_challenge_of_a_refusal() -> None:
    """A 401 carrying Bearer and DPoP challenges is read from the one that names the error;
    DPoP codes are DPoPError, invalid_token an OAuthError with its description."""
    both = 'Bearer realm="x", DPoP error="invalid_dpop_proof", error_description="ath mismatch"'
    with pytest.raises(DPoPError) as proof_error:
        parse_userinfo_response(httpx.Response(401, headers={"WWW-Authenticate": both}))
    assert proof_error.value.description == "ath mismatch"
    token = 'DPoP error="invalid_token", error_description="failed jkt verification"'
    with pytest.raises(OAuthError) as token_error:
        parse_userinfo_response(httpx.Response(401, headers={"WWW-Authenticate": token}))
    assert not isinstance(token_error.value, DPoPError)
    assert token_error.value.error == "invalid_token"
    assert "failed jkt verification" in str(token_error.value)


# --- BearerAuth and TokenManager with DPoP-bound tokens ---------------------------------------


class Session:
    """A token store, a key store and a TokenManager over one MockTransport."""

    def __init__(self, tmp_path: Path, handler: Handler) -> None:
        self.store = FileTokenStore(tmp_path / "tokens", "p")
        self.keys = DPoPKeyStore.beside(self.store.path)
        self.key = self.keys.load_or_create()
        self.clock = Clock(NOW)
        self.client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        self.manager = TokenManager(
            http=self.client,
            token_endpoint=TOKEN_URL,
            client_id="client-1",
            store=self.store,
            clock=self.clock,
            dpop_keys=self.keys,
        )

    def sign_in(self, access_token: str = "at-0", token_type: str = "DPoP") -> TokenSet:
        tokens = TokenSet(
            access_token=Secret(access_token),
            token_type=token_type,
            expires_at=NOW + 3600,
            refresh_token=Secret("rt-0"),
            audience="https://tenant.example/api/v2/",
            issued_at=NOW,
            dpop_jkt=self.key.thumbprint,
        )
        self.store.put(tokens)
        return tokens

    async def get(self) -> httpx.Response:
        auth = BearerAuth(self.manager, "https://tenant.example/api/v2/")
        return await self.client.get(API_URL, auth=auth)


async def test_a_bound_token_goes_as_dpop_with_a_proof_carrying_ath(tmp_path: Path) -> None:
    """Authorization: DPoP <token>, and a proof for this method and URL with the token's ath."""
    server = Recorder(lambda request: httpx.Response(200, json={}))
    session = Session(tmp_path, server)
    session.sign_in()
    assert (await session.get()).status_code == 200
    [request] = server.requests
    assert request.headers["Authorization"] == "DPoP at-0"
    header, claims = decode_proof(request.headers["DPoP"])
    assert header["jwk"] == session.key.public_jwk
    assert (claims["htm"], claims["htu"]) == ("GET", API_URL)
    assert claims["ath"] == access_token_hash("at-0")


async def test_a_bearer_token_of_a_dpop_sign_in_goes_as_bearer_without_a_proof(
    tmp_path: Path,
) -> None:
    """An API that got a Bearer token (no sender-constraining there) gets Bearer, no DPoP."""
    server = Recorder(lambda request: httpx.Response(200, json={}))
    session = Session(tmp_path, server)
    session.sign_in(token_type="Bearer")
    assert (await session.get()).status_code == 200
    [request] = server.requests
    assert request.headers["Authorization"] == "Bearer at-0"
    assert "DPoP" not in request.headers


async def test_resource_nonce_challenge_gets_exactly_one_retry(tmp_path: Path) -> None:
    """401 with DPoP error=use_dpop_nonce: one retry with that nonce; a second is DPoPError."""

    def once(request: httpx.Request) -> httpx.Response:
        if decode_proof(request.headers["DPoP"])[1].get("nonce") == "rs-nonce":
            return httpx.Response(200, json={})
        return nonce_challenge_401("rs-nonce")

    server = Recorder(once)
    session = Session(tmp_path, server)
    session.sign_in()
    assert (await session.get()).status_code == 200
    assert [p.get("nonce") for p in server.proofs()] == [None, "rs-nonce"]

    always = Recorder(lambda request: nonce_challenge_401(f"n{len(always.requests)}"))
    stubborn = Session(tmp_path / "2", always)
    stubborn.sign_in()
    with pytest.raises(DPoPError):
        await stubborn.get()
    assert len(always.requests) == 2


async def test_invalid_token_refreshes_once_with_a_proof_from_the_same_key(
    tmp_path: Path,
) -> None:
    """A 401 invalid_token earns one refresh (DPoP proof, same key, no ath) and one retry:
    three requests, never more, even if the API keeps refusing."""
    key_holder: list[DPoPKey] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url == TOKEN_URL:
            header, claims = decode_proof(request.headers["DPoP"])
            assert header["jwk"] == key_holder[0].public_jwk and "ath" not in claims
            assert form(request)["refresh_token"] == "rt-0"
            body = {"access_token": "at-1", "token_type": "DPoP", "refresh_token": "rt-1"}
            return httpx.Response(200, json={**body, "expires_in": 3600})
        challenge = 'DPoP error="invalid_token", error_description="expired"'
        return httpx.Response(401, headers={"WWW-Authenticate": challenge})

    server = Recorder(answer)
    session = Session(tmp_path, server)
    key_holder.append(session.key)
    session.sign_in()
    response = await session.get()
    assert response.status_code == 401
    assert [str(r.url) for r in server.requests] == [API_URL, TOKEN_URL, API_URL]
    assert server.headers[0]["Authorization"] == "DPoP at-0"
    assert server.headers[2]["Authorization"] == "DPoP at-1"
    stored = session.store.get("https://tenant.example/api/v2/")
    assert stored is not None and stored.dpop_jkt == session.key.thumbprint


async def test_a_lost_key_means_signing_in_again_said_plainly(tmp_path: Path) -> None:
    """Bound tokens without their key: SessionExpired naming the key file, before any request;
    a different key in its place is the same story. The tokens are not wiped."""
    server = Recorder(lambda request: httpx.Response(200, json={}))
    session = Session(tmp_path, server)
    session.sign_in()
    session.keys.delete()
    with pytest.raises(SessionExpired) as missing:
        await session.get()
    assert "missing" in missing.value.message and str(session.keys.path) in missing.value.message
    assert "tui-console login" in missing.value.hint
    session.keys.save(DPoPKey.generate())
    with pytest.raises(SessionExpired, match="another DPoP key"):
        await session.manager.valid_token("https://tenant.example/api/v2/", force=True)
    assert server.requests == []
    assert session.store.get("https://tenant.example/api/v2/") is not None


async def test_a_refused_proof_at_refresh_keeps_the_session(tmp_path: Path) -> None:
    """invalid_dpop_proof from the token endpoint is about the proof (a clock, say): the
    tokens stay, unlike after invalid_grant."""
    refusal = {"error": "invalid_dpop_proof", "error_description": "iat too far"}
    server = Recorder(lambda request: httpx.Response(400, json=refusal))
    session = Session(tmp_path, server)
    signed_in = session.sign_in()
    with pytest.raises(DPoPError, match="iat too far"):
        await session.manager.valid_token("https://tenant.example/api/v2/", force=True)
    assert session.store.get("https://tenant.example/api/v2/") == signed_in


async def test_a_session_without_dpop_sends_no_proof_even_with_a_key_around(
    tmp_path: Path,
) -> None:
    """Tokens from a Bearer sign-in refresh without a proof, whatever key file exists."""

    def answer(request: httpx.Request) -> httpx.Response:
        assert "DPoP" not in request.headers
        return httpx.Response(200, json={"access_token": "at-1", "expires_in": 60})

    server = Recorder(answer)
    session = Session(tmp_path, server)
    session.store.put(replace(session.sign_in(token_type="Bearer"), dpop_jkt=None))
    fresh = await session.manager.valid_token("https://tenant.example/api/v2/", force=True)
    assert fresh.token_type == "Bearer" and fresh.dpop_jkt is None
    assert len(server.requests) == 1


def test_dpop_error_is_an_oauth_error_with_its_code() -> None:
    """Callers that switch on OAuthError.error keep working for the DPoP codes."""
    error = DPoPError("use_dpop_nonce", "again")
    assert isinstance(error, OAuthError) and error.error == "use_dpop_nonce"
    assert json.loads(json.dumps({"e": error.error})) == {"e": "use_dpop_nonce"}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("The DPoP proof htu does not match", "The DPoP proof htu does not match"),
        ("Authorization server requires nonce in DPoP proof.", None),
        ("Authorization: DPoP abc.def-ghi", "Authorization: DPoP •••"),
        ("Bearer token-abc leaked", "Bearer ••• leaked"),
        ("DPoP eyJhbGciOi.e30.sig", "DPoP •••"),
    ],
)
def test_redaction_masks_dpop_credentials_but_not_prose_about_dpop(
    text: str, shown: str | None
) -> None:
    """Error messages about "the DPoP proof" stay readable; credentials are still masked."""
    assert redact(text) == (text if shown is None else shown)
