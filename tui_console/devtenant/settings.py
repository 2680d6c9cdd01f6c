"""The dev tenant's knobs, with Auth0's defaults.

Every default is the value a fresh Auth0 tenant uses, so a client that works against the dev
tenant with defaults meets the same lifetimes and limits in production. Tests shrink them
(tiny TTLs, a 1 s poll interval) instead of sleeping through the real ones.

Sources (see ``shared/auth0-reference.md``):

* access token 86,400 s, ID token 36,000 s: §5 [E2] and recordings NOTES.md §8;
* refresh-token idle and absolute lifetime 2,592,000 s, rotation overlap ("leeway") 0: §3.3-3.4
  [C3, C4];
* device code lifetime 900 s and poll interval 5 s: §1.1 [A1, A3];
* ``/userinfo`` bucket: burst 10, 5 per minute per user: §4.3 [D2];
* callback URLs matched exactly, port included: §2.4 [B8];
* Management API: a tenant-wide bucket of burst 50 refilling 16 per second (the Enterprise
  production global limit, §7 [D2]; recorded limit 50 in 2021, NOTES.md §7), a per-user bucket
  of 10 refilling 10 per minute (the legacy ``current_user`` limit, §7 [G2], and the recorded
  limit 10 of 2018-2019), and "Write Device Credentials" 5 refilling 100 per minute (§7 [D2]).
  These are small on purpose so the demo's gauges visibly move; tests shrink them further to
  reach a 429 in a few requests.
* DPoP nonces and ``iat`` window: Auth0 documents neither (§4.4), so these are guesses
  (:mod:`tui_console.devtenant.dpop`).
* plan: sessions and refresh-token endpoints are Enterprise-only (§8.2, §8.3); ``"free"``
  answers them as a plan without the feature (:mod:`tui_console.devtenant.support_routes`).
* sessions: Auth0's tenant defaults, idle 4,320 minutes (3 days) and maximum 10,080 minutes
  (7 days) (UNRECORDED here: tenant settings defaults, not in the reference).
* brute-force protection: 10 failed logins for one account from one IP (§8.6 [L2], Auth0's
  documented default threshold).
* logs: UNRECORDED. Auth0 documents a separate "read logs" limit on some plans without a value
  the reference quotes, and the recordings show the shared bucket (NOTES.md §11); the dev
  tenant keeps a separate per-caller bucket of 10 refilling 60 per minute so a tail's pacing
  shows.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PLANS", "TenantSettings"]

#: The plans the dev tenant can pretend to be on.
PLANS = ("enterprise", "free")


@dataclass(frozen=True)
class TenantSettings:
    """Lifetimes, intervals and limits of the dev tenant (seconds unless stated)."""

    access_token_ttl: int = 86400
    """Access token lifetime: ``expires_in`` and ``exp - iat`` of every access token."""
    id_token_ttl: int = 36000
    """ID token lifetime (Auth0's 10 h default)."""
    refresh_idle_ttl: float = 2592000
    """A refresh-token family dies when unused this long; each exchange renews it."""
    refresh_absolute_ttl: float = 2592000
    """A refresh-token family dies this long after the sign-in, whatever its use."""
    refresh_reuse_leeway: float = 0
    """Auth0's "Rotation Overlap Period": how long the immediately previous refresh token may be
    exchanged again without tripping reuse detection. 0 turns the overlap off."""
    device_code_ttl: float = 900
    """Lifetime of a device code and its user code (``expires_in``)."""
    device_interval: int = 5
    """Polling interval announced by ``/oauth/device/code``; faster polls get ``slow_down``."""
    auto_approve: float | None = None
    """When set, pending device codes are approved as the demo user this many seconds after
    they were issued (the ``demo`` command and CLI tests); ``None`` waits for a person."""
    callback_ports: tuple[int, ...] = (8484, 8485, 8486)
    """Allowed callback URLs are exactly ``http://127.0.0.1:{port}/callback`` for these ports."""
    userinfo_burst: int = 10
    """``/userinfo`` bucket size per user (``X-RateLimit-Limit``)."""
    userinfo_refill_per_minute: float = 5
    """``/userinfo`` bucket refill rate per user."""
    management_burst: int = 10
    """Management API bucket size per caller (the token's ``sub``), shared by its endpoints."""
    management_refill_per_minute: float = 10
    """Management API per-caller refill rate."""
    management_global_burst: int = 50
    """Management API bucket size for the whole tenant, checked before the per-caller one."""
    management_global_refill_per_second: float = 16
    """Management API tenant-wide refill rate."""
    device_credentials_write_burst: int = 5
    """``POST``/``DELETE /api/v2/device-credentials`` bucket size per caller (instead of the
    per-caller Management bucket)."""
    device_credentials_write_refill_per_minute: float = 100
    """Device-credential write refill rate per caller."""
    dpop_nonce_ttl: float = 300
    """DPoP nonces (RFC 9449 §8): a new one every this many seconds, the previous one still
    accepted. Auth0's schedule is UNCONFIRMED; see :mod:`tui_console.devtenant.dpop`."""
    dpop_iat_leeway: float = 60
    """How far a DPoP proof's ``iat`` may be from the tenant's clock, either way."""
    management_api_dpop: bool = False
    """Whether the Management API is configured for DPoP. Auth0: UNCONFIRMED. False: like an
    Auth0 API without a sender-constraining policy, a DPoP sign-in for it gets a Bearer access
    token (its refresh token stays bound to the key). True: the token is bound (``cnf.jkt``)
    and the Management API then wants ``Authorization: DPoP`` with a proof."""
    my_account_active: bool = True
    """The dashboard's "Activate" of the My Account API (§8.4 [H1]); off: ``<issuer>me/`` is an
    unknown audience ("Service not found")."""
    my_account_client_grant: tuple[str, ...] | None = None
    """The demo client's user client grant for the My Account API: its scopes (``None``: all
    of them; ``()``: no grant at all)."""
    my_account_refresh_policy: tuple[str, ...] | None = None
    """The demo client's MRRT ``refresh_token.policies`` entry for ``<issuer>me/``: its scopes
    (``None``: all My Account scopes; ``()``: no entry, so no MRRT for it)."""
    my_account_read_per_minute: int = 5
    """My Account reads per user per minute, as burst and refill (Essentials, §8.4 [D2])."""
    my_account_write_per_minute: int = 5
    """My Account writes per user per minute (one TOTP enrollment takes two)."""

    plan: str = "enterprise"
    """``"enterprise"`` or ``"free"``: on free the sessions and refresh-token endpoints answer
    403 ``insufficient_entitlement``, as Auth0 does for a plan without them."""
    session_idle_ttl: float = 259200
    """A session ends when unused this long (``idle_expires_at``)."""
    session_absolute_ttl: float = 604800
    """A session ends this long after it started, whatever its use (``expires_at``)."""
    brute_force_threshold: int = 10
    """Failed passwords for one account from one IP before that IP is blocked for it."""
    logs_burst: int = 10
    """``GET /api/v2/logs`` and ``/users/{id}/logs`` bucket size per caller."""
    logs_refill_per_minute: float = 60
    """Log-reading refill rate per caller."""

    def __post_init__(self) -> None:
        positive = {
            "access_token_ttl": self.access_token_ttl,
            "id_token_ttl": self.id_token_ttl,
            "refresh_idle_ttl": self.refresh_idle_ttl,
            "refresh_absolute_ttl": self.refresh_absolute_ttl,
            "device_code_ttl": self.device_code_ttl,
            "device_interval": self.device_interval,
            "userinfo_burst": self.userinfo_burst,
            "userinfo_refill_per_minute": self.userinfo_refill_per_minute,
            "management_burst": self.management_burst,
            "management_refill_per_minute": self.management_refill_per_minute,
            "management_global_burst": self.management_global_burst,
            "management_global_refill_per_second": self.management_global_refill_per_second,
            "device_credentials_write_burst": self.device_credentials_write_burst,
            "device_credentials_write_refill_per_minute": (
                self.device_credentials_write_refill_per_minute
            ),
            "dpop_nonce_ttl": self.dpop_nonce_ttl,
            "dpop_iat_leeway": self.dpop_iat_leeway,
            "session_idle_ttl": self.session_idle_ttl,
            "session_absolute_ttl": self.session_absolute_ttl,
            "brute_force_threshold": self.brute_force_threshold,
            "logs_burst": self.logs_burst,
            "logs_refill_per_minute": self.logs_refill_per_minute,
            "my_account_read_per_minute": self.my_account_read_per_minute,
            "my_account_write_per_minute": self.my_account_write_per_minute,
        }
        for name, value in positive.items():
            if value <= 0:
                raise ValueError(f"TenantSettings.{name} must be positive, not {value!r}")
        if self.plan not in PLANS:
            raise ValueError(f"TenantSettings.plan must be one of {', '.join(PLANS)}")
        if self.refresh_reuse_leeway < 0:
            raise ValueError("TenantSettings.refresh_reuse_leeway must not be negative")
        if self.auto_approve is not None and self.auto_approve < 0:
            raise ValueError("TenantSettings.auto_approve must not be negative")
        for port in self.callback_ports:
            if not 0 < port < 65536:
                raise ValueError(f"TenantSettings.callback_ports: {port!r} is not a TCP port")

    @property
    def callback_urls(self) -> tuple[str, ...]:
        """The client's Allowed Callback URLs, in order."""
        return tuple(f"http://127.0.0.1:{port}/callback" for port in self.callback_ports)
