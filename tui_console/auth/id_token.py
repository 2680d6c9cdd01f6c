"""ID token validation for a public client (OIDC Core §3.1.3.7, RFC 8725 §3.1-§3.2).

:class:`IdTokenValidator` reads the header's ``alg`` *before* anything is verified and
refuses every algorithm outside a short asymmetric allow-list, so ``alg: none`` and the
HS256-with-the-public-key trick never reach a verifier. The signature is checked with
pyjwt against the issuer's published key (:class:`~tui_console.auth.jwks.JwksCache`); the
claims are then checked here, with an injectable clock, so every failure names the check
that failed. No message ever contains the token.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tui_console.errors import TokenValidationError
from tui_console.jwt_claims import unverified_claims  # re-exported: one decoder for all
from tui_console.redact import Secret

if TYPE_CHECKING:
    from tui_console.auth.jwks import JwksCache

__all__ = ["IdTokenValidator", "unverified_claims"]

_CLOCK_HINT = "Check that this computer's clock is right, then sign in again."
_AGAIN_HINT = "Sign in again; if it keeps failing, the issuer or client id may be misconfigured."


def _rejected(reason: str, hint: str = _AGAIN_HINT) -> TokenValidationError:
    return TokenValidationError(f"The ID token was rejected: {reason}.", hint=hint)


def _number(claims: dict[str, Any], name: str) -> float | None:
    """The numeric date claim ``name`` (RFC 7519 §2), ``None`` when absent."""
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _rejected(f"its {name} claim is not a number")
    return float(value)


def _asymmetric(alg: str) -> bool:
    return alg.lower() != "none" and not alg.upper().startswith("HS")


class IdTokenValidator:
    """Validates ID tokens from one issuer for one client (OIDC Core §3.1.3.7).

    ``algorithms`` may hold only asymmetric algorithms: a public client has no secret to
    check an HMAC with, and accepting one would let anyone who knows the public key forge
    tokens. ``leeway`` (seconds) absorbs clock skew for ``exp``, ``iat`` and ``nbf``.
    """

    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        jwks: JwksCache,
        algorithms: Sequence[str] = ("RS256", "PS256"),
        leeway: float = 60,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not algorithms or not all(_asymmetric(alg) for alg in algorithms):
            raise ValueError(f"ID tokens need asymmetric algorithms, not {list(algorithms)}")
        self._issuer = issuer
        self._client_id = client_id
        self._jwks = jwks
        self._algorithms = tuple(algorithms)
        self._leeway = leeway
        self._clock = clock

    async def validate(self, id_token: Secret, *, nonce: str | None = None) -> dict[str, Any]:
        """The verified claims of ``id_token``, or :class:`TokenValidationError` naming the check.

        ``nonce`` is the value sent to ``/authorize``; when given, the token must carry it.
        The device flow sends none, and then a ``nonce`` in the token is simply ignored.
        """
        import jwt  # deferred (with cryptography, ~35 ms): only a sign-in validates one

        token = id_token.reveal()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _rejected("it is malformed (not a complete, well-formed JWT)") from None
        alg = header.get("alg")
        if alg not in self._algorithms:
            accepted = ", ".join(self._algorithms)
            raise _rejected(f"its algorithm (alg) {alg!r} is not accepted (only {accepted})")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise _rejected("its key id (kid) is not a string")
        key = await self._jwks.signing_key(kid)
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                options={
                    "verify_signature": True,
                    "verify_exp": False,  # the claims are checked below, with our clock
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                    "verify_iss": False,
                    "verify_sub": False,
                    "verify_jti": False,
                },
            )
        except jwt.InvalidSignatureError:
            raise _rejected("its signature does not verify with the issuer's key") from None
        except jwt.PyJWTError:
            raise _rejected("it is malformed (its signature or payload cannot be read)") from None
        self._check_claims(claims, nonce)
        return claims

    def _check_claims(self, claims: dict[str, Any], nonce: str | None) -> None:
        """OIDC Core §3.1.3.7 steps 2-4, 9-11 (and RFC 7519 §4.1.5 for ``nbf``)."""
        issuer = claims.get("iss")
        if issuer != self._issuer:
            raise _rejected(f"its issuer (iss) {issuer!r} is not {self._issuer!r}")
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise _rejected("it has no subject (sub)")
        audience = claims.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience
        if not isinstance(audiences, list) or self._client_id not in audiences:
            raise _rejected("its audience (aud) does not include this application's client id")
        party = claims.get("azp")
        if party is None and len(audiences) > 1:
            raise _rejected("it names several audiences (aud) but no authorized party (azp)")
        if party is not None and party != self._client_id:
            raise _rejected("its authorized party (azp) is another application")
        now = self._clock()
        expires = _number(claims, "exp")
        if expires is None:
            raise _rejected("it has no expiry (exp)")
        if now > expires + self._leeway:
            raise _rejected("it has expired (exp)", _CLOCK_HINT)
        issued = _number(claims, "iat")
        if issued is None:
            raise _rejected("it has no issue time (iat)")
        if issued > now + self._leeway:
            raise _rejected("it was issued in the future (iat)", _CLOCK_HINT)
        not_before = _number(claims, "nbf")
        if not_before is not None and not_before > now + self._leeway:
            raise _rejected("it is not valid yet (nbf)", _CLOCK_HINT)
        if nonce is not None:
            sent = claims.get("nonce")
            if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), nonce.encode()):
                raise _rejected("its nonce does not match this sign-in's")
