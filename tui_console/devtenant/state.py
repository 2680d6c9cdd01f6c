"""The tenant: every aggregate it remembers, on one lock and one clock.

:class:`TenantState` is what the routes reach through :func:`.http.tenant` and what tests hold
as ``tenant.state``. It owns the things every part of the tenant shares (the lock, the clock,
the settings, the issuer and signing key, the applications, the counters tests read) and
composes one object per aggregate, each in its own module with its rules in its docstring:

==========================  =======================================================
``state.directory``         users and device credentials (:mod:`.users`)
``state.device_codes``      RFC 8628 device codes (:mod:`.device_codes`)
``state.authorizations``    login transactions, consents, authorization codes, opaque
                            ``/userinfo`` tokens (:mod:`.authorizations`)
``state.refresh_tokens``    refresh-token families (:mod:`.refresh_families`)
``state.sessions``          sign-in sessions (:mod:`.sessions`)
``state.logs``              log events (:mod:`.logs`)
``state.brute_force``       failed-password counts and blocks (:mod:`.attack_protection`)
``state.mfa``               MFA factors (:mod:`.mfa`)
``state.my_account``        My Account authentication methods (:mod:`.my_account`)
``state.machine``           the support applications (:mod:`.machine_clients`)
``state.dpop``              DPoP nonces and replay memory (:mod:`.dpop`)
``state.limits``            rate-limit buckets (:mod:`.tenant_limits`)
``state.failures``          injected Management failures (:mod:`.faults`)
==========================  =======================================================

The server runs in a background thread while tests read counters and drive device codes from
the main thread, so every aggregate mutates under the one re-entrant :attr:`TenantState.lock`.
Time comes from :meth:`TenantState.now`, the wall clock plus an offset that
:meth:`TenantState.advance_clock` moves, so tests can expire 30-day refresh tokens without
waiting; every aggregate reads that clock, never ``time.time()``.

What crosses aggregates stays here: the scopes a grant gets (:meth:`TenantState.grant_scopes`),
the test helpers that stand in for a person at the activation page
(:meth:`~TenantState.approve_pending_device_codes`), :meth:`~TenantState.reset` and the state
file (:mod:`.state_file`).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tui_console.devtenant import seed
from tui_console.devtenant.attack_protection import BruteForceGuard
from tui_console.devtenant.authorizations import AuthorizationBook
from tui_console.devtenant.device_codes import DEVICE_CODE_GRANT, DeviceCodeBook
from tui_console.devtenant.directory import directory_users
from tui_console.devtenant.dpop import DPoPGuard
from tui_console.devtenant.faults import FailureInjector
from tui_console.devtenant.keys import SigningKey
from tui_console.devtenant.logs import LogStore
from tui_console.devtenant.machine_clients import MachineClients
from tui_console.devtenant.mfa import MfaRegistry
from tui_console.devtenant.models import Client, DeviceCredential, ResourceServer, User
from tui_console.devtenant.my_account import MyAccountData, demo_methods
from tui_console.devtenant.my_account_audience import my_account_api, my_account_audience
from tui_console.devtenant.records import Session, SignInContext
from tui_console.devtenant.refresh_families import RefreshFamilies
from tui_console.devtenant.sessions import SessionBook
from tui_console.devtenant.settings import TenantSettings
from tui_console.devtenant.state_file import SavedTenant, state_json, write_private_text
from tui_console.devtenant.story import tell_story
from tui_console.devtenant.tenant_limits import TenantLimits
from tui_console.devtenant.users import UserDirectory

__all__ = [
    "DEVICE_CODE_GRANT",
    "TenantState",
    "TenantStats",
    "write_private_text",
]

#: Scopes the OIDC layer understands without an API (OIDC Core §5.4, plus offline_access).
OIDC_SCOPES = frozenset({"openid", "profile", "email", "address", "phone", "offline_access"})


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


def _seed_users() -> list[User]:
    return [*seed.demo_users(), *directory_users()]


def _seed_clients() -> dict[str, Client]:
    return {c.client_id: c for c in (seed.demo_client(), *seed.support_clients())}


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
        self._clock_offset = 0.0
        self._settings = settings or TenantSettings()
        self.issuer = issuer
        self.signing_key = signing_key or SigningKey.generate()
        self.stats = TenantStats()
        self.state_file: Path | None = None
        """Where :meth:`persist` saves; set by ``serve(state_file=...)``."""
        self.clients: dict[str, Client] = _seed_clients()
        self.directory = UserDirectory(
            self,
            users if users is not None else _seed_users(),
            device_credentials
            if device_credentials is not None
            else seed.demo_device_credentials(),
        )
        self.get_user = self.directory.get_user
        """The user with this id: the lookup nearly every route and test makes."""
        self.list_device_credentials = self.directory.list_device_credentials
        """Device credentials matching the filters given (what the UI tests check)."""
        self.machine = MachineClients(self, support_key_pem)
        self.device_codes = DeviceCodeBook(self)
        self.authorizations = AuthorizationBook(self)
        self.refresh_tokens = RefreshFamilies(self)
        self.sessions = SessionBook(self)
        self.logs = LogStore(self)
        self.brute_force = BruteForceGuard(self)
        self.mfa = MfaRegistry(self)
        self.failures = FailureInjector()
        self.inject_failure = self.failures.arm
        """Make the next matching Management requests fail (:meth:`.faults.FailureInjector.arm`)."""
        self.clear_failures = self.failures.clear
        """Disarm every injected failure."""
        self.dpop = DPoPGuard(self)
        self.my_account = self._seeded_my_account()
        self.limits = TenantLimits(self)
        tell_story(self)

    def _seeded_my_account(self) -> MyAccountData:
        return MyAccountData(self.now, seed=demo_methods(seed.DEMO_USER_ID, seed.DEMO_EMAIL))

    # -- what every aggregate shares ----------------------------------------------------------

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
            self.limits.rebuild()

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

    def forget_expired(self, now: float) -> None:
        """Drop codes, transactions and opaque tokens that can no longer matter; every
        creation path calls it, so memory stays bounded without a sweeper thread."""
        with self._lock:
            self.device_codes.prune(now)
            self.authorizations.prune(now)

    @property
    def users(self) -> dict[str, User]:
        """Users by id (:attr:`directory`'s; most aggregates and tests read them)."""
        return self.directory.users

    @property
    def device_credentials(self) -> dict[str, DeviceCredential]:
        """Device credentials by id (:attr:`directory`'s)."""
        return self.directory.device_credentials

    # -- applications, APIs and scopes --------------------------------------------------------

    @property
    def management_audience(self) -> str:
        return f"{self.issuer}api/v2/"

    @property
    def userinfo_audience(self) -> str:
        return f"{self.issuer}userinfo"

    def resource_server(self, audience: str) -> ResourceServer | None:
        """The API named by ``audience``: the Management API, or the My Account API once
        activated (:mod:`.my_account_audience`)."""
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

    def create_session(self, user_id: str, context: SignInContext | None = None) -> Session:
        """A new session for a sign-in; without ``context``, one a test helper or the
        auto-approver made for the console (no request, so no IP or user agent)."""
        return self.sessions.create(user_id, context or SignInContext(seed.CLIENT_ID, method="pwd"))

    # -- a person at the activation page, for tests -------------------------------------------

    def pending_user_codes(self) -> list[str]:
        """User codes still waiting for a decision, oldest first."""
        return self.device_codes.pending_user_codes()

    def wait_for_pending_device_code(self, timeout: float = 10.0) -> str:
        """Block until a device code is pending and return its user code."""
        return self.device_codes.wait_for_pending(timeout)

    def approve_pending_device_codes(self, user_id: str = seed.DEMO_USER_ID) -> int:
        """Approve every pending code as ``user_id`` in one new session; returns how many."""
        with self._lock:
            session = self.create_session(user_id)
            return sum(
                self.device_codes.decide(c, approve=True, user_id=user_id, session_id=session.id)
                for c in self.device_codes.pending_user_codes()
            )

    def deny_pending_device_codes(self) -> int:
        """Deny every pending code (the person pressed Deny); returns how many."""
        with self._lock:
            return sum(
                self.device_codes.decide(c, approve=False, user_id="", session_id=None)
                for c in self.device_codes.pending_user_codes()
            )

    # -- helpers for tests and fixtures -------------------------------------------------------

    def reset(self, settings: TenantSettings | None = None) -> None:
        """Back to a freshly seeded tenant, keeping the signing key, issuer and state file:
        seed users and credentials, the support story (:mod:`.story`) but no other codes,
        sessions or tokens, zeroed stats and clock offset, full buckets, no armed failures;
        ``settings`` replace the current ones. Lets tests share one running server instead
        of starting one each."""
        with self._lock:
            self._clock_offset = 0.0
            self.stats = TenantStats()
            self.directory.replace(_seed_users(), seed.demo_device_credentials())
            self.clients = _seed_clients()
            self.machine.forget_spent_assertions()
            for aggregate in (
                self.device_codes,
                self.authorizations,
                self.refresh_tokens,
                self.sessions,
                self.logs,
                self.brute_force,
                self.mfa,
                self.failures,
            ):
                aggregate.clear()
            self.dpop = DPoPGuard(self)
            self.my_account = self._seeded_my_account()
            if settings is not None:
                self._settings = settings
            self.limits.rebuild()
            tell_story(self)

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

    # -- persistence (:mod:`.state_file`) -----------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """What survives a restart: users (with metadata), device credentials, the keys."""
        return state_json(self)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_json` to ``path`` atomically, mode 0600 (it holds the signing key)."""
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
        saved = SavedTenant.read(path)
        return cls(
            settings,
            issuer=issuer,
            signing_key=saved.signing_key,
            users=saved.users,
            device_credentials=saved.device_credentials,
            support_key_pem=saved.support_key_pem,
        )
