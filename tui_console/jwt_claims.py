"""Reading a JWT's claims without verifying it: the one decoder for display and routing.

The ID token's claims name the signed-in person on ``status`` and the console's first frame;
an access token's ``cnf.jkt`` says whether it is DPoP-bound (RFC 9449 §6.1). Neither needs
the signature checked (the tokens were validated before they were stored, or are only
described), and both are read on paths that must start fast: so this is base64 and JSON
only, without pyjwt and cryptography (:mod:`tui_console.auth.id_token` verifies).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from tui_console.errors import TokenValidationError
from tui_console.redact import Secret

__all__ = ["unverified_claims"]


def unverified_claims(token: Secret) -> dict[str, Any]:
    """The claims of a JWT **without any verification**: for display only (status screens).

    Never decide anything on these: anyone can write any claim into an unsigned token.
    Tokens reach the store only after :meth:`~tui_console.auth.id_token.IdTokenValidator.validate`,
    so showing what the store holds is safe. Only the payload segment is read (RFC 7519 §7.2
    steps 7-10 without the signature), so a token is shown even when its signature segment
    is not. Raises :class:`TokenValidationError` for a non-JWT (an opaque access token, say).
    """
    parts = token.reveal().split(".")
    try:
        if len(parts) != 3:
            raise ValueError("a JWS has three segments")
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:  # binascii.Error, UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise TokenValidationError("The token is not a readable JWT.") from None
    if not isinstance(claims, dict):
        raise TokenValidationError("The token is not a readable JWT.")
    return claims
