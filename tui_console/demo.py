"""Starting the console: ``tui-console demo`` and the bare ``tui-console``.

This is composition-root code, beside :mod:`tui_console.cli`: it may import both the dev
tenant and the UI, which may not import each other. Everything heavy (Textual, starlette,
uvicorn) is imported inside the functions, so ``import tui_console.cli`` stays cheap.

``tui-console demo`` runs the dev tenant in this process (on a free 127.0.0.1 port, with its
users and devices kept in ``data_dir()/demo-tenant.json`` so edits survive a restart), makes a
``demo`` profile for it (never saved as the default, and its old tokens cleared: the port and
so the issuer changed since last time), and opens the console on the *real* device-flow
screen; the tenant approves the code as the demo user after a few seconds.

``tui-console demo --support`` opens the support console instead: a ``demo-support`` machine
profile for the tenant's support application (its client secret stored as ``login
--client-credentials`` would store it), and a few sessions and refresh tokens of Ada's from
different devices (:func:`seed_support_history`), since sessions do not outlive a tenant run.
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
    "SUPPORT_DEMO_PROFILE",
    "DemoTenant",
    "demo_state_file",
    "run_console",
    "run_demo",
    "seed_support_history",
]

DEMO_PROFILE = "demo"
SUPPORT_DEMO_PROFILE = "demo-support"
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

    def support_session(self) -> AccountSession:
        """A session for the demo support profile: the tenant's support application, its
        secret stored (0600) as ``login --client-credentials`` stores it, no token yet (the
        support console mints one as it opens), and Ada's seeded sessions."""
        from tui_console.account import AccountSession
        from tui_console.config import Profile
        from tui_console.redact import Secret

        tenant = self.start()
        profile = Profile(
            name=SUPPORT_DEMO_PROFILE,
            issuer=tenant.issuer,
            client_id=tenant.support_client["client_id"],
            audience=tenant.management_audience,
            client_auth="secret",
        ).validate()
        session = AccountSession(profile)
        session.store.clear()
        session.client_secrets.save(Secret(tenant.support_client["client_secret"]))
        seed_support_history(tenant)
        return session

    async def start_session(self) -> AccountSession:
        """:meth:`session` off the event loop (starting the server blocks for a moment)."""
        return await asyncio.to_thread(self.session)

    def close(self) -> None:
        self._stack.close()
        self.tenant = None


#: Ada's devices in the support demo: (user agent, IP, ASN, hours since the sign-in, hours since
#: last used, how she signed in). Documentation addresses (RFC 5737) with real-looking ASNs.
_ADA_DEVICES: tuple[tuple[str, str, str, float, float, tuple[str, ...]], ...] = (
    (
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "203.0.113.7", "3320", 50.0, 0.4, ("pwd",),
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "198.51.100.23", "6805", 9.0, 2.5, ("pwd", "mfa"),
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36",
        "192.0.2.44", "13335", 1.5, 0.1, ("federated",),
    ),
)  # fmt: skip


def seed_support_history(tenant: RunningTenant) -> None:
    """Give Ada a session per device above, each with a refresh token of the demo app."""
    import secrets

    from tui_console.devtenant.records import Grant, Session

    state = tenant.state
    user_id, now = tenant.demo_user["user_id"], state.now()
    if state.sessions.of_user(user_id):
        return  # this run's tenant has them already
    for agent, ip, asn, began, used, methods in _ADA_DEVICES:
        start, last = now - began * 3600, now - used * 3600
        session = Session(
            id=secrets.token_urlsafe(24),
            user_id=user_id,
            created_at=start,
            authenticated_at=start,
            updated_at=last,
            last_interacted_at=last,
            client_ids=[tenant.client_id],
            initial_ip=ip,
            initial_user_agent=agent,
            initial_asn=asn,
            last_ip=ip,
            last_user_agent=agent,
            last_asn=asn,
            methods=[(m, start, "otp" if m == "mfa" else None) for m in methods],
        )
        state.sessions.add(session)
        scopes = ("openid", "profile", "email", "offline_access")
        grant = Grant(user_id, tenant.client_id, scopes, tenant.management_audience, session.id)
        state.refresh_tokens.issue(grant)


def run_demo(*, reset: bool = False, support: bool = False) -> int:
    """``tui-console demo``: the console against the built-in tenant; returns the exit status.

    ``support``: the support console, signed in as the tenant's support application.
    """
    from tui_console.config import load_keymap
    from tui_console.ui.app import ConsoleApp

    demo = DemoTenant(reset=reset)
    try:
        session = demo.support_session() if support else demo.session()
        app = ConsoleApp(session, demo=True, keymap=load_keymap())
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
