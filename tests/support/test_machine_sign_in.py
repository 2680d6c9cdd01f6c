"""Machine sign-in for support staff: client secret and private_key_jwt against the dev tenant.

What is checked is what Auth0 documents (auth0-reference.md §8.7): the assertion's claims, the
secret kept like a token and never in the config, and renewal by asking again, once, when the
token is due, since there is no refresh token.
"""

from __future__ import annotations

import asyncio
import os
import stat
import uuid
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from tests.support.conftest import SupportDesk
from tui_console.auth.client_assertion import ASSERTION_LIFETIME, ClientAssertionSigner
from tui_console.auth.client_credentials import SecretCredentials
from tui_console.devtenant import seed
from tui_console.errors import ConfigError, NotSignedIn, OAuthError, SessionExpired
from tui_console.redact import Secret

# -- the client assertion -------------------------------------------------------------------------


def _write_key(
    path: Path,
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey,
    *,
    password: bytes | None = None,
) -> Path:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    )
    return path


def test_an_assertion_carries_the_claims_auth0_documents(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer = ClientAssertionSigner(
        client_id="cid",
        audience="https://tenant.example.com/",
        key_file=_write_key(tmp_path / "k.pem", key),
        clock=lambda: 1_700_000_000.0,
    )
    first, second = signer.sign(), signer.sign()
    assert "eyJ" not in repr(first)
    header = jwt.get_unverified_header(first.reveal())
    claims = jwt.decode(
        first.reveal(),
        key.public_key(),
        algorithms=["RS256"],
        audience="https://tenant.example.com/",
        options={"verify_exp": False},
    )
    assert header["alg"] == "RS256"
    assert claims["iss"] == claims["sub"] == "cid"
    assert claims["aud"] == "https://tenant.example.com/"  # the trailing slash, as Auth0 says
    assert claims["iat"] == 1_700_000_000
    assert 0 < claims["exp"] - claims["iat"] <= 60 == ASSERTION_LIFETIME
    uuid.UUID(claims["jti"])
    assert jwt.decode(second.reveal(), options={"verify_signature": False})["jti"] != claims["jti"]


def test_an_ec_key_signs_es256(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    signer = ClientAssertionSigner(
        client_id="cid", audience="https://t/", key_file=_write_key(tmp_path / "ec.pem", key)
    )
    assertion = signer.sign().reveal()
    assert jwt.get_unverified_header(assertion)["alg"] == "ES256"
    jwt.decode(assertion, key.public_key(), algorithms=["ES256"], audience="https://t/")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "cannot be read"),
        (b"not a key", "holds no PEM private key"),
        ("encrypted", "encrypted with a passphrase"),
        ("ed25519", "neither RSA nor EC P-256"),
    ],
)
def test_an_unusable_key_file_is_a_config_error_naming_it(
    tmp_path: Path, content: bytes | str | None, words: str
) -> None:
    path = tmp_path / "key.pem"
    if content == "encrypted":
        _write_key(path, ec.generate_private_key(ec.SECP256R1()), password=b"pw")
    elif content == "ed25519":
        _write_key(path, ed25519.Ed25519PrivateKey.generate())
    elif isinstance(content, bytes):
        path.write_bytes(content)
    signer = ClientAssertionSigner(client_id="cid", audience="https://t/", key_file=path)
    with pytest.raises(ConfigError, match=words) as caught:
        signer.sign()
    assert str(path) in caught.value.message


def test_credentials_never_show_the_secret() -> None:
    credentials = SecretCredentials("cid", Secret("s3cr3t-value"))
    assert "s3cr3t-value" not in repr(credentials)
    assert "s3cr3t-value" not in str(credentials)


# -- signing in against the dev tenant ------------------------------------------------------------


async def test_a_secret_sign_in_stores_the_secret_like_a_token(desk: SupportDesk) -> None:
    session = await desk.signed_in("secret")
    status = session.status()
    client_id = desk.tenant.support_client["client_id"]
    assert status.machine == client_id
    assert status.who == f"machine: {client_id} (support)"
    [token] = status.tokens
    assert set(token.scopes) == set(seed.SUPPORT_SCOPES)  # read from the token's scope claim
    assert token.has_refresh_token is False
    secret_file = desk.secret_file
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(secret_file.parent).st_mode) == 0o700
    assert session.client_secrets.load() == desk.secret
    assert status.to_json()["machine"] == client_id


async def test_a_private_key_jwt_sign_in_keeps_no_secret(desk: SupportDesk) -> None:
    session = await desk.signed_in("private_key_jwt")
    [token] = session.status().tokens
    assert "read:sessions" in token.scopes
    assert not desk.secret_file.exists()


async def test_a_wrong_secret_is_refused_with_the_fix_and_nothing_is_kept(
    desk: SupportDesk,
) -> None:
    session = await desk.session(desk.profile("secret"))
    with pytest.raises(OAuthError) as caught:
        await session.login_with_client_credentials(secret=Secret("wrong-secret"))
    assert "client secret" in caught.value.hint
    assert "wrong-secret" not in str(caught.value)
    assert not desk.secret_file.exists()
    assert not session.status().signed_in


async def test_a_secret_profile_without_a_stored_secret_says_how_to_sign_in(
    desk: SupportDesk,
) -> None:
    session = await desk.session(desk.profile("secret"))
    with pytest.raises(NotSignedIn, match="no client secret"):
        await session.login_with_client_credentials()


@pytest.mark.parametrize("method", ["secret", "private_key_jwt"])
async def test_a_due_token_is_minted_again_once_for_concurrent_callers(
    desk: SupportDesk, method: str
) -> None:
    session = await desk.signed_in(method)  # type: ignore[arg-type]
    first = await session.access_token()
    desk.advance(86_400)  # the token has expired
    before = desk.tenant.state.stats.token_requests
    tokens = await asyncio.wait_for(
        asyncio.gather(*(session.access_token() for _ in range(5))), timeout=10
    )
    assert desk.tenant.state.stats.token_requests - before == 1  # single-flight
    assert len(set(t.reveal() for t in tokens)) == 1 and tokens[0] != first
    assert session.status().tokens[0].has_refresh_token is False


async def test_another_process_adopts_the_token_renewed_meanwhile(desk: SupportDesk) -> None:
    session = await desk.signed_in("secret")
    desk.advance(86_400)
    renewed = await session.access_token()
    other = await desk.session(desk.profile("secret"))
    before = desk.tenant.state.stats.token_requests
    assert await other.access_token() == renewed
    assert desk.tenant.state.stats.token_requests == before


async def test_a_renewal_refused_says_sign_in_again(desk: SupportDesk) -> None:
    session = await desk.signed_in("secret")
    session.client_secrets.save(Secret("rotated-away"))
    desk.advance(86_400)
    with pytest.raises(SessionExpired) as caught:
        await session.access_token()
    assert "login --client-credentials" in caught.value.hint
    assert "rotated-away" not in str(caught.value)


async def test_logout_deletes_the_stored_secret(desk: SupportDesk) -> None:
    session = await desk.signed_in("secret")
    report = await session.logout()
    assert report.wiped and report.client_secret_deleted
    assert not desk.secret_file.exists()
