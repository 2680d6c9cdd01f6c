"""Keeping an access token valid: proactive, single-flight refresh (RFC 6749 §6).

Auth0 rotates refresh tokens and treats a second use of a spent one as theft: it revokes the
whole family and the person must sign in again (auth0-reference.md §3.3). Several tasks of
one process, and several tui-console processes, share one token file, so a refresh here is:

1. one ``asyncio.Lock`` per **refresh token**, not per audience (tasks of this process queue
   behind one refresh): with a Multi-Resource Refresh Token several audiences share one
   rotating refresh token, and two audiences refreshed at once must not present it twice
   (auth0/auth0-spa-js#1684; auth0-reference.md §8.5);
2. the profile's process lock, :meth:`TokenStore.process_lock` (other processes queue too);
3. re-read the store *after* taking both: if someone else already renewed the token while we
   waited, adopt theirs and send nothing (the aspect-cli pattern in ux-notes.md P5);
4. otherwise exchange the refresh token and persist the result *before* releasing the lock,
   so the next holder reads the new refresh token, never the spent one; every audience
   that shared the spent refresh token gets the new one in the same step.

A rejected refresh token wipes the stored tokens only if the store still holds that very
token: a stale ``invalid_grant`` must not delete a newer session (buildkite/cli#852).
The lock-plus-leeway-plus-persist shape follows authlib's ``ensure_active_token``.

Tokens of a DPoP sign-in (``TokenSet.dpop_jkt``) are refreshed with a proof signed by the
same key (RFC 9449 §5; Auth0 binds the refresh token to it), through
:class:`~tui_console.auth.dpop.DPoPAuth` and its one nonce retry. A DPoP refusal
(``invalid_dpop_proof``, a nonce refused twice) keeps the tokens: it is about the proof. A
missing or replaced key file is :class:`SessionExpired`: without the key nothing can be done
with the tokens but to sign in again.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal, Protocol

import httpx

from tui_console.auth.dpop import DPoP, DPoPError, DPoPKeySource, DPoPNonces
from tui_console.auth.multi_resource import AudienceRefused, check_resource, missing_scopes
from tui_console.auth.tokens import (
    TokenSet,
    build_refresh_request,
    no_usable_answer,
    parse_token_response,
)
from tui_console.errors import (
    NotSignedIn,
    OAuthError,
    RateLimited,
    ResponseLost,
    SessionExpired,
)
from tui_console.exchange_failures import send
from tui_console.ratelimit.headers import parse_retry_after
from tui_console.redact import Secret, redact
from tui_console.token_set import REFRESH_LEEWAY

if TYPE_CHECKING:  # pragma: no cover
    from types import TracebackType

__all__ = ["AudienceToken", "ProcessLock", "RefreshState", "Renewal", "TokenManager", "TokenStore"]

RefreshState = Literal["fresh", "refreshing", "expired", "signed out"]
"""A session's refresh state in words, for the UI's session strip and ``status``."""

_SIGN_IN_AGAIN = "Sign in again: tui-console login"
_SIGN_IN_WITH_NEW_KEY = "Sign in again: tui-console login --dpop"


def _fingerprint(token: Secret | None) -> str:
    """A refresh token's lock key: its digest, so no lock table holds the token itself."""
    return hashlib.sha256(token.reveal().encode()).hexdigest() if token else ""


@dataclass(frozen=True)
class AudienceToken:
    """A token for another API minted from the sign-in's refresh token (MRRT), and what the
    server left out of what was asked for."""

    tokens: TokenSet
    missing_scopes: tuple[str, ...] = ()
    """Requested scopes the token does not carry (Auth0 drops disallowed ones silently)."""


class ProcessLock(Protocol):
    """A lock shared by all the user's processes (``storage.file_lock.InterProcessLock``)."""

    async def __aenter__(self) -> object: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class TokenStore(Protocol):
    """Where a profile's token sets live (:class:`~tui_console.storage.token_store.FileTokenStore`).

    A protocol on this side, so the refresh logic depends on no file format and ``storage``
    depends on ``auth`` only through data types: no import cycle between the two.
    """

    def load(self) -> dict[str, TokenSet]:
        """Every stored token set, by audience key."""
        ...

    def get(self, audience: str | None) -> TokenSet | None:
        """The token set for ``audience``, if one is stored."""
        ...

    def put(self, tokens: TokenSet) -> None:
        """Store ``tokens`` under their audience, durably, before returning."""
        ...

    def remove(self, audience: str | None) -> None:
        """Forget the token set for ``audience``."""
        ...

    def process_lock(self) -> ProcessLock:
        """The lock that serialises renewals of these tokens across processes."""
        ...


class Renewal(Protocol):
    """Another way to renew a token set than its refresh token, under the manager's locks.

    A machine sign-in (client credentials, :mod:`tui_console.auth.client_credentials`) has no
    refresh token: it asks for a new access token with the client's own authentication.
    """

    async def renew(self, stored: TokenSet) -> TokenSet:
        """A new token set for ``stored``'s audience (raises like a refresh does)."""
        ...


class TokenManager:
    """Hands out access tokens that are valid for at least ``leeway`` seconds more.

    ``http`` sends the refresh grant to ``token_endpoint``; give it no BearerAuth, or the
    refresh would ask itself for a token.

    ``on_change`` is called, with the locks still held, whenever this manager writes renewed
    tokens (the new set) or wipes a rejected session (``None``); it must not block.
    ``refresh_count`` counts the refresh requests this manager has sent.

    ``dpop_keys`` is where the profile's DPoP key lives and ``dpop_nonces`` the nonces seen
    so far (shared with the resource calls); both matter only for DPoP-bound tokens.

    ``renewal`` replaces the refresh grant (a machine sign-in); it runs single-flight under
    the same locks and its tokens are persisted the same way.
    """

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        token_endpoint: str,
        client_id: str,
        store: TokenStore,
        lock: ProcessLock | None = None,
        leeway: float = REFRESH_LEEWAY,
        clock: Callable[[], float] = time.time,
        on_change: Callable[[TokenSet | None], None] | None = None,
        dpop_keys: DPoPKeySource | None = None,
        dpop_nonces: DPoPNonces | None = None,
        renewal: Renewal | None = None,
    ) -> None:
        self._http = http
        self._token_endpoint = token_endpoint
        self._client_id = client_id
        self._store = store
        self._lock = lock if lock is not None else store.process_lock()
        self._leeway = leeway
        self._clock = clock
        self._on_change = on_change
        self._refresh_locks: dict[str, asyncio.Lock] = {}
        self._refreshing: dict[str, int] = {}
        self._dpop_keys = dpop_keys
        self.dpop_nonces = dpop_nonces if dpop_nonces is not None else DPoPNonces()
        """The latest DPoP nonce per server origin, for every proof this session signs."""
        self.refresh_count = 0
        self._renewal = renewal

    def current(self, audience: str | None) -> TokenSet:
        """The stored tokens for ``audience``, whatever their expiry; NotSignedIn if none."""
        tokens = self._store.get(audience)
        if tokens is None:
            where = f" for {audience}" if audience else ""
            raise NotSignedIn(
                f"There is no session{where} in this profile.",
                hint="Sign in first: run tui-console login",
            )
        return tokens

    def dpop_for(self, tokens: TokenSet) -> DPoP | None:
        """What signs proofs for ``tokens``: ``None`` unless they came from a DPoP sign-in.

        Raises :class:`SessionExpired` when the tokens are bound to a key that is gone or was
        replaced: nothing else can use them (RFC 9449 §5; Auth0 refuses a proof from another
        key for a bound refresh token).
        """
        wanted = tokens.dpop_jkt or tokens.access_token_jkt
        if wanted is None and not tokens.dpop_bound:
            return None
        key = self._dpop_keys.load() if self._dpop_keys is not None else None
        where = f" ({self._dpop_keys.path})" if self._dpop_keys is not None else ""
        if key is None:
            raise SessionExpired(
                f"This session's tokens are bound to a DPoP key that is missing{where}, and "
                "they cannot be used or refreshed without it.",
                hint=_SIGN_IN_WITH_NEW_KEY,
            )
        if wanted is not None and key.thumbprint != wanted:
            raise SessionExpired(
                f"This session's tokens are bound to another DPoP key than the one stored"
                f"{where}; the key they need is gone, so they cannot be used or refreshed.",
                hint=_SIGN_IN_WITH_NEW_KEY,
            )
        return DPoP(key, self.dpop_nonces, clock=self._clock)

    def state(self, audience: str | None) -> RefreshState:
        """Where ``audience``'s session stands right now, as the UI words it."""
        if self._refreshing.get(audience or ""):
            return "refreshing"
        tokens = self._store.get(audience)
        if tokens is None:
            return "signed out"
        return "expired" if tokens.expires_within(0, now=self._clock()) else "fresh"

    async def valid_token(
        self,
        audience: str | None,
        *,
        force: bool = False,
        rejected: Secret | None = None,
    ) -> TokenSet:
        """A token set for ``audience`` whose access token is good for ``leeway`` more seconds.

        ``force`` renews even an unexpired token; ``rejected`` is the access token a server
        just refused (BearerAuth's 401), so a token someone renewed meanwhile is adopted
        instead of being refreshed again.

        Raises NotSignedIn, SessionExpired (sign in again; the tokens are wiped if the server
        rejected them), NetworkError or AuthError (tokens kept), StorageError.
        """
        tokens = self.current(audience)
        if not force and not self._needs_refresh(tokens):
            return tokens
        # The renewal runs as its own task: a caller cancelled mid-exchange (a Textual worker
        # replaced by a newer one) must not abandon a rotated refresh token before it is saved.
        renewal = asyncio.ensure_future(self._renew(audience, rejected or tokens.access_token))
        try:
            return await asyncio.shield(renewal)
        except asyncio.CancelledError:
            renewal.add_done_callback(_retrieve_outcome)
            raise

    def _refresh_lock(self, tokens: TokenSet) -> asyncio.Lock:
        return self._refresh_locks.setdefault(_fingerprint(tokens.refresh_token), asyncio.Lock())

    async def _renew(self, audience: str | None, trigger: Secret) -> TokenSet:
        """Refresh under both locks, unless the stored token is no longer ``trigger``.

        The in-process lock is the refresh token's. If another audience rotated that token
        while this one waited, the stored refresh token is a new one: queue behind its lock.
        """
        key = audience or ""
        self._refreshing[key] = self._refreshing.get(key, 0) + 1
        try:
            while True:
                lock = self._refresh_lock(self.current(audience))
                async with lock, self._lock:
                    stored = self.current(audience)
                    if self._refresh_lock(stored) is not lock:
                        continue  # rotated meanwhile: its new token has its own lock
                    if stored.access_token != trigger and not self._needs_refresh(stored):
                        return stored
                    return await self._exchange(stored)
        finally:
            self._refreshing[key] -= 1

    async def token_for_audience(
        self, audience: str, scopes: Iterable[str], *, source: str | None
    ) -> AudienceToken:
        """A token for ``audience``: the stored one if any, else minted by a Multi-Resource
        Refresh Token exchange from ``source``'s refresh token (auth0-reference.md §3.6, §8.5).

        Raises :class:`AudienceRefused` when the server will not mint one (the application has
        no refresh-token policy for ``audience``; the sign-in stays), :class:`AuthError` when
        it answered for another API, and what :meth:`valid_token` raises.
        """
        wanted = tuple(scopes)
        if self._store.get(audience) is not None:
            tokens = await self.valid_token(audience)
            return AudienceToken(tokens, missing_scopes(wanted, tokens.scope))
        while True:
            origin = self.current(source)
            if origin.refresh_token is None:
                raise AudienceRefused(
                    audience,
                    OAuthError(
                        "no_refresh_token",
                        "the sign-in has no refresh token to mint a token for another API",
                    ),
                )
            lock = self._refresh_lock(origin)
            async with lock, self._lock:
                if (ready := self._store.get(audience)) is not None:
                    break  # another task or process minted it while we waited
                origin = self.current(source)
                if self._refresh_lock(origin) is not lock:
                    continue
                minted = await self._exchange(
                    replace(
                        origin,
                        audience=audience,
                        scope=wanted,
                        multi_resource=True,
                        id_token=None,
                    ),
                    spent=origin,
                )
                return AudienceToken(minted, missing_scopes(wanted, minted.scope))
        tokens = await self.valid_token(audience) if self._needs_refresh(ready) else ready
        return AudienceToken(tokens, missing_scopes(wanted, tokens.scope))

    async def _exchange(self, stored: TokenSet, *, spent: TokenSet | None = None) -> TokenSet:
        """POST the refresh grant and persist the answer; the caller holds both locks.

        A :attr:`~TokenSet.multi_resource` set is refreshed with its ``audience`` and ``scope``.
        ``spent`` is the stored set whose refresh token a first MRRT exchange presents (the
        new audience has nothing stored yet). A machine sign-in renews through its
        :class:`Renewal` instead (it has no refresh token).
        """
        if self._renewal is not None:
            renewed = await self._renewal.renew(stored)
            self._store.put(renewed)
            self._notify(renewed)
            return renewed
        if stored.refresh_token is None:
            raise SessionExpired(
                "The access token for this profile is no longer valid, and there is no "
                "refresh token to renew it.",
                hint=_SIGN_IN_AGAIN,
            )
        presented = stored.refresh_token
        dpop = self.dpop_for(stored)  # SessionExpired if the key is gone
        try:
            try:
                fresh, response = await self._send_refresh(stored, dpop)
            except ResponseLost:
                # Auth0 may have rotated the refresh token, the new one lost with the answer.
                # One more try at once: inside the application's reuse interval Auth0 accepts
                # the previous token again; outside it (interval 0) the next refresh would meet
                # the same refusal anyway. Remembered, to explain that refusal if it comes.
                stored = self._remember_lost_answer(stored, spent)
                fresh, response = await self._send_refresh(stored, dpop)
        except DPoPError:
            raise  # about the proof (a clock, a nonce), not the refresh token: tokens kept
        except OAuthError as error:
            if stored.multi_resource and error.error != "invalid_grant":
                # About the audience (no policy, no grant, the API off), not the refresh token:
                # the sign-in stays; a stored token for that audience can never be renewed.
                if spent is None:
                    self._store.remove(stored.audience)
                raise AudienceRefused(stored.audience or "", error) from None
            return self._rejected(spent or stored, error)
        if stored.multi_resource:
            fresh = replace(fresh, multi_resource=True)
        renewed = stored.merged_with(fresh)
        if renewed.refresh_token != presented:
            self._share_rotation(presented, renewed.refresh_token)
        if stored.multi_resource and stored.audience:
            check_resource(response, renewed, stored.audience)  # after the rotation is saved
        self._store.put(renewed)
        self._notify(renewed)
        return renewed

    async def _send_refresh(
        self, stored: TokenSet, dpop: DPoP | None
    ) -> tuple[TokenSet, httpx.Response]:
        """One refresh grant. An :class:`OAuthError` is a refusal of the token itself (4xx).

        The server's trouble is not: a 5xx (even with an OAuth body) is ResponseLost, a 429
        RateLimited. Those, NetworkError (nothing sent) and DPoPError (a nonce refused twice,
        a proof refused) leave the tokens stored. A :attr:`~TokenSet.multi_resource` set is
        refreshed with its ``audience`` and ``scope``.
        """
        assert stored.refresh_token is not None
        request = build_refresh_request(
            self._token_endpoint,
            client_id=self._client_id,
            refresh_token=stored.refresh_token,
            audience=stored.audience if stored.multi_resource else None,
            scope=" ".join(stored.scope) if stored.multi_resource else None,
        )
        self.refresh_count += 1
        response = await send(
            self._http,
            request,
            auth=dpop.auth() if dpop else None,
            effect="Auth0 may have replaced the refresh token already.",
            check="The session is kept; try again in a moment.",
        )
        try:
            fresh = parse_token_response(
                response,
                audience=stored.audience,
                now=self._clock(),
                dpop_jkt=dpop.thumbprint if dpop else None,
            )
        except OAuthError as error:
            if isinstance(error, DPoPError) or error.status is None:
                raise
            if error.status == 429:
                raise RateLimited(
                    f"Renewing the access token was refused for now: {error.message}",
                    retry_after=parse_retry_after(response.headers.get("retry-after"), time.time()),
                    hint="The session is kept; wait a minute, then try again.",
                ) from error
            if error.status >= 500:
                raise no_usable_answer("The token refresh", error.message) from error
            raise
        return fresh, response

    def _remember_lost_answer(self, stored: TokenSet, spent: TokenSet | None) -> TokenSet:
        """Mark ``stored`` (in the file too) as having had a refresh answer lost.

        A first MRRT exchange (``spent`` given) has nothing of its own stored yet: the mark
        goes on ``spent``, the stored set whose refresh token was presented.
        """
        if spent is not None:
            if spent.refresh_answer_lost_at is None:
                self._store.put(replace(spent, refresh_answer_lost_at=self._clock()))
            return stored
        if stored.refresh_answer_lost_at is not None:
            return stored
        marked = replace(stored, refresh_answer_lost_at=self._clock())
        self._store.put(marked)
        return marked

    def _share_rotation(self, spent: Secret, rotated: Secret | None) -> None:
        """Give every stored audience that held ``spent`` the rotated refresh token.

        Written before the lock is released, so no audience can present the spent token.
        """
        for tokens in self._store.load().values():
            if tokens.refresh_token == spent:
                self._store.put(replace(tokens, refresh_token=rotated))

    def _rejected(self, stored: TokenSet, error: OAuthError) -> TokenSet:
        """Wipe the session the server refused, unless the store has moved on since."""
        current = self._store.get(stored.audience)
        if current is not None and current.refresh_token == stored.refresh_token:
            for tokens in self._store.load().values():  # every audience of the spent family
                if tokens.refresh_token == stored.refresh_token:
                    self._store.remove(tokens.audience)
            self._notify(None)
        elif current is not None and not self._needs_refresh(current):
            # A sign-in wrote a new session while we were refreshing the old one.
            return current
        reason = redact(error.description or error.error, stored.refresh_token)
        if stored.refresh_answer_lost_at is not None and error.error == "invalid_grant":
            raise SessionExpired(
                f"The session for this profile has ended: Auth0 refused the refresh token "
                f"({reason}). The likely cause: the answer to an earlier refresh was lost, "
                "Auth0 had already replaced the token, and reusing the old one outside the "
                "application's refresh-token rotation reuse interval revokes the session.",
                hint=f"{_SIGN_IN_AGAIN}. To ride out lost answers, set the application's "
                "reuse interval (Rotation Overlap Period) to 30 s or more in the Auth0 "
                'dashboard (README: "Refresh-token rotation").',
            ) from error
        if error.error == "invalid_grant":
            # Auth0 words every dead refresh token alike: name the likely causes.
            raise SessionExpired(
                "The session for this profile has ended: you were signed out elsewhere (on "
                "another device, or by an administrator or support), or the session expired. "
                f"Auth0 rejected the refresh token: {reason}",
                hint=_SIGN_IN_AGAIN,
            ) from error
        raise SessionExpired(
            f"The session for this profile has ended (the refresh token was rejected: {reason}).",
            hint=_SIGN_IN_AGAIN,
        ) from error

    def _needs_refresh(self, tokens: TokenSet) -> bool:
        """Expired, or within the leeway of expiring (:meth:`TokenSet.refresh_due`)."""
        return tokens.refresh_due(self._leeway, now=self._clock())

    def _notify(self, tokens: TokenSet | None) -> None:
        if self._on_change is not None:
            self._on_change(tokens)


def _retrieve_outcome(renewal: asyncio.Future[TokenSet]) -> None:
    """Mark an abandoned renewal's failure as seen; the next caller meets it in the store."""
    if not renewal.cancelled():
        renewal.exception()
