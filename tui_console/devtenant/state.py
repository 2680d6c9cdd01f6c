"""Everything the dev tenant remembers, and the rules Auth0 applies to it.

One :class:`TenantState` holds users, the application, device codes, authorization codes,
sign-in sessions, consents, opaque ``/userinfo`` tokens and refresh-token families, plus
:class:`TenantStats` counters that tests read. The routes translate HTTP into calls here; the
rules themselves live here so they can be read in one place:

* **Device codes** (RFC 8628 as Auth0 runs it, auth0-reference.md §1 [A1, A3]): user codes are
  8 letters of the base20 consonant set as ``XXXX-XXXX``; polls faster than ``interval``
  (counted from the previous poll's *response*) get ``slow_down``; an expired code answers
  ``expired_token`` exactly once and ``invalid_grant`` afterwards; a denied code answers
  ``access_denied``; an approved code is exchanged once.
* **Authorization codes** (§2 [B1, B2]): single use, bound to the client, the ``redirect_uri``
  and the PKCE S256 challenge.
* **Refresh tokens** (§3 [C2-C5]): each exchange rotates; presenting a rotated-away token
  revokes the whole family (reuse detection), except the immediately previous token inside the
  "Rotation Overlap Period" (``refresh_reuse_leeway``); idle and absolute lifetimes end a family;
  revoking any token of a family ends it.
* **Account linking** (§6.4-6.5; NOTES.md §3): linking moves the secondary user's identities
  into the primary's (the secondary's own identity now carrying its ``profileData``) and the
  secondary stops existing as a user; signing in with its password then signs in as the primary.
  Unlinking turns the identity back into a standalone ``provider|user_id`` user with no
  metadata; an unlink that matches nothing changes nothing.
* **Device credentials** (§6.6; NOTES.md §4): one ``public_key`` per device and user; deleting
  one that is already gone is not an error.
* **Management API rate limits** (§7; NOTES.md §7): a tenant-wide bucket checked first, then a
  per-caller bucket (device-credential writes have their own); see :meth:`take_management`.
* **DPoP** (§4.4): grants and refresh-token families remember the key they are bound to
  (``Grant.dpop_jkt``); nonces and seen proof ``jti`` values live in :attr:`TenantState.dpop`
  (:mod:`tui_console.devtenant.dpop` has the rules and the guesses).

The server runs in a background thread while tests read counters and drive device codes from
the main thread, so every mutation happens under one re-entrant lock.

Time comes from :meth:`TenantState.now`, the wall clock plus an offset that
:meth:`TenantState.advance_clock` moves, so tests can expire 30-day refresh tokens without
waiting.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tui_console.devtenant import seed
from tui_console.devtenant.attack_protection import BruteForceGuard
from tui_console.devtenant.directory import directory_users
from tui_console.devtenant.dpop import DPoPGuard
from tui_console.devtenant.faults import FailureInjector, InjectedFailure
from tui_console.devtenant.keys import SigningKey
from tui_console.devtenant.logs import LogStore
from tui_console.devtenant.machine_clients import MachineClients
from tui_console.devtenant.management import (
    ManagementApiError,
    apply_user_patch,
    new_credential_id,
    subject_mismatch,
    user_not_found,
)
from tui_console.devtenant.mfa import MfaRegistry
from tui_console.devtenant.models import (
    NO_PASSWORD,
    Client,
    DeviceCredential,
    Identity,
    ResourceServer,
    User,
    iso_timestamp,
    verify_password,
)
from tui_console.devtenant.my_account import (
    MY_ACCOUNT_SCOPES,
    MyAccountData,
    RefreshPolicyRefused,
    demo_methods,
    my_account_api,
    my_account_audience,
    refresh_policy_grant,
)
from tui_console.devtenant.rate_limits import BucketRegistry, RateLimitDecision
from tui_console.devtenant.records import (
    USER_CODE_ALPHABET,
    AuthorizationCode,
    DeviceCode,
    Grant,
    LoginTransaction,
    OpaqueAccessToken,
    RefreshFamily,
    RefreshToken,
    Session,
    SignInContext,
    normalize_user_code,
)
from tui_console.devtenant.sessions import SessionBook
from tui_console.devtenant.settings import TenantSettings
from tui_console.devtenant.story import tell_story

__all__ = [
    "DEVICE_CODE_GRANT",
    "AuthApiError",
    "TenantState",
    "TenantStats",
    "write_private_text",
]

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
#: Scopes the OIDC layer understands without an API (OIDC Core §5.4, plus offline_access).
OIDC_SCOPES = frozenset({"openid", "profile", "email", "address", "phone", "offline_access"})
AUTHORIZATION_CODE_TTL = 600.0
LOGIN_TRANSACTION_TTL = 3600.0
#: Slack for clock granularity when checking the device poll interval.
POLL_INTERVAL_TOLERANCE = 0.1
#: How long finished device codes are kept (to answer ``invalid_grant`` rather than forget).
_DEVICE_CODE_GRAVEYARD = 3600.0
_STATE_FILE_VERSION = 1

_INVALID_REFRESH = "Unknown or invalid refresh token."
#: The key of the one tenant-wide Management bucket.
_TENANT_KEY = "tenant"
#: Profile attributes an unlinked identity's ``profileData`` hands to its standalone user.
_PROFILE_KEYS = (
    "email",
    "email_verified",
    "name",
    "nickname",
    "picture",
    "given_name",
    "family_name",
    "username",
)


class AuthApiError(Exception):
    """An Authentication API refusal: HTTP status plus the ``{error, error_description}`` body.

    Auth0 uses the status inconsistently (403 for a pending device code, 429 for ``slow_down``,
    401 and 403 for two kinds of ``access_denied``), so the status travels with the error.
    """

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{status} {error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


@dataclass
class TenantStats:
    """Counters the tests read (plain ints: safe to read from another thread)."""

    token_requests: int = 0
    """Every ``POST /oauth/token``, whatever the outcome."""
    refresh_exchanges: int = 0
    """Successful ``refresh_token`` grants."""
    reuse_detections: int = 0
    """Rotated-away refresh tokens presented outside the leeway (each revoked a family)."""
    revocations: int = 0
    """Refresh-token families ended by ``POST /oauth/revoke``."""
    device_polls: int = 0
    """``device_code`` grant requests."""
    userinfo_requests: int = 0
    """Every ``/userinfo`` request, including the 401s and 429s."""
    logins: int = 0
    """Successful username/password sign-ins on the login page."""
    management_requests: int = 0
    """Every request under ``/api/v2/``, whatever the outcome (401s, 429s, injected ones)."""
    management_429s: int = 0
    """Management API 429s sent, injected ones included."""
    management_requests_on_empty_bucket: int = 0
    """Management API requests that arrived while their bucket (tenant-wide, per caller or
    device-credential writes) was empty. A client that paces itself keeps this at 0."""
    management_injected_failures: int = 0
    """Management API requests answered (or stalled) by :meth:`TenantState.inject_failure`."""
    dpop_nonce_challenges: int = 0
    """``use_dpop_nonce`` answers (token endpoint and ``/userinfo``)."""
    dpop_rejections: int = 0
    """DPoP proofs or bindings refused (``invalid_dpop_proof``, and bound tokens misused)."""
    my_account_requests: int = 0
    """Requests to the My Account API (``/me/v1``), answered or refused."""
    my_account_429s: int = 0
    """My Account requests refused by its per-user rate limit."""

    def snapshot(self) -> dict[str, int]:
        return asdict(self)


def write_private_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file, fsync, rename) with mode 0600: the
    state file holds the signing key, the support client's key file its private key."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _seed_users() -> list[User]:
    return [*seed.demo_users(), *directory_users()]


def _seed_clients() -> dict[str, Client]:
    return {c.client_id: c for c in (seed.demo_client(), *seed.support_clients())}


def _format_user_code(letters: str) -> str:
    return f"{letters[:4]}-{letters[4:]}"


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class TenantState:
    """The tenant's data and rules. Construct it seeded, or :meth:`load` a saved one.

    ``issuer`` and ``settings`` are set by the server once the port is known
    (:func:`tui_console.devtenant.server.serve`), so a state can be built before binding.
    """

    def __init__(
        self,
        settings: TenantSettings | None = None,
        *,
        issuer: str = "http://127.0.0.1/",
        signing_key: SigningKey | None = None,
        users: Iterable[User] | None = None,
        device_credentials: Iterable[DeviceCredential] | None = None,
        support_key_pem: str | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._clock_offset = 0.0
        self.issuer = issuer
        self.signing_key = signing_key or SigningKey.generate()
        self.stats = TenantStats()
        self.state_file: Path | None = None
        """Where :meth:`persist` saves; set by ``serve(state_file=...)``."""
        self.users: dict[str, User] = {
            u.user_id: u for u in (users if users is not None else _seed_users())
        }
        self.device_credentials: dict[str, DeviceCredential] = {
            c.id: c
            for c in (
                device_credentials
                if device_credentials is not None
                else seed.demo_device_credentials()
            )
        }
        self.clients: dict[str, Client] = _seed_clients()
        self.machine = MachineClients(self, support_key_pem)
        """The support applications' credentials and grants (:mod:`.machine_clients`)."""
        self._device_codes: dict[str, DeviceCode] = {}
        self._user_codes: dict[str, str] = {}
        self._auth_codes: dict[str, AuthorizationCode] = {}
        self.sessions = SessionBook(self)
        """Sign-in sessions (:mod:`.sessions`)."""
        self.logs = LogStore(self)
        """Log events (:mod:`.logs`)."""
        self.brute_force = BruteForceGuard(self)
        """Failed-password counts and user blocks (:mod:`.attack_protection`)."""
        self.mfa = MfaRegistry(self)
        """Users' MFA factors (:mod:`.mfa`)."""
        self._transactions: dict[str, LoginTransaction] = {}
        self._consents: dict[tuple[str, str, str], set[str]] = {}
        self._opaque_tokens: dict[str, OpaqueAccessToken] = {}
        self._refresh_tokens: dict[str, RefreshToken] = {}
        self._families: dict[str, RefreshFamily] = {}
        self._settings = settings or TenantSettings()
        self.failures = FailureInjector()
        self.dpop = DPoPGuard(self)
        """DPoP nonces and replay memory (:mod:`tui_console.devtenant.dpop`)."""
        self.my_account = MyAccountData(
            self.now, seed=demo_methods(seed.DEMO_USER_ID, seed.DEMO_EMAIL)
        )
        """Authentication methods per user (:mod:`tui_console.devtenant.my_account`)."""
        self._build_limiters()
        tell_story(self)

    # -- configuration and time ---------------------------------------------------------------

    @property
    def lock(self) -> threading.RLock:
        """The one re-entrant lock every aggregate of the tenant mutates under."""
        return self._lock

    @property
    def settings(self) -> TenantSettings:
        return self._settings

    @settings.setter
    def settings(self, value: TenantSettings) -> None:
        with self._lock:
            self._settings = value
            self._build_limiters()

    def _build_limiters(self) -> None:
        s = self._settings
        self.userinfo_limits = BucketRegistry.per_minute(
            s.userinfo_burst, s.userinfo_refill_per_minute, self.now
        )
        # Auth0 counts requests with a bad token in a separate, large bucket (recorded: limit
        # 1000 on a 401, NOTES.md §7), keyed by caller since there is no user.
        self.invalid_token_limits = BucketRegistry.per_minute(1000, 1000, self.now)
        self.management_global_limits = BucketRegistry(
            s.management_global_burst, s.management_global_refill_per_second, self.now
        )
        self.management_limits = BucketRegistry.per_minute(
            s.management_burst, s.management_refill_per_minute, self.now
        )
        self.device_credentials_write_limits = BucketRegistry.per_minute(
            s.device_credentials_write_burst, s.device_credentials_write_refill_per_minute, self.now
        )
        self.logs_limits = BucketRegistry.per_minute(
            s.logs_burst, s.logs_refill_per_minute, self.now
        )
        self.my_account_limits = {
            "read": BucketRegistry.per_minute(
                s.my_account_read_per_minute, s.my_account_read_per_minute, self.now
            ),
            "write": BucketRegistry.per_minute(
                s.my_account_write_per_minute, s.my_account_write_per_minute, self.now
            ),
        }

    def count(self, counter: str) -> None:
        """Add one to :attr:`stats` ``counter`` (under the lock: the server thread writes)."""
        with self._lock:
            setattr(self.stats, counter, getattr(self.stats, counter) + 1)

    def now(self) -> float:
        """Epoch seconds as the tenant sees them (wall clock + :meth:`advance_clock` offset)."""
        return time.time() + self._clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Move the tenant's clock forward: expire codes and tokens without sleeping."""
        with self._lock:
            self._clock_offset += seconds

    @property
    def management_audience(self) -> str:
        return f"{self.issuer}api/v2/"

    @property
    def userinfo_audience(self) -> str:
        return f"{self.issuer}userinfo"

    def resource_server(self, audience: str) -> ResourceServer | None:
        """The API named by ``audience``: the Management API, or the My Account API once
        activated (:mod:`.my_account`)."""
        if audience == my_account_audience(self.issuer):
            s = self._settings
            return my_account_api(
                self.issuer, active=s.my_account_active, client_grant=s.my_account_client_grant
            )
        api = seed.management_api(self.issuer)
        return api if audience == api.identifier else None

    def get_client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    def grant_scopes(
        self, requested: str | None, audience: str | None, client: Client
    ) -> tuple[str, ...]:
        """The scopes a token gets: OIDC scopes plus those the API defines; others dropped.

        ``offline_access`` needs the client's refresh_token grant and the API's "Allow Offline
        Access" (auth0-reference.md §3.1 [C1]).
        """
        api = self.resource_server(audience) if audience else None
        granted: list[str] = []
        for scope in (requested or "").split():
            if scope in granted:
                continue
            if scope == "offline_access":
                if "refresh_token" not in client.grant_types:
                    continue
                if api is not None and not api.allow_offline_access:
                    continue
            if scope in OIDC_SCOPES or (api is not None and scope in api.scopes):
                granted.append(scope)
        return tuple(granted)

    # -- users and sessions -------------------------------------------------------------------

    def get_user(self, user_id: str) -> User | None:
        with self._lock:
            return self.users.get(user_id)

    def find_user_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        with self._lock:
            return next((u for u in self.users.values() if u.email.lower() == wanted), None)

    def authenticate(self, email: str, password: str, *, ip: str | None = None) -> User | None:
        """The user with these credentials, with Auth0's login bookkeeping done; else None.

        Credentials of a database account that was linked into another user sign in as that
        (primary) user, as on Auth0.
        """
        wanted = email.strip().lower()
        with self._lock:
            candidates = [u for u in self.users.values() if u.email.lower() == wanted]
        # Several users may share an e-mail (a database user and an unlinked social one).
        user = next((u for u in candidates if u.check_password(password)), None)
        if user is None:
            user = self._linked_account_owner(wanted, password)
        if user is None:
            return None
        with self._lock:
            stamp = iso_timestamp(self.now())
            user.last_login = stamp
            user.updated_at = stamp
            user.logins_count = (user.logins_count or 0) + 1
            if ip:
                user.last_ip = ip
            self.stats.logins += 1
        return user

    def _linked_account_owner(self, wanted: str, password: str) -> User | None:
        with self._lock:
            for user in self.users.values():
                for identity in user.identities[1:]:
                    profile_email = str((identity.profile_data or {}).get("email", ""))
                    if (
                        identity.password_hash is not None
                        and profile_email.lower() == wanted
                        and verify_password(password, identity.password_hash)
                    ):
                        return user
        return None

    def create_session(self, user_id: str, context: SignInContext | None = None) -> Session:
        """A new session for a sign-in; without ``context``, one a test helper or the
        auto-approver made for the console (no request, so no IP or user agent)."""
        return self.sessions.create(user_id, context or SignInContext(seed.CLIENT_ID, method="pwd"))

    def get_session(self, session_id: str | None) -> Session | None:
        """The live session with this id whose user still exists."""
        return self.sessions.get(session_id)

    def has_consent(
        self, user_id: str, client_id: str, audience: str | None, scopes: Iterable[str]
    ) -> bool:
        with self._lock:
            given = self._consents.get((user_id, client_id, audience or ""), set())
            return set(scopes) <= given

    def record_consent(
        self, user_id: str, client_id: str, audience: str | None, scopes: Iterable[str]
    ) -> None:
        with self._lock:
            self._consents.setdefault((user_id, client_id, audience or ""), set()).update(scopes)

    # -- login transactions -------------------------------------------------------------------

    def create_transaction(self, **fields: Any) -> LoginTransaction:
        with self._lock:
            now = self.now()
            self._prune(now)
            txn = LoginTransaction(id=secrets.token_urlsafe(24), created_at=now, **fields)
            self._transactions[txn.id] = txn
            return txn

    def get_transaction(self, txn_id: str | None) -> LoginTransaction | None:
        if not txn_id:
            return None
        with self._lock:
            txn = self._transactions.get(txn_id)
            if txn is None or self.now() - txn.created_at > LOGIN_TRANSACTION_TTL:
                return None
            return txn

    def finish_transaction(self, txn_id: str) -> None:
        with self._lock:
            self._transactions.pop(txn_id, None)

    # -- device codes -------------------------------------------------------------------------

    def create_device_code(
        self, client_id: str, scopes: tuple[str, ...], audience: str | None
    ) -> DeviceCode:
        with self._changed:
            now = self.now()
            self._prune(now)
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
                expires_at=now + self._settings.device_code_ttl,
                interval=self._settings.device_interval,
            )
            self._device_codes[code.device_code] = code
            self._user_codes[letters] = code.device_code
            self._changed.notify_all()
            return code

    def _settle(self, code: DeviceCode, now: float) -> None:
        """Apply the auto-approver: a pending code older than ``auto_approve`` seconds is
        approved as the demo user (what ``tui-console demo`` relies on)."""
        delay = self._settings.auto_approve
        if (
            code.status == "pending"
            and delay is not None
            and now >= code.created_at + delay
            and now < code.expires_at
            and seed.DEMO_USER_ID in self.users
        ):
            code.status = "approved"
            code.user_id = seed.DEMO_USER_ID
            context = SignInContext(code.client_id, method="pwd")
            code.session_id = self.create_session(seed.DEMO_USER_ID, context).id

    def pending_device_code(self, user_code: str) -> DeviceCode | None:
        """The unexpired, undecided device code for what a person typed, if any."""
        letters = normalize_user_code(user_code)
        with self._lock:
            device_code = self._user_codes.get(letters)
            code = self._device_codes.get(device_code) if device_code else None
            if code is None:
                return None
            now = self.now()
            self._settle(code, now)
            if code.status != "pending" or now >= code.expires_at:
                return None
            return code

    def decide_device_code(
        self, user_code: str, *, approve: bool, user_id: str, session_id: str | None
    ) -> bool:
        """Approve or deny a pending code; False when it is no longer pending."""
        with self._changed:
            code = self.pending_device_code(user_code)
            if code is None:
                return False
            code.status = "approved" if approve else "denied"
            code.user_id = user_id
            code.session_id = session_id
            self._changed.notify_all()
            return True

    def pending_user_codes(self) -> list[str]:
        """User codes still waiting for a decision, oldest first."""
        with self._lock:
            now = self.now()
            codes = []
            for code in self._device_codes.values():
                self._settle(code, now)
                if code.status == "pending" and now < code.expires_at:
                    codes.append(code.user_code)
            return codes

    def wait_for_pending_device_code(self, timeout: float = 10.0) -> str:
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

    def approve_pending_device_codes(self, user_id: str = seed.DEMO_USER_ID) -> int:
        """Approve every pending code as ``user_id``; returns how many."""
        with self._lock:
            session = self.create_session(user_id)
            return sum(
                self.decide_device_code(c, approve=True, user_id=user_id, session_id=session.id)
                for c in self.pending_user_codes()
            )

    def deny_pending_device_codes(self) -> int:
        """Deny every pending code (the person pressed Deny); returns how many."""
        with self._lock:
            return sum(
                self.decide_device_code(c, approve=False, user_id="", session_id=None)
                for c in self.pending_user_codes()
            )

    def poll_device_code(self, device_code: str, client_id: str) -> Grant:
        """One ``device_code`` grant poll: the grant once approved, else the Auth0 error.

        Order: unknown/used → ``invalid_grant``; expired → ``expired_token`` once, then
        ``invalid_grant``; faster than ``interval`` since the last poll → 429 ``slow_down``;
        then pending / denied / approved.
        """
        with self._lock:
            self.stats.device_polls += 1
            now = self.now()
            code = self._device_codes.get(device_code)
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
            if code.user_id not in self.users:
                raise invalid
            code.status = "consumed"
            return Grant(
                user_id=code.user_id,
                client_id=code.client_id,
                scopes=code.scopes,
                audience=code.audience,
                session_id=code.session_id,
            )

    # -- authorization codes ------------------------------------------------------------------

    def create_authorization_code(
        self,
        grant: Grant,
        *,
        redirect_uri: str,
        redirect_uri_sent: bool,
        code_challenge: str | None,
    ) -> str:
        with self._lock:
            now = self.now()
            self._prune(now)
            record = AuthorizationCode(
                code=secrets.token_urlsafe(32),
                grant=grant,
                redirect_uri=redirect_uri,
                redirect_uri_sent=redirect_uri_sent,
                code_challenge=code_challenge,
                expires_at=now + AUTHORIZATION_CODE_TTL,
            )
            self._auth_codes[record.code] = record
            return record.code

    def redeem_authorization_code(
        self,
        code: str,
        *,
        client_id: str,
        redirect_uri: str | None,
        code_verifier: str | None,
    ) -> Grant:
        """The grant behind ``code``. Any attempt uses the code up (single use, RFC 6749
        §4.1.2), so a wrong verifier cannot be retried."""
        with self._lock:
            record = self._auth_codes.pop(code, None)
            if (
                record is None
                or record.grant.client_id != client_id
                or self.now() >= record.expires_at
            ):
                raise AuthApiError(403, "invalid_grant", "Invalid authorization code")
            if redirect_uri is not None and redirect_uri not in self._settings.callback_urls:
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
            if record.grant.user_id not in self.users:
                raise AuthApiError(403, "invalid_grant", "Invalid authorization code")
            return record.grant

    # -- access and refresh tokens ------------------------------------------------------------

    def issue_opaque_access_token(self, grant: Grant, expires_at: float) -> str:
        with self._lock:
            self._prune(self.now())
            token = secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-], as recorded
            self._opaque_tokens[token] = OpaqueAccessToken(grant, expires_at)
            return token

    def opaque_access_token(self, token: str) -> OpaqueAccessToken | None:
        with self._lock:
            return self._opaque_tokens.get(token)

    def _new_refresh_token(self, family: RefreshFamily, now: float) -> str:
        token = "v1." + secrets.token_urlsafe(48)
        self._refresh_tokens[token] = RefreshToken(token, family.id, now)
        family.tokens.append(token)
        return token

    def issue_refresh_token(self, grant: Grant) -> str:
        """Start a refresh-token family for a fresh sign-in; returns its first token."""
        with self._lock:
            now = self.now()
            family = RefreshFamily(
                id=secrets.token_urlsafe(16),
                grant=replace(grant, nonce=None),
                created_at=now,
                last_exchanged_at=now,
            )
            self._families[family.id] = family
            return self._new_refresh_token(family, now)

    def exchange_refresh_token(
        self, token: str, client_id: str, *, audience: str | None = None, scope: str | None = None
    ) -> tuple[Grant, str]:
        """Rotate ``token``: the family's grant and a new refresh token, or 403
        ``invalid_grant`` (unknown, revoked, expired, or reused — which revokes the family).

        ``audience``, when given, must be the sign-in's, or one the client's Multi-Resource
        Refresh Token policy names (auth0-reference.md §3.6): then the grant is for that API,
        with ``scope`` cut to what the policy allows (:func:`.my_account.refresh_policy_grant`).
        """
        with self._lock:
            now = self.now()
            invalid = AuthApiError(403, "invalid_grant", _INVALID_REFRESH)
            record = self._refresh_tokens.get(token)
            if record is None:
                raise invalid
            family = self._families[record.family_id]
            if family.revoked or family.grant.client_id != client_id:
                raise invalid
            s = self._settings
            if (
                now - family.created_at > s.refresh_absolute_ttl
                or now - family.last_exchanged_at > s.refresh_idle_ttl
            ):
                family.revoked = True
                raise invalid
            if family.grant.user_id not in self.users:
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
                    self.stats.reuse_detections += 1
                    raise invalid
            else:
                record.used_at = now
                family.previous = token
            family.last_exchanged_at = now
            self.stats.refresh_exchanges += 1
            return grant, self._new_refresh_token(family, now)

    def _multi_resource_grant(self, grant: Grant, audience: str, scope: str | None) -> Grant:
        """The MRRT grant for ``audience``, or 403 ``access_denied`` (UNRECORDED wording)."""
        s = self._settings
        api = self.resource_server(audience)
        policy: tuple[str, ...] | None = None
        if audience == my_account_audience(self.issuer) and s.my_account_refresh_policy != ():
            policy = s.my_account_refresh_policy or MY_ACCOUNT_SCOPES
        try:
            return refresh_policy_grant(
                grant,
                audience,
                scope,
                api=api,
                policy=policy,
                has_client_grant=s.my_account_client_grant != (),
            )
        except RefreshPolicyRefused as exc:
            raise AuthApiError(403, "access_denied", str(exc)) from None

    def revoke_refresh_token(self, token: str, client_id: str) -> bool:
        """End ``token``'s family (RFC 7009: unknown tokens are not an error). True when a
        live family was revoked."""
        with self._lock:
            record = self._refresh_tokens.get(token)
            if record is None:
                return False
            family = self._families[record.family_id]
            if family.revoked or family.grant.client_id != client_id:
                return False
            family.revoked = True
            self.stats.revocations += 1
            return True

    def live_families(self, user_id: str) -> list[RefreshFamily]:
        """The user's refresh-token families that can still be exchanged, oldest first."""
        with self._lock:
            return sorted(
                (
                    f
                    for f in self._families.values()
                    if f.grant.user_id == user_id and self._live(f)
                ),
                key=lambda f: (f.created_at, f.id),
            )

    def live_family(self, family_id: str) -> RefreshFamily | None:
        with self._lock:
            family = self._families.get(family_id)
            return family if family is not None and self._live(family) else None

    def _live(self, family: RefreshFamily) -> bool:
        now, s = self.now(), self._settings
        return (
            not family.revoked
            and family.grant.user_id in self.users
            and now - family.created_at <= s.refresh_absolute_ttl
            and now - family.last_exchanged_at <= s.refresh_idle_ttl
        )

    def revoke_families(
        self, *, family_ids: Iterable[str] = (), session_ids: Iterable[str] = (), user_id: str = ""
    ) -> int:
        """Revoke families by id, by session, or every one of ``user_id``; returns how many
        live ones ended (the Management API's deletes and revoke-access)."""
        ids, sessions = set(family_ids), set(session_ids)
        with self._lock:
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

    def refresh_token_binding(self, token: str) -> str | None:
        """The DPoP ``jkt`` ``token``'s family is bound to (None: unbound or unknown)."""
        with self._lock:
            record = self._refresh_tokens.get(token)
            return None if record is None else self._families[record.family_id].grant.dpop_jkt

    def refresh_family_revoked(self, token: str) -> bool | None:
        """Whether ``token``'s family is revoked (None: unknown token). For tests."""
        with self._lock:
            record = self._refresh_tokens.get(token)
            return None if record is None else self._families[record.family_id].revoked

    # -- Management API: users and identities --------------------------------------------------

    def _stamp(self, previous: str | None = None) -> str:
        """An ISO timestamp for now, strictly after ``previous`` (so every PATCH moves
        ``updated_at``, even twice within one millisecond)."""
        stamp = iso_timestamp(self.now())
        if previous is not None and stamp <= previous:
            moment = datetime.fromisoformat(previous) + timedelta(milliseconds=1)
            stamp = iso_timestamp(moment.timestamp())
        return stamp

    def management_user(self, user_id: str) -> dict[str, Any]:
        """``GET /api/v2/users/{id}``: the user's Management shape, or 404."""
        with self._lock:
            user = self.users.get(user_id)
            if user is None:
                raise user_not_found()
            return user.to_management_json()

    def directory_json(self) -> list[dict[str, Any]]:
        """Every user's Management shape (what ``GET /api/v2/users`` searches)."""
        with self._lock:
            return [u.to_management_json() for u in self.users.values()]

    def patch_user(self, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Apply a validated, authorised PATCH (:func:`.management.apply_user_patch`), save,
        and return the updated user."""
        with self._lock:
            user = self.users.get(user_id)
            if user is None:
                raise user_not_found()
            apply_user_patch(user, body, now=self._stamp(user.updated_at))
            result = user.to_management_json()
        self.persist()
        return result

    def _identity_owner(self, qualified_id: str) -> User | None:
        for user in self.users.values():
            if any(i.qualified_id == qualified_id for i in user.identities):
                return user
        return None

    def link_identity(self, primary_id: str, secondary_id: str) -> list[dict[str, Any]]:
        """Link the user ``secondary_id`` into ``primary_id``; returns the primary's identities.

        400 "Main identity and the new one are the same." for the same user; 409 "Specified
        identity already exists." when the secondary's identity is already linked to a user;
        400 when there is no such user (UNCONFIRMED wording: not recorded).
        """
        with self._lock:
            primary = self.users.get(primary_id)
            if primary is None:
                raise user_not_found()
            if secondary_id == primary_id:
                raise ManagementApiError(
                    400, "Main identity and the new one are the same.", "invalid_body"
                )
            owner = self._identity_owner(secondary_id)
            if owner is not None and owner.user_id != secondary_id:
                raise ManagementApiError(409, "Specified identity already exists.")
            secondary = self.users.get(secondary_id)
            if secondary is None:
                raise ManagementApiError(400, "The user to link does not exist.", "invalid_body")
            moved = [copy.deepcopy(i) for i in secondary.identities]
            if moved:
                moved[0].profile_data = secondary.profile_data()
                if secondary.password_hash != NO_PASSWORD:
                    moved[0].password_hash = secondary.password_hash
            primary.identities.extend(moved)
            del self.users[secondary_id]
            result = primary.identities_json()
        self.persist()
        return result

    def unlink_identity(
        self, user_id: str, provider: str, identity_user_id: str
    ) -> list[dict[str, Any]]:
        """Unlink ``provider``/``identity_user_id`` (the bare id) from ``user_id``.

        A match leaves as a standalone ``provider|user_id`` user with no metadata; no match
        changes nothing and still answers the identities (identities-unlink.json). The primary
        identity cannot be unlinked: 400 (UNCONFIRMED wording).
        """
        with self._lock:
            user = self.users.get(user_id)
            if user is None:
                raise user_not_found()
            index = next(
                (
                    n
                    for n, i in enumerate(user.identities)
                    if i.provider == provider and str(i.user_id) == identity_user_id
                ),
                None,
            )
            if index == 0:
                raise ManagementApiError(400, "Main identity cannot be removed.")
            if index is not None:
                standalone = self._standalone_user(user.identities.pop(index))
                self.users[standalone.user_id] = standalone
            result = user.identities_json()
        if index is not None:
            self.persist()
        return result

    def _standalone_user(self, identity: Identity) -> User:
        """The account an unlinked identity becomes: its profile, no metadata (§6.5 [F5])."""
        profile = identity.profile_data or {}
        stamp = self._stamp()
        data: dict[str, Any] = {key: profile[key] for key in _PROFILE_KEYS if key in profile}
        data.update(
            user_id=identity.qualified_id,
            created_at=stamp,
            updated_at=stamp,
            identities=[identity.to_state_json()],
        )
        user = User.from_management_json(data, now=stamp)
        user.password_hash = identity.password_hash or NO_PASSWORD
        user.identities[0].password_hash = None
        return user

    # -- Management API: device credentials ---------------------------------------------------

    def list_device_credentials(
        self,
        *,
        user_id: str | None = None,
        client_id: str | None = None,
        type: str | None = None,
    ) -> list[DeviceCredential]:
        """Credentials matching every filter given (Auth0 returns at most 1000)."""
        with self._lock:
            return [
                c
                for c in self.device_credentials.values()
                if (user_id is None or c.user_id == user_id)
                and (client_id is None or c.client_id == client_id)
                and (type is None or c.type == type)
            ][:1000]

    def create_device_credential(
        self, *, user_id: str, client_id: str, device_name: str, device_id: str, value: str
    ) -> str:
        """A new ``public_key`` credential for ``user_id``; 409 when the device has one."""
        with self._lock:
            if user_id not in self.users:
                raise user_not_found()
            if any(
                c.user_id == user_id and c.device_id == device_id and c.type == "public_key"
                for c in self.device_credentials.values()
            ):
                raise ManagementApiError(409, "A public key already exists for the device.")
            credential = DeviceCredential(
                id=new_credential_id(),
                device_name=device_name,
                device_id=device_id,
                type="public_key",
                user_id=user_id,
                client_id=client_id,
                value=value,
            )
            self.device_credentials[credential.id] = credential
        self.persist()
        return credential.id

    def delete_device_credential(self, credential_id: str, *, acting_user: str | None) -> None:
        """Delete a credential; one already gone is fine. ``acting_user`` (a current-user
        token's ``sub``) may delete only its own: 403 otherwise (UNCONFIRMED wording)."""
        with self._lock:
            credential = self.device_credentials.get(credential_id)
            if credential is None:
                return
            if acting_user is not None and credential.user_id != acting_user:
                raise subject_mismatch()
            del self.device_credentials[credential_id]
        self.persist()

    # -- Management API: rate limits and failure injection ------------------------------------

    def endpoint_limits(
        self, device_credentials_write: bool, *, logs: bool = False
    ) -> BucketRegistry:
        """The per-caller registry an endpoint spends from (checked after the tenant-wide one)."""
        if logs:
            return self.logs_limits
        if device_credentials_write:
            return self.device_credentials_write_limits
        return self.management_limits

    def take_management(
        self, caller: str, *, device_credentials_write: bool, logs: bool = False
    ) -> RateLimitDecision:
        """Spend one token for a Management request by ``caller`` (the token's ``sub``).

        The tenant-wide bucket is checked first (auth0-reference.md §7 [G1]), then the caller's
        own (or its device-credential write or log-reading bucket). A refusal reports the bucket
        that refused; an allowed request reports whichever has fewer tokens left, so the headers
        describe the limit the caller will meet first.
        """
        with self._lock:
            tenant_wide = self.management_global_limits.take(_TENANT_KEY)
            if not tenant_wide.allowed:
                return tenant_wide
            own = self.endpoint_limits(device_credentials_write, logs=logs).take(caller)
            if not own.allowed or own.remaining <= tenant_wide.remaining:
                return own
            return tenant_wide

    def peek_management(
        self, caller: str, *, device_credentials_write: bool, logs: bool = False
    ) -> RateLimitDecision:
        """What :meth:`take_management` would report, without spending anything."""
        with self._lock:
            tenant_wide = self.management_global_limits.peek(_TENANT_KEY)
            own = self.endpoint_limits(device_credentials_write, logs=logs).peek(caller)
            return own if own.remaining <= tenant_wide.remaining else tenant_wide

    def drain_rate_limit(self, bucket: str, caller: str | None = None) -> None:
        """Empty a Management bucket now (tests): ``"global"``, or ``"user"`` /
        ``"device_credentials_write"`` / ``"logs"`` of ``caller`` (a user id, or
        ``<client_id>@clients``)."""
        registries = {
            "global": self.management_global_limits,
            "user": self.management_limits,
            "device_credentials_write": self.device_credentials_write_limits,
            "logs": self.logs_limits,
        }
        if bucket not in registries:
            raise ValueError(f"unknown bucket {bucket!r}; use one of {sorted(registries)}")
        key = _TENANT_KEY if bucket == "global" else caller
        if key is None:
            raise ValueError(f"draining the {bucket!r} bucket needs a caller")
        while registries[bucket].take(key).allowed:
            pass

    def reset_rate_limits(self) -> None:
        """Refill every bucket (Management, ``/userinfo`` and invalid-token ones)."""
        with self._lock:
            self._build_limiters()

    def inject_failure(
        self,
        path_prefix: str,
        status: int | None,
        *,
        times: int = 1,
        body: Any = None,
        delay: float | None = None,
        method: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> InjectedFailure:
        """Make the next ``times`` matching Management requests fail (tests; see
        :mod:`tui_console.devtenant.faults`). ``path_prefix`` is a path under ``/api/v2/``
        (``"users"``) or an absolute one; ``status`` None with a ``delay`` only stalls."""
        return self.failures.arm(
            path_prefix,
            status,
            times=times,
            body=body,
            delay=delay,
            method=method,
            headers=headers,
        )

    def clear_failures(self) -> None:
        """Disarm every injected failure."""
        self.failures.clear()

    # -- helpers for tests and fixtures -------------------------------------------------------

    def reset(self, settings: TenantSettings | None = None) -> None:
        """Back to a freshly seeded tenant, keeping the signing key, issuer and state file:
        seed users and credentials, the support story (:mod:`.story`) but no other codes,
        sessions or tokens, zeroed stats and clock
        offset, full buckets, no armed failures; ``settings`` replace the current ones. Lets
        tests share one running server instead of starting one each."""
        with self._lock:
            self._clock_offset = 0.0
            self.stats = TenantStats()
            self.users = {u.user_id: u for u in _seed_users()}
            self.device_credentials = {c.id: c for c in seed.demo_device_credentials()}
            self.clients = _seed_clients()
            self.machine.forget_spent_assertions()
            for store in (
                self._device_codes,
                self._user_codes,
                self._auth_codes,
                self._transactions,
                self._consents,
                self._opaque_tokens,
                self._refresh_tokens,
                self._families,
            ):
                store.clear()
            self.sessions.clear()
            self.logs.clear()
            self.brute_force.clear()
            self.mfa.clear()
            self.failures.clear()
            self.dpop = DPoPGuard(self)
            self.my_account = MyAccountData(
                self.now, seed=demo_methods(seed.DEMO_USER_ID, seed.DEMO_EMAIL)
            )
            if settings is not None:
                self._settings = settings
            self._build_limiters()
            tell_story(self)

    def add_user(self, data: dict[str, Any]) -> User:
        """Add (or replace) a user from a Management API user object, e.g. a recorded one;
        missing attributes get Auth0's defaults (:meth:`User.from_management_json`)."""
        user = User.from_management_json(copy.deepcopy(data), now=iso_timestamp(self.now()))
        with self._lock:
            self.users[user.user_id] = user
        return user

    def replace_directory(
        self,
        users: Iterable[User] = (),
        device_credentials: Iterable[DeviceCredential] = (),
    ) -> None:
        """Replace every user and device credential (tests that seed a recorded state)."""
        with self._lock:
            self.users = {u.user_id: u for u in users}
            self.device_credentials = {c.id: c for c in device_credentials}

    def mint_access_token(
        self,
        scopes: Iterable[str],
        *,
        sub: str | None = None,
        audience: str | list[str] | None = None,
        client_id: str = seed.CLIENT_ID,
        ttl: int | None = None,
    ) -> str:
        """An RS256 access token from this tenant without a sign-in (tests).

        Without ``sub`` it is shaped like Auth0's machine-to-machine tokens (``sub`` is
        ``<client_id>@clients``, ``gty: client-credentials``): the kind that carries admin
        scopes such as ``read:device_credentials``. ``audience`` defaults to the Management API.
        """
        now = int(self.now())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": sub if sub is not None else f"{client_id}@clients",
            "aud": audience if audience is not None else self.management_audience,
            "iat": now,
            "exp": now + (ttl if ttl is not None else self._settings.access_token_ttl),
            "scope": " ".join(scopes),
            "azp": client_id,
        }
        if sub is None:
            claims["gty"] = "client-credentials"
        return self.signing_key.sign(claims)

    # -- housekeeping -------------------------------------------------------------------------

    def _prune(self, now: float) -> None:
        """Drop what can no longer matter; called on creation paths."""
        for key, dc in list(self._device_codes.items()):
            if now > dc.expires_at + _DEVICE_CODE_GRAVEYARD:
                del self._device_codes[key]
                self._user_codes.pop(normalize_user_code(dc.user_code), None)
        for key, ac in list(self._auth_codes.items()):
            if now > ac.expires_at:
                del self._auth_codes[key]
        for key, txn in list(self._transactions.items()):
            if now - txn.created_at > LOGIN_TRANSACTION_TTL:
                del self._transactions[key]
        for key, ot in list(self._opaque_tokens.items()):
            if now > ot.expires_at:
                del self._opaque_tokens[key]

    # -- persistence --------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """What survives a restart: users (with metadata), device credentials, the key.

        Codes, sessions and refresh tokens do not: the issuer's port may change between runs.
        """
        with self._lock:
            data: dict[str, Any] = {
                "version": _STATE_FILE_VERSION,
                "signing_key": self.signing_key.to_pem(),
                "users": [copy.deepcopy(u.to_json()) for u in self.users.values()],
                "device_credentials": [c.to_json() for c in self.device_credentials.values()],
            }
            support_key = self.machine.saved_key_pem()
            if support_key is not None:
                data["support_client_key"] = support_key
            return data

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_json` to ``path`` atomically (temp file, fsync, rename), mode 0600
        because it holds the signing key."""
        write_private_text(path, json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n")

    def persist(self) -> None:
        """Save to :attr:`state_file` when one is set (after changes worth keeping)."""
        if self.state_file is not None:
            self.save(self.state_file)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        settings: TenantSettings | None = None,
        *,
        issuer: str = "http://127.0.0.1/",
    ) -> TenantState:
        """A state from a file written by :meth:`save`."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not a dev-tenant state file ({exc})") from exc
        if not isinstance(data, dict) or data.get("version") != _STATE_FILE_VERSION:
            raise ValueError(f"{path}: unsupported dev-tenant state file version")
        try:
            return cls(
                settings,
                issuer=issuer,
                signing_key=SigningKey.from_pem(data["signing_key"]),
                users=[User.from_json(item) for item in data["users"]],
                device_credentials=[
                    DeviceCredential.from_json(item) for item in data.get("device_credentials", [])
                ],
                support_key_pem=data.get("support_client_key"),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}: malformed dev-tenant state file ({exc!r})") from exc
