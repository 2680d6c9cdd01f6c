"""Failure injection for tests: make the next Management API requests fail on purpose.

The UI has to show what Auth0 does on a bad day (an expired token, a missing scope, a conflict, a
rate limit, an outage, a request that hangs), and a real tenant cannot be asked to do that on
cue. A test arms :meth:`TenantState.inject_failure
<tui_console.devtenant.state.TenantState.inject_failure>`::

    failure = tenant.state.inject_failure("users", 429, times=2)
    failure = tenant.state.inject_failure("/api/v2/device-credentials", 403, method="GET")
    failure = tenant.state.inject_failure("users", None, delay=30)   # hang, then answer normally
    failure = tenant.state.inject_failure("users", 500, body={"statusCode": 500, ...})

and the next ``times`` *authenticated* Management API requests whose decoded path starts with
the prefix (``"users"`` means ``/api/v2/users``) and whose method matches (any, by default) are
answered with ``status`` and an Auth0-shaped body (:func:`default_body`) instead of being
handled, after sleeping ``delay`` seconds when one is given. ``status=None`` with a ``delay``
only stalls the request. A request whose token is missing or invalid still gets the real 401:
injections stand for what happens after Auth0 has accepted the token. Injected answers carry
the caller's ``X-RateLimit-*`` headers without spending a token (except a 401, which like the
real ones has none and carries ``WWW-Authenticate: Bearer``); an injected 429 reports an empty
bucket. ``headers={...}`` adds or overrides response headers (a ``Retry-After``, say). A stall
ends early when the client hangs up (a client timeout), so it never holds up the server's
shutdown. ``failure.hits`` counts the requests it answered, ``state.stats.
management_injected_failures`` all of them; :meth:`clear_failures
<tui_console.devtenant.state.TenantState.clear_failures>` disarms everything. Armed failures
live in memory only: they are never saved to the state file.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from tui_console.devtenant.management_rules import (
    GLOBAL_LIMIT_BODY,
    error_body,
    insufficient_scope,
    invalid_body,
)

__all__ = ["FailureInjector", "InjectedFailure", "default_body", "normalize_prefix"]

_API_ROOT = "/api/v2/"


def normalize_prefix(prefix: str) -> str:
    """``"users"`` → ``/api/v2/users``; an absolute path is kept as given."""
    return prefix if prefix.startswith("/") else _API_ROOT + prefix.lstrip("/")


@dataclass
class InjectedFailure:
    """One armed failure. ``hits`` counts the requests it has answered so far."""

    path_prefix: str
    status: int | None
    times: int
    body: Any = None
    delay: float | None = None
    method: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    hits: int = 0

    @property
    def remaining(self) -> int:
        return self.times - self.hits

    def matches(self, method: str, path: str) -> bool:
        return (
            self.remaining > 0
            and path.startswith(self.path_prefix)
            and (self.method is None or self.method == method.upper())
        )


class FailureInjector:
    """The armed failures, first armed first used; thread-safe (tests arm, the server takes)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[InjectedFailure] = []

    def arm(
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
        """Make the next ``times`` matching Management requests fail; the tenant exposes this
        very method as ``state.inject_failure`` (the module docstring has examples).

        ``path_prefix`` is a path under ``/api/v2/`` (``"users"``) or an absolute one;
        ``method`` limits it to one HTTP method; ``status`` None with a ``delay`` only stalls;
        ``body`` and ``headers`` replace the default body and add response headers.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if status is None and not delay:
            raise ValueError("give a status, a delay, or both")
        if status is not None and not 400 <= status <= 599:
            raise ValueError(f"inject an error status (4xx or 5xx), not {status}")
        if delay is not None and delay < 0:
            raise ValueError("delay must not be negative")
        failure = InjectedFailure(
            path_prefix=normalize_prefix(path_prefix),
            status=status,
            times=times,
            body=body,
            delay=delay,
            method=method.upper() if method else None,
            headers=dict(headers or {}),
        )
        with self._lock:
            self._armed.append(failure)
        return failure

    def take(self, method: str, path: str) -> InjectedFailure | None:
        """The first armed failure matching the request, counted as used; None if none."""
        with self._lock:
            for failure in self._armed:
                if failure.matches(method, path):
                    failure.hits += 1
                    if failure.remaining == 0:
                        self._armed.remove(failure)
                    return failure
            return None

    def pending(self) -> list[InjectedFailure]:
        with self._lock:
            return list(self._armed)

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()


def default_body(status: int, *, expected_scopes: tuple[str, ...], conflict: str) -> dict[str, Any]:
    """An Auth0-shaped error body for an injected ``status`` on an endpoint whose 403 would list
    ``expected_scopes`` and whose 409 says ``conflict``."""
    if status == 401:
        return error_body(401, "Invalid token.")
    if status == 403:
        return insufficient_scope(expected_scopes).body()
    if status == 404:
        return error_body(404, "The user does not exist.", "inexistent_user")
    if status == 409:
        return error_body(409, conflict)
    if status == 429:
        return dict(GLOBAL_LIMIT_BODY)
    if status == 500:
        # Hapi's (and so Auth0's) generic 500 wording.
        return error_body(500, "An internal server error occurred")
    if status >= 500:
        return error_body(status, error_body(status, "")["error"])
    if status == 400:
        return invalid_body("Injected failure (dev tenant)").body()
    return error_body(status, "Injected failure (dev tenant).")
