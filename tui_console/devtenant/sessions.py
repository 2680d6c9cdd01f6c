"""Sign-in sessions and the refresh tokens that belong to them, as the Management API shows
them (auth0-reference.md §8.2, §8.3, §8.6; auth0-recordings/NOTES.md §11).

Every sign-in through the tenant's pages (the login form, for ``/authorize`` and for a device
activation) starts a session recording the application, the request's IP and user agent and
the authentication method (``pwd``); reusing the session cookie for another sign-in adds the
application and moves the "last" device fields and ``last_interacted_at``. A refresh-token
family remembers its session (``Grant.session_id``) and the ID token carries it as ``sid``.

Lifetimes: a session ends ``session_idle_ttl`` after its last interaction or
``session_absolute_ttl`` after it began (Auth0's defaults, :mod:`.settings`); an ended session
is gone from every listing and from the cookie.

Shapes (recorded, sessions.json / refresh-tokens.json): a session has ``id, user_id,
created_at, updated_at, authenticated_at, idle_expires_at, expires_at, last_interacted_at,
device{initial_user_agent, initial_ip, initial_asn, last_user_agent, last_ip, last_asn},
clients[{client_id}], authentication{methods[{name, timestamp, type}]}``; a refresh token
``id, user_id, created_at, idle_expires_at, expires_at, client_id, session_id, rotating,
resource_servers[{audience, scopes}]`` with ``scopes`` one space-separated string and
``session_id`` an explicit ``null`` when there is none. Lists are ``{"sessions": [...]}`` /
``{"tokens": [...]}`` with ``next`` only when another page exists, and ``total`` with
``include_totals``.

Guesses:

* UNRECORDED: ``authentication.methods[].type`` is present only for ``mfa`` methods (the
  OAS's description; the one recorded session is hand-written with a placeholder type).
* UNRECORDED: a device field the tenant does not know (an approval by a test helper, with no
  request) is ``null``. The ASN of an address the tenant cannot look up (loopback, private,
  documentation ranges: every address it sees) is ``"0"``, RFC 7607's AS 0 for non-routed
  space, so the field keeps the recorded string type; seeded history carries real-looking
  ones.
* UNRECORDED: checkpoint paging orders by creation time; ``next`` is the id of the first item
  of the next page and ``from`` starts at that item; an unknown ``from`` is 400.
* UNRECORDED: a refresh token from a sign-in without ``audience`` lists ``<issuer>userinfo``
  as its resource server; every token is ``rotating: true`` (the tenant always rotates).
* UNRECORDED: ``total`` is also sent for sessions with ``include_totals`` (recorded only for
  refresh tokens).
* UNRECORDED: 404 bodies "The session does not exist." / ``session_not_found`` and "The
  refresh token does not exist." / ``refresh_token_not_found``.
* ``DELETE /sessions/{id}`` ends the session only; ``POST /sessions/{id}/revoke`` ends it with
  its refresh tokens (§8.2); ``DELETE /users/{id}/sessions`` ends every session of the user,
  leaving refresh tokens; ``POST /users/{id}/revoke-access`` ends the sessions (all, or the
  one named) and, unless ``preserve_refresh_tokens``, their refresh tokens (all of the user's
  without ``session_id``) — §8.6's reading of the field names, UNRECORDED.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tui_console.devtenant.management_rules import ManagementApiError
from tui_console.devtenant.models import iso_timestamp
from tui_console.devtenant.records import RefreshFamily, Session, SignInContext

if TYPE_CHECKING:
    from tui_console.devtenant.state import TenantState

__all__ = [
    "SessionBook",
    "page_by_checkpoint",
    "refresh_token_json",
    "session_json",
]


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else iso_timestamp(epoch)


class SessionBook:
    """The tenant's sessions, under the tenant's lock and on its clock."""

    def __init__(self, state: TenantState) -> None:
        self._state = state
        self._sessions: dict[str, Session] = {}

    def clear(self) -> None:
        with self._state.lock:
            self._sessions.clear()

    def _alive(self, session: Session, now: float) -> bool:
        s = self._state.settings
        return (
            session.user_id in self._state.users
            and now < session.last_interacted_at + s.session_idle_ttl
            and now < session.created_at + s.session_absolute_ttl
        )

    def create(self, user_id: str, context: SignInContext, *, at: float | None = None) -> Session:
        """A new session for a sign-in (``at``: when, for seeded history)."""
        with self._state.lock:
            now = self._state.now() if at is None else at
            session = Session(
                id=secrets.token_urlsafe(24),
                user_id=user_id,
                created_at=now,
                authenticated_at=now,
                updated_at=now,
                last_interacted_at=now,
                initial_ip=context.ip,
                initial_user_agent=context.user_agent,
                last_ip=context.ip,
                last_user_agent=context.user_agent,
            )
            self._use(session, context, now)
            self._sessions[session.id] = session
            return session

    def touch(self, session: Session, context: SignInContext) -> None:
        """The session was used for another sign-in (cookie reuse): record it."""
        with self._state.lock:
            self._use(session, context, self._state.now())

    def _use(self, session: Session, context: SignInContext, now: float) -> None:
        if context.client_id not in session.client_ids:
            session.client_ids.append(context.client_id)
        if context.ip is not None:
            session.last_ip = context.ip
        if context.user_agent is not None:
            session.last_user_agent = context.user_agent
        if context.method is not None:
            session.methods.append((context.method, now, None))
            session.authenticated_at = now
        session.last_interacted_at = session.updated_at = now

    def get(self, session_id: str | None) -> Session | None:
        """The live session with this id, if any."""
        if not session_id:
            return None
        with self._state.lock:
            session = self._sessions.get(session_id)
            if session is None or not self._alive(session, self._state.now()):
                return None
            return session

    def of_user(self, user_id: str) -> list[Session]:
        """The user's live sessions, oldest first."""
        with self._state.lock:
            now = self._state.now()
            found = [
                s for s in self._sessions.values() if s.user_id == user_id and self._alive(s, now)
            ]
        return sorted(found, key=lambda s: (s.created_at, s.id))

    def end(self, session_ids: Iterable[str]) -> list[str]:
        """End these sessions; returns the ids that were alive."""
        with self._state.lock:
            ended = []
            for session_id in session_ids:
                session = self._sessions.pop(session_id, None)
                if session is not None:
                    ended.append(session_id)
            return ended

    def add(self, session: Session) -> None:
        """Keep a session built elsewhere (the seeded history)."""
        with self._state.lock:
            self._sessions[session.id] = session


def _asn(known: str | None, ip: str | None) -> str | None:
    if known is not None:
        return known
    return None if ip is None else "0"


def session_json(state: TenantState, session: Session) -> dict[str, Any]:
    """``GET /api/v2/sessions/{id}``'s object for ``session``."""
    s = state.settings
    methods = []
    for name, at, factor in session.methods:
        method: dict[str, Any] = {"name": name, "timestamp": iso_timestamp(at)}
        if factor is not None:
            method["type"] = factor
        methods.append(method)
    return {
        "id": session.id,
        "user_id": session.user_id,
        "created_at": iso_timestamp(session.created_at),
        "updated_at": iso_timestamp(session.updated_at),
        "authenticated_at": iso_timestamp(session.authenticated_at),
        "idle_expires_at": iso_timestamp(session.last_interacted_at + s.session_idle_ttl),
        "expires_at": iso_timestamp(session.created_at + s.session_absolute_ttl),
        "last_interacted_at": iso_timestamp(session.last_interacted_at),
        "device": {
            "initial_user_agent": session.initial_user_agent,
            "initial_ip": session.initial_ip,
            "initial_asn": _asn(session.initial_asn, session.initial_ip),
            "last_user_agent": session.last_user_agent,
            "last_ip": session.last_ip,
            "last_asn": _asn(session.last_asn, session.last_ip),
        },
        "clients": [{"client_id": client_id} for client_id in session.client_ids],
        "authentication": {"methods": methods},
    }


def refresh_token_json(state: TenantState, family: RefreshFamily) -> dict[str, Any]:
    """A refresh-token family as ``GET /api/v2/refresh-tokens/{id}`` shows it (recorded keys
    only: no ``device``, ``last_exchanged_at`` or metadata, NOTES.md §11)."""
    s = state.settings
    grant = family.grant
    return {
        "id": family.id,
        "user_id": grant.user_id,
        "created_at": iso_timestamp(family.created_at),
        "idle_expires_at": _iso(family.last_exchanged_at + s.refresh_idle_ttl),
        "expires_at": _iso(family.created_at + s.refresh_absolute_ttl),
        "client_id": grant.client_id,
        "session_id": grant.session_id,
        "rotating": True,
        "resource_servers": [
            {"audience": grant.audience or state.userinfo_audience, "scopes": grant.scope}
        ],
    }


def page_by_checkpoint(
    items: list[dict[str, Any]], start_id: str | None, take: int
) -> tuple[list[dict[str, Any]], str | None]:
    """``take`` items from the one whose ``id`` is ``start_id`` (the first without it), and
    the id that starts the next page (None on the last page)."""
    start = 0
    if start_id:
        start = next((n for n, item in enumerate(items) if item["id"] == start_id), -1)
        if start < 0:
            raise ManagementApiError(
                400,
                "Query validation error: 'from' is not a checkpoint of this list.",
                "invalid_query_string",
            )
    page = items[start : start + take]
    following = items[start + take] if start + take < len(items) else None
    return page, None if following is None else str(following["id"])
