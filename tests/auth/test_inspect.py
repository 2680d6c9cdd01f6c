"""The token inspector's views and signature verdicts (display only, never a decision)."""

from __future__ import annotations

import httpx

from tests.auth.fakes import id_token_claims, jwks_handler, mint, public_jwk, rsa_key
from tui_console.auth.inspect import check_signature, inspect_token
from tui_console.auth.jwks import JwksCache
from tui_console.redact import Secret


def _jwks() -> JwksCache:
    client = httpx.AsyncClient(transport=httpx.MockTransport(jwks_handler(public_jwk(rsa_key()))))
    return JwksCache(client, "https://tenant.example/.well-known/jwks.json")


def test_inspect_decodes_header_and_claims_and_spots_opaque_tokens() -> None:
    """A JWT shows its header and claims; a 32-character opaque token is reported opaque."""
    view = inspect_token(Secret(mint(id_token_claims(name="Ada"))))
    assert not view.opaque
    assert view.header["alg"] == "RS256" and view.header["kid"] == "key-1"
    assert view.claims["name"] == "Ada"
    assert inspect_token(Secret("a" * 32)).opaque
    assert inspect_token(Secret("x.%%%.y")).opaque


async def test_signature_verdicts() -> None:
    """Valid, forged, unsupported-algorithm and opaque tokens each get their own sentence."""
    jwks = _jwks()
    assert (await check_signature(Secret(mint(id_token_claims())), jwks)).startswith("valid")
    forged = mint(id_token_claims(), key=rsa_key(1))
    assert (await check_signature(Secret(forged), jwks)).startswith("INVALID")
    hs = mint(id_token_claims(), key=b"k" * 32, alg="HS256")  # type: ignore[arg-type]
    assert "not accepted" in await check_signature(Secret(hs), jwks)
    assert (await check_signature(Secret("a" * 32), jwks)).startswith("opaque")
