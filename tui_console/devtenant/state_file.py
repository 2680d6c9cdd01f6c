"""The dev tenant's state file: what survives a restart, and how it is written.

Users (with their metadata), device credentials, the signing key and the support
application's generated private key are kept, so ``tui-console dev-tenant --state FILE``
serves the same people and still verifies the tokens it issued yesterday. Codes, sessions and
refresh tokens are not: the issuer's port may change between runs.

The file holds private keys, so it is written like the client's private files: mode 0600, via
a temp file, fsync and rename, so a crash never leaves half a key behind.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_console.devtenant.keys import SigningKey
from tui_console.devtenant.models import DeviceCredential, User

if TYPE_CHECKING:
    from tui_console.devtenant.state import TenantState

__all__ = ["SavedTenant", "state_json", "write_private_text"]

_VERSION = 1


def write_private_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file, fsync, rename) with mode 0600: the
    state file holds the signing key, the support client's key file its private key."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def state_json(state: TenantState) -> dict[str, Any]:
    """The state file's content for ``state`` (taken under its lock)."""
    with state.lock:
        data: dict[str, Any] = {
            "version": _VERSION,
            "signing_key": state.signing_key.to_pem(),
            "users": [copy.deepcopy(u.to_json()) for u in state.users.values()],
            "device_credentials": [c.to_json() for c in state.device_credentials.values()],
        }
        support_key = state.machine.saved_key_pem()
        if support_key is not None:
            data["support_client_key"] = support_key
        return data


@dataclass(frozen=True)
class SavedTenant:
    """A state file read back: what :class:`TenantState` is built from."""

    signing_key: SigningKey
    users: list[User]
    device_credentials: list[DeviceCredential]
    support_key_pem: str | None

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> SavedTenant:
        """Parse a file written by :meth:`TenantState.save`; ValueError naming the file when
        it is not one, or is from an unknown version."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not a dev-tenant state file ({exc})") from exc
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            raise ValueError(f"{path}: unsupported dev-tenant state file version")
        try:
            return cls(
                signing_key=SigningKey.from_pem(data["signing_key"]),
                users=[User.from_json(item) for item in data["users"]],
                device_credentials=[
                    DeviceCredential.from_json(item) for item in data.get("device_credentials", [])
                ],
                support_key_pem=data.get("support_client_key"),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}: malformed dev-tenant state file ({exc!r})") from exc
