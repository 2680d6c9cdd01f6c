"""The OAuth 2.0 / OpenID Connect client core: protocol functions and sign-in flows.

Two layers, as in oauth4webapi. Protocol functions are pure: ``build_*_request`` returns an
``httpx.Request`` and ``parse_*_response`` turns an ``httpx.Response`` into a typed result
or a typed error from :mod:`tui_console.errors`. Flow functions (:func:`poll_for_tokens`,
:func:`run_browser_flow`, :func:`fetch_userinfo`, :func:`revoke_token`, :func:`discover`)
do the I/O. Modules are named for their spec: :mod:`.pkce` (RFC 7636), :mod:`.device`
(RFC 8628), :mod:`.authorization_code` (RFC 6749 §4.1), :mod:`.loopback` (RFC 8252),
:mod:`.id_token` and :mod:`.userinfo` (OIDC Core), :mod:`.revocation` (RFC 7009),
:mod:`.dpop` (RFC 9449, sender-constrained tokens).

Nothing here imports Textual or the dev tenant, and nothing is Auth0-specific beyond
sending an ``audience`` parameter.

The names below are imported from their modules when first asked for (PEP 562), as in
:mod:`tui_console.storage`: Python runs this file before any module of the package, and
importing every flow here cost each caller that needs one module (the console's first
``/userinfo`` needs the bearer auth, the refresh manager and the userinfo parser) about
70 ms of imports it did not ask for (pyjwt, cryptography, the browser, the loopback server;
``python -X importtime``).
"""

import typing as _typing

from tui_console.lazy_names import lazy_names as _lazy_names

if _typing.TYPE_CHECKING:
    from tui_console.auth.authorization_code import (
        AuthorizationRequest,
        build_authorization_request,
        build_code_exchange_request,
        parse_authorization_redirect,
    )
    from tui_console.auth.bearer import (
        BearerAuth,
    )
    from tui_console.auth.browser import (
        browser_is_usable,
        open_in_browser,
    )
    from tui_console.auth.browser_flow import (
        run_browser_flow,
    )
    from tui_console.auth.device import (
        DeviceAuthorization,
        PollProgress,
        build_device_authorization_request,
        build_device_token_request,
        parse_device_authorization_response,
        poll_for_tokens,
        request_device_authorization,
    )
    from tui_console.auth.discovery import (
        ServerMetadata,
        check_issuer_url,
        discover,
        discovery_url,
        is_loopback_host,
        parse_discovery_response,
    )
    from tui_console.auth.dpop import (
        DPoP,
        DPoPAuth,
        DPoPError,
        DPoPKeySource,
        DPoPNonces,
        access_token_hash,
        jwk_thumbprint,
        proof_target,
    )
    from tui_console.auth.dpop_key import (
        DPoPKey,
    )
    from tui_console.auth.id_token import (
        IdTokenValidator,
        unverified_claims,
    )
    from tui_console.auth.jwks import (
        JwksCache,
    )
    from tui_console.auth.loopback import (
        LoopbackListener,
    )
    from tui_console.auth.pkce import (
        PkcePair,
        new_nonce,
        new_pkce,
        new_state,
        s256_challenge,
    )
    from tui_console.auth.refresh import (
        TokenManager,
    )
    from tui_console.auth.revocation import (
        parse_revocation_response,
        revoke_token,
    )
    from tui_console.auth.tokens import (
        TokenSet,
        build_refresh_request,
        build_revocation_request,
        parse_oauth_error,
        parse_token_response,
        raise_for_oauth_error,
    )
    from tui_console.auth.userinfo import (
        UserProfile,
        build_userinfo_request,
        fetch_userinfo,
        parse_userinfo_response,
    )
    from tui_console.auth.www_authenticate import (
        Challenge,
        bearer_challenge,
        dpop_challenge,
        parse_www_authenticate,
    )

__all__ = [
    "AuthorizationRequest",
    "BearerAuth",
    "Challenge",
    "DPoP",
    "DPoPAuth",
    "DPoPError",
    "DPoPKey",
    "DPoPKeySource",
    "DPoPNonces",
    "DeviceAuthorization",
    "IdTokenValidator",
    "JwksCache",
    "LoopbackListener",
    "PkcePair",
    "PollProgress",
    "ServerMetadata",
    "TokenManager",
    "TokenSet",
    "UserProfile",
    "access_token_hash",
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
    "dpop_challenge",
    "fetch_userinfo",
    "is_loopback_host",
    "jwk_thumbprint",
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
    "proof_target",
    "raise_for_oauth_error",
    "request_device_authorization",
    "revoke_token",
    "run_browser_flow",
    "s256_challenge",
    "unverified_claims",
]

_HOMES = {
    "AuthorizationRequest": "tui_console.auth.authorization_code",
    "BearerAuth": "tui_console.auth.bearer",
    "Challenge": "tui_console.auth.www_authenticate",
    "DPoP": "tui_console.auth.dpop",
    "DPoPAuth": "tui_console.auth.dpop",
    "DPoPError": "tui_console.auth.dpop",
    "DPoPKey": "tui_console.auth.dpop_key",
    "DPoPKeySource": "tui_console.auth.dpop",
    "DPoPNonces": "tui_console.auth.dpop",
    "DeviceAuthorization": "tui_console.auth.device",
    "IdTokenValidator": "tui_console.auth.id_token",
    "JwksCache": "tui_console.auth.jwks",
    "LoopbackListener": "tui_console.auth.loopback",
    "PkcePair": "tui_console.auth.pkce",
    "PollProgress": "tui_console.auth.device",
    "ServerMetadata": "tui_console.auth.discovery",
    "TokenManager": "tui_console.auth.refresh",
    "TokenSet": "tui_console.auth.tokens",
    "UserProfile": "tui_console.auth.userinfo",
    "access_token_hash": "tui_console.auth.dpop",
    "bearer_challenge": "tui_console.auth.www_authenticate",
    "browser_is_usable": "tui_console.auth.browser",
    "build_authorization_request": "tui_console.auth.authorization_code",
    "build_code_exchange_request": "tui_console.auth.authorization_code",
    "build_device_authorization_request": "tui_console.auth.device",
    "build_device_token_request": "tui_console.auth.device",
    "build_refresh_request": "tui_console.auth.tokens",
    "build_revocation_request": "tui_console.auth.tokens",
    "build_userinfo_request": "tui_console.auth.userinfo",
    "check_issuer_url": "tui_console.auth.discovery",
    "discover": "tui_console.auth.discovery",
    "discovery_url": "tui_console.auth.discovery",
    "dpop_challenge": "tui_console.auth.www_authenticate",
    "fetch_userinfo": "tui_console.auth.userinfo",
    "is_loopback_host": "tui_console.auth.discovery",
    "jwk_thumbprint": "tui_console.auth.dpop",
    "new_nonce": "tui_console.auth.pkce",
    "new_pkce": "tui_console.auth.pkce",
    "new_state": "tui_console.auth.pkce",
    "open_in_browser": "tui_console.auth.browser",
    "parse_authorization_redirect": "tui_console.auth.authorization_code",
    "parse_device_authorization_response": "tui_console.auth.device",
    "parse_discovery_response": "tui_console.auth.discovery",
    "parse_oauth_error": "tui_console.auth.tokens",
    "parse_revocation_response": "tui_console.auth.revocation",
    "parse_token_response": "tui_console.auth.tokens",
    "parse_userinfo_response": "tui_console.auth.userinfo",
    "parse_www_authenticate": "tui_console.auth.www_authenticate",
    "poll_for_tokens": "tui_console.auth.device",
    "proof_target": "tui_console.auth.dpop",
    "raise_for_oauth_error": "tui_console.auth.tokens",
    "request_device_authorization": "tui_console.auth.device",
    "revoke_token": "tui_console.auth.revocation",
    "run_browser_flow": "tui_console.auth.browser_flow",
    "s256_challenge": "tui_console.auth.pkce",
    "unverified_claims": "tui_console.auth.id_token",
}
"""Each public name → the module that defines or re-exports it."""

__getattr__, __dir__ = _lazy_names(__name__, _HOMES)
