"""The support verbs: what support staff do for a user, on a machine sign-in.

:class:`SupportSession` wraps the :class:`~tui_console.account.AccountSession` of a machine
sign-in (``login --client-credentials``) and one Management API client, reused. Each verb
checks its action's scopes first (:mod:`.scopes`: refused before anything is sent), calls
:class:`~tui_console.management.support_client.SupportClient`, and answers with the records
of :mod:`tui_console.management` or a value of :mod:`.reports`. How an identifier is read (an
e-mail, a ``provider|id`` user id, a search query) and how each change is worded live here.

Endings are worded as they are at Auth0: accepted, carried out asynchronously, and access
tokens already issued stay valid until they expire. The sign-in trouble changes (blocks, MFA,
device credentials) answer 204 at Auth0 (done, not queued) and their outcomes say so; a 202
would be worded as accepted and carried out asynchronously.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from tui_console.account import AccountSession
from tui_console.errors import UsageError
from tui_console.management.errors import UserNotFound
from tui_console.management.log_tail import LogTail
from tui_console.management.sign_in_trouble_models import Enrollment, LogPage, MfaMethod
from tui_console.management.support_client import SupportClient
from tui_console.management.support_models import (
    RefreshTokenPage,
    Session,
    SessionPage,
    SupportUser,
)
from tui_console.support import scopes
from tui_console.support.reports import BlockedFor, BlockReport, DeviceList, Outcome, UserSearch

__all__ = ["NoUserFound", "SupportSession"]

_STILL_VALID = (
    "Access tokens already issued stay valid until they expire (Auth0 cannot recall them)."
)
_ASYNCHRONOUS = "Auth0 carries this out asynchronously: it may take a few seconds to show."
_EMAIL = re.compile(r"^[^\s@:]+@[^\s@:]+$")
_SESSIONS_STAY = (
    "Sessions already signed in stay signed in: end them with sign-out-everywhere if needed."
)


class NoUserFound(UsageError):
    """No user matches the id or e-mail given."""


def _case_note(email: str) -> str | None:
    if email == email.lower():
        return None
    return (
        f"Auth0 matches e-mail addresses exactly and case-sensitively, and stores database "
        f"users' addresses in lower case: try {email.lower()}"
    )


def _done_or_queued(status: int, done: str, queued: str) -> str:
    """204 (or 200) means it is done; 202 that Auth0 accepted it and will do it soon."""
    return queued if status == 202 else done


class SupportSession:
    """Support verbs on a machine sign-in (``account``); one Management client, reused."""

    def __init__(self, account: AccountSession) -> None:
        self.account = account
        self._client: SupportClient | None = None

    async def _api(self, action: str) -> SupportClient:
        self.require(action)
        if self._client is None:
            self._client = SupportClient.sharing(await self.account.management())
        return self._client

    # -- scopes -----------------------------------------------------------------------------

    def missing_scopes(self, action: str) -> tuple[str, ...]:
        """The scopes ``action`` (a key of :data:`~.scopes.SUPPORT_SCOPES`) needs and the token
        lacks; empty when the token says nothing about its scopes (an opaque token)."""
        return scopes.missing_scopes(action, self.account.granted_scopes())

    def unavailable_reason(self, action: str) -> str | None:
        """Why ``action`` cannot be done with this sign-in, in words; ``None`` if it can."""
        return scopes.unavailable_reason(action, self.account.granted_scopes())

    def require(self, action: str) -> None:
        """:class:`~.scopes.ScopeMissing` when ``action`` needs a scope the token lacks."""
        scopes.require(action, self.account.granted_scopes())

    # -- users ------------------------------------------------------------------------------

    async def find_users(self, query: str, *, page: int = 0, per_page: int = 50) -> UserSearch:
        """Users by e-mail (exact), by user id (``provider|id``) or by a Lucene ``q`` (v3)."""
        text = query.strip()
        if not text:
            raise UsageError("Give an e-mail address, a user id or a search query.")
        api = await self._api("users.find")
        if _EMAIL.match(text):
            users = await api.users_by_email(text)
            note = None if users else _case_note(text)
            return UserSearch(text, "email", users, total=len(users), note=note)
        if "|" in text and " " not in text and ":" not in text:
            try:
                users = (await api.support_user(text),)
            except UserNotFound:
                users = ()
            return UserSearch(text, "user_id", users, total=len(users))
        found = await api.search_users(text, page=page, per_page=per_page)
        return UserSearch(
            text, "query", found.users, page=page, total=found.total, has_more=found.has_more
        )

    async def user(self, user: str) -> SupportUser:
        """One user by id, or by e-mail when exactly one user has it."""
        text = user.strip()
        api = await self._api("users.read")
        if not _EMAIL.match(text):
            try:
                return await api.support_user(text)
            except UserNotFound:
                raise NoUserFound(
                    f"There is no user with the id {text}.",
                    hint="Find the user first: tui-console support find EMAIL-OR-QUERY",
                ) from None
        users = await api.users_by_email(text)
        if not users:
            note = _case_note(text)
            raise NoUserFound(
                f"No user has the e-mail address {text}.",
                hint=note or "Search more widely: tui-console support find 'email:*part*'",
            )
        if len(users) > 1:
            ids = ", ".join(u.user_id for u in users)
            raise UsageError(
                f"{len(users)} users have the e-mail address {text} (one per connection): {ids}.",
                hint="Give the user id of the one you mean.",
            )
        return users[0]

    async def user_id(self, user: str) -> str:
        """The id of ``user`` (an id is taken as it is; an e-mail is looked up)."""
        text = user.strip()
        return text if not _EMAIL.match(text) else (await self.user(text)).user_id

    # -- sessions ---------------------------------------------------------------------------

    async def sessions(
        self, user_id: str, *, checkpoint: str | None = None, take: int = 50
    ) -> SessionPage:
        """One page of the user's sessions (Enterprise plans: else :class:`PlanLacksFeature`)."""
        api = await self._api("sessions.list")
        return await api.user_sessions(user_id, checkpoint=checkpoint, take=take)

    async def session(self, session_id: str) -> Session:
        """One session by id (the ``sid`` of the tokens issued in it)."""
        return await (await self._api("sessions.read")).get_session(session_id)

    async def end_session(self, session_id: str) -> Outcome:
        """End one session and its refresh tokens (``POST /sessions/{id}/revoke``)."""
        await (await self._api("sessions.end")).end_session(session_id)
        return Outcome(
            f"Auth0 accepted ending session {session_id} and its refresh tokens. {_ASYNCHRONOUS}",
            caveats=(_STILL_VALID,),
        )

    # -- refresh tokens ---------------------------------------------------------------------

    async def refresh_tokens(
        self, user_id: str, *, checkpoint: str | None = None, take: int = 50
    ) -> RefreshTokenPage:
        """One page of the user's refresh tokens (Enterprise plans)."""
        api = await self._api("refresh_tokens.list")
        return await api.user_refresh_tokens(user_id, checkpoint=checkpoint, take=take)

    async def revoke_refresh_token(self, token_id: str) -> Outcome:
        """Revoke one refresh token by its id (the record's id, not the token)."""
        await (await self._api("refresh_tokens.revoke")).revoke_refresh_token(token_id)
        return Outcome(
            f"Auth0 accepted revoking refresh token {token_id}: the application holding it "
            f"can no longer renew its access tokens. {_ASYNCHRONOUS}",
            caveats=(_STILL_VALID, "The user's session, if any, is not ended."),
        )

    # -- signing out ------------------------------------------------------------------------

    async def sign_out_everywhere(
        self, user_id: str, *, session_id: str | None = None, keep_refresh_tokens: bool = False
    ) -> Outcome:
        """``revoke-access``: every session of the user (or ``session_id``) ends and, unless
        ``keep_refresh_tokens``, their refresh tokens are revoked."""
        api = await self._api("access.revoke")
        await api.revoke_access(
            user_id, session_id=session_id, keep_refresh_tokens=keep_refresh_tokens
        )
        if session_id is None:
            what = f"signing {user_id} out everywhere: every session ends"
            tokens = "every refresh token is revoked"
        else:
            what = f"ending session {session_id} of {user_id}"
            tokens = "its refresh tokens are revoked"
        if keep_refresh_tokens:
            tokens = "refresh tokens are kept, so applications holding them stay signed in"
        return Outcome(
            f"Auth0 accepted {what}, and {tokens}. {_ASYNCHRONOUS}",
            caveats=(_STILL_VALID,),
        )

    # -- log events -------------------------------------------------------------------------

    async def user_logs(self, user_id: str, *, page: int = 0, per_page: int = 100) -> LogPage:
        """One page of the user's log events, newest first."""
        return await (await self._api("logs.read")).user_logs(user_id, page=page, per_page=per_page)

    async def log_tail(
        self, user_id: str, *, types: Iterable[str] = (), take: int = 100
    ) -> LogTail:
        """A tail of the user's events (``types``: only those codes; ``take`` per request):
        :meth:`LogTail.start` for the recent ones, then :meth:`LogTail.poll`."""
        return LogTail(await self._api("logs.read"), user_id, types=types, take=take)

    # -- brute-force blocks and the blocked flag --------------------------------------------

    async def blocks(self, who: str) -> BlockReport:
        """The brute-force blocks of a user id, or of an identifier (an e-mail, username or
        phone number as typed at the login page). For a user id also the ``blocked`` flag and,
        with ``read:logs``, when each block began."""
        text = who.strip()
        if not text:
            raise UsageError("Give a user id, or the e-mail, username or phone number typed.")
        api = await self._api("blocks.read")
        if not _is_user_id(text):
            found = await api.identifier_blocks(text)
            return BlockReport(text, "identifier", tuple(BlockedFor(b) for b in found))
        found = await api.user_blocks(text)
        try:
            user = await api.support_user(text)
        except UserNotFound:
            raise NoUserFound(
                f"There is no user with the id {text}.",
                hint="Find the user first: tui-console support find EMAIL-OR-QUERY",
            ) from None
        since: dict[str, datetime] = {}
        note = None
        if found and self.unavailable_reason("logs.read") is None:
            events = (await api.user_logs(text, per_page=100)).events
            for event in reversed(events):  # oldest first: the block began at the last trip
                if event.type == "limit_wc" and event.ip and event.date:
                    since[event.ip] = event.date
        elif found:
            note = "When each block began is in the logs, which this application cannot read."
        return BlockReport(
            text,
            "user_id",
            tuple(BlockedFor(b, since.get(b.ip or "")) for b in found),
            blocked_flag=user.blocked,
            note=note,
        )

    async def unblock(self, who: str) -> Outcome:
        """Release the brute-force blocks of a user id or an identifier (every IP)."""
        text = who.strip()
        api = await self._api("blocks.release")
        if _is_user_id(text):
            status = await api.unblock_user(text)
        else:
            status = await api.unblock_identifier(text)
        summary = _done_or_queued(
            status,
            f"Released every brute-force block of {text}: they can sign in again from any IP.",
            f"Auth0 accepted releasing the brute-force blocks of {text}. {_ASYNCHRONOUS}",
        )
        return Outcome(
            summary,
            caveats=(
                "The administrator's block (the user's blocked flag), if set, is not changed.",
            ),
        )

    async def set_blocked(self, user_id: str, blocked: bool) -> Outcome:
        """Set or clear the administrator's ``blocked`` flag (``PATCH /users/{id}``)."""
        user = await (await self._api("users.block")).set_blocked(user_id, blocked)
        if user.blocked:
            return Outcome(
                f"{user_id} is blocked: every sign-in is refused until the flag is cleared.",
                caveats=(
                    "Sessions and tokens already issued are not ended: sign the user out "
                    "everywhere for that.",
                ),
            )
        return Outcome(f"{user_id} is no longer blocked by an administrator.")

    # -- MFA --------------------------------------------------------------------------------

    async def mfa_methods(self, user_id: str) -> tuple[MfaMethod, ...]:
        """Every authentication method of the user (pages of 100)."""
        api = await self._api("mfa.list")
        methods: list[MfaMethod] = []
        page = 0
        while True:
            found = await api.mfa_methods(user_id, page=page, per_page=100)
            methods.extend(found.methods)
            if not found.methods or not found.has_more or page >= 9:
                return tuple(methods)
            page += 1

    async def enrollments(self, user_id: str) -> tuple[Enrollment, ...]:
        """The user's Guardian enrollments (the first confirmed ones)."""
        return await (await self._api("mfa.enrollments")).enrollments(user_id)

    async def remove_mfa_method(self, user_id: str, method_id: str) -> Outcome:
        """Delete one authentication method of the user."""
        status = await (await self._api("mfa.remove")).delete_mfa_method(user_id, method_id)
        summary = _done_or_queued(
            status,
            f"Removed the authentication method {method_id} of {user_id}.",
            f"Auth0 accepted removing {method_id} of {user_id}. {_ASYNCHRONOUS}",
        )
        return Outcome(summary, caveats=(_SESSIONS_STAY,))

    async def reset_mfa(self, user_id: str) -> Outcome:
        """Delete every authentication method of the user ("lost my phone")."""
        status = await (await self._api("mfa.reset")).reset_mfa(user_id)
        summary = _done_or_queued(
            status,
            f"Removed every authentication method of {user_id}: where MFA is required they "
            "enrol a new factor at their next sign-in.",
            f"Auth0 accepted removing every authentication method of {user_id}. {_ASYNCHRONOUS}",
        )
        return Outcome(summary, caveats=("This cannot be undone.", _SESSIONS_STAY))

    async def forget_browsers(self, user_id: str) -> Outcome:
        """Every browser the user chose to remember for MFA must do MFA again."""
        status = await (await self._api("mfa.forget_browsers")).invalidate_remember_browser(user_id)
        summary = _done_or_queued(
            status,
            f"Forgot every browser {user_id} asked to remember: their next sign-in in each "
            "asks for MFA again.",
            f"Auth0 accepted forgetting the browsers {user_id} remembered. {_ASYNCHRONOUS}",
        )
        return Outcome(summary, caveats=(_SESSIONS_STAY,))

    # -- device credentials -----------------------------------------------------------------

    async def device_credentials(self, user_id: str) -> DeviceList:
        """Every device credential of the user (public keys and refresh tokens)."""
        found, cut = await (await self._api("devices.list")).user_device_credentials(user_id)
        return DeviceList(found, cut)

    async def revoke_device(self, credential_id: str) -> Outcome:
        """Revoke one device credential by id (Auth0 answers the same once it is gone)."""
        await (await self._api("devices.revoke")).revoke_device_credential(credential_id)
        return Outcome(
            f"Revoked device credential {credential_id} (Auth0 answers the same when it was "
            "already gone): the device must sign in again.",
            caveats=(_STILL_VALID,),
        )


def _is_user_id(text: str) -> bool:
    """``provider|id`` (``auth0|…``, ``google-oauth2|…``): a user id, not an identifier."""
    return "|" in text and " " not in text and not _EMAIL.match(text)
