"""Machine-to-machine applications: client authentication and the client-credentials grant.

Support staff sign in as an application, not as a person (auth0-reference.md §8.7 [K2, K1]):
``POST /oauth/token`` with ``grant_type=client_credentials``, an ``audience`` and the client's
authentication. The dev tenant has two such applications (:mod:`.seed`):

* **support (client secret)**: ``client_secret_post`` (the secret in the form) or
  ``client_secret_basic`` (HTTP Basic), as Auth0 accepts either for a confidential client;
* **support (private key JWT)**: a registered RSA public key; the client sends
  ``client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`` and a
  ``client_assertion`` JWT signed with RS256, RS384 or PS256 (the algorithms §8.7 lists), with
  ``iss`` = ``sub`` = the client id, ``aud`` the tenant URL with its trailing slash, a unique
  ``jti`` (at most 64 characters, one use only: a replay is refused), a short ``exp``; ``iat``
  and ``nbf`` are optional and 10 s of clock skew is tolerated (all [K1]).

Scopes come from a **client grant** (the application's access to one API, [AP]): no grant for
the ``audience`` → 403 ``access_denied``; a ``scope`` parameter naming scopes the grant lacks →
403 ``access_denied`` "Client has not been granted scopes: ..." (Auth0's wording, quoted in
auth0/docs#5466); no ``scope`` parameter → every scope of the grant. The access token is an
RS256 JWT with ``sub`` = ``<client_id>@clients``, ``gty: client-credentials``, ``azp`` and the
granted ``scope`` string; the response is ``{access_token, expires_in, token_type}`` with no
refresh or ID token (recorded, token.json ``TestLoginWithClientCredentials``).

Guesses, where neither the recordings nor the docs say:

* UNRECORDED: the refusal without a client grant, worded as Auth0's dashboard-era message
  ``Client is not authorized to access "<audience>". You need to create a "client-grant"
  associated to this API. ...`` (not in the recordings or the docs corpus).
* UNRECORDED: several missing scopes are joined with ", " in that message.
* UNRECORDED: a wrong client secret answers 401 ``access_denied`` "Unauthorized", as the tenant
  already answers an unknown client; a refused client assertion answers 401 ``invalid_client``
  with a description saying what was wrong (Auth0's exact texts are not recorded).
* UNCONFIRMED (§8.7): an assertion whose ``aud`` is the token endpoint URL
  (``<issuer>oauth/token``, which RFC 7523 allows) is accepted too.
* UNRECORDED: an ``exp`` more than :data:`MAX_ASSERTION_LIFETIME` seconds ahead is refused
  (Auth0 recommends "at most a minute"; auth0-cli sends two minutes).
* UNRECORDED: no ``audience`` → 403 ``access_denied`` "No audience parameter was provided, and
  no default audience has been configured" (the wording Auth0 tenants without a default
  audience are known for).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tui_console.devtenant import seed
from tui_console.devtenant.models import Client

if TYPE_CHECKING:
    from tui_console.devtenant.state import TenantState

__all__ = [
    "ASSERTION_TYPE",
    "ASSERTION_ALGORITHMS",
    "MAX_ASSERTION_LIFETIME",
    "ClientGrant",
    "ClientRefused",
    "MachineClients",
]

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: What Auth0 accepts for a client assertion (auth0-reference.md §8.7 [K1]).
ASSERTION_ALGORITHMS = ("RS256", "RS384", "PS256")
#: Clock skew Auth0 tolerates on ``iat``/``nbf``/``exp`` [K1].
ASSERTION_LEEWAY = 10
#: The longest ``exp - now`` accepted (UNRECORDED, see the module docstring).
MAX_ASSERTION_LIFETIME = 300
#: Length caps on ``iss``, ``sub`` and ``jti`` [K1].
_MAX_CLAIM_LENGTH = 64


@dataclass(frozen=True)
class ClientGrant:
    """An application's access to one API: the scopes it may ask for there."""

    client_id: str
    audience: str
    scopes: tuple[str, ...]


class ClientRefused(Exception):
    """Client authentication or the grant failed: the status and Auth0's error body."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{status} {error}: {description}")
        self.status = status
        self.error = error
        self.description = description


class MachineClients:
    """The machine applications' credentials, their client grants and spent assertion ids.

    Shares the tenant's lock and clock. The private key of the JWT client is generated on first
    use (RSA-2048, about 50 ms) unless one was loaded from a state file, so a tenant that never
    serves a support sign-in does not pay for it.
    """

    def __init__(self, state: TenantState, private_key_pem: str | None = None) -> None:
        self._state = state
        self._lock = state.lock
        self._key: rsa.RSAPrivateKey | None = None
        if private_key_pem is not None:
            loaded = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
            if not isinstance(loaded, rsa.RSAPrivateKey):
                raise ValueError("the saved support client key is not an RSA key")
            self._key = loaded
        self._spent_jti: dict[str, float] = {}

    # -- the registered key -------------------------------------------------------------------

    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        """The JWT client's private key (the half the tenant hands to ``dev-tenant`` users)."""
        with self._lock:
            if self._key is None:
                self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._key

    def private_key_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")

    def saved_key_pem(self) -> str | None:
        """The key for the state file, or None when none was ever generated."""
        with self._lock:
            return None if self._key is None else self.private_key_pem()

    def forget_spent_assertions(self) -> None:
        with self._lock:
            self._spent_jti.clear()

    # -- client grants ------------------------------------------------------------------------

    def client_grant(self, client_id: str, audience: str) -> ClientGrant | None:
        if audience != self._state.management_audience:
            return None
        scopes = seed.SUPPORT_CLIENT_GRANTS.get(client_id)
        return None if scopes is None else ClientGrant(client_id, audience, scopes)

    # -- client authentication ----------------------------------------------------------------

    def authenticate(
        self, params: Mapping[str, str], authorization: str | None, find: Callable[[str], Any]
    ) -> Client:
        """The confidential client this token request authenticates as, or 401.

        ``find`` looks a client id up (the tenant's :meth:`~TenantState.get_client`).
        """
        basic = _basic_credentials(authorization)
        if basic is not None:
            client_id, secret = basic
        else:
            client_id, secret = params.get("client_id", ""), params.get("client_secret", "")
        assertion = params.get("client_assertion", "")
        if not client_id and assertion:
            client_id = _unverified_issuer(assertion)
        client = find(client_id) if client_id else None
        if not isinstance(client, Client):
            raise ClientRefused(401, "access_denied", "Unauthorized")
        method = client.token_endpoint_auth_method
        if method == "private_key_jwt":
            if params.get("client_assertion_type") != ASSERTION_TYPE or not assertion:
                raise ClientRefused(
                    401,
                    "invalid_client",
                    f"client_assertion_type must be {ASSERTION_TYPE} with a client_assertion",
                )
            self._verify_assertion(client, assertion)
            return client
        if method in ("client_secret_post", "client_secret_basic"):
            expected = seed.SUPPORT_CLIENT_SECRETS.get(client.client_id, "")
            if not secret or not expected or not hmac.compare_digest(secret, expected):
                raise ClientRefused(401, "access_denied", "Unauthorized")
            return client
        raise ClientRefused(401, "access_denied", "Unauthorized")

    def _verify_assertion(self, client: Client, assertion: str) -> None:
        def refuse(reason: str) -> ClientRefused:
            return ClientRefused(401, "invalid_client", f"Invalid client_assertion: {reason}")

        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            raise refuse("not a JWT") from None
        alg = header.get("alg")
        if alg not in ASSERTION_ALGORITHMS:
            raise refuse(f"alg must be one of {', '.join(ASSERTION_ALGORITHMS)}, not {alg!r}")
        issuer = self._state.issuer
        try:
            claims: dict[str, Any] = jwt.decode(
                assertion,
                self.private_key.public_key(),
                algorithms=[alg],
                audience=[issuer, f"{issuer}oauth/token"],
                options={
                    "require": ["iss", "sub", "aud", "exp", "jti"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.InvalidAudienceError:
            raise refuse(f"aud must be {issuer}") from None
        except jwt.MissingRequiredClaimError as exc:
            raise refuse(f"the {exc.claim} claim is missing") from None
        except jwt.PyJWTError:
            raise refuse("the signature does not match the registered public key") from None
        if claims["iss"] != client.client_id or claims["sub"] != client.client_id:
            raise refuse("iss and sub must both be the client_id")
        jti = claims["jti"]
        if not isinstance(jti, str) or not jti or len(jti) > _MAX_CLAIM_LENGTH:
            raise refuse(f"jti must be a string of 1 to {_MAX_CLAIM_LENGTH} characters")
        now = self._state.now()
        exp = claims["exp"]
        if not isinstance(exp, int | float) or exp + ASSERTION_LEEWAY <= now:
            raise refuse("it has expired")
        if exp - now > MAX_ASSERTION_LIFETIME + ASSERTION_LEEWAY:
            raise refuse(f"exp is more than {MAX_ASSERTION_LIFETIME} seconds away")
        for name in ("iat", "nbf"):
            value = claims.get(name)
            if isinstance(value, int | float) and value - ASSERTION_LEEWAY > now:
                raise refuse(f"{name} is in the future")
        with self._lock:
            for spent, until in list(self._spent_jti.items()):
                if until + ASSERTION_LEEWAY < now:
                    del self._spent_jti[spent]
            key = f"{client.client_id}:{jti}"
            if key in self._spent_jti:
                raise refuse("this jti was already used (assertions are one-time)")
            self._spent_jti[key] = float(exp)

    # -- the grant ----------------------------------------------------------------------------

    def grant(self, client: Client, audience: str | None, scope: str | None) -> ClientGrant:
        """The scopes a client-credentials token gets, or Auth0's 403 ``access_denied``."""
        if not audience:
            raise ClientRefused(
                403,
                "access_denied",
                "No audience parameter was provided, and no default audience has been configured",
            )
        if self._state.resource_server(audience) is None:
            raise ClientRefused(403, "access_denied", f"Service not found: {audience}")
        grant = self.client_grant(client.client_id, audience)
        if grant is None:
            raise ClientRefused(
                403,
                "access_denied",
                f'Client is not authorized to access "{audience}". You need to create a '
                '"client-grant" associated to this API. See: '
                "https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants",
            )
        if scope is None or not scope.strip():
            return grant
        wanted = list(dict.fromkeys(scope.split()))
        missing = [s for s in wanted if s not in grant.scopes]
        if missing:
            raise ClientRefused(
                403, "access_denied", "Client has not been granted scopes: " + ", ".join(missing)
            )
        return ClientGrant(grant.client_id, grant.audience, tuple(wanted))


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """``(client_id, secret)`` from ``Authorization: Basic`` (RFC 6749 §2.3.1: form-encoded)."""
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ClientRefused(401, "access_denied", "Unauthorized") from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise ClientRefused(401, "access_denied", "Unauthorized")
    return unquote(client_id), unquote(secret)


def _unverified_issuer(assertion: str) -> str:
    """The ``iss`` of an assertion sent without ``client_id`` (RFC 7523 §3 allows that)."""
    try:
        claims = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        return ""
    issuer = claims.get("iss")
    return issuer if isinstance(issuer, str) else ""
