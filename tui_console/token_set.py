"""The tokens of one grant, as stored and as handed out: :class:`TokenSet`.

Below both :mod:`tui_console.auth` (which obtains and refreshes tokens) and
:mod:`tui_console.storage` (which keeps them), so neither imports the other for the type, and
light: ``tui-console token`` with a valid stored token reads the file through this module and
answers without loading httpx, pyjwt or cryptography. The one refresh-margin rule
(:meth:`TokenSet.refresh_due`) lives here too, so the fast path and
:class:`~tui_console.auth.refresh.TokenManager` never disagree on whether a token is stale.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tui_console.errors import TokenValidationError
from tui_console.jwt_claims import unverified_claims
from tui_console.redact import Secret

__all__ = ["REFRESH_LEEWAY", "YEAR_10000", "TokenSet"]

YEAR_10000 = 253_402_300_800
"""Epoch seconds of 10000-01-01: later times cannot be shown as dates."""

REFRESH_LEEWAY = 60.0
"""Seconds of validity an access token must have left to be handed out without a refresh."""


@dataclass(frozen=True)
class TokenSet:
    """The tokens of one grant, for one audience.

    ``expires_at`` is epoch seconds computed from ``expires_in`` when the response arrived.
    ``audience`` is the API the access token was asked for (``None``: only ``/userinfo``).
    ``dpop_jkt`` is the thumbprint of the DPoP key the tokens were requested with (RFC 9449):
    the refresh token is bound to it, and so is the access token when :attr:`dpop_bound`.
    """

    access_token: Secret
    token_type: str = "Bearer"
    expires_at: float | None = None
    scope: tuple[str, ...] = ()
    refresh_token: Secret | None = None
    id_token: Secret | None = None
    audience: str | None = None
    issued_at: float = field(default_factory=time.time)
    dpop_jkt: str | None = None
    refresh_answer_lost_at: float | None = None
    """When a refresh of these tokens was sent but its answer lost (epoch seconds), if one was.

    Auth0 may have rotated the refresh token then; if it later refuses this one as reused,
    that is the likely cause (see :mod:`tui_console.auth.refresh`). A refresh that gets its
    answer clears it."""
    multi_resource: bool = False
    """Minted from another audience's refresh token by a Multi-Resource Refresh Token
    exchange (auth0-reference.md §3.6): refreshed with ``audience`` and ``scope``, since a
    refresh without them answers for the sign-in's audience. The refresh token is shared."""

    @property
    def access_token_jkt(self) -> str | None:
        """``cnf.jkt`` of a JWT access token (RFC 9449 §6.1), unverified; ``None`` if none."""
        try:
            claims = unverified_claims(self.access_token)
        except TokenValidationError:  # an opaque access token
            return None
        cnf = claims.get("cnf")
        jkt = cnf.get("jkt") if isinstance(cnf, dict) else None
        return jkt if isinstance(jkt, str) else None

    @property
    def dpop_bound(self) -> bool:
        """Whether the access token is sender-constrained: ``token_type`` DPoP or ``cnf.jkt``.

        Such a token is sent as ``Authorization: DPoP`` with a proof; any other as Bearer.
        """
        return self.token_type.lower() == "dpop" or self.access_token_jkt is not None

    def expires_within(self, seconds: float, *, now: float | None = None) -> bool:
        """True when the access token is expired or will be within ``seconds``."""
        if self.expires_at is None:
            return False
        return (now if now is not None else time.time()) + seconds >= self.expires_at

    def refresh_due(self, leeway: float = REFRESH_LEEWAY, *, now: float | None = None) -> bool:
        """Expired, or within ``leeway`` seconds of expiring: renew before handing it out.

        The leeway is capped at half the token's lifetime: with tokens shorter than the
        leeway (dev tenants, tests) every token would be "stale" at birth, and each caller
        would refresh again instead of adopting the token just renewed.
        """
        if self.expires_at is None:
            return False
        lifetime = max(0.0, self.expires_at - self.issued_at)
        return self.expires_within(min(leeway, lifetime / 2), now=now)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict *with the secrets revealed*: only the token store calls this."""
        return {
            "access_token": self.access_token.reveal(),
            "token_type": self.token_type,
            "expires_at": self.expires_at,
            "scope": " ".join(self.scope),
            "refresh_token": self.refresh_token.reveal() if self.refresh_token else None,
            "id_token": self.id_token.reveal() if self.id_token else None,
            "audience": self.audience,
            "issued_at": self.issued_at,
            "dpop_jkt": self.dpop_jkt,
            "refresh_answer_lost_at": self.refresh_answer_lost_at,
            **({"multi_resource": True} if self.multi_resource else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TokenSet:
        """The inverse of :meth:`to_dict`; ``ValueError`` naming the field on any bad value.

        The file is ours, but a person may have edited it and a disk may have garbled it, so
        every field's type is checked rather than coerced: ``float("1e400")`` would be an
        infinite expiry that no duration can be printed for, and ``str(["a"])`` a scope of
        ``"['a']"``.
        """
        if not isinstance(data, Mapping):
            raise ValueError("the entry is not an object")
        access_token = _stored_text(data, "access_token")
        if not access_token:
            raise ValueError("access_token is missing")
        refresh = _stored_text(data, "refresh_token")
        id_token = _stored_text(data, "id_token")
        return cls(
            access_token=Secret(access_token),
            token_type=_stored_text(data, "token_type") or "Bearer",
            expires_at=_stored_time(data, "expires_at"),
            scope=tuple((_stored_text(data, "scope") or "").split()),
            refresh_token=Secret(refresh) if refresh else None,
            id_token=Secret(id_token) if id_token else None,
            audience=_stored_text(data, "audience"),
            issued_at=_stored_time(data, "issued_at") or 0.0,
            dpop_jkt=_stored_text(data, "dpop_jkt") or None,
            refresh_answer_lost_at=_stored_time(data, "refresh_answer_lost_at"),
            multi_resource=_stored_flag(data, "multi_resource"),
        )

    def merged_with(self, newer: TokenSet) -> TokenSet:
        """``newer`` with what a refresh response may omit kept from ``self``.

        RFC 6749 §6: a refresh may return no new refresh token (keep the old one), and
        OIDC Core §12.2: no new ID token, and no ``scope`` when unchanged (RFC 6749 §5.1).
        """
        return replace(
            newer,
            refresh_token=newer.refresh_token or self.refresh_token,
            id_token=newer.id_token or self.id_token,
            scope=newer.scope or self.scope,
            audience=newer.audience if newer.audience is not None else self.audience,
            dpop_jkt=newer.dpop_jkt or self.dpop_jkt,
            multi_resource=newer.multi_resource or self.multi_resource,
        )


def _stored_text(data: Mapping[str, Any], name: str) -> str | None:
    """``data[name]`` if it is a string, ``None`` if absent or null; ``ValueError`` otherwise."""
    value = data.get(name)
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{name} is not a string")


def _stored_flag(data: Mapping[str, Any], name: str) -> bool:
    """``data[name]`` if it is a boolean, ``False`` if absent or null; ``ValueError`` otherwise."""
    value = data.get(name)
    if value is None or isinstance(value, bool):
        return bool(value)
    raise ValueError(f"{name} is not true or false")


def _stored_time(data: Mapping[str, Any], name: str) -> float | None:
    """``data[name]`` as finite epoch seconds, ``None`` if absent; ``ValueError`` otherwise."""
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} is not a finite number")
    if not 0 <= value < YEAR_10000:
        raise ValueError(f"{name} is not a time between 1970 and 9999")
    return float(value)
