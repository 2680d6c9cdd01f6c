"""A machine profile's client secret in the OS keyring, when the profile asks for it.

``secret_store = "keyring"`` in the profile (``login --client-credentials --keyring``) keeps
the secret in the system's keyring (Secret Service, macOS Keychain, Windows Credential
Locker) through the optional ``keyring`` package (``pip install 'tui-console[keyring]'``),
instead of the 0600 file of :mod:`.client_secrets`. Two rules:

* every keyring call has a short timeout: a locked Secret Service can wait for a password
  prompt no one sees (an SSH session), and a console that hangs is worse than one that says so;
  the call runs on a daemon thread, so a hung keyring cannot keep the process from exiting;
* a keyring that fails is an error naming the fix, never a silent fall back to a file: the
  person chose the keyring, and a secret quietly written elsewhere is one they do not know of.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from tui_console.errors import ConfigError, StorageError
from tui_console.redact import Secret

__all__ = ["KEYRING_SERVICE", "KEYRING_TIMEOUT", "KeyringSecretStore"]

KEYRING_SERVICE = "tui-console"
#: Seconds a keyring call may take before it is reported as not answering.
KEYRING_TIMEOUT = 5.0
_T = TypeVar("_T")
_USE_A_FILE = (
    "Unlock the keyring (or start its service) and try again, or keep the secret in a file "
    "instead: sign in again without --keyring."
)


def _keyring() -> Any:
    try:
        # The optional extra, imported only by profiles that chose it (absent: no stubs).
        import keyring  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise ConfigError(
            "This profile keeps its client secret in the OS keyring, but the keyring package "
            "is not installed.",
            hint="Install it: pip install 'tui-console[keyring]' (or sign in again without "
            "--keyring to keep the secret in a file).",
        ) from None
    return keyring


class KeyringSecretStore:
    """The client secret of one profile under service ``tui-console``, user ``PROFILE:CLIENT``.

    ``backend`` replaces the system keyring (tests); ``timeout`` bounds each call.
    """

    def __init__(
        self,
        profile: str,
        client_id: str,
        *,
        backend: Any = None,
        timeout: float = KEYRING_TIMEOUT,
    ) -> None:
        self._username = f"{profile}:{client_id}"
        self._backend = backend
        self._timeout = timeout

    @property
    def where(self) -> str:
        """Where the secret is kept, in words."""
        return f"the OS keyring (service {KEYRING_SERVICE}, entry {self._username})"

    def __repr__(self) -> str:
        return f"KeyringSecretStore({self._username!r})"

    def load(self) -> Secret | None:
        """The stored secret, or ``None`` when the keyring has none for this profile."""
        value = self._call("read", lambda k: k.get_password(KEYRING_SERVICE, self._username))
        return Secret(value) if isinstance(value, str) and value else None

    def save(self, secret: Secret) -> None:
        self._call(
            "write", lambda k: k.set_password(KEYRING_SERVICE, self._username, secret.reveal())
        )

    def delete(self) -> bool:
        """Delete the entry; True when there was one."""
        if self.load() is None:
            return False
        self._call("delete", lambda k: k.delete_password(KEYRING_SERVICE, self._username))
        return True

    def _call(self, what: str, action: Callable[[Any], _T]) -> _T:
        """``action(keyring)`` on a daemon thread, within the timeout; failures as errors."""
        keyring = self._backend if self._backend is not None else _keyring()
        outcome: list[Any] = []

        def run() -> None:
            try:
                outcome.append((True, action(keyring)))
            except Exception as error:  # the backend's own errors, whatever their class
                outcome.append((False, error))

        worker = threading.Thread(target=run, name="keyring", daemon=True)
        worker.start()
        worker.join(self._timeout)
        if not outcome:
            raise StorageError(
                f"The OS keyring did not answer within {self._timeout:g} s when asked to "
                f"{what} the client secret (it may be locked, waiting for a password prompt).",
                hint=_USE_A_FILE,
            )
        ok, value = outcome[0]
        if not ok:
            reason = str(value).strip() or type(value).__name__
            raise StorageError(
                f"The OS keyring could not {what} the client secret: {reason}.",
                hint=_USE_A_FILE,
            )
        result: _T = value
        return result
