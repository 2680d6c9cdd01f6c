"""DPoP, sender-constrained tokens (RFC 9449), from the client's side.

With DPoP the client holds a key pair and signs a short *proof* JWT for every request that
gets or uses a token. The server binds what it issues to the key's thumbprint, so a stolen
access or refresh token is useless without the private key. This module has the pieces:

* :class:`~tui_console.auth.dpop_key.DPoPKey` (its own module, the only one here that needs
  cryptography and pyjwt): an ES256 (P-256) key pair and the proofs it signs (§4.2).
* :class:`DPoPNonces`: the latest ``DPoP-Nonce`` each server origin handed out (§8, §9).
  Every response to a signed request updates it, so after the first challenge no request
  needs a retry.
* :class:`DPoP`: a key, the nonces and a clock: what a flow needs to sign its requests.
* :class:`NonceRetry`: one signed request and its nonce rule, written once: every response
  is observed for a nonce (the only place that happens), and a ``use_dpop_nonce`` answer
  earns exactly **one** re-signed retry; a second is a :class:`DPoPError`, never a loop.
* :class:`DPoPAuth`: the ``httpx.Auth`` for token endpoint requests, which is that rule and
  nothing else. Resource calls go through :class:`~tui_console.auth.bearer.BearerAuth`, which
  follows the same :class:`NonceRetry` next to its refresh.

Auth0 (auth0-reference.md §4.4 [D3]) makes public clients present a server nonce at
``/oauth/token``: the first exchange of a session answers ``400 use_dpop_nonce`` with a
``DPoP-Nonce`` header, and the proof is rebuilt with it. Auth0's documented resource example
(``/userinfo``) reuses that nonce, which is why nonces are remembered per *origin*.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable, Generator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from tui_console.auth.www_authenticate import dpop_challenge
from tui_console.errors import OAuthError
from tui_console.redact import Secret

if TYPE_CHECKING:
    from tui_console.auth.dpop_key import DPoPKey

__all__ = [
    "DPOP_ERRORS",
    "DPoP",
    "DPoPAuth",
    "DPoPError",
    "DPoPKeySource",
    "DPoPNonces",
    "NonceRetry",
    "access_token_hash",
    "b64url",
    "jwk_thumbprint",
    "nonce_challenge",
    "proof_target",
]

ALGORITHM = "ES256"
PROOF_TYPE = "dpop+jwt"
DPOP_ERRORS = frozenset({"use_dpop_nonce", "invalid_dpop_proof"})
"""The error codes RFC 9449 adds (§12.2); they concern the proof, not the grant."""

#: RFC 7638 §3.2: the members of each key type that go into its thumbprint.
_THUMBPRINT_MEMBERS = {
    "EC": ("crv", "kty", "x", "y"),
    "RSA": ("e", "kty", "n"),
    "OKP": ("crv", "kty", "x"),
}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2), as JOSE writes every binary member."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a public JWK, base64url (``jkt``, ``dpop_jkt``).

    Only the required members count, in lexicographic order with no whitespace, so the
    private half or extra members (``kid``, ``alg``) never change it. ``ValueError`` for a
    key type or member it cannot read.
    """
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if members is None or not all(isinstance(jwk.get(m), str) for m in members):
        raise ValueError("not a public JWK this client can take a thumbprint of")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def access_token_hash(access_token: str | Secret) -> str:
    """``ath`` (RFC 9449 §4.2): base64url SHA-256 of the access token's ASCII bytes."""
    text = access_token.reveal() if isinstance(access_token, Secret) else access_token
    return b64url(hashlib.sha256(text.encode("ascii")).digest())


def proof_target(url: httpx.URL | str) -> str:
    """``htu`` (RFC 9449 §4.2): ``url`` without query, fragment or user info.

    The scheme and host are lower-cased and a default port is left out (RFC 3986 §6.2.3),
    as the servers compare after normalising.
    """
    parsed = httpx.URL(str(url))
    scheme = parsed.scheme.lower()
    host = parsed.host.lower()
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    port = parsed.port
    authority = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = parsed.raw_path.split(b"?", 1)[0].decode("ascii") or "/"
    return f"{scheme}://{authority}{path}"


def _origin(url: httpx.URL | str) -> str:
    parsed = httpx.URL(str(url))
    scheme = parsed.scheme.lower()
    return f"{scheme}://{parsed.host.lower()}:{parsed.port or _DEFAULT_PORTS.get(scheme, 0)}"


class DPoPKeySource(Protocol):
    """Where a session's key lives (the token store's neighbour, :class:`DPoPKeyStore`)."""

    @property
    def path(self) -> Path:
        """The key file, for messages."""
        ...

    def load(self) -> DPoPKey | None:
        """The stored key, or ``None`` when there is none."""
        ...


class DPoPNonces:
    """The latest ``DPoP-Nonce`` per server origin (RFC 9449 §8 and §9).

    Any response to a signed request may carry a new one; :class:`NonceRetry` hands each to
    :meth:`observe`, so a later request to the same origin (token endpoint or ``/userinfo`` on
    Auth0) starts with a nonce the server accepts and needs no retry.
    """

    def __init__(self) -> None:
        self._by_origin: dict[str, str] = {}

    def get(self, url: httpx.URL | str) -> str | None:
        """The nonce to put in a proof for ``url``, if its origin ever sent one."""
        return self._by_origin.get(_origin(url))

    def remember(self, url: httpx.URL | str, nonce: str) -> None:
        self._by_origin[_origin(url)] = nonce

    def forget(self, url: httpx.URL | str) -> None:
        self._by_origin.pop(_origin(url), None)

    def observe(self, response: httpx.Response) -> str | None:
        """Remember ``response``'s ``DPoP-Nonce`` (if any) for its origin; return it."""
        nonce = str(response.headers.get("dpop-nonce", "")).strip()
        # RFC 9449 §8.1: NQCHAR = %x21 / %x23-5B / %x5D-7E; anything else is not a nonce.
        if not nonce or any(c in '"\\' or not "!" <= c <= "~" for c in nonce):
            return None
        self.remember(response.request.url, nonce)
        return nonce


class DPoPError(OAuthError):
    """The server refused a DPoP proof (``invalid_dpop_proof``) or kept asking for a nonce.

    The tokens are kept: this is about the proof (clock, nonce, key), not the grant.
    """


def dpop_error(error: str, description: str = "", *, status: int | None = None) -> DPoPError:
    """The :class:`DPoPError` a person should see for a DPoP error code from a server."""
    if error == "use_dpop_nonce":
        hint = (
            "Try again in a moment. If it keeps happening, sign in without DPoP "
            "(leave out --dpop, or set dpop = false in the profile)."
        )
    else:
        hint = "Check that this computer's clock is right, then try again."
    return DPoPError(error, description, status=status, hint=hint)


def nonce_challenge(response: httpx.Response) -> bool:
    """Whether ``response`` demands a (new) nonce: ``use_dpop_nonce`` in a ``DPoP``
    challenge (resource servers, 401) or in a JSON error body (token endpoints, 400)."""
    if response.status_code < 400:
        return False
    challenge = dpop_challenge(", ".join(response.headers.get_list("www-authenticate")))
    if challenge is not None and challenge.params.get("error") == "use_dpop_nonce":
        return True
    if response.status_code != 400:
        return False
    try:
        body = json.loads(response.content or b"null")
    except (ValueError, httpx.ResponseNotRead):
        return False
    return isinstance(body, dict) and body.get("error") == "use_dpop_nonce"


def refused_nonce_twice(request: httpx.Request, response: httpx.Response) -> DPoPError:
    """The error for a server that asks for a nonce again, or gives none to use."""
    host = request.url.host
    if response.headers.get("dpop-nonce"):
        text = f"{host} refused the DPoP nonce it had just handed out"
    else:
        text = f"{host} asked for a DPoP nonce but sent none to use"
    return dpop_error("use_dpop_nonce", text, status=response.status_code)


class DPoP:
    """A key, the nonces seen so far and a clock: what a request needs to carry a proof.

    One per session: the flows, the refresh and the resource calls share its nonces.
    """

    def __init__(
        self,
        key: DPoPKey,
        nonces: DPoPNonces | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key = key
        self.nonces = nonces if nonces is not None else DPoPNonces()
        self._clock = clock

    def __repr__(self) -> str:
        return f"DPoP(jkt={self.key.thumbprint!r})"

    @property
    def thumbprint(self) -> str:
        """The key's RFC 7638 thumbprint (``dpop_jkt``)."""
        return self.key.thumbprint

    def sign(self, request: httpx.Request, *, access_token: Secret | None = None) -> None:
        """Set ``request``'s ``DPoP`` header to a fresh proof (with the origin's nonce)."""
        request.headers["DPoP"] = self.key.proof(
            request.method,
            request.url,
            access_token=access_token,
            nonce=self.nonces.get(request.url),
            now=self._clock(),
        )

    def prove(
        self,
        request: httpx.Request,
        *,
        access_token: Secret | None = None,
        retried: bool = False,
    ) -> NonceRetry:
        """Sign ``request`` and return its :class:`NonceRetry`; ``retried`` carries over a
        retry already spent on this request (a resource call signed again after a refresh)."""
        self.sign(request, access_token=access_token)
        return NonceRetry(self, request, access_token=access_token, retried=retried)

    def auth(self) -> DPoPAuth:
        """The ``httpx.Auth`` for token endpoint requests."""
        return DPoPAuth(self)


class NonceRetry:
    """One signed request and RFC 9449's nonce rule for it (§8 token endpoint, §9 resource).

    Usage, inside an auth flow::

        retry = dpop.prove(request)
        response = yield request
        while retry.again(response):
            response = yield request
    """

    def __init__(
        self,
        dpop: DPoP,
        request: httpx.Request,
        *,
        access_token: Secret | None,
        retried: bool,
    ) -> None:
        self._dpop = dpop
        self._request = request
        self._access_token = access_token
        self.retried = retried
        """Whether this request's one nonce retry is spent."""

    def again(self, response: httpx.Response) -> bool:
        """Remember ``response``'s nonce; True when the server demanded a new one and the
        request is signed again with it, to be sent once more.

        A second demand, or a demand without a usable nonce, raises :class:`DPoPError`. A
        token endpoint's challenge is in its JSON body, so that body must have been read.
        """
        nonce = self._dpop.nonces.observe(response)
        if not nonce_challenge(response):
            return False
        if self.retried or nonce is None:
            raise refused_nonce_twice(self._request, response)
        self.retried = True
        self._dpop.sign(self._request, access_token=self._access_token)
        return True


class DPoPAuth(httpx.Auth):
    """A DPoP proof on a token request, and one retry when the server wants a new nonce.

    The token endpoint answers ``400 {"error": "use_dpop_nonce"}`` with a ``DPoP-Nonce``
    header (RFC 9449 §8): the proof is rebuilt with that nonce and the request sent once
    more. If the server refuses again, or gives no nonce, :class:`DPoPError` is raised.
    """

    requires_request_body = True  # the retry sends the same body again
    requires_response_body = True  # the nonce challenge is in the JSON body

    def __init__(self, dpop: DPoP) -> None:
        self._dpop = dpop

    def __repr__(self) -> str:
        return f"DPoPAuth({self._dpop!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign, send, and on ``use_dpop_nonce`` sign with the new nonce and send once more."""
        retry = self._dpop.prove(request)
        response = yield request
        while retry.again(response):
            response = yield request
