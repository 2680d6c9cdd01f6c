"""A keyring backend for tests that run the real command line: entries in a JSON file named
by ``TUI_CONSOLE_TEST_KEYRING`` (select it with ``PYTHON_KEYRING_BACKEND``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1

    @property
    def _path(self) -> Path:
        return Path(os.environ["TUI_CONSOLE_TEST_KEYRING"])

    def _entries(self) -> dict[str, str]:
        entries: dict[str, str] = json.loads(self._path.read_text()) if self._path.exists() else {}
        return entries

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._path.write_text(json.dumps({**self._entries(), f"{service}/{username}": password}))

    def delete_password(self, service: str, username: str) -> None:
        entries = self._entries()
        del entries[f"{service}/{username}"]
        self._path.write_text(json.dumps(entries))
