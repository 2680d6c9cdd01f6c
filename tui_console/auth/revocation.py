"""Token revocation (RFC 7009): telling the server a refresh token is no longer wanted.

The request builder is :func:`~tui_console.auth.tokens.build_revocation_request`; this
module reads the answer and sends it. RFC 7009 §2.2: a 200 means done, whatever the body
(Auth0 sends an empty one), and revoking an unknown or already revoked token is also 200.
"""

from __future__ import annotations

import httpx

from tui_console.auth.discovery import ServerMetadata
from tui_console.auth.tokens import build_revocation_request, raise_for_oauth_error
from tui_console.errors import AuthError
from tui_console.exchange_failures import send
from tui_console.redact import Secret

__all__ = ["parse_revocation_response", "revoke_token"]


def parse_revocation_response(response: httpx.Response) -> None:
    """Return on 2xx; the server's :class:`OAuthError` (RFC 7009 §2.2.1) or :class:`AuthError`."""
    raise_for_oauth_error(response, "Revoking the token")


async def revoke_token(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    *,
    client_id: str,
    token: Secret,
    token_type_hint: str = "refresh_token",
) -> None:
    """Revoke ``token`` at the issuer (RFC 7009 §2.1) as a public client.

    Raises :class:`AuthError` when the issuer has no revocation endpoint,
    :class:`~tui_console.errors.NetworkError` when it cannot be reached.
    """
    if not metadata.revocation_endpoint:
        raise AuthError(
            f"{metadata.issuer} has no revocation endpoint, so the token cannot be revoked.",
            hint="It stays valid until it expires; signing out still deletes it locally.",
        )
    request = build_revocation_request(
        metadata.revocation_endpoint,
        client_id=client_id,
        token=token,
        token_type_hint=token_type_hint,
    )
    parse_revocation_response(await send(client, request))
