"""Machine sign-in: the client-credentials grant (RFC 6749 §4.4) as Auth0 runs it.

Support staff sign in as a Machine to Machine application, not as a person
(auth0-reference.md §8.7 [K2, K1]): ``POST /oauth/token`` with ``grant_type=
client_credentials``, the Management API ``audience`` and the client's authentication, either
its secret in the form (``client_secret_post``) or a signed assertion (``private_key_jwt``,
:mod:`.client_assertion`). The answer is an access token with no refresh token and no ID
token, so "renewing" is asking again: :class:`ClientCredentialsRenewal` is the strategy the
:class:`~tui_console.auth.refresh.TokenManager` uses for such a profile, under the same locks
as a refresh (one request at a time per profile, across processes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import httpx

from tui_console.auth.client_assertion import ASSERTION_TYPE, ClientAssertionSigner
from tui_console.auth.id_token import unverified_claims
from tui_console.auth.tokens import FORM, TokenSet, no_usable_answer, parse_token_response
from tui_console.errors import (
    OAuthError,
    RateLimited,
    SessionExpired,
    TokenValidationError,
)
from tui_console.exchange_failures import send
from tui_console.ratelimit.headers import parse_retry_after
from tui_console.redact import Secret, redact

__all__ = [
    "AssertionCredentials",
    "ClientCredentials",
    "SecretCredentials",
    "ClientCredentialsRenewal",
    "build_client_credentials_request",
    "granted_scopes",
    "request_client_credentials",
]


@dataclass(frozen=True)
class SecretCredentials:
    """A machine application that proves who it is with its client secret
    (``client_secret_post``: the secret in the form)."""

    client_id: str
    secret: Secret

    def form_fields(self) -> dict[str, str]:
        """The client-authentication fields of the form."""
        return {"client_secret": self.secret.reveal()}


@dataclass(frozen=True)
class AssertionCredentials:
    """A machine application that proves who it is with a signed assertion
    (``private_key_jwt``, RFC 7523 §2.2); a fresh one for every request."""

    client_id: str
    signer: ClientAssertionSigner

    def form_fields(self) -> dict[str, str]:
        """The client-authentication fields of the form (a new one-time assertion)."""
        return {
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self.signer.sign().reveal(),
        }


ClientCredentials = SecretCredentials | AssertionCredentials
"""How a machine application authenticates at the token endpoint."""


def build_client_credentials_request(
    token_endpoint: str, credentials: ClientCredentials, *, audience: str
) -> httpx.Request:
    """The client-credentials grant with the client's authentication in the form.

    No ``scope``: Auth0 then grants every scope of the application's client grant [K2].
    """
    form = {
        "grant_type": "client_credentials",
        "client_id": credentials.client_id,
        "audience": audience,
        **credentials.form_fields(),
    }
    return httpx.Request("POST", token_endpoint, data=form, headers=FORM)


async def request_client_credentials(
    http: httpx.AsyncClient,
    token_endpoint: str,
    credentials: ClientCredentials,
    *,
    audience: str,
    now: Callable[[], float] = time.time,
) -> TokenSet:
    """A fresh machine token for ``audience``; a refusal as an :class:`OAuthError` with a hint."""
    request = build_client_credentials_request(token_endpoint, credentials, audience=audience)
    response = await send(http, request, check="Nothing was changed; try again in a moment.")
    try:
        tokens = parse_token_response(response, audience=audience, now=now())
    except OAuthError as error:
        if error.status == 429:
            raise RateLimited(
                f"Asking for a machine token was refused for now: {error.message}",
                retry_after=parse_retry_after(response.headers.get("retry-after"), time.time()),
            ) from None
        if error.status is not None and error.status >= 500:
            raise no_usable_answer("The token request", error.message) from None
        raise _explained(error, credentials, audience) from None
    return tokens if tokens.scope else replace(tokens, scope=granted_scopes(tokens.access_token))


def granted_scopes(access_token: Secret) -> tuple[str, ...]:
    """The ``scope`` claim of a JWT access token (Auth0 sends none in a client-credentials
    answer, token.json); ``()`` for an opaque token. Unverified: it tells what the console
    may try and shows, never what the server allows."""
    try:
        claim = unverified_claims(access_token).get("scope")
    except TokenValidationError:
        return ()
    return tuple(claim.split()) if isinstance(claim, str) else ()


def _explained(error: OAuthError, credentials: ClientCredentials, audience: str) -> OAuthError:
    """The server's refusal with what a support person does about it."""
    secret = credentials.secret if isinstance(credentials, SecretCredentials) else None
    description = redact(error.description, secret)
    if error.status == 401 or error.error == "invalid_client":
        what = "client secret" if secret is not None else "registered public key"
        hint = (
            f"Check the client id and the {what} in the application's settings (Auth0 "
            "dashboard > Applications > the Machine to Machine application > Credentials)."
        )
    elif error.error in ("access_denied", "unauthorized_client"):
        hint = (
            f"Authorize the application for {audience} (Auth0 dashboard > Applications > APIs "
            "> Auth0 Management API > Machine to Machine Applications) and grant the support "
            "scopes (README: For support staff)."
        )
    else:
        hint = error.hint
    return OAuthError(error.error, description, status=error.status, hint=hint)


class ClientCredentialsRenewal:
    """Renewal by asking again: what a machine sign-in has instead of a refresh token.

    ``credentials`` is called for the client's authentication at each renewal (the secret is
    read from its file then, so a rotated secret saved by a new sign-in is used).
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        token_endpoint: str,
        credentials: Callable[[], ClientCredentials],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._token_endpoint = token_endpoint
        self._credentials = credentials
        self._clock = clock
        self.count = 0
        """How many tokens this renewal has asked for."""

    async def renew(self, stored: TokenSet) -> TokenSet:
        """A new access token for ``stored``'s audience; SessionExpired if the client is refused."""
        credentials = self._credentials()
        audience = stored.audience or ""
        self.count += 1
        try:
            return await request_client_credentials(
                self._http, self._token_endpoint, credentials, audience=audience, now=self._clock
            )
        except OAuthError as error:
            if error.status is not None and 400 <= error.status < 500:
                raise SessionExpired(
                    f"The access token expired and a new one was refused: {error.message}.",
                    hint=f"{error.hint} Then sign in again: tui-console login --client-credentials",
                ) from error
            raise
