"""PKCE pairs, state and nonce (RFC 7636)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_console.auth.pkce import new_nonce, new_pkce, new_state, s256_challenge

UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"


def test_the_rfc_7636_appendix_b_example() -> None:
    """The S256 challenge of the RFC's example verifier is the RFC's example challenge."""
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert s256_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_a_new_pair_has_a_valid_verifier_and_its_challenge() -> None:
    """The verifier is 43-128 unreserved characters and the challenge is derived from it."""
    pair = new_pkce()
    verifier = pair.verifier.reveal()
    assert re.fullmatch(r"[A-Za-z0-9\-._~]{43,128}", verifier)
    assert pair.challenge == s256_challenge(verifier)
    assert pair.method == "S256"
    assert verifier not in repr(pair)


def test_every_value_is_fresh() -> None:
    """Verifiers, states and nonces never repeat."""
    assert len({new_pkce().verifier.reveal() for _ in range(50)}) == 50
    assert len({new_state() for _ in range(50)} | {new_nonce() for _ in range(50)}) == 100


@given(st.text(alphabet=UNRESERVED, min_size=43, max_size=128))
def test_any_valid_verifier_gives_a_43_character_base64url_challenge(verifier: str) -> None:
    """SHA-256 is 32 bytes: 43 base64url characters without padding."""
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", s256_challenge(verifier))


@pytest.mark.parametrize("verifier", ["short", "x" * 129, "a" * 42 + " ", "é" * 43])
def test_a_verifier_outside_the_rfc_is_refused(verifier: str) -> None:
    """The server would refuse it later with a vaguer message."""
    with pytest.raises(ValueError, match="RFC 7636"):
        s256_challenge(verifier)
