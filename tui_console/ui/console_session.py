"""What the end user's console needs of its session, as a protocol mypy checks.

:class:`~tui_console.account.AccountSession` is the session the console runs with; the UI
tests run it with a frozen fake (``tests/ui/fakes.py``). Both are checked against
:class:`ConsoleSession`: the panes' methods
(:class:`~tui_console.ui.panes.security.SecuritySession`) plus what the app, the main
screen, the session strip and the sign-in screen call, so a
method missing from either, or a signature that drifted, fails the type check rather than a
test at run time.

Imported for type checking only (``TYPE_CHECKING``): it names the Security pane's protocol,
whose module the console imports only when that tab's pane is mounted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from tui_console.account import (
    DevicePrompt,
    LogoutReport,
    PollProgress,
    RateLimitBoard,
    SessionStatus,
)
from tui_console.errors import TuiConsoleError
from tui_console.ui.panes.security import SecuritySession

__all__ = ["ConsoleSession", "DeviceSignIn"]


class DeviceSignIn(Protocol):
    """A device sign-in in progress: the code to show, and the wait for its approval."""

    prompt: DevicePrompt

    async def complete(
        self, on_progress: Callable[[PollProgress], None] | None = None
    ) -> SessionStatus: ...


class ConsoleSession(SecuritySession, Protocol):
    """The session of the end user's console (the support console takes the real one)."""

    rate_limits: RateLimitBoard

    def status(self) -> SessionStatus: ...

    async def start_device_login(
        self, *, scopes: tuple[str, ...] | None = None
    ) -> DeviceSignIn: ...

    async def login_with_browser(
        self,
        *,
        open_url: Callable[[str], bool],
        pasted_redirect: Callable[[], Awaitable[str]] | None = None,
        on_progress: Callable[[float], None] | None = None,
        scopes: tuple[str, ...] | None = None,
        timeout: float = 300,
        on_bad_paste: Callable[[TuiConsoleError], None] | None = None,
    ) -> SessionStatus: ...

    async def logout(self) -> LogoutReport: ...

    async def aclose(self) -> None: ...
