"""tui-console: a terminal account console for Auth0 tenants."""

import sys

__version__ = "0.1.0"

# No import of logging here: the core's loggers come from tui_console.warnings_log.core_logger,
# which gives the package logger its null handler, so nothing shows by default.

# httpx's __init__ imports its command-line client (httpx._main) whenever click, rich and
# pygments are installed, as they are here (Textual brings rich and pygments, uvicorn click):
# about 100 ms on every command that talks to a server, for a client we never run. A None in
# sys.modules makes that one import fail, and httpx falls back to its stub ``main`` (its
# ``try: from ._main import main`` / ``except ImportError``, httpx 0.28, pinned in
# pyproject.toml); tests/test_architecture.py checks that this still holds.
if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
    # None is the import system's own "no such module" entry.
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
