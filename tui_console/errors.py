"""The exception tree of tui-console.

Every error a person can see is one of these. Each carries what failed (``message``) and
what to do next (``hint``), and none of them ever carries a token: build messages from
names, codes and URLs, never from secrets.

    TuiConsoleError
    ├── ConfigError              a profile, issuer, domain or client id is missing or malformed
    ├── UsageError               a command line argument or input value is not usable
    ├── StorageError             the token or config file cannot be read or written safely
    ├── NetworkError             the server could not be reached (DNS, refused, timeout)
    │   └── ResponseLost         the request was sent but its answer was lost: it may have applied
    ├── RateLimited              a rate limit is exhausted; ``retry_after`` says how long to wait
    └── AuthError                signing in or keeping the session alive failed
        ├── OAuthError           the server answered with an OAuth error body (``error`` code)
        ├── DiscoveryError       the issuer's metadata or JWKS is unusable
        ├── TokenValidationError an ID token failed validation (signature, iss, aud, nonce...)
        ├── LoginCancelled       the person cancelled a sign-in
        ├── LoginTimedOut        a sign-in expired before it completed
        ├── NotSignedIn          there is no session for this profile (and audience)
        └── SessionExpired       the refresh token is no longer accepted: sign in again

Subpackages add leaves (``management.errors`` adds ``ManagementAPIError``).
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "ConfigError",
    "DiscoveryError",
    "LoginCancelled",
    "LoginTimedOut",
    "NetworkError",
    "NotSignedIn",
    "OAuthError",
    "RateLimited",
    "ResponseLost",
    "SessionExpired",
    "StorageError",
    "TokenValidationError",
    "TuiConsoleError",
    "UsageError",
]


class TuiConsoleError(Exception):
    """Base class: a failure with a message and, usually, a next step for the person."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip() if self.hint else self.message


class ConfigError(TuiConsoleError):
    """A profile setting is missing or malformed (issuer, domain, client id, ports)."""


class UsageError(TuiConsoleError):
    """An argument or input value is unusable, or a destructive command needs a confirmation
    it could not get (no terminal and no ``--yes``); nothing was sent."""


class StorageError(TuiConsoleError):
    """The token or config file cannot be read or written with safe permissions."""


class NetworkError(TuiConsoleError):
    """The server could not be reached at all; nothing was changed locally."""


class ResponseLost(NetworkError):
    """The request left, but no usable answer came back (reset, timeout, 5xx, unreadable body).

    Unlike a plain :class:`NetworkError` (nothing was sent), a write may have applied: the
    message must say so and the hint how to check before trying again.
    """


class RateLimited(TuiConsoleError):
    """A server rate limit is exhausted. ``retry_after`` is seconds to wait (``None``: unknown)."""

    def __init__(self, message: str, *, retry_after: float | None = None, hint: str = "") -> None:
        if not hint and retry_after is not None:
            hint = f"Try again in {max(1, round(retry_after))} s."
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


class AuthError(TuiConsoleError):
    """Signing in, refreshing or signing out failed."""


class OAuthError(AuthError):
    """The authorization server answered with an OAuth error body.

    ``error`` is the machine-readable code (``authorization_pending``, ``invalid_grant``...),
    ``description`` the server's ``error_description`` and ``status`` the HTTP status. Flows
    decide on ``error``, never on ``status`` (Auth0 answers 403 and 429 for normal device-flow
    control flow).
    """

    def __init__(
        self,
        error: str,
        description: str = "",
        *,
        status: int | None = None,
        hint: str = "",
    ) -> None:
        text = f"The server refused the request: {error}"
        if description:
            text += f" ({description})"
        super().__init__(text, hint=hint)
        self.error = error
        self.description = description
        self.status = status


class DiscoveryError(AuthError):
    """The issuer's discovery document or key set is missing, malformed or inconsistent."""


class TokenValidationError(AuthError):
    """An ID token failed validation; it was not stored."""


class LoginCancelled(AuthError):
    """The person cancelled the sign-in (or denied it on the server)."""


class LoginTimedOut(AuthError):
    """The sign-in code or browser wait expired before the person finished."""


class NotSignedIn(AuthError):
    """No stored session exists for this profile and audience."""


class SessionExpired(AuthError):
    """The refresh token was rejected (expired, revoked, or reused): sign in again."""
