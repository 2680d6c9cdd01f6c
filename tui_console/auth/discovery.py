"""OpenID Provider metadata (OIDC Discovery 1.0 §4, RFC 8414 §3).

An ``http://`` issuer is accepted only on a loopback host (the dev tenant, oidc-provider in
tests); everything else must be ``https://``. This is openid-client's
``allowInsecureRequests`` idea made automatic and narrow, so no real deployment can be
talked into plain HTTP.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

import httpx

from tui_console.errors import DiscoveryError, NetworkError
from tui_console.exchange_failures import send, server_failed, unreadable_reason
from tui_console.issuer_url import check_issuer_url, is_loopback_host  # re-exported

__all__ = [
    "ServerMetadata",
    "check_issuer_url",
    "discover",
    "discovery_url",
    "is_loopback_host",
    "parse_discovery_document",
    "parse_discovery_response",
]


@dataclass(frozen=True)
class ServerMetadata:
    """The endpoints and capabilities an issuer advertises."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    device_authorization_endpoint: str | None = None
    userinfo_endpoint: str | None = None
    revocation_endpoint: str | None = None
    id_token_signing_alg_values_supported: tuple[str, ...] = ("RS256",)
    code_challenge_methods_supported: tuple[str, ...] = ()
    dpop_signing_alg_values_supported: tuple[str, ...] = ()

    def document(self) -> dict[str, Any]:
        """These fields as a discovery document (their names are the members'), which
        :func:`parse_discovery_document` reads back to equal metadata: what a cache keeps."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in dataclasses.asdict(self).items()
        }


def discovery_url(issuer: str) -> str:
    """``{issuer}/.well-known/openid-configuration``, with the issuer's path kept (RFC 8414 §5)."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def _same_issuer(a: str, b: str) -> bool:
    # Auth0's issuer ends in "/", oidc-provider's does not; people type either.
    return a.rstrip("/") == b.rstrip("/")


def parse_discovery_response(response: httpx.Response, expected_issuer: str) -> ServerMetadata:
    """Validated metadata from a discovery response; the advertised issuer must match."""
    if response.is_server_error:
        raise server_failed(response)  # a bad moment at the issuer, not a wrong issuer
    if not response.is_success:
        raise DiscoveryError(
            f"Discovery at {response.request.url} answered HTTP {response.status_code}.",
            hint="Check the issuer or domain; it should serve /.well-known/openid-configuration.",
        )
    try:
        body: Any = json.loads(response.content)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise DiscoveryError(
            f"Discovery at {response.request.url} did not return a JSON object "
            f"({unreadable_reason(response)}).",
            hint="If this issuer worked before, it is a passing fault: try again. Otherwise "
            "check the issuer or domain; it should serve /.well-known/openid-configuration.",
        )
    return parse_discovery_document(body, expected_issuer)


def parse_discovery_document(body: dict[str, Any], expected_issuer: str) -> ServerMetadata:
    """Validated metadata from a discovery document; the advertised issuer must match.

    Also what a cached copy is read with (:mod:`tui_console.storage.discovery_cache`), so a
    document from disk passes every check one from the network does (each endpoint ``https``,
    or ``http`` on a loopback host only).
    """
    issuer = body.get("issuer")
    if not isinstance(issuer, str) or not _same_issuer(issuer, expected_issuer):
        raise DiscoveryError(
            f"The discovery document names issuer {issuer!r}, not {expected_issuer!r}.",
            hint="Use exactly the issuer the server advertises.",
        )
    check_issuer_url(issuer)

    def endpoint(name: str, required: bool) -> str | None:
        value = body.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise DiscoveryError(f"The discovery document has no usable {name}.")
        check_issuer_url(value, what=name)
        return value

    def names(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = body.get(key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        return default

    return ServerMetadata(
        issuer=issuer,
        authorization_endpoint=endpoint("authorization_endpoint", True) or "",
        token_endpoint=endpoint("token_endpoint", True) or "",
        jwks_uri=endpoint("jwks_uri", True) or "",
        device_authorization_endpoint=endpoint("device_authorization_endpoint", False),
        userinfo_endpoint=endpoint("userinfo_endpoint", False),
        revocation_endpoint=endpoint("revocation_endpoint", False),
        id_token_signing_alg_values_supported=names(
            "id_token_signing_alg_values_supported", ("RS256",)
        ),
        code_challenge_methods_supported=names("code_challenge_methods_supported", ()),
        dpop_signing_alg_values_supported=names("dpop_signing_alg_values_supported", ()),
    )


async def discover(client: httpx.AsyncClient, issuer: str) -> ServerMetadata:
    """Fetch and validate ``issuer``'s metadata."""
    check_issuer_url(issuer)
    request = client.build_request(
        "GET", discovery_url(issuer), headers={"Accept": "application/json"}
    )
    try:
        response = await send(client, request)
    except NetworkError as error:
        if type(error) is NetworkError:  # nothing sent: the host may be wrong, too
            error.hint = "Check the network and the issuer or domain, then try again."
        raise
    return parse_discovery_response(response, issuer)
