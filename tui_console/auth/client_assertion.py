"""A signed client assertion for ``private_key_jwt`` (RFC 7523 §2.2, §3; OIDC Core §9).

Auth0 authenticates a machine application with a JWT signed by a key registered as the
application's credential (auth0-reference.md §8.7 [K1]): ``iss`` = ``sub`` = the client id,
``aud`` = the tenant URL *with* its trailing slash (what Auth0 documents; the token-endpoint
URL RFC 7523 also allows is UNCONFIRMED there), a unique ``jti`` (one use only), a short
``exp`` (Auth0 recommends a minute at most) and ``iat``. The algorithm follows the key: RSA
signs RS256 (the first Auth0 lists), an EC P-256 key ES256 (RFC 7518 §3.4). The key is read
from its file each time and never copied: only its path is remembered in the profile.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui_console.errors import ConfigError
from tui_console.redact import Secret

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

__all__ = ["ASSERTION_LIFETIME", "ASSERTION_TYPE", "ClientAssertionSigner"]

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: Seconds an assertion is valid: Auth0 recommends at most a minute (§8.7 [K1]).
ASSERTION_LIFETIME = 60
_MAX_KEY_FILE = 64 * 1024


class ClientAssertionSigner:
    """Signs one-time assertions for ``client_id`` with the private key in ``key_file``.

    ``audience`` is the tenant URL with its trailing slash (the profile's issuer).
    """

    def __init__(
        self,
        *,
        client_id: str,
        audience: str,
        key_file: Path,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client_id = client_id
        self.audience = audience
        self.key_file = key_file
        self._clock = clock

    def __repr__(self) -> str:
        return (
            f"ClientAssertionSigner(client_id={self.client_id!r}, key_file={str(self.key_file)!r})"
        )

    def sign(self) -> Secret:
        """A fresh assertion: new ``jti``, ``iat`` now, ``exp`` :data:`ASSERTION_LIFETIME` ahead."""
        import jwt  # deferred (with cryptography, ~35 ms): only a machine sign-in signs

        key, algorithm = self._load_key()
        now = int(self._clock())
        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": self.audience,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME,
            "jti": str(uuid.uuid4()),
        }
        return Secret(jwt.encode(claims, key, algorithm=algorithm))

    def _load_key(self) -> tuple[rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, str]:
        """The private key and the algorithm it signs with; ConfigError naming what is wrong."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec, rsa

        path = self.key_file
        fix = (
            f"Give the PEM private key registered for client {self.client_id}: "
            "--private-key-file FILE"
        )
        try:
            with path.open("rb") as file:
                data = file.read(_MAX_KEY_FILE + 1)
        except OSError as error:
            raise ConfigError(
                f"The private key file {path} cannot be read: {error.strerror or error}.",
                hint=fix,
            ) from None
        if len(data) > _MAX_KEY_FILE:
            raise ConfigError(f"{path} is larger than a private key can be.", hint=fix)
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except TypeError:
            raise ConfigError(
                f"The private key in {path} is encrypted with a passphrase.",
                hint="Give an unencrypted copy kept private (mode 0600), e.g. made with "
                "`openssl pkey -in KEY -out KEY.pem`.",
            ) from None
        except ValueError:
            raise ConfigError(f"{path} holds no PEM private key.", hint=fix) from None
        if isinstance(key, rsa.RSAPrivateKey):
            return key, "RS256"
        if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
            return key, "ES256"
        raise ConfigError(
            f"The key in {path} is neither RSA nor EC P-256, so it cannot sign an assertion "
            "Auth0 accepts (RS256, RS384, PS256).",
            hint=fix,
        )
