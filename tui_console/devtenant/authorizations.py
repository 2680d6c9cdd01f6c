"""What a browser sign-in leaves between its requests: login transactions, consents,
authorization codes and opaque ``/userinfo`` access tokens.

* A **login transaction** carries an ``/authorize`` or ``/activate`` request across the hosted
  pages (Universal Login's ``state``); it lives an hour.
* **Consent** is remembered per user, application and API, so a second sign-in asking for the
  same scopes skips the consent page (auth0-reference.md §2.5 [B6]).
* **Authorization codes** (§2 [B1, B2]) are single use, bound to the client, the
  ``redirect_uri`` and the PKCE S256 challenge (RFC 7636 §4.6); any redemption attempt uses the
  code up, so a wrong verifier cannot be retried.
* **Opaque access tokens** are what Auth0 issues without an ``audience``: 32 characters good
  only at ``/userinfo`` (:mod:`.tokens`).

Everything here is short-lived and in memory only; it is kept under the tenant's lock and
forgotten by :meth:`AuthorizationBook.prune` once expired.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tui_console.devtenant.http import AuthApiError
from tui_console.devtenant.records import (
    AuthorizationCode,
    Grant,
    LoginTransaction,
    OpaqueAccessToken,
)

if TYPE_CHECKING:
    from tui_console.devtenant.state import TenantState

__all__ = ["AUTHORIZATION_CODE_TTL", "LOGIN_TRANSACTION_TTL", "AuthorizationBook"]

AUTHORIZATION_CODE_TTL = 600.0
LOGIN_TRANSACTION_TTL = 3600.0


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class AuthorizationBook:
    """Sign-ins in progress and what they hand out before the token endpoint."""

    def __init__(self, state: TenantState) -> None:
        self._state = state
        self._transactions: dict[str, LoginTransaction] = {}
        self._consents: dict[tuple[str, str, str], set[str]] = {}
        self._codes: dict[str, AuthorizationCode] = {}
        self._opaque_tokens: dict[str, OpaqueAccessToken] = {}

    def clear(self) -> None:
        with self._state.lock:
            self._transactions.clear()
            self._consents.clear()
            self._codes.clear()
            self._opaque_tokens.clear()

    def prune(self, now: float) -> None:
        """Forget expired codes, transactions and opaque tokens."""
        with self._state.lock:
            for key, code in list(self._codes.items()):
                if now > code.expires_at:
                    del self._codes[key]
            for key, txn in list(self._transactions.items()):
                if now - txn.created_at > LOGIN_TRANSACTION_TTL:
                    del self._transactions[key]
            for key, token in list(self._opaque_tokens.items()):
                if now > token.expires_at:
                    del self._opaque_tokens[key]

    # -- login transactions -------------------------------------------------------------------

    def create_transaction(self, **fields: Any) -> LoginTransaction:
        with self._state.lock:
            now = self._state.now()
            self._state.forget_expired(now)
            txn = LoginTransaction(id=secrets.token_urlsafe(24), created_at=now, **fields)
            self._transactions[txn.id] = txn
            return txn

    def transaction(self, txn_id: str | None) -> LoginTransaction | None:
        """The live transaction ``txn_id`` names (None: unknown, finished or an hour old)."""
        if not txn_id:
            return None
        with self._state.lock:
            txn = self._transactions.get(txn_id)
            if txn is None or self._state.now() - txn.created_at > LOGIN_TRANSACTION_TTL:
                return None
            return txn

    def finish_transaction(self, txn_id: str) -> None:
        with self._state.lock:
            self._transactions.pop(txn_id, None)

    # -- consent ------------------------------------------------------------------------------

    def has_consent(
        self, user_id: str, client_id: str, audience: str | None, scopes: Iterable[str]
    ) -> bool:
        with self._state.lock:
            given = self._consents.get((user_id, client_id, audience or ""), set())
            return set(scopes) <= given

    def record_consent(
        self, user_id: str, client_id: str, audience: str | None, scopes: Iterable[str]
    ) -> None:
        with self._state.lock:
            self._consents.setdefault((user_id, client_id, audience or ""), set()).update(scopes)

    # -- authorization codes ------------------------------------------------------------------

    def create_code(
        self,
        grant: Grant,
        *,
        redirect_uri: str,
        redirect_uri_sent: bool,
        code_challenge: str | None,
    ) -> str:
        with self._state.lock:
            now = self._state.now()
            self._state.forget_expired(now)
            record = AuthorizationCode(
                code=secrets.token_urlsafe(32),
                grant=grant,
                redirect_uri=redirect_uri,
                redirect_uri_sent=redirect_uri_sent,
                code_challenge=code_challenge,
                expires_at=now + AUTHORIZATION_CODE_TTL,
            )
            self._codes[record.code] = record
            return record.code

    def redeem_code(
        self,
        code: str,
        *,
        client_id: str,
        redirect_uri: str | None,
        code_verifier: str | None,
    ) -> Grant:
        """The grant behind ``code``. Any attempt uses the code up (single use, RFC 6749
        §4.1.2), so a wrong verifier cannot be retried."""
        state = self._state
        with state.lock:
            record = self._codes.pop(code, None)
            if (
                record is None
                or record.grant.client_id != client_id
                or state.now() >= record.expires_at
            ):
                raise AuthApiError(403, "invalid_grant", "Invalid authorization code")
            if redirect_uri is not None and redirect_uri not in state.settings.callback_urls:
                raise AuthApiError(
                    403,
                    "unauthorized_client",
                    "The redirect_uri MUST match the registered callback URL for this application.",
                )
            if record.redirect_uri_sent and redirect_uri != record.redirect_uri:
                raise AuthApiError(
                    403,
                    "invalid_grant",
                    "The redirect_uri does not match the one sent to /authorize.",
                )
            if record.code_challenge is not None and (
                not code_verifier
                or not hmac.compare_digest(_s256(code_verifier), record.code_challenge)
            ):
                raise AuthApiError(403, "invalid_grant", "Failed to verify code verifier")
            if record.grant.user_id not in state.users:
                raise AuthApiError(403, "invalid_grant", "Invalid authorization code")
            return record.grant

    # -- opaque access tokens -----------------------------------------------------------------

    def issue_opaque_token(self, grant: Grant, expires_at: float) -> str:
        with self._state.lock:
            self._state.forget_expired(self._state.now())
            token = secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-], as recorded
            self._opaque_tokens[token] = OpaqueAccessToken(grant, expires_at)
            return token

    def opaque_token(self, token: str) -> OpaqueAccessToken | None:
        with self._state.lock:
            return self._opaque_tokens.get(token)
