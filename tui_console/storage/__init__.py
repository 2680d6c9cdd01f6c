"""Where the session lives on disk: the per-profile token file, and the lock and the DPoP key
file beside it.

No Textual and no HTTP here; ``auth/refresh.py`` composes the two into single-flight
refresh.
"""

from tui_console.storage.dpop_keys import DPoPKeyStore
from tui_console.storage.file_lock import InterProcessLock
from tui_console.storage.token_store import FileTokenStore

__all__ = ["DPoPKeyStore", "FileTokenStore", "InterProcessLock"]
