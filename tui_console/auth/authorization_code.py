"""The authorization code grant with PKCE for a native app (RFC 6749 §4.1, RFC 7636, RFC 8252).

Three pure functions in oauth4webapi's shape: :func:`build_authorization_request` makes the
``/authorize`` URL with fresh ``state``, ``nonce`` and an S256 challenge;
:func:`parse_authorization_redirect` checks the redirect that comes back (RFC 6749 §4.1.2)
and returns the code; :func:`build_code_exchange_request` trades it for tokens (§4.1.3),
whose answer :func:`~tui_console.auth.tokens.parse_token_response` reads. The I/O lives in
:mod:`tui_console.auth.browser_flow`.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx

from tui_console.auth.discovery import ServerMetadata
from tui_console.auth.pkce import PkcePair, new_nonce, new_pkce, new_state
from tui_console.auth.tokens import FORM
from tui_console.errors import AuthError, LoginCancelled, OAuthError
from tui_console.redact import Secret

__all__ = [
    "AuthorizationRequest",
    "build_authorization_request",
    "build_code_exchange_request",
    "parse_authorization_redirect",
]

#: Parameters this module sets itself; ``extra`` may not override them.
_PROTOCOL_PARAMS = frozenset(
    {
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
        "audience",
        "prompt",
        "dpop_jkt",
    }
)


@dataclass(frozen=True)
class AuthorizationRequest:
    """An ``/authorize`` URL and the values needed to finish the sign-in it starts.

    Keep ``state`` to check the redirect, ``nonce`` to check the ID token and ``pkce`` for
    the code exchange.
    """

    url: str
    redirect_uri: str
    state: str
    nonce: str
    pkce: PkcePair


def build_authorization_request(
    metadata: ServerMetadata,
    *,
    client_id: str,
    redirect_uri: str,
    scope: str,
    audience: str | None = None,
    prompt: str | None = None,
    extra: Mapping[str, str] | None = None,
    dpop_jkt: str | None = None,
) -> AuthorizationRequest:
    """The ``/authorize`` URL (RFC 6749 §4.1.1) with PKCE S256 (RFC 7636 §4.3), state and nonce.

    S256 is always used: ``plain`` protects nothing against an intercepted redirect.
    ``extra`` adds provider parameters (``connection``, ``organization``...) but cannot
    replace the protocol ones, so a caller cannot weaken state, nonce or PKCE by accident.
    ``dpop_jkt`` (RFC 9449 §10) binds the code to a DPoP key's thumbprint: the exchange must
    then carry a proof signed with that key.
    """
    clash = sorted(_PROTOCOL_PARAMS & set(extra or {}))
    if clash:
        raise ValueError(f"extra may not set protocol parameters: {', '.join(clash)}")
    pkce, state, nonce = new_pkce(), new_state(), new_nonce()
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
        "nonce": nonce,
        "code_challenge": pkce.challenge,
        "code_challenge_method": pkce.method,
    }
    if audience:
        params["audience"] = audience
    if prompt:
        params["prompt"] = prompt
    if dpop_jkt:
        params["dpop_jkt"] = dpop_jkt
    params.update(extra or {})
    url = httpx.URL(metadata.authorization_endpoint).copy_merge_params(params)
    return AuthorizationRequest(
        url=str(url), redirect_uri=redirect_uri, state=state, nonce=nonce, pkce=pkce
    )


def _single(query: dict[str, list[str]], name: str) -> str | None:
    """The one value of ``name``; a repeated parameter is refused (RFC 6749 §3.1)."""
    values = query.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise AuthError(
            f"The redirect carries {name} more than once, which OAuth forbids.",
            hint="Start the sign-in again.",
        )
    return values[0]


def parse_authorization_redirect(url: str, *, expected_state: str) -> str:
    """The authorization code from a redirect URL (RFC 6749 §4.1.2), after checking ``state``.

    ``state`` is checked first, even on an error redirect, so a forged redirect cannot end
    or hijack a sign-in (RFC 6749 §10.12). ``error=access_denied`` raises
    :class:`LoginCancelled`; other errors (``login_required``...) their :class:`OAuthError`.
    """
    query = parse_qs(urlsplit(url.strip()).query, keep_blank_values=True)
    state = _single(query, "state")
    if state is None:
        raise AuthError(
            "The redirect has no state parameter.",
            hint="Paste the whole address from the browser's address bar, or start again.",
        )
    if not hmac.compare_digest(state.encode(), expected_state.encode()):
        raise AuthError(
            "The state does not match: this redirect is not from the sign-in you started.",
            hint="Use the link from this sign-in, or start the sign-in again.",
        )
    error = _single(query, "error")
    if error:
        description = _single(query, "error_description") or ""
        if error == "access_denied":
            detail = f" ({description})" if description else ""
            raise LoginCancelled(
                f"The sign-in was cancelled or denied in the browser{detail}.",
                hint="Start the sign-in again if that was a mistake.",
            )
        raise OAuthError(error, description)
    code = _single(query, "code")
    if not code:
        raise AuthError(
            "The redirect has no authorization code.",
            hint="Paste the whole address from the browser's address bar, or start again.",
        )
    return code


def build_code_exchange_request(
    metadata: ServerMetadata,
    *,
    client_id: str,
    code: str,
    redirect_uri: str,
    verifier: Secret,
) -> httpx.Request:
    """Trade the code for tokens (RFC 6749 §4.1.3) with the PKCE verifier (RFC 7636 §4.5).

    ``redirect_uri`` must be the one sent to ``/authorize``; the server compares them.
    """
    form = {
        "grant_type": "authorization_code",
        "client_id": client_id,
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier.reveal(),
    }
    return httpx.Request("POST", metadata.token_endpoint, data=form, headers=FORM)
