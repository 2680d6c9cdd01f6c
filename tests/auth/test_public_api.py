"""The public surface of ``tui_console.auth`` (httpx's test_exported_members, for us)."""

from __future__ import annotations

import tui_console.auth as auth

PUBLIC = [
    "DPoP",
    "DPoPAuth",
    "DPoPError",
    "DPoPKey",
    "DPoPKeySource",
    "DPoPNonces",
    "access_token_hash",
    "dpop_challenge",
    "jwk_thumbprint",
    "proof_target",
    "AuthorizationRequest",
    "BearerAuth",
    "Challenge",
    "DeviceAuthorization",
    "IdTokenValidator",
    "JwksCache",
    "LoopbackListener",
    "PkcePair",
    "PollProgress",
    "TokenManager",
    "ServerMetadata",
    "TokenSet",
    "UserProfile",
    "bearer_challenge",
    "browser_is_usable",
    "build_authorization_request",
    "build_code_exchange_request",
    "build_device_authorization_request",
    "build_device_token_request",
    "build_refresh_request",
    "build_revocation_request",
    "build_userinfo_request",
    "check_issuer_url",
    "discover",
    "discovery_url",
    "fetch_userinfo",
    "is_loopback_host",
    "new_nonce",
    "new_pkce",
    "new_state",
    "open_in_browser",
    "parse_authorization_redirect",
    "parse_device_authorization_response",
    "parse_discovery_response",
    "parse_oauth_error",
    "parse_revocation_response",
    "parse_token_response",
    "parse_userinfo_response",
    "parse_www_authenticate",
    "poll_for_tokens",
    "raise_for_oauth_error",
    "request_device_authorization",
    "revoke_token",
    "run_browser_flow",
    "s256_challenge",
    "unverified_claims",
]


def test_all_is_the_sorted_public_names() -> None:
    """``__all__`` lists exactly the public API, sorted, so it cannot drift by accident."""
    assert auth.__all__ == sorted(PUBLIC)


#: Names re-exported from light modules below the package (the token type, the unverified
#: JWT decoder, the issuer-URL rule), which the token file and the config read without httpx.
FROM_BELOW = {
    "TokenSet": "tui_console.token_set",
    "unverified_claims": "tui_console.jwt_claims",
    "check_issuer_url": "tui_console.issuer_url",
    "is_loopback_host": "tui_console.issuer_url",
}


def test_every_public_name_is_importable_and_documented() -> None:
    """Each name resolves, says where it comes from, and has a docstring."""
    for name in auth.__all__:
        member = getattr(auth, name)
        if name in FROM_BELOW:
            assert member.__module__ == FROM_BELOW[name], name
        else:
            assert member.__module__.startswith("tui_console.auth."), name
        assert member.__doc__, name


def test_no_public_name_is_left_out() -> None:
    """Everything the package namespace exposes without an underscore is in ``__all__``.

    ``dir()``, not ``vars()``: the names are loaded when first asked for (PEP 562)."""
    exposed = {
        name
        for name in dir(auth)
        if not name.startswith("_") and not isinstance(getattr(auth, name), type(auth))
    }
    assert exposed == set(auth.__all__)
