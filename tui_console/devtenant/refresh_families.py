"""Refresh-token families: rotation, reuse detection and lifetimes (auth0-reference.md §3
[C2-C5]).

A sign-in with ``offline_access`` starts a *family*; every exchange rotates, handing out a new
token of the same family. Presenting a rotated-away token revokes the whole family (reuse
detection: the token may have been stolen), except the immediately previous token inside the
"Rotation Overlap Period" (``refresh_reuse_leeway``), so a client whose answer was lost can
retry. Idle and absolute lifetimes end a family; revoking any of its tokens ends it
(RFC 7009), and the Management API ends families by id, by session or by user.

A family remembers the grant it was issued for, including the DPoP key it is bound to
(``Grant.dpop_jkt``): :mod:`.token_routes` checks that binding before anything is spent. A
refresh may name another ``audience`` when the application's Multi-Resource Refresh Token
policy allows it (§3.6, :func:`.my_account.refresh_policy_grant`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from tui_console.devtenant.http import AuthApiError
from tui_console.devtenant.my_account_audience import (
    MY_ACCOUNT_SCOPES,
    RefreshPolicyRefused,
    my_account_audience,
    refresh_policy_grant,
)
from tui_console.devtenant.records import Grant, RefreshFamily, RefreshToken

if TYPE_CHECKING:
    from tui_console.devtenant.state import TenantState

__all__ = ["RefreshFamilies"]

_INVALID_REFRESH = "Unknown or invalid refresh token."


class RefreshFamilies:
    """Every refresh token the tenant issued, grouped by family, under the tenant's lock."""

    def __init__(self, state: TenantState) -> None:
        self._state = state
        self._tokens: dict[str, RefreshToken] = {}
        self._families: dict[str, RefreshFamily] = {}

    def clear(self) -> None:
        with self._state.lock:
            self._tokens.clear()
            self._families.clear()

    def _find(self, token: str) -> tuple[RefreshToken, RefreshFamily] | None:
        """``token``'s record and family (None: a token this tenant never issued)."""
        record = self._tokens.get(token)
        return None if record is None else (record, self._families[record.family_id])

    def _unrevoked(self, token: str, client_id: str) -> tuple[RefreshToken, RefreshFamily] | None:
        """``token``'s record and family when the family is not revoked and is ``client_id``'s:
        a token of another application is as unknown as a made-up one."""
        found = self._find(token)
        if found is None or found[1].revoked or found[1].grant.client_id != client_id:
            return None
        return found

    def _new_token(self, family: RefreshFamily, now: float) -> str:
        token = "v1." + secrets.token_urlsafe(48)
        self._tokens[token] = RefreshToken(token, family.id, now)
        family.tokens.append(token)
        return token

    def issue(self, grant: Grant) -> str:
        """Start a family for a fresh sign-in; returns its first token."""
        with self._state.lock:
            now = self._state.now()
            family = RefreshFamily(
                id=secrets.token_urlsafe(16),
                grant=replace(grant, nonce=None),
                created_at=now,
                last_exchanged_at=now,
            )
            self._families[family.id] = family
            return self._new_token(family, now)

    def exchange(
        self, token: str, client_id: str, *, audience: str | None = None, scope: str | None = None
    ) -> tuple[Grant, str]:
        """Rotate ``token``: the family's grant and a new refresh token, or 403
        ``invalid_grant`` (unknown, revoked, expired, or reused — which revokes the family).

        ``audience``, when given, must be the sign-in's, or one the client's Multi-Resource
        Refresh Token policy names (auth0-reference.md §3.6): then the grant is for that API,
        with ``scope`` cut to what the policy allows.
        """
        state = self._state
        with state.lock:
            now = state.now()
            invalid = AuthApiError(403, "invalid_grant", _INVALID_REFRESH)
            found = self._unrevoked(token, client_id)
            if found is None:
                raise invalid
            record, family = found
            s = state.settings
            if (
                now - family.created_at > s.refresh_absolute_ttl
                or now - family.last_exchanged_at > s.refresh_idle_ttl
            ):
                family.revoked = True
                raise invalid
            if family.grant.user_id not in state.users:
                raise AuthApiError(
                    403,
                    "invalid_grant",
                    "The refresh_token was generated for a user who doesn't exist anymore.",
                )
            grant = family.grant
            if audience is not None and audience != family.grant.audience:
                grant = self._multi_resource_grant(family.grant, audience, scope)
            if record.used_at is not None:
                within_leeway = (
                    s.refresh_reuse_leeway > 0
                    and family.previous == token
                    and now - record.used_at <= s.refresh_reuse_leeway
                )
                if not within_leeway:
                    family.revoked = True
                    state.stats.reuse_detections += 1
                    raise invalid
            else:
                record.used_at = now
                family.previous = token
            family.last_exchanged_at = now
            state.stats.refresh_exchanges += 1
            return grant, self._new_token(family, now)

    def _multi_resource_grant(self, grant: Grant, audience: str, scope: str | None) -> Grant:
        """The MRRT grant for ``audience``, or 403 ``access_denied`` (UNRECORDED wording)."""
        state = self._state
        s = state.settings
        policy: tuple[str, ...] | None = None
        if audience == my_account_audience(state.issuer) and s.my_account_refresh_policy != ():
            policy = s.my_account_refresh_policy or MY_ACCOUNT_SCOPES
        try:
            return refresh_policy_grant(
                grant,
                audience,
                scope,
                api=state.resource_server(audience),
                policy=policy,
                has_client_grant=s.my_account_client_grant != (),
            )
        except RefreshPolicyRefused as exc:
            raise AuthApiError(403, "access_denied", str(exc)) from None

    def revoke(self, token: str, client_id: str) -> bool:
        """End ``token``'s family (RFC 7009: unknown tokens are not an error). True when a
        live family was revoked."""
        with self._state.lock:
            found = self._unrevoked(token, client_id)
            if found is None:
                return False
            found[1].revoked = True
            self._state.stats.revocations += 1
            return True

    def live_families(self, user_id: str) -> list[RefreshFamily]:
        """The user's families that can still be exchanged, oldest first."""
        with self._state.lock:
            return sorted(
                (
                    f
                    for f in self._families.values()
                    if f.grant.user_id == user_id and self._live(f)
                ),
                key=lambda f: (f.created_at, f.id),
            )

    def live_family(self, family_id: str) -> RefreshFamily | None:
        with self._state.lock:
            family = self._families.get(family_id)
            return family if family is not None and self._live(family) else None

    def _live(self, family: RefreshFamily) -> bool:
        state = self._state
        now, s = state.now(), state.settings
        return (
            not family.revoked
            and family.grant.user_id in state.users
            and now - family.created_at <= s.refresh_absolute_ttl
            and now - family.last_exchanged_at <= s.refresh_idle_ttl
        )

    def revoke_families(
        self, *, family_ids: Iterable[str] = (), session_ids: Iterable[str] = (), user_id: str = ""
    ) -> int:
        """Revoke families by id, by session, or every one of ``user_id``; returns how many
        live ones ended (the Management API's deletes and revoke-access)."""
        ids, sessions = set(family_ids), set(session_ids)
        with self._state.lock:
            ended = 0
            for family in self._families.values():
                grant = family.grant
                if (
                    family.id in ids
                    or (grant.session_id is not None and grant.session_id in sessions)
                    or (user_id and grant.user_id == user_id)
                ) and self._live(family):
                    family.revoked = True
                    ended += 1
            return ended

    def binding(self, token: str) -> str | None:
        """The DPoP ``jkt`` ``token``'s family is bound to (None: unbound or unknown)."""
        with self._state.lock:
            found = self._find(token)
            return None if found is None else found[1].grant.dpop_jkt

    def family_revoked(self, token: str) -> bool | None:
        """Whether ``token``'s family is revoked (None: unknown token). For tests."""
        with self._state.lock:
            found = self._find(token)
            return None if found is None else found[1].revoked
