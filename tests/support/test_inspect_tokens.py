"""Inspecting a pasted token: decoded for reading, verified only against a trusted issuer's
keys, and forged ones (alg none, HS256 with the public key, another key, another issuer,
expired) reported as not verified."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.cli.conftest import Cli
from tui_console.auth.pasted_token import TokenReport, inspect_pasted_token, read_token
from tui_console.devtenant import RunningTenant, seed
from tui_console.redact import Secret


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(tenant: RunningTenant, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": tenant.issuer,
        "sub": seed.DEMO_USER_ID,
        "aud": [tenant.management_audience, tenant.issuer + "userinfo"],
        "azp": seed.CLIENT_ID,
        "scope": "openid read:current_user",
        "sid": "sess_123",
        "cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"},
        "iat": now - 60,
        "exp": now + 3600,
    }
    claims.update(changes)
    return claims


async def _inspect(tenant: RunningTenant, token: str, **options: Any) -> TokenReport:
    options.setdefault("trusted_issuers", {tenant.issuer})
    return await inspect_pasted_token(Secret(token), **options)


async def test_a_token_the_tenant_signed_is_verified_and_read(tenant: RunningTenant) -> None:
    report = await _inspect(tenant, tenant.state.signing_key.sign(_claims(tenant)))
    assert report.verified and report.signature == "valid"
    assert report.audiences[0] == tenant.management_audience
    assert report.scopes == ("openid", "read:current_user")
    assert report.dpop_jkt == "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
    assert report.session_id == "sess_123" and report.not_checked == ()


async def test_alg_none_is_never_verified(tenant: RunningTenant) -> None:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    token = f"{header}.{_b64(json.dumps(_claims(tenant)).encode())}."
    report = await _inspect(tenant, token)
    assert not report.verified and report.signature == "not checked"
    assert "not signed at all" in report.signature_detail


async def test_hs256_signed_with_the_public_key_is_never_verified(tenant: RunningTenant) -> None:
    public_pem = tenant.state.signing_key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = _b64(json.dumps({"alg": "HS256", "kid": tenant.state.signing_key.kid}).encode())
    body = _b64(json.dumps(_claims(tenant)).encode())
    signature = hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    report = await _inspect(tenant, f"{header}.{body}.{_b64(signature)}")
    assert not report.verified and report.signature == "not checked"
    assert "shared-secret" in report.signature_detail


async def test_another_key_claiming_the_tenant_is_invalid(tenant: RunningTenant) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(
        _claims(tenant), forger, algorithm="RS256", headers={"kid": tenant.state.signing_key.kid}
    )
    report = await _inspect(tenant, token)
    assert not report.verified and report.signature == "invalid"


async def test_an_issuer_no_profile_names_is_not_asked_for_keys(tenant: RunningTenant) -> None:
    token = tenant.state.signing_key.sign(_claims(tenant, iss="https://evil.example/"))
    report = await _inspect(tenant, token)
    assert not report.verified and report.signature == "not checked"
    assert "not one of your saved profiles'" in report.not_checked[0]
    assert "--trust-issuer" in report.not_checked[0]
    untrusted = await _inspect(tenant, tenant.state.signing_key.sign(_claims(tenant)),
                               trusted_issuers=set())  # fmt: skip
    assert untrusted.signature == "not checked"
    trusted = await _inspect(
        tenant, tenant.state.signing_key.sign(_claims(tenant)), trusted_issuers=set(),
        trust_issuer=True,
    )  # fmt: skip
    assert trusted.verified


async def test_an_expired_token_is_not_verified_though_well_signed(tenant: RunningTenant) -> None:
    past = int(time.time()) - 7200
    token = tenant.state.signing_key.sign(_claims(tenant, iat=past - 3600, exp=past))
    report = await _inspect(tenant, token)
    assert report.signature == "valid" and not report.verified
    assert report.problems == ("it has expired",)


async def test_opaque_and_prefixed_tokens(tenant: RunningTenant) -> None:
    assert (await _inspect(tenant, "opaque-token-value")).kind == "opaque"
    assert read_token("  Bearer abc.def.ghi \n").reveal() == "abc.def.ghi"


def test_the_cli_never_shows_or_keeps_the_token(cli: Cli, tenant: RunningTenant) -> None:
    dev_tenant = tenant
    token = dev_tenant.state.signing_key.sign(_claims(dev_tenant))
    signature = token.rsplit(".", 1)[1]
    shown = cli.run("inspect", "--trust-issuer", input_text=token + "\n")
    assert shown.returncode == 0, shown.stderr
    assert "Verdict:    verified" in shown.stdout
    assert "Session:    sess_123" in shown.stdout and "DPoP key" in shown.stdout
    assert token not in shown.stdout + shown.stderr and signature not in shown.stdout
    as_json = json.loads(cli.run("inspect", "-", "--json", input_text=token).stdout)
    assert as_json["verified"] is False  # no saved profile trusts this issuer
    assert "saved profiles" in as_json["not_checked"][0]
    assert token not in json.dumps(as_json)
    for folder in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        root = Path(cli.env[folder])
        for path in root.rglob("*") if root.exists() else ():
            assert not path.is_file() or signature not in path.read_text(errors="replace")
