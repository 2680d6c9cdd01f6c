"""Device codes: RFC 8628 as Auth0 runs it (auth0-reference.md §1 [A1, A3]).

* User codes are 8 letters of the base20 consonant set shown as ``XXXX-XXXX``; what a person
  types is matched without the dash and case (:func:`.records.normalize_user_code`).
* A poll faster than ``interval`` (counted from the previous poll's *response*) gets 429
  ``slow_down``; an expired code answers ``expired_token`` exactly once and ``invalid_grant``
  afterwards; a denied code answers ``access_denied``; an approved code is exchanged once.
* The auto-approver (``TenantSettings.auto_approve``, what ``tui-console demo`` relies on)
  approves a pending code as the demo user once it is old enough; it is applied lazily, when
  the code is next looked at, so no timer thread is needed.

The book keeps its codes under the tenant's lock, on the tenant's clock; a condition on that
same lock lets :meth:`DeviceCodeBook.wait_for_pending` wake as soon as the console asks for a
code, instead of polling from the test thread.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import TYPE_CHECKING

from tui_console.devtenant import seed
from tui_console.devtenant.http import AuthApiError
from tui_console.devtenant.records import (
    USER_CODE_ALPHABET,
    DeviceCode,
    Grant,
    SignInContext,
    normalize_user_code,
)

if TYPE_CHECKING:
    from tui_console.devtenant.state import TenantState

__all__ = ["DEVICE_CODE_GRANT", "DeviceCodeBook"]

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
#: Slack for clock granularity when checking the device poll interval.
POLL_INTERVAL_TOLERANCE = 0.1
#: How long finished device codes are kept (to answer ``invalid_grant`` rather than forget).
_GRAVEYARD = 3600.0


def _format_user_code(letters: str) -> str:
    return f"{letters[:4]}-{letters[4:]}"


class DeviceCodeBook:
    """The tenant's device codes, from ``/oauth/device/code`` to their one exchange."""

    def __init__(self, state: TenantState) -> None:
        self._state = state
        self._changed = threading.Condition(state.lock)
        self._codes: dict[str, DeviceCode] = {}
        self._user_codes: dict[str, str] = {}

    def clear(self) -> None:
        with self._state.lock:
            self._codes.clear()
            self._user_codes.clear()

    def prune(self, now: float) -> None:
        """Forget codes that finished long enough ago that nobody will poll them again."""
        with self._state.lock:
            for key, code in list(self._codes.items()):
                if now > code.expires_at + _GRAVEYARD:
                    del self._codes[key]
                    self._user_codes.pop(normalize_user_code(code.user_code), None)

    def create(self, client_id: str, scopes: tuple[str, ...], audience: str | None) -> DeviceCode:
        """A new pending code for ``client_id`` (RFC 8628 §3.2), with a user code no other
        live code has."""
        state = self._state
        with self._changed:
            now = state.now()
            state.forget_expired(now)
            while True:
                letters = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(8))
                if letters not in self._user_codes:
                    break
            code = DeviceCode(
                device_code=secrets.token_urlsafe(24),
                user_code=_format_user_code(letters),
                client_id=client_id,
                scopes=scopes,
                audience=audience,
                created_at=now,
                expires_at=now + state.settings.device_code_ttl,
                interval=state.settings.device_interval,
            )
            self._codes[code.device_code] = code
            self._user_codes[letters] = code.device_code
            self._changed.notify_all()
            return code

    def _settle(self, code: DeviceCode, now: float) -> None:
        """Apply the auto-approver: a pending code older than ``auto_approve`` seconds is
        approved as the demo user."""
        state = self._state
        delay = state.settings.auto_approve
        if (
            code.status == "pending"
            and delay is not None
            and now >= code.created_at + delay
            and now < code.expires_at
            and seed.DEMO_USER_ID in state.users
        ):
            code.status = "approved"
            code.user_id = seed.DEMO_USER_ID
            context = SignInContext(code.client_id, method="pwd")
            code.session_id = state.sessions.create(seed.DEMO_USER_ID, context).id

    def pending(self, user_code: str) -> DeviceCode | None:
        """The unexpired, undecided device code for what a person typed, if any."""
        letters = normalize_user_code(user_code)
        with self._state.lock:
            device_code = self._user_codes.get(letters)
            code = self._codes.get(device_code) if device_code else None
            if code is None:
                return None
            now = self._state.now()
            self._settle(code, now)
            if code.status != "pending" or now >= code.expires_at:
                return None
            return code

    def decide(
        self, user_code: str, *, approve: bool, user_id: str, session_id: str | None
    ) -> bool:
        """Approve or deny a pending code; False when it is no longer pending."""
        with self._changed:
            code = self.pending(user_code)
            if code is None:
                return False
            code.status = "approved" if approve else "denied"
            code.user_id = user_id
            code.session_id = session_id
            self._changed.notify_all()
            return True

    def pending_user_codes(self) -> list[str]:
        """User codes still waiting for a decision, oldest first."""
        with self._state.lock:
            now = self._state.now()
            codes = []
            for code in self._codes.values():
                self._settle(code, now)
                if code.status == "pending" and now < code.expires_at:
                    codes.append(code.user_code)
            return codes

    def wait_for_pending(self, timeout: float) -> str:
        """Block until a device code is pending and return its user code (for tests)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                pending = self.pending_user_codes()
                if pending:
                    return pending[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no device code became pending in time")
                self._changed.wait(min(left, 0.05))

    def poll(self, device_code: str, client_id: str) -> Grant:
        """One ``device_code`` grant poll: the grant once approved, else the Auth0 error.

        Order: unknown/used → ``invalid_grant``; expired → ``expired_token`` once, then
        ``invalid_grant``; faster than ``interval`` since the last poll → 429 ``slow_down``;
        then pending / denied / approved.
        """
        state = self._state
        with state.lock:
            state.stats.device_polls += 1
            now = state.now()
            code = self._codes.get(device_code)
            invalid = AuthApiError(403, "invalid_grant", "Invalid or expired device code.")
            if code is None or code.client_id != client_id or code.status == "consumed":
                raise invalid
            if now >= code.expires_at:
                if code.expiry_reported:
                    raise invalid
                code.expiry_reported = True
                raise AuthApiError(403, "expired_token", "Device code has expired.")
            last, code.last_poll_at = code.last_poll_at, now
            if last is not None and now - last < code.interval - POLL_INTERVAL_TOLERANCE:
                raise AuthApiError(
                    429,
                    "slow_down",
                    "You are polling faster than the specified interval of "
                    f"{code.interval} seconds.",
                )
            self._settle(code, now)
            if code.status == "pending":
                raise AuthApiError(
                    403, "authorization_pending", "User has yet to authorize device code."
                )
            if code.status == "denied":
                raise AuthApiError(403, "access_denied", "User cancelled the confirmation prompt.")
            assert code.user_id is not None
            if code.user_id not in state.users:
                raise invalid
            code.status = "consumed"
            return Grant(
                user_id=code.user_id,
                client_id=code.client_id,
                scopes=code.scopes,
                audience=code.audience,
                session_id=code.session_id,
            )
