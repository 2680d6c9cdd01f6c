"""What each support action needs from the machine token, and the refusal when it lacks it.

A machine sign-in gets the Management API scopes its application was granted in the Auth0
dashboard, no more (auth0-reference.md §8.2, §8.3, §8.6). Each support action is a key of
:data:`SUPPORT_SCOPES`; one whose scopes the token lacks is refused before anything is sent,
in words (what the action is, which scopes, where to grant them: :class:`ScopeMissing`), so
the console can grey it out with the reason and the command line can say it before asking
for a confirmation. A token that names no scopes (an opaque one) is never refused here:
Auth0 decides.
"""

from __future__ import annotations

from collections.abc import Mapping

from tui_console.errors import AuthError

__all__ = [
    "SUPPORT_SCOPES",
    "ScopeMissing",
    "missing_scopes",
    "require",
    "unavailable_reason",
]

#: What each support action needs from the machine token (auth0-reference.md §8.2, §8.3, §8.6).
SUPPORT_SCOPES: Mapping[str, tuple[str, ...]] = {
    "users.find": ("read:users",),
    "users.read": ("read:users",),
    "sessions.list": ("read:sessions",),
    "sessions.read": ("read:sessions",),
    "sessions.end": ("delete:sessions", "delete:refresh_tokens"),
    "refresh_tokens.list": ("read:refresh_tokens",),
    "refresh_tokens.revoke": ("delete:refresh_tokens",),
    "access.revoke": ("delete:sessions", "delete:refresh_tokens"),
    "logs.read": ("read:logs",),
    "blocks.read": ("read:users",),
    "blocks.release": ("update:users",),
    "users.block": ("update:users",),
    "mfa.list": ("read:authentication_methods",),
    "mfa.enrollments": ("read:users",),
    "mfa.remove": ("delete:authentication_methods",),
    "mfa.reset": ("delete:authentication_methods",),
    "mfa.forget_browsers": ("update:users",),
    "devices.list": ("read:device_credentials",),
    "devices.revoke": ("delete:device_credentials",),
}

#: A scope another one stands in for: Auth0 takes either for reading logs (§8.6).
_SATISFIED_BY: Mapping[str, tuple[str, ...]] = {"read:logs": ("read:logs_users",)}

_ACTION_WORDS: Mapping[str, str] = {
    "users.find": "finding users",
    "users.read": "reading a user",
    "sessions.list": "listing sessions",
    "sessions.read": "reading a session",
    "sessions.end": "ending a session",
    "refresh_tokens.list": "listing refresh tokens",
    "refresh_tokens.revoke": "revoking a refresh token",
    "access.revoke": "signing a user out everywhere",
    "logs.read": "reading log events",
    "blocks.read": "reading brute-force blocks",
    "blocks.release": "releasing brute-force blocks",
    "users.block": "blocking or unblocking a user",
    "mfa.list": "listing MFA methods",
    "mfa.enrollments": "listing MFA enrollments",
    "mfa.remove": "removing an MFA method",
    "mfa.reset": "resetting MFA",
    "mfa.forget_browsers": "forgetting remembered browsers",
    "devices.list": "listing device credentials",
    "devices.revoke": "revoking a device credential",
}

_GRANT_THEM = (
    "Grant them to the application: Auth0 dashboard > Applications > APIs > Auth0 Management "
    "API > Machine to Machine Applications, then sign in again "
    "(tui-console login --client-credentials)."
)


class ScopeMissing(AuthError):
    """The machine token lacks a scope this action needs; nothing was sent."""

    def __init__(self, message: str, *, scopes: tuple[str, ...], hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.scopes = scopes


def missing_scopes(action: str, granted: frozenset[str]) -> tuple[str, ...]:
    """The scopes ``action`` (a key of :data:`SUPPORT_SCOPES`) needs that ``granted`` lacks.

    Empty when ``granted`` is empty (the token says nothing about its scopes): Auth0 decides.
    """
    if not granted:
        return ()
    return tuple(
        s
        for s in SUPPORT_SCOPES[action]
        if s not in granted and not any(alt in granted for alt in _SATISFIED_BY.get(s, ()))
    )


def unavailable_reason(action: str, granted: frozenset[str]) -> str | None:
    """Why ``action`` cannot be done with the scopes ``granted``, in words; ``None`` if it can."""
    missing = missing_scopes(action, granted)
    if not missing:
        return None
    named = (" or ".join((s, *_SATISFIED_BY.get(s, ()))) for s in missing)
    what = _ACTION_WORDS[action]
    return (
        f"{what[0].upper()}{what[1:]} needs the scope"
        f"{'s' if len(missing) > 1 else ''} {', '.join(named)}, which this "
        "application was not granted."
    )


def require(action: str, granted: frozenset[str]) -> None:
    """:class:`ScopeMissing` when ``action`` needs a scope that ``granted`` lacks."""
    reason = unavailable_reason(action, granted)
    if reason is not None:
        raise ScopeMissing(reason, scopes=missing_scopes(action, granted), hint=_GRANT_THEM)
