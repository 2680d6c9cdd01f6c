"""Reading a device's public key: the forms accepted, the reasons for refusing, the file cap."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tui_console.management import public_key_bytes, public_key_from_file
from tui_console.management.public_keys import MAX_KEY_FILE_BYTES


def key_pair() -> tuple[bytes, bytes, bytes]:
    """(private PEM, public PEM, public DER) of a fresh Ed25519 key."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    return (
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    )


class TestPublicKeyBytes:
    def test_pem_base64_and_der_all_give_the_der(self) -> None:
        """The three accepted forms of a public key read as the same DER bytes."""
        _, pem, der = key_pair()
        assert public_key_bytes(pem) == der
        assert public_key_bytes(base64.b64encode(der) + b"\n") == der
        assert public_key_bytes(der) == der

    @pytest.mark.parametrize("last", [b"\n", b" ", b"\t", b"\r"])
    def test_a_der_file_whose_last_byte_is_whitespace_is_kept_whole(self, last: bytes) -> None:
        """Reproduced: stripping the raw bytes cut such a key (about 2 % of random keys)."""
        _, _, der = key_pair()
        edge = der[:-1] + last
        assert public_key_bytes(edge) == edge

    @pytest.mark.parametrize(
        ("data", "said"),
        [
            (b"", "empty"),
            (b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@host", "OpenSSH public key"),
            (b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "CERTIFICATE"),
            (b"not a key at all!", "not a PEM public key"),
            (base64.b64encode(b"hello"), "does not decode to a DER public key"),
        ],
    )
    def test_anything_else_is_refused_with_a_reason(self, data: bytes, said: str) -> None:
        with pytest.raises(ValueError, match=said):
            public_key_bytes(data)

    def test_a_private_key_is_refused(self) -> None:
        private_pem, _, _ = key_pair()
        with pytest.raises(ValueError, match="private key"):
            public_key_bytes(private_pem)


class TestPublicKeyFromFile:
    def test_a_pem_file_reads_as_the_der(self, tmp_path: Path) -> None:
        _, pem, der = key_pair()
        path = tmp_path / "device.pub.pem"
        path.write_bytes(pem)
        assert public_key_from_file(path) == der

    def test_a_missing_file_is_named_with_the_reason(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match=r"Could not read .*nope\.pem: No such file"):
            public_key_from_file(tmp_path / "nope.pem")

    def test_a_file_over_the_cap_is_refused_unread(self, tmp_path: Path) -> None:
        path = tmp_path / "huge.pem"
        path.write_bytes(b"A" * (MAX_KEY_FILE_BYTES + 1))
        with pytest.raises(ValueError, match="too large to be a public key"):
            public_key_from_file(path)

    def test_a_private_key_file_is_refused_naming_the_file(self, tmp_path: Path) -> None:
        private_pem, _, _ = key_pair()
        path = tmp_path / "id.pem"
        path.write_bytes(private_pem)
        with pytest.raises(ValueError, match=r"id\.pem: This is a private key"):
            public_key_from_file(path)
