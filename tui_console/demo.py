"""Starting the console: ``tui-console demo`` and the bare ``tui-console``.

This is composition-root code, beside :mod:`tui_console.cli`: it may import both the dev
tenant and the UI, which may not import each other. Everything heavy (Textual, starlette,
uvicorn) is imported inside the functions, so ``import tui_console.cli`` stays cheap.

``tui-console demo`` runs the dev tenant in this process (on a free 127.0.0.1 port, with its
users and devices kept in ``data_dir()/demo-tenant.json`` so edits survive a restart), makes a
``demo`` profile for it (never saved as the default, and its old tokens cleared: the port and
so the issuer changed since last time), and opens the console on the *real* device-flow
screen; the tenant approves the code as the demo user after a few seconds.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from tui_console.errors import ConfigError, TuiConsoleError
from tui_console.paths import data_dir

if TYPE_CHECKING:
    from tui_console.account import AccountSession
    from tui_console.config import Profile
    from tui_console.devtenant import RunningTenant

__all__ = [
    "AUTO_APPROVE_SECONDS",
    "DEMO_PROFILE",
    "DemoTenant",
    "demo_state_file",
    "run_console",
    "run_demo",
]

DEMO_PROFILE = "demo"
AUTO_APPROVE_SECONDS = 4.0
"""How long the demo tenant leaves the code on screen before approving it as the demo user."""


def demo_state_file() -> Path:
    """Where the demo tenant keeps its users and devices between runs."""
    return data_dir() / "demo-tenant.json"


class DemoTenant:
    """The demo tenant, started on demand and stopped by :meth:`close` (idempotent)."""

    def __init__(self, *, reset: bool = False, auto_approve: float = AUTO_APPROVE_SECONDS) -> None:
        self.reset = reset
        self.auto_approve = auto_approve
        self.tenant: RunningTenant | None = None
        self._stack = ExitStack()
        self._lock = threading.Lock()

    def start(self) -> RunningTenant:
        """Start the tenant (once); blocks until it listens."""
        from tui_console.devtenant import TenantSettings, serve

        with self._lock:
            if self.tenant is None:
                state_file = demo_state_file()
                if self.reset:
                    state_file.unlink(missing_ok=True)
                    self.reset = False
                state_file.parent.mkdir(parents=True, exist_ok=True)
                settings = TenantSettings(auto_approve=self.auto_approve, device_interval=1)
                try:
                    self.tenant = self._stack.enter_context(serve(settings, state_file=state_file))
                except ValueError as error:  # a state file from elsewhere, or damaged
                    raise ConfigError(
                        f"The demo tenant's state file cannot be used: {error}.",
                        hint="Start from a fresh demo tenant: tui-console demo --reset",
                    ) from None
            return self.tenant

    def session(self) -> AccountSession:
        """A session for the demo profile, with any tokens of an earlier run cleared."""
        from tui_console.account import AccountSession
        from tui_console.config import Profile

        tenant = self.start()
        profile = Profile(
            name=DEMO_PROFILE,
            issuer=tenant.issuer,
            client_id=tenant.client_id,
            audience=tenant.management_audience,
        ).validate()
        session = AccountSession(profile)
        session.store.clear()  # issued by an earlier run's issuer (another port): useless now
        return session

    async def start_session(self) -> AccountSession:
        """:meth:`session` off the event loop (starting the server blocks for a moment)."""
        return await asyncio.to_thread(self.session)

    def close(self) -> None:
        self._stack.close()
        self.tenant = None


def run_demo(*, reset: bool = False) -> int:
    """``tui-console demo``: the console against the built-in tenant; returns the exit status."""
    from tui_console.config import load_keymap
    from tui_console.ui.app import ConsoleApp

    demo = DemoTenant(reset=reset)
    try:
        app = ConsoleApp(demo.session(), demo=True, keymap=load_keymap())
        app.run()
    finally:
        demo.close()
    return app.return_code or 0


def run_console(
    *,
    name: str | None = None,
    issuer: str | None = None,
    domain: str | None = None,
    client_id: str | None = None,
) -> int:
    """Bare ``tui-console``: the console for the active profile, or the setup screen.

    Profile flags (or ``AUTH0_DOMAIN``/``AUTH0_CLIENT_ID``) change the profile for this run
    only, as they do for every verb; a sign-in in the console that succeeds saves them, as
    ``tui-console login`` does. With none of them and no saved profile, the setup screen opens.
    """
    import os

    # The first frame is drawn from the profile's files: the session (httpx, pyjwt, the
    # Management client) is built by the app in a worker once it is on screen.
    from tui_console.config import load_keymap, load_profiles, resolve_profile, save_profile
    from tui_console.session_start import SessionStart
    from tui_console.session_status import stored_session_status
    from tui_console.ui.app import ConsoleApp
    from tui_console.ui.screens.setup_options import ProfileSetup

    given = issuer or domain or client_id or name
    given = given or os.environ.get("AUTH0_DOMAIN") or os.environ.get("AUTH0_CLIENT_ID")
    profiles, _ = load_profiles()
    start: SessionStart | None = None
    session: AccountSession | None = None
    if given or profiles:
        profile, changed = resolve_profile(
            name=name, issuer=issuer, domain=domain, client_id=client_id, create=True
        )

        def remember(signed_in: Profile) -> None:
            save_profile(signed_in, make_default=name is None)

        def open_session() -> AccountSession:
            from tui_console.account import AccountSession

            return AccountSession(profile, on_sign_in=remember if changed else None)

        try:
            start = SessionStart(profile, stored_session_status(profile), open_session)
        except TuiConsoleError:  # damaged files: the session reads them and the app says so
            session = open_session()
    demo = DemoTenant()
    try:
        app = ConsoleApp(
            session,
            start=start,
            profile_setup=ProfileSetup(start_demo=demo.start_session),
            keymap=load_keymap(),
        )
        app.run()
    finally:
        demo.close()
    return app.return_code or 0
