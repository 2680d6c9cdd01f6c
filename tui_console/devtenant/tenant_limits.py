"""The tenant's rate-limit buckets, sized by its settings (auth0-reference.md §7; NOTES.md §7).

:mod:`.rate_limits` has the generic token bucket; this module says which buckets the tenant
has and how a Management request spends from them:

* ``/userinfo``: per user (§4.3 [D2]); requests with a bad token spend from a separate, large
  bucket keyed by caller, since there is no user (recorded: limit 1000 on a 401);
* the Management API: a tenant-wide bucket checked first, then a per-caller one; device
  credential writes and log reads have their own per-caller buckets
  (:meth:`TenantLimits.take_management`);
* the My Account API: per user, one bucket for reads and one for writes.

Changing the tenant's settings rebuilds every bucket full (:meth:`TenantLimits.rebuild`), so a
test that shrinks a burst starts from a known state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_console.devtenant.rate_limits import BucketRegistry, RateLimitDecision

if TYPE_CHECKING:
    from tui_console.devtenant.state import TenantState

__all__ = ["TenantLimits"]

#: The key of the one tenant-wide Management bucket.
_TENANT_KEY = "tenant"


class TenantLimits:
    """Every bucket of the tenant, on the tenant's clock."""

    def __init__(self, state: TenantState) -> None:
        self._state = state
        self.rebuild()

    def rebuild(self) -> None:
        """Build every bucket afresh (full) from the tenant's current settings."""
        s, clock = self._state.settings, self._state.now
        self.userinfo = BucketRegistry.per_minute(
            s.userinfo_burst, s.userinfo_refill_per_minute, clock
        )
        self.invalid_token = BucketRegistry.per_minute(1000, 1000, clock)
        self.management_global = BucketRegistry(
            s.management_global_burst, s.management_global_refill_per_second, clock
        )
        self.management = BucketRegistry.per_minute(
            s.management_burst, s.management_refill_per_minute, clock
        )
        self.device_credentials_write = BucketRegistry.per_minute(
            s.device_credentials_write_burst, s.device_credentials_write_refill_per_minute, clock
        )
        self.logs = BucketRegistry.per_minute(s.logs_burst, s.logs_refill_per_minute, clock)
        self.my_account = {
            "read": BucketRegistry.per_minute(
                s.my_account_read_per_minute, s.my_account_read_per_minute, clock
            ),
            "write": BucketRegistry.per_minute(
                s.my_account_write_per_minute, s.my_account_write_per_minute, clock
            ),
        }

    def endpoint(self, device_credentials_write: bool, *, logs: bool = False) -> BucketRegistry:
        """The per-caller registry an endpoint spends from (checked after the tenant-wide one)."""
        if logs:
            return self.logs
        if device_credentials_write:
            return self.device_credentials_write
        return self.management

    def take_management(
        self, caller: str, *, device_credentials_write: bool, logs: bool = False
    ) -> RateLimitDecision:
        """Spend one token for a Management request by ``caller`` (the token's ``sub``).

        The tenant-wide bucket is checked first (auth0-reference.md §7 [G1]), then the caller's
        own (or its device-credential write or log-reading bucket). A refusal reports the bucket
        that refused; an allowed request reports whichever has fewer tokens left, so the headers
        describe the limit the caller will meet first.
        """
        with self._state.lock:
            tenant_wide = self.management_global.take(_TENANT_KEY)
            if not tenant_wide.allowed:
                return tenant_wide
            own = self.endpoint(device_credentials_write, logs=logs).take(caller)
            if not own.allowed or own.remaining <= tenant_wide.remaining:
                return own
            return tenant_wide

    def peek_management(
        self, caller: str, *, device_credentials_write: bool, logs: bool = False
    ) -> RateLimitDecision:
        """What :meth:`take_management` would report, without spending anything."""
        with self._state.lock:
            tenant_wide = self.management_global.peek(_TENANT_KEY)
            own = self.endpoint(device_credentials_write, logs=logs).peek(caller)
            return own if own.remaining <= tenant_wide.remaining else tenant_wide

    def drain(self, bucket: str, caller: str | None = None) -> None:
        """Empty a Management bucket now (tests): ``"global"``, or ``"user"`` /
        ``"device_credentials_write"`` / ``"logs"`` of ``caller`` (a user id, or
        ``<client_id>@clients``)."""
        registries = {
            "global": self.management_global,
            "user": self.management,
            "device_credentials_write": self.device_credentials_write,
            "logs": self.logs,
        }
        if bucket not in registries:
            raise ValueError(f"unknown bucket {bucket!r}; use one of {sorted(registries)}")
        key = _TENANT_KEY if bucket == "global" else caller
        if key is None:
            raise ValueError(f"draining the {bucket!r} bucket needs a caller")
        while registries[bucket].take(key).allowed:
            pass
