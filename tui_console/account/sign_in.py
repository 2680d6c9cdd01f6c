"""Signing in: the device flow, the browser flow and a machine's client credentials.

:class:`SignInVerbs` is the part of :class:`~tui_console.account.AccountSession` that gets
tokens from a person or a machine and stores them: ``start_device_login`` (RFC 8628;
:class:`DeviceLogin` is the sign-in in progress), ``login_with_browser`` (authorization code
+ PKCE on a loopback port, RFC 8252), ``login_with_client_credentials`` (support staff's
machine profile), each optionally bound to the profile's DPoP key, and ``adopt``, which
stores what a sign-in got and revokes the grant it replaces.

The verbs are inherited, so the command line and the console call them on the session;
what they need of it is :class:`_SigningInSession`, checked by mypy wherever they are called.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

import httpx

from tui_console.account.views import DevicePrompt
from tui_console.auth.browser_flow import run_browser_flow
from tui_console.auth.client_assertion import ClientAssertionSigner
from tui_console.auth.client_credentials import (
    AssertionCredentials,
    ClientCredentials,
    SecretCredentials,
    request_client_credentials,
)
from tui_console.auth.device import (
    DeviceAuthorization,
    PollProgress,
    poll_for_tokens,
    request_device_authorization,
)
from tui_console.auth.discovery import ServerMetadata
from tui_console.auth.dpop import DPoP, DPoPNonces
from tui_console.auth.tokens import TokenSet
from tui_console.config import Profile, management_audience
from tui_console.errors import ConfigError, NotSignedIn, TuiConsoleError
from tui_console.redact import Secret
from tui_console.session_status import SessionStatus
from tui_console.storage.client_secrets import ClientSecretStore
from tui_console.storage.dpop_keys import DPoPKeyStore
from tui_console.storage.keyring_secrets import KeyringSecretStore
from tui_console.storage.token_store import FileTokenStore

__all__ = ["DeviceLogin", "SignInVerbs"]


class _SigningInSession(Protocol):
    """What the verbs need of the session they belong to (and the verbs themselves)."""

    profile: Profile
    http: httpx.AsyncClient
    store: FileTokenStore
    dpop_keys: DPoPKeyStore
    dpop_nonces: DPoPNonces
    client_secrets: ClientSecretStore | KeyringSecretStore
    _clock: Callable[[], float]
    _on_sign_in: Callable[[Profile], None] | None

    async def server(self) -> ServerMetadata: ...

    async def validate_id_token(self, tokens: TokenSet, *, nonce: str | None) -> None: ...

    def status(self) -> SessionStatus: ...

    async def _revoke(self, refresh_token: Secret) -> None: ...

    def _audience(self, audience: str | None) -> str | None: ...

    def _scope(self, scopes: tuple[str, ...] | None) -> str: ...

    def _client_credentials(self, secret: Secret | None = None) -> ClientCredentials: ...

    async def _sign_in_dpop(self, metadata: ServerMetadata, dpop: bool | None) -> DPoP | None: ...

    async def _browser_sign_in(
        self,
        *,
        open_url: Callable[[str], bool],
        pasted_redirect: Callable[[], Awaitable[str]] | None,
        on_progress: Callable[[float], None] | None,
        scope: str,
        audience: str | None,
        timeout: float,
        prompt: str | None = None,
        dpop: DPoP | None = None,
        on_bad_paste: Callable[[TuiConsoleError], None] | None = None,
    ) -> TokenSet: ...

    async def adopt(self, tokens: TokenSet) -> SessionStatus: ...


class DeviceLogin:
    """A device sign-in in progress: show :attr:`prompt`, then await :meth:`complete`."""

    def __init__(
        self,
        session: _SigningInSession,
        authorization: DeviceAuthorization,
        audience: str | None,
        dpop: DPoP | None = None,
    ) -> None:
        self._session = session
        self._authorization = authorization
        self._audience = audience
        self._dpop = dpop
        self.prompt = DevicePrompt(
            user_code=authorization.user_code,
            verification_uri=authorization.verification_uri,
            verification_uri_complete=authorization.verification_uri_complete,
            expires_at=authorization.expires_at,
            interval=authorization.interval,
        )

    async def complete(
        self,
        on_progress: Callable[[PollProgress], None] | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> SessionStatus:
        """Poll until the person approves (or denies, or the code expires); store the tokens.

        ``sleep`` waits between polls (tests pass one that does not).
        """
        session = self._session
        metadata = await session.server()
        tokens = await poll_for_tokens(
            session.http,
            metadata,
            self._authorization,
            client_id=session.profile.client_id,
            audience=self._audience,
            on_progress=on_progress,
            validate=lambda tokens: session.validate_id_token(tokens, nonce=None),
            dpop=self._dpop,
            sleep=sleep,
        )
        return await session.adopt(tokens)


class SignInVerbs:
    """Getting tokens: from a person (device code, browser) or a machine, then storing them."""

    def _client_credentials(
        self: _SigningInSession, secret: Secret | None = None
    ) -> ClientCredentials:
        """How this machine profile authenticates: ``secret``, the stored one, or its key."""
        profile = self.profile
        if profile.client_auth == "private_key_jwt":
            assert profile.private_key_file is not None  # Profile.validate checks it
            signer = ClientAssertionSigner(
                client_id=profile.client_id,
                audience=profile.issuer,  # the tenant URL with its trailing slash [K1]
                key_file=Path(profile.private_key_file).expanduser(),
                clock=self._clock,
            )
            return AssertionCredentials(profile.client_id, signer)
        secret = secret or self.client_secrets.load()
        if secret is None:
            raise NotSignedIn(
                f"Profile {profile.name!r} has no client secret stored.",
                hint="Sign in: tui-console login --client-credentials --client-secret-file FILE",
            )
        return SecretCredentials(profile.client_id, secret)

    async def login_with_client_credentials(
        self: _SigningInSession, *, secret: Secret | None = None
    ) -> SessionStatus:
        """Sign the machine profile in: a client-credentials token for its audience.

        ``secret`` is the client secret of a ``client_auth = "secret"`` profile; it is saved
        (0600, beside the token file) only once Auth0 has accepted it.
        """
        if not self.profile.machine:
            raise ConfigError(
                f"Profile {self.profile.name!r} is not a machine profile.",
                hint="Give --client-secret-file or --private-key-file with --client-credentials.",
            )
        audience = self.profile.audience or management_audience(self.profile.issuer)
        metadata = await self.server()
        credentials = self._client_credentials(secret)
        tokens = await request_client_credentials(
            self.http, metadata.token_endpoint, credentials, audience=audience, now=self._clock
        )
        async with self.store.process_lock():
            if isinstance(credentials, SecretCredentials):
                self.client_secrets.save(credentials.secret)
            else:
                self.client_secrets.delete()  # a key replaced the secret: none is kept
        return await self.adopt(tokens)

    async def _sign_in_dpop(
        self: _SigningInSession, metadata: ServerMetadata, dpop: bool | None
    ) -> DPoP | None:
        """The profile's DPoP key (made and saved now if there is none) when this sign-in
        uses DPoP: ``dpop`` if given, else the profile's setting. The profile's lock keeps two
        sign-ins from making two keys, one of which would be lost."""
        if not (dpop if dpop is not None else self.profile.dpop):
            return None
        algorithms = metadata.dpop_signing_alg_values_supported
        if algorithms and "ES256" not in algorithms:
            raise ConfigError(
                f"{metadata.issuer} takes DPoP proofs signed with {', '.join(algorithms)} only, "
                "not ES256.",
                hint="Sign in without DPoP (leave out --dpop, or set dpop = false).",
            )
        async with self.store.process_lock():
            key = self.dpop_keys.load_or_create()
        return DPoP(key, self.dpop_nonces, clock=self._clock)

    async def start_device_login(
        self: _SigningInSession,
        *,
        scopes: tuple[str, ...] | None = None,
        audience: str | None = None,
        dpop: bool | None = None,
    ) -> DeviceLogin:
        """Ask for a device code (RFC 8628 §3.1); the caller shows the prompt and completes.

        ``dpop`` (default: the profile's setting) binds the tokens to the profile's DPoP key.
        """
        metadata = await self.server()
        if not metadata.device_authorization_endpoint:
            raise ConfigError(
                f"{metadata.issuer} does not offer the device flow.",
                hint="Enable the Device Code grant for the application, or use --browser.",
            )
        target = self._audience(audience)
        authorization = await request_device_authorization(
            self.http,
            metadata,
            client_id=self.profile.client_id,
            scope=self._scope(scopes),
            audience=target,
        )
        return DeviceLogin(self, authorization, target, await self._sign_in_dpop(metadata, dpop))

    async def login_with_browser(
        self: _SigningInSession,
        *,
        open_url: Callable[[str], bool],
        pasted_redirect: Callable[[], Awaitable[str]] | None = None,
        on_progress: Callable[[float], None] | None = None,
        scopes: tuple[str, ...] | None = None,
        audience: str | None = None,
        timeout: float = 300,
        dpop: bool | None = None,
        on_bad_paste: Callable[[TuiConsoleError], None] | None = None,
    ) -> SessionStatus:
        """Authorization code + PKCE through a loopback redirect (RFC 8252), then store.

        ``dpop`` (default: the profile's setting) binds the code (``dpop_jkt``) and the
        tokens to the profile's DPoP key. ``on_bad_paste`` hears of a pasted address that is
        not this sign-in's; the sign-in waits for another paste (or the browser) meanwhile.
        """
        tokens = await self._browser_sign_in(
            open_url=open_url,
            pasted_redirect=pasted_redirect,
            on_bad_paste=on_bad_paste,
            on_progress=on_progress,
            scope=self._scope(scopes),
            audience=self._audience(audience),
            timeout=timeout,
            dpop=await self._sign_in_dpop(await self.server(), dpop),
        )
        return await self.adopt(tokens)

    async def _browser_sign_in(
        self: _SigningInSession,
        *,
        open_url: Callable[[str], bool],
        pasted_redirect: Callable[[], Awaitable[str]] | None,
        on_progress: Callable[[float], None] | None,
        scope: str,
        audience: str | None,
        timeout: float,
        prompt: str | None = None,
        dpop: DPoP | None = None,
        on_bad_paste: Callable[[TuiConsoleError], None] | None = None,
    ) -> TokenSet:
        """One browser sign-in with this profile's client and ports; the ID token validated."""
        return await run_browser_flow(
            self.http,
            await self.server(),
            client_id=self.profile.client_id,
            scope=scope,
            audience=audience,
            ports=self.profile.redirect_ports,
            open_url=open_url,
            pasted_redirect=pasted_redirect,
            timeout=timeout,
            on_progress=on_progress,
            validate=lambda tokens, nonce: self.validate_id_token(tokens, nonce=nonce),
            prompt=prompt,
            dpop=dpop,
            on_bad_paste=on_bad_paste,
        )

    async def adopt(self: _SigningInSession, tokens: TokenSet) -> SessionStatus:
        """Store freshly signed-in tokens, then revoke the grant they replace (best effort).

        The new tokens are saved first, so a failed revocation never costs the new session.
        """
        async with self.store.process_lock():  # a refresh elsewhere may be writing
            previous = self.store.get(tokens.audience)
            self.store.put(tokens)
            if not any(stored.dpop_jkt for stored in self.store.load().values()):
                self.dpop_keys.delete()  # no token is bound to it any more
        if self._on_sign_in is not None:
            self._on_sign_in(self.profile)
        shared = (
            any(  # an MRRT token shares the sign-in's refresh token: keep that alive
                stored.refresh_token == previous.refresh_token
                for stored in self.store.load().values()
            )
            if previous
            else False
        )
        if (
            previous
            and previous.refresh_token
            and previous.refresh_token != tokens.refresh_token
            and not shared
        ):
            try:
                await self._revoke(previous.refresh_token)
            except TuiConsoleError:
                pass  # the old grant expires on its own; the new session is what matters
        return self.status()
