"""What ``status`` reports: who is signed in with a profile, with which tokens, stored where.

Read from disk only (the profile, the token file, whether the DPoP key file exists), never
the network, and light: ``tui-console status`` answers through this module without loading
httpx, pyjwt or cryptography, and :meth:`tui_console.account.AccountSession.status` builds
its answer with the same :func:`session_status`, so the two can never differ.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_console.durations import epoch_seconds
from tui_console.jwt_claims import unverified_claims

if TYPE_CHECKING:
    from tui_console.config import Profile
    from tui_console.storage.token_store import FileTokenStore

__all__ = ["SessionStatus", "TokenStatus", "session_status", "stored_session_status"]

#: The ID-token claims worth showing as "who is signed in".
_USER_CLAIMS = ("sub", "name", "nickname", "email", "email_verified", "picture")


@dataclass(frozen=True)
class TokenStatus:
    """What is known about the stored tokens for one audience (no secrets)."""

    audience: str | None
    scopes: tuple[str, ...]
    expires_at: float | None
    has_refresh_token: bool
    token_type: str
    dpop_bound: bool = False
    """The access token is sender-constrained (RFC 9449): sent as ``DPoP`` with a proof."""
    dpop_jkt: str | None = None
    """The thumbprint of the DPoP key the tokens are bound to (``None``: no DPoP)."""
    dpop_fallback: bool = False
    """Signed in with DPoP, yet the server issued a Bearer access token for this audience:
    its API takes no DPoP-bound tokens (Auth0 issues Bearer tokens for an API without a
    sender-constraining policy). The refresh token stays bound to the key."""

    @property
    def dpop_note(self) -> str | None:
        """A sentence on the DPoP fallback, for ``status``; ``None`` when there is none."""
        if not self.dpop_fallback:
            return None
        return (
            "the server issued a Bearer access token for this API although the sign-in "
            "used DPoP (the API takes no DPoP-bound tokens); calls use Bearer, and the "
            "refresh token stays bound to the DPoP key"
        )

    def seconds_left(self, now: float | None = None) -> float | None:
        """Seconds until the access token expires (negative once it has)."""
        if self.expires_at is None:
            return None
        return self.expires_at - (now if now is not None else time.time())

    def to_json(self, now: float | None = None) -> dict[str, Any]:
        left = self.seconds_left(now)
        return {
            "audience": self.audience,
            "scopes": list(self.scopes),
            "expires_at": epoch_seconds(self.expires_at),
            "expires_in": None if left is None else int(left),
            "has_refresh_token": self.has_refresh_token,
            "token_type": self.token_type,
            "dpop_bound": self.dpop_bound,
            "dpop_jkt": self.dpop_jkt,
            "dpop_fallback": self.dpop_fallback,
            "dpop_note": self.dpop_note,
        }


@dataclass(frozen=True)
class SessionStatus:
    """Who is signed in with a profile, with which tokens, stored where."""

    profile: str
    issuer: str
    client_id: str
    token_file: str
    tokens: tuple[TokenStatus, ...] = ()
    user: Mapping[str, Any] = field(default_factory=dict)
    dpop_key_file: str | None = None
    """The profile's DPoP key file, when there is one."""
    other_session: str | None = None
    """Whose session the token file holds when it is another issuer's or client's than this
    run's (one-off ``--issuer``/``--client-id``): this run is signed out and never uses it."""
    machine: str | None = None
    """A machine sign-in (support staff): the application, by name if the token tells it,
    else by client id; ``None`` when a person signed in."""

    @property
    def signed_in(self) -> bool:
        return bool(self.tokens)

    @property
    def who(self) -> str:
        """The signed-in person as a greeting names them: name, else email, else subject; a
        machine sign-in as ``machine: CLIENT (support)``."""
        if self.machine is not None:
            return f"machine: {self.machine} (support)"
        user = self.user
        return str(user.get("name") or user.get("email") or user.get("sub") or "you")

    @property
    def dpop_key_missing(self) -> bool:
        """Tokens are bound to a DPoP key, but there is no key file: they are unusable."""
        return self.dpop_key_file is None and any(t.dpop_jkt for t in self.tokens)

    def to_json(self, now: float | None = None) -> dict[str, Any]:
        return {
            "signed_in": self.signed_in,
            "profile": self.profile,
            "issuer": self.issuer,
            "client_id": self.client_id,
            "user": dict(self.user),
            "tokens": [token.to_json(now) for token in self.tokens],
            "token_file": self.token_file,
            "dpop_key_file": self.dpop_key_file,
            "dpop_key_missing": self.dpop_key_missing,
            "other_session": self.other_session,
            "machine": self.machine,
        }


def session_status(profile: Profile, store: FileTokenStore, dpop_key_file: Path) -> SessionStatus:
    """The status of ``profile``'s session as ``store`` (seen by this run's issuer and client,
    :meth:`FileTokenStore.owned_by`) holds it; ``dpop_key_file`` is the profile's key file.

    Another issuer's or client's tokens show as :attr:`SessionStatus.other_session`, with no
    tokens. Raises :class:`~tui_console.errors.StorageError` for a damaged token file.
    """
    stored = store.load()
    user: dict[str, Any] = {}
    for tokens in stored.values():
        if tokens.id_token is not None:
            claims = unverified_claims(tokens.id_token)  # validated when it was stored
            user = {key: claims[key] for key in _USER_CLAIMS if key in claims}
            break
    return SessionStatus(
        profile=profile.name,
        issuer=profile.issuer,
        client_id=profile.client_id,
        token_file=str(store.path),
        tokens=tuple(
            TokenStatus(
                audience=tokens.audience,
                scopes=tokens.scope,
                expires_at=tokens.expires_at,
                has_refresh_token=tokens.refresh_token is not None,
                token_type=tokens.token_type,
                dpop_bound=tokens.dpop_bound,
                dpop_jkt=tokens.access_token_jkt or tokens.dpop_jkt,
                dpop_fallback=tokens.dpop_jkt is not None and not tokens.dpop_bound,
            )
            for tokens in stored.values()
        ),
        user=user,
        dpop_key_file=str(dpop_key_file) if dpop_key_file.exists() else None,
        other_session=str(other) if (other := store.foreign_owner()) else None,
        machine=profile.client_id if profile.machine and stored else None,
    )


def stored_session_status(profile: Profile) -> SessionStatus:
    """:func:`session_status` for ``profile``'s own token file (where
    :class:`~tui_console.account.AccountSession` keeps it), read from disk alone.

    The console draws its first frame from this before httpx and pyjwt are imported, and
    ``status`` answers from it: both see exactly what a session for ``profile`` would report.
    """
    # Storage is light (no httpx, pyjwt, cryptography), but only this function needs it.
    from tui_console.paths import token_dir
    from tui_console.storage.dpop_keys import DPoPKeyStore
    from tui_console.storage.token_store import FileTokenStore, TokenOwner

    store = FileTokenStore(token_dir(), profile.name).owned_by(
        TokenOwner(profile.issuer, profile.client_id)
    )
    return session_status(profile, store, DPoPKeyStore.beside(store.path).path)
