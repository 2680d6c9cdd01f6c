"""Reading a device's public key from what a person has at hand, for ``device-credentials``.

Auth0 stores a ``public_key`` credential's ``value`` as base64 of the key (auth0-reference.md
§6.6); people have a PEM file, base64 text, a DER file, or by mistake a private or OpenSSH
key. :func:`public_key_bytes` accepts the first three and refuses the rest with the command
that converts them, so the CLI and the Devices pane give the same answers.
:func:`public_key_from_file` reads one from a file for both, with the same size cap.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path

__all__ = ["MAX_KEY_FILE_BYTES", "public_key_bytes", "public_key_from_file"]

MAX_KEY_FILE_BYTES = 64 * 1024
"""Larger than any public key (an RSA-16384 PEM is under 3 KiB): a bigger file is a mistake."""

_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)


def public_key_bytes(data: bytes) -> bytes:
    """The DER public key in ``data``: a PEM ``PUBLIC KEY``, base64 text or a binary DER file.

    Raises ``ValueError`` with a sentence a person can act on: a private key, an OpenSSH key
    or anything that is not a public key is refused.
    """
    if data.startswith(b"\x30") and not data.isascii():
        return data  # a DER SEQUENCE, a binary file: as it is (its last byte may be b"\n")
    text = data.strip()
    if not text:
        raise ValueError("The key is empty.")
    if b"PRIVATE KEY" in text:
        raise ValueError(
            "This is a private key. Give the public key; never share the private one "
            "(openssl pkey -in KEY.pem -pubout prints it)."
        )
    pem = _PEM.search(text)
    if pem is not None:
        label = pem.group(1).decode("ascii")
        if label != "PUBLIC KEY":
            raise ValueError(
                f"This PEM holds a {label}, not a PUBLIC KEY "
                "(openssl pkey -in KEY.pem -pubout prints the public key)."
            )
        try:
            return base64.b64decode(b"".join(pem.group(2).split()), validate=True)
        except binascii.Error:
            raise ValueError("The PEM's body is not valid base64.") from None
    if text.startswith((b"ssh-", b"ecdsa-sha2-")):
        raise ValueError(
            "This is an OpenSSH public key. Convert it first: ssh-keygen -e -m PKCS8 -f KEY.pub"
        )
    try:
        ascii_text = text.decode("ascii")
    except UnicodeDecodeError:
        raise ValueError("This is not a PEM public key, base64 text or a DER file.") from None
    try:
        der = base64.b64decode("".join(ascii_text.split()), validate=True)
    except binascii.Error:
        raise ValueError("This is not a PEM public key, base64 text or a DER file.") from None
    if not der.startswith(b"\x30"):
        raise ValueError("The base64 text does not decode to a DER public key.")
    return der


def public_key_from_file(path: Path) -> bytes:
    """The DER public key in the file at ``path`` (``~`` expanded).

    Raises ``ValueError`` naming the file: unreadable, larger than
    :data:`MAX_KEY_FILE_BYTES`, or not a public key (:func:`public_key_bytes`'s reasons).
    """
    path = path.expanduser()
    try:
        with path.open("rb") as file:
            data = file.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as error:
        raise ValueError(f"Could not read {path}: {error.strerror or error}.") from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise ValueError(f"{path} is too large to be a public key (over 64 KiB).")
    try:
        return public_key_bytes(data)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
