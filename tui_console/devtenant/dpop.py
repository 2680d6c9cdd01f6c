"""DPoP (RFC 9449) as the dev tenant checks it: proofs, nonces, replay, token binding.

The tenant has its own small verifier: it may not import the client (``tui_console.auth``),
and a check written twice is a check that can disagree, which is what tests want to see.

Followed from Auth0 (auth0-reference.md §4.4 [D3, D4]):

* a public client must put a server nonce in its proof at ``/oauth/token``; a proof without
  one gets ``400 {"error": "use_dpop_nonce", "error_description": "Authorization server
  requires nonce in DPoP proof"}`` with a ``DPoP-Nonce`` header;
* bound access tokens carry ``cnf.jkt`` (JWTs; opaque ``/userinfo`` tokens are bound in the
  tenant's records) and the response says ``token_type: "DPoP"``;
* a bound refresh token needs a proof signed by the same key;
* the errors are ``invalid_dpop_proof`` and ``use_dpop_nonce``: 400 with a JSON body at the
  token endpoint, 401 with a ``WWW-Authenticate: DPoP`` challenge at ``/userinfo``;
* Auth0's "Configure Sender Constraining" table: a DPoP token request for an API that has no
  sender-constraining policy gets an access token that is *not* sender-constrained (Bearer).
  Whether Auth0's Management API can be given such a policy is UNCONFIRMED; the tenant assumes
  not, unless ``TenantSettings.management_api_dpop`` says otherwise. Tokens for ``/userinfo``
  alone are always bound when a proof came (the table's "Userinfo Only" rows).

Chosen where Auth0 says nothing (so: guesses):

* nonces are stateless, an HMAC of a per-tenant secret and the time window: a new one every
  ``dpop_nonce_ttl`` seconds, and the previous one still accepted (oidc-provider works the same
  way with 60 s steps). Every response to a request that carried a proof has the current one in
  ``DPoP-Nonce``, so a client that keeps the latest never sees a challenge until it sleeps
  through two windows;
* ``/userinfo`` wants the nonce too (401 ``use_dpop_nonce``): Auth0's documented example sends
  the token endpoint's nonce there, whether it insists is UNCONFIRMED; a client that remembers
  nonces per origin pays nothing for it. The Management API (with ``management_api_dpop``)
  checks a nonce only when one is sent;
* ``iat`` within ``dpop_iat_leeway`` (60 s) either way;
* a ``jti`` is accepted once, at the token endpoint and at ``/userinfo`` alike (Auth0 says its
  ``/userinfo`` does not check ``jti``: the tenant is stricter there);
* a binding mismatch (a code or refresh token bound to another key, or none presented) is
  ``invalid_dpop_proof`` at the token endpoint; a bound token presented as Bearer, or with a
  proof from another key, is ``invalid_token`` at ``/userinfo``, as oidc-provider answers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import jwt

if TYPE_CHECKING:
    from starlette.requests import Request

    from tui_console.devtenant.records import Grant
    from tui_console.devtenant.state import TenantState

__all__ = [
    "ALGORITHMS",
    "NONCE_REQUIRED",
    "DPoPGuard",
    "DPoPRejected",
    "ResourceRequest",
    "VerifiedProof",
    "access_token_binding",
    "dpop_challenge",
    "jwk_thumbprint",
    "resource_request",
    "verify_proof",
]

ALGORITHMS = ("ES256", "RS256", "PS256")
"""Proof algorithms the tenant accepts (and advertises in discovery)."""
NONCE_REQUIRED = "Authorization server requires nonce in DPoP proof"
"""Auth0's ``error_description`` for a public client's proof without a nonce (§4.4 [D3])."""
RESOURCE_NONCE_REQUIRED = "Resource server requires nonce in DPoP proof"

_KEY_TYPES = {"ES256": "EC", "RS256": "RSA", "PS256": "RSA"}
_THUMBPRINT_MEMBERS = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n")}
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


class DPoPRejected(Exception):
    """A proof the tenant does not take: ``error`` is ``invalid_dpop_proof`` or
    ``use_dpop_nonce`` (then the response carries a fresh ``DPoP-Nonce``)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


@dataclass(frozen=True)
class VerifiedProof:
    """A proof that passed: its key's thumbprint (``jkt``), its ``jti`` and ``nonce``."""

    jkt: str
    jti: str
    nonce: str | None


@dataclass(frozen=True)
class ResourceRequest:
    """What a proof presented to an API is checked against (RFC 9449 §7.1)."""

    method: str
    url: str
    """The URL as the issuer names it (``htu`` is compared with this)."""
    proofs: tuple[str, ...]
    """The request's ``DPoP`` header values."""


def resource_request(state: TenantState, request: Request) -> ResourceRequest:
    """The :class:`ResourceRequest` of a Starlette request to this tenant."""
    return ResourceRequest(
        method=request.method,
        url=state.issuer.rstrip("/") + request.url.path,
        proofs=tuple(request.headers.getlist("dpop")),
    )


def dpop_challenge(error: str, description: str) -> str:
    """A ``WWW-Authenticate: DPoP`` challenge value (RFC 9449 §7.1)."""
    description = description.replace('"', "'")
    return f'DPoP error="{error}", error_description="{description}", algs="{" ".join(ALGORITHMS)}"'


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a public EC or RSA JWK, base64url."""
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if members is None or not all(isinstance(jwk.get(m), str) for m in members):
        raise ValueError("unsupported JWK")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def _normalise(url: str) -> str:
    """``url`` without query and fragment, scheme and host lower-cased, default port dropped
    and the path percent-decoded (``%7C`` and ``|`` name the same user)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return ""
    authority = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    return f"{scheme}://{authority}{unquote(parts.path) or '/'}"


class DPoPGuard:
    """The tenant's DPoP memory: the nonce secret and the ``jti`` values already seen.

    Time and settings come from the :class:`TenantState` on every call, so tests that move
    the tenant's clock rotate nonces and age ``jti`` records with it.
    """

    def __init__(self, state: TenantState) -> None:
        self._state = state
        self._secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}

    def _window(self, offset: int = 0) -> str:
        step = int(self._state.now() // self._state.settings.dpop_nonce_ttl) + offset
        digest = hmac.new(self._secret, step.to_bytes(8, "big", signed=True), hashlib.sha256)
        return _b64url(digest.digest())

    def nonce(self) -> str:
        """The current nonce (the ``DPoP-Nonce`` header value)."""
        return self._window()

    def nonce_is_valid(self, nonce: str) -> bool:
        """The current nonce or the previous one (``hmac.compare_digest``, constant time)."""
        return any(hmac.compare_digest(nonce, self._window(offset)) for offset in (0, -1))

    def first_use(self, jti: str) -> bool:
        """Record ``jti``; False when it was seen before (a replayed proof)."""
        settings = self._state.settings
        now = self._state.now()
        # Long enough to outlive every proof that could still pass the iat and nonce checks.
        keep = 2 * settings.dpop_iat_leeway + 2 * settings.dpop_nonce_ttl
        with self._lock:
            for old, expires in list(self._seen.items()):
                if expires < now:
                    del self._seen[old]
            if jti in self._seen:
                return False
            self._seen[jti] = now + keep
            return True


def _invalid(description: str) -> DPoPRejected:
    return DPoPRejected("invalid_dpop_proof", description)


def _header_and_key(proof: str) -> tuple[dict[str, Any], str, Any]:
    try:
        header = jwt.get_unverified_header(proof)
    except jwt.PyJWTError:
        raise _invalid("The DPoP proof is not a JWS") from None
    if header.get("typ") != "dpop+jwt":
        raise _invalid("The DPoP proof typ must be dpop+jwt")
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise _invalid(f"Unsupported DPoP proof alg: {algorithm}")
    jwk = header.get("jwk")
    if not isinstance(jwk, dict):
        raise _invalid("The DPoP proof header has no jwk")
    if _PRIVATE_MEMBERS & set(jwk):
        raise _invalid("The DPoP proof jwk must be a public key")
    if jwk.get("kty") != _KEY_TYPES[algorithm]:
        raise _invalid(f"The DPoP proof jwk does not fit alg {algorithm}")
    try:
        key = jwt.PyJWK(jwk, algorithm=algorithm).key
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):
        raise _invalid("The DPoP proof jwk is not a usable key") from None
    return jwk, algorithm, key


def verify_proof(
    state: TenantState,
    proofs: Sequence[str],
    *,
    method: str,
    url: str,
    access_token: str | None = None,
    require_nonce: bool,
    nonce_description: str = NONCE_REQUIRED,
) -> VerifiedProof:
    """Check the ``DPoP`` header values of one request (RFC 9449 §4.3) or raise
    :class:`DPoPRejected`.

    Order: one header; ``typ``, ``alg`` and a public ``jwk``; the signature with that key;
    ``jti``, ``htm``, ``htu``, ``iat``; ``ath`` when ``access_token`` is given; the nonce
    (required of public clients: ``require_nonce``); last, the ``jti`` is recorded, so a
    refused proof does not burn its ``jti``.
    """
    if len(proofs) != 1:
        raise _invalid("Exactly one DPoP header is required")
    proof = proofs[0]
    jwk, algorithm, key = _header_and_key(proof)
    try:
        claims: dict[str, Any] = jwt.decode(
            proof,
            key,
            algorithms=[algorithm],
            options={"verify_exp": False, "verify_iat": False, "verify_aud": False},
        )
    except jwt.PyJWTError:
        raise _invalid("The DPoP proof signature does not verify with its jwk") from None
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise _invalid("The DPoP proof has no jti")
    if claims.get("htm") != method.upper():
        raise _invalid("The DPoP proof htm does not match the request method")
    htu = claims.get("htu")
    if not isinstance(htu, str) or _normalise(htu) != _normalise(url):
        raise _invalid("The DPoP proof htu does not match the request URL")
    iat = claims.get("iat")
    leeway = state.settings.dpop_iat_leeway
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise _invalid("The DPoP proof has no iat")
    if abs(state.now() - iat) > leeway:
        raise _invalid(f"The DPoP proof iat is more than {leeway:g} seconds away from now")
    if access_token is not None:
        ath = claims.get("ath")
        if not isinstance(ath, str):
            raise _invalid("The DPoP proof has no ath (access token hash)")
        expected = _b64url(hashlib.sha256(access_token.encode("ascii")).digest())
        if not hmac.compare_digest(ath, expected):
            raise _invalid("The DPoP proof ath does not match the access token")
    nonce = claims.get("nonce")
    if nonce is None:
        if require_nonce:
            raise DPoPRejected("use_dpop_nonce", nonce_description)
    elif not isinstance(nonce, str) or not state.dpop.nonce_is_valid(nonce):
        raise DPoPRejected("use_dpop_nonce", "The DPoP nonce is not valid (any more)")
    if not state.dpop.first_use(jti):
        raise _invalid("The DPoP proof jti was used before (a replayed proof)")
    return VerifiedProof(jkt=jwk_thumbprint(jwk), jti=jti, nonce=nonce)


def access_token_binding(state: TenantState, grant: Grant) -> str | None:
    """The ``jkt`` the access token for ``grant`` is bound to, or ``None`` for a Bearer token.

    A grant from a DPoP request (``grant.dpop_jkt``) binds the access token unless its API has
    no sender-constraining policy (Auth0's table): here the Management API, unless
    ``TenantSettings.management_api_dpop``. The refresh token stays bound either way.
    """
    if grant.dpop_jkt is None:
        return None
    if grant.audience == state.management_audience and not state.settings.management_api_dpop:
        return None
    return grant.dpop_jkt
