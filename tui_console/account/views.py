"""What the account facade hands out: plain values about tokens, sign-ins and sign-outs.

No behaviour and no HTTP here: these are what the command line prints and the panes show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tui_console.auth.inspect import TokenView

__all__ = ["REQUIRED_SCOPES", "DevicePrompt", "LogoutReport", "Revocation", "TokenDetails"]


@dataclass(frozen=True)
class TokenDetails:
    """Everything the token inspector shows about one stored token, minus the token itself."""

    audience: str | None
    token_type: str
    scopes: tuple[str, ...]
    issued_at: float
    expires_at: float | None
    has_refresh_token: bool
    refresh_state: str
    """``fresh``, ``refreshing``, ``expired`` or ``signed out``: the refresh state in words."""
    access_token: TokenView
    id_token: TokenView | None
    dpop_bound: bool = False
    """The access token is DPoP-bound (sender-constrained, RFC 9449)."""
    dpop_jkt: str | None = None
    """The thumbprint of the DPoP key the tokens are bound to."""


#: What each action needs from the token; the UI disables an action whose scope is missing
#: and offers a sign-in asking for it (auth0-reference.md §6.1, §6.6).
REQUIRED_SCOPES: Mapping[str, str] = {
    "profile.read": "openid",
    "user.read": "read:current_user",
    "metadata.update": "update:current_user_metadata",
    "identities.link": "update:current_user_identities",
    "identities.unlink": "update:current_user_identities",
    "devices.list": "read:device_credentials",
    "devices.create": "create:current_user_device_credentials",
    "devices.revoke": "delete:current_user_device_credentials",
}


@dataclass(frozen=True)
class DevicePrompt:
    """What the person needs to approve a device sign-in: never the device code itself."""

    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_at: float
    interval: int


@dataclass(frozen=True)
class Revocation:
    """How revoking one audience's refresh token at the server went."""

    audience: str | None
    """The audience whose tokens these were (``None``: the userinfo-only sign-in)."""
    revoked: bool
    """The server accepted the revocation."""
    had_refresh_token: bool = True
    """``False``: only an access token was stored, so there was nothing to revoke."""
    detail: str = ""
    """Why the server did not revoke it (offline, refused): a sentence part."""


@dataclass(frozen=True)
class LogoutReport:
    """Each step of signing out and how it went, so the person knows what happened."""

    wiped: bool
    """The local token file was deleted."""
    revocations: tuple[Revocation, ...] = ()
    """One entry per stored audience, in the order they were revoked."""
    dpop_key_deleted: bool = False
    """The profile's DPoP key file was deleted."""
    client_secret_deleted: bool = False
    """A machine profile's stored client secret was deleted."""
    other_session: str | None = None
    """The token file holds another issuer's or client's session (see
    :attr:`SessionStatus.other_session`): it was neither revoked nor deleted."""

    @property
    def revoked(self) -> bool:
        """Every stored refresh token was revoked (and there was at least one)."""
        tried = [r for r in self.revocations if r.had_refresh_token]
        return bool(tried) and all(r.revoked for r in tried)

    @property
    def revoke_detail(self) -> str:
        """Why not everything was revoked, in one sentence part ("" when it was)."""
        if not any(r.had_refresh_token for r in self.revocations):
            return "no refresh token was stored"
        return "; ".join(
            f"{r.audience or 'userinfo only'}: {r.detail}"
            for r in self.revocations
            if r.had_refresh_token and not r.revoked
        )
