"""Where tui-console keeps its files. Nothing else in the package knows a path.

platformdirs gives the locations, so ``XDG_CONFIG_HOME``, ``XDG_STATE_HOME``,
``XDG_CACHE_HOME`` and ``XDG_DATA_HOME`` move them (the tests rely on that).
``TUI_CONSOLE_CONFIG`` points at another config file, as Posting's ``POSTING_CONFIG_FILE``
does.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["cache_dir", "config_file", "data_dir", "state_dir", "token_dir"]

APP_NAME = "tui-console"


def config_file() -> Path:
    """The TOML file that holds the profiles (not secret: no tokens in it)."""
    override = os.environ.get("TUI_CONSOLE_CONFIG")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def state_dir() -> Path:
    """Machine-local state: tokens, locks, drafts."""
    return Path(platformdirs.user_state_dir(APP_NAME))


def token_dir() -> Path:
    """The 0700 directory that holds one 0600 token file per profile."""
    return state_dir() / "tokens"


def cache_dir() -> Path:
    """What can be fetched again (the issuers' discovery documents): deleting it loses nothing."""
    return Path(platformdirs.user_cache_dir(APP_NAME))


def data_dir() -> Path:
    """Persistent data that is not secret, such as the demo tenant's state file."""
    return Path(platformdirs.user_data_dir(APP_NAME))
