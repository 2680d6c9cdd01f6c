"""What tui-console keeps on disk: the per-profile token file with its lock and DPoP key,
a machine profile's client secret, and unsaved metadata drafts, all as private files.

No Textual and no HTTP here; ``auth/refresh.py`` drives the token file and its lock through
its ``TokenStore`` protocol for single-flight refresh.

The names below are imported from their modules when first asked for (PEP 562): reading the
token file (``tui-console token`` with a valid token) must not load the lock's ``filelock``
and ``asyncio`` (about 60 ms) through this file.
"""

from typing import TYPE_CHECKING

from tui_console.lazy_names import lazy_names

if TYPE_CHECKING:
    from tui_console.storage.dpop_keys import DPoPKeyStore
    from tui_console.storage.file_lock import InterProcessLock
    from tui_console.storage.token_store import FileTokenStore

__all__ = ["DPoPKeyStore", "FileTokenStore", "InterProcessLock"]

_HOMES = {
    "DPoPKeyStore": ".dpop_keys",
    "FileTokenStore": ".token_store",
    "InterProcessLock": ".file_lock",
}
"""Each public name → the module that defines it."""

__getattr__, __dir__ = lazy_names(__name__, _HOMES)
