"""The account session: one profile's verbs, from sign-in to sign-out.

:class:`AccountSession` turns a :class:`~tui_console.config.Profile` into verbs a person
understands (sign in with a code, sign in with the browser, who am I, give me a fresh token,
change my metadata, sign out). Its HTTP client and stores are built in :mod:`._wiring`, the
sign-in verbs are in :mod:`.sign_in` and the verbs on the person's own user record in
:mod:`.own_user` (both inherited); what it returns is in :mod:`.views` and the domain
packages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Self

import httpx

from tui_console.account._wiring import client_secret_store, http_client
from tui_console.account.own_user import OwnUserVerbs
from tui_console.account.sign_in import SignInVerbs
from tui_console.account.views import (
    REQUIRED_SCOPES,
    LogoutReport,
    Revocation,
    TokenDetails,
)
from tui_console.auth.bearer import BearerAuth
from tui_console.auth.client_credentials import ClientCredentialsRenewal
from tui_console.auth.discovery import ServerMetadata, discover, parse_discovery_document
from tui_console.auth.dpop import DPoPNonces
from tui_console.auth.id_token import IdTokenValidator
from tui_console.auth.inspect import check_signature, inspect_token
from tui_console.auth.jwks import JwksCache
from tui_console.auth.refresh import TokenManager
from tui_console.auth.revocation import revoke_token
from tui_console.auth.tokens import TokenSet
from tui_console.auth.userinfo import UserProfile, fetch_userinfo
from tui_console.call_log import CallLog
from tui_console.config import Profile, load_profiles, management_audience, unknown_profile
from tui_console.errors import ConfigError, NotSignedIn, TuiConsoleError
from tui_console.management import ManagementClient
from tui_console.my_account.pending import PendingEnrollments, pending_path
from tui_console.paths import cache_dir, config_file, token_dir
from tui_console.ratelimit import RateLimitBoard
from tui_console.redact import Secret
from tui_console.self_service import SignInMethods
from tui_console.session_status import SessionStatus, session_status
from tui_console.storage.discovery_cache import DiscoveryCache
from tui_console.storage.dpop_keys import DPoPKeyStore
from tui_console.storage.token_store import FileTokenStore, TokenOwner

__all__ = ["AccountSession", "configured_profile"]


class AccountSession(OwnUserVerbs, SignInVerbs):
    """One profile's session: sign-in flows, silent refresh, the profile, sign-out.

    Use as ``async with AccountSession(profile) as session:``; it owns one HTTP client.
    ``transport`` lets tests route requests in-process; ``store`` lets them keep tokens in a
    temporary directory. ``on_sign_in`` runs after a sign-in's tokens are stored: the
    composition root saves the profile of a run there, so flags are remembered only once
    they have worked.
    """

    def __init__(
        self,
        profile: Profile,
        *,
        store: FileTokenStore | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        on_sign_in: Callable[[Profile], None] | None = None,
        discovery_cache: DiscoveryCache | None = None,
    ) -> None:
        self.profile = profile
        owner = TokenOwner(profile.issuer, profile.client_id)
        self.store = (store or FileTokenStore(token_dir(), profile.name)).owned_by(owner)
        """The profile's token file, seen only with the issuer and client of this run."""
        self._on_sign_in = on_sign_in
        self.rate_limits = RateLimitBoard(clock=clock)
        """Live rate-limit buckets; ``subscribe`` to watch them change."""
        self.calls = CallLog()
        """Every HTTP exchange (method, path, status, latency, limits): no secrets."""
        self.dpop_keys = DPoPKeyStore.beside(self.store.path)
        """The profile's DPoP key file, beside the token file."""
        self.discovery_cache = discovery_cache or DiscoveryCache(cache_dir() / "discovery")
        """The issuers' last discovery documents (``discovery_cache`` for tests)."""
        self.dpop_nonces = DPoPNonces()
        """The latest DPoP nonce per server origin; every answer to a signed request updates
        it (:class:`~tui_console.auth.dpop.NonceRetry`)."""
        self.client_secrets = client_secret_store(profile, self.store)
        """A machine profile's client secret: beside the token file, or in the OS keyring."""
        self.http = http_client(
            transport, calls=self.calls, rate_limits=self.rate_limits, clock=clock
        )
        self._clock = clock
        self._metadata: ServerMetadata | None = None
        self._validator: IdTokenValidator | None = None
        self._manager: TokenManager | None = None
        self._management: ManagementClient | None = None
        self._jwks_cache: JwksCache | None = None
        self._sign_in_methods: SignInMethods | None = None

    @property
    def clock(self) -> Callable[[], float]:
        """The session's clock (epoch seconds)."""
        return self._clock

    def sign_in_methods(self) -> SignInMethods:
        """The user's own authentication methods (the My Account API, :mod:`.self_service`)."""
        self._refuse_other_session()
        if self._sign_in_methods is None:
            self._sign_in_methods = SignInMethods(self)
        return self._sign_in_methods

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    # -- discovery and validation ------------------------------------------------------------

    async def server(self) -> ServerMetadata:
        """The issuer's metadata: once per session, and from the copy on disk while it is
        under a day old (:mod:`~tui_console.storage.discovery_cache`), so the console's first
        ``/userinfo`` is one round trip, not two."""
        if self._metadata is None:
            self._metadata = self._cached_server() or await self._discover()
        return self._metadata

    def _cached_server(self) -> ServerMetadata | None:
        issuer = self.profile.issuer
        document = self.discovery_cache.load(issuer, now=self._clock())
        if document is None:
            return None
        try:
            return parse_discovery_document(document, issuer)
        except TuiConsoleError:
            return None  # a copy the parser refuses is fetched again

    async def _discover(self) -> ServerMetadata:
        metadata = await discover(self.http, self.profile.issuer)
        self.discovery_cache.save(self.profile.issuer, metadata.document(), now=self._clock())
        return metadata

    async def validate_id_token(self, tokens: TokenSet, *, nonce: str | None) -> None:
        """Check the ID token (if any) before anything is stored: signature, iss, aud, nonce."""
        if tokens.id_token is None:
            return
        if self._validator is None:
            metadata = await self.server()
            self._validator = IdTokenValidator(
                issuer=metadata.issuer,
                client_id=self.profile.client_id,
                jwks=self._jwks(metadata),
                algorithms=[
                    alg
                    for alg in metadata.id_token_signing_alg_values_supported
                    if alg in ("RS256", "PS256")
                ]
                or ["RS256"],
                clock=self._clock,
            )
        await self._validator.validate(tokens.id_token, nonce=nonce)

    def _jwks(self, metadata: ServerMetadata) -> JwksCache:
        if self._jwks_cache is None:
            self._jwks_cache = JwksCache(self.http, metadata.jwks_uri)
        return self._jwks_cache

    async def tokens(self) -> TokenManager:
        """The refresh manager for this profile (needs discovery for the token endpoint)."""
        self._refuse_other_session()  # before discovery: another issuer is not even asked
        if self._manager is None:
            metadata = await self.server()
            self._manager = TokenManager(
                http=self.http,
                token_endpoint=metadata.token_endpoint,
                client_id=self.profile.client_id,
                store=self.store,
                clock=self._clock,
                dpop_keys=self.dpop_keys,
                dpop_nonces=self.dpop_nonces,
                renewal=ClientCredentialsRenewal(
                    self.http, metadata.token_endpoint, self._client_credentials, clock=self._clock
                )
                if self.profile.machine
                else None,
            )
        return self._manager

    # -- what a sign-in asks for (the verbs are in .sign_in) -------------------------------------

    def _audience(self, audience: str | None) -> str | None:
        return audience if audience is not None else self.profile.audience

    def _scope(self, scopes: tuple[str, ...] | None) -> str:
        return " ".join(scopes) if scopes else self.profile.scope

    # -- using the session ---------------------------------------------------------------------

    def status(self) -> SessionStatus:
        """What is stored for this profile, read from disk (no network)."""
        return session_status(self.profile, self.store, self.dpop_keys.path)

    def granted_scopes(self, audience: str | None = None) -> frozenset[str]:
        """The scopes the stored token for ``audience`` (default: the profile's) was granted."""
        tokens = self.store.get(self._audience(audience))
        return frozenset(tokens.scope) if tokens else frozenset()

    def missing_scope(self, action: str) -> str | None:
        """The scope ``action`` (a key of :data:`REQUIRED_SCOPES`) lacks, or ``None``."""
        needed = REQUIRED_SCOPES[action]
        return None if needed in self.granted_scopes() else needed

    def token_details(self) -> list[TokenDetails]:
        """Decoded (unverified) views of every stored token, for the token inspector."""
        manager_state = self._manager.state if self._manager else None
        details = []
        for tokens in self.store.load().values():
            state = (
                manager_state(tokens.audience)
                if manager_state
                else ("expired" if tokens.expires_within(0) else "fresh")
            )
            details.append(
                TokenDetails(
                    audience=tokens.audience,
                    token_type=tokens.token_type,
                    scopes=tokens.scope,
                    issued_at=tokens.issued_at,
                    expires_at=tokens.expires_at,
                    has_refresh_token=tokens.refresh_token is not None,
                    refresh_state=state,
                    access_token=inspect_token(tokens.access_token),
                    id_token=inspect_token(tokens.id_token) if tokens.id_token else None,
                    dpop_bound=tokens.dpop_bound,
                    dpop_jkt=tokens.access_token_jkt or tokens.dpop_jkt,
                )
            )
        return details

    def _stored_token(self, audience: str | None, which: str) -> Secret | None:
        """The stored access token (``which="access"``) or ID token for ``audience``."""
        tokens = self.store.get(audience)
        if tokens is None:
            return None
        return tokens.access_token if which == "access" else tokens.id_token

    async def check_signature(self, audience: str | None, *, which: str = "access") -> str:
        """The signature verdict (a sentence) for the stored access or ID token."""
        token = self._stored_token(audience, which)
        if token is None:
            return "no token stored" if self.store.get(audience) is None else "no ID token stored"
        metadata = await self.server()
        return await check_signature(token, self._jwks(metadata))

    def reveal_token(self, audience: str | None, *, which: str = "access") -> str:
        """The raw token text, for an explicit reveal or copy the person asked for."""
        token = self._stored_token(audience, which)
        if token is None:
            raise NotSignedIn("There is no such token stored.")
        return token.reveal()

    async def access_token(self, audience: str | None = None) -> Secret:
        """A valid access token for ``audience`` (default: the profile's), refreshed if due."""
        manager = await self.tokens()
        return (await manager.valid_token(self._audience(audience))).access_token

    async def userinfo(self) -> UserProfile:
        """The person's claims from ``/userinfo`` (rate limited by Auth0: cache the result)."""
        self._refuse_other_session()  # before discovery: another issuer is not even asked
        metadata = await self.server()
        if not metadata.userinfo_endpoint:
            raise ConfigError(f"{metadata.issuer} has no userinfo endpoint.")
        manager = await self.tokens()
        auth = BearerAuth(manager, self.profile.audience)
        return await fetch_userinfo(self.http, metadata.userinfo_endpoint, auth=auth)

    async def logout(self) -> LogoutReport:
        """Revoke every stored refresh token at the server, then wipe local state.

        All under the profile's lock, so a refresh elsewhere cannot rotate a token between
        reading and revoking it. One failed revocation does not stop the others: each is
        reported, and the local tokens go even if some failed. Another issuer's or client's
        session in the file is left alone (it is not this run's to revoke or delete).
        """
        async with self.store.process_lock():
            other = self.store.foreign_owner()
            if other is not None:
                return LogoutReport(wiped=False, other_session=str(other))
            stored = self.store.load()
            revocations = tuple([await self._revocation(tokens) for tokens in stored.values()])
            wiped = self.store.path.exists()
            self.store.clear()
            PendingEnrollments(pending_path(self.store.path)).clear()  # their sessions, too
            key_deleted = self.dpop_keys.delete()
            secret_deleted = self.client_secrets.delete()
        return LogoutReport(
            wiped=wiped,
            revocations=revocations,
            dpop_key_deleted=key_deleted,
            client_secret_deleted=secret_deleted,
        )

    async def _revocation(self, tokens: TokenSet) -> Revocation:
        if tokens.refresh_token is None:
            return Revocation(tokens.audience, revoked=False, had_refresh_token=False)
        try:
            await self._revoke(tokens.refresh_token)
        except TuiConsoleError as error:
            return Revocation(tokens.audience, revoked=False, detail=error.message.rstrip("."))
        return Revocation(tokens.audience, revoked=True)

    def _refuse_other_session(self) -> None:
        """:class:`NotSignedIn` when the token file holds another issuer's or client's session."""
        other = self.store.foreign_owner()
        if other is not None:
            raise NotSignedIn(
                f"Not signed in to {self.profile.issuer} (client {self.profile.client_id}): "
                f"the stored session of profile {self.profile.name!r} belongs to {other}.",
                hint="Leave out the one-off --issuer/--domain/--client-id flags to use it, or "
                "sign in with them: tui-console login (that saves them into the profile).",
            )

    # -- the Management API: who is signed in, and the client ----------------------------------
    # The verbs on the person's own user record (metadata, identities, devices) are inherited
    # from own_user.OwnUserVerbs and built on these two, as the support and My Account
    # facades are.

    def user_id(self) -> str:
        """The signed-in user's id (``sub`` of the ID token validated at sign-in)."""
        self._refuse_other_session()
        subject = self.status().user.get("sub")
        if not isinstance(subject, str):
            raise NotSignedIn(
                f"No one is signed in with profile {self.profile.name!r}.",
                hint="Sign in first: tui-console login",
            )
        return subject

    async def management(self) -> ManagementClient:
        """The Management API client, authorised with the profile's Management API token."""
        self._refuse_other_session()  # before discovery: another issuer is not even asked
        if self._management is None:
            metadata = await self.server()
            audience = self.profile.audience
            expected = management_audience(metadata.issuer)
            if audience != expected:
                raise ConfigError(
                    f"This profile's tokens are for {audience or '/userinfo only'}, "
                    "not the Management API.",
                    hint=f"Sign in with --audience {expected} to manage the account.",
                )
            auth = BearerAuth(await self.tokens(), audience)
            self._management = ManagementClient(self.http, audience, auth=auth)
        return self._management

    # -- plumbing ------------------------------------------------------------------------------

    async def _revoke(self, refresh_token: Secret) -> None:
        metadata = await self.server()
        await revoke_token(
            self.http, metadata, client_id=self.profile.client_id, token=refresh_token
        )


def configured_profile(name: str) -> Profile:
    """The saved profile ``name``; a :class:`ConfigError` naming the known ones otherwise."""
    profiles, _ = load_profiles()
    if name not in profiles:
        raise unknown_profile(name, profiles, config_file())
    return profiles[name]
