"""Regenerate the screenshots: every screen of the console against the demo tenant, at 100x30.

    .venv/bin/python screenshots/regenerate.py

Starts the dev tenant in this process (a fresh one in a temporary directory, so your own demo
state is untouched), signs in through the real device flow (the tenant approves after a few
seconds), and saves an SVG of the setup screen, the sign-in device and browser views, each tab
of the main screen, the Security tab's authenticator-app prompt (also at 80x24) and the help
screen into this folder. Where ``rsvg-convert`` is installed
(Debian: ``apt-get install librsvg2-bin fonts-firacode``) a PNG is written beside each SVG.

The SVGs carry ``xml:space="preserve"``: without it rsvg drops the leading spaces of a text
run, and indented lines (JSON, padded columns) come out shifted.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from textual.pilot import Pilot  # noqa: E402

from tui_console.account import AccountSession  # noqa: E402
from tui_console.config import Profile  # noqa: E402
from tui_console.devtenant import RunningTenant, TenantSettings, serve  # noqa: E402
from tui_console.storage.discovery_cache import DiscoveryCache  # noqa: E402
from tui_console.storage.token_store import FileTokenStore  # noqa: E402
from tui_console.ui.app import ConsoleApp  # noqa: E402
from tui_console.ui.screens.help import HelpScreen  # noqa: E402
from tui_console.ui.screens.main import TABS, MainScreen  # noqa: E402
from tui_console.ui.screens.setup import ProfileSetup, SetupScreen  # noqa: E402
from tui_console.ui.screens.sign_in import SignInScreen  # noqa: E402
from tui_console.ui.screens.sign_in_method_dialogs import (  # noqa: E402
    ChooseMethodScreen,
    NewMethodScreen,
)
from tui_console.ui.screens.verify_code import VerifyCodeScreen  # noqa: E402

SIZE = (100, 30)
NO_BROWSER = (False, "this is an SSH session without a display, so a browser would open remotely")


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the console never reached: {condition}")
        await pilot.pause(0.05)


async def settle(pilot: Pilot[Any]) -> None:
    """Let loads finish and redraw; no toasts or blinking cursors in the pictures."""
    for _ in range(40):
        if all(w.is_finished for w in pilot.app.workers if w.group != "sign-in"):
            break
        await pilot.pause(0.05)
    await pilot.pause(0.3)
    pilot.app.clear_notifications()
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause(0.1)


def save(app: ConsoleApp, name: str) -> Path:
    """The screen as ``NAME.svg`` (and ``NAME.png`` where rsvg-convert exists)."""
    svg = app.export_screenshot(title="tui-console").replace(
        "<svg ", '<svg xml:space="preserve" ', 1
    )
    path = HERE / f"{name}.svg"
    path.write_text(svg, encoding="utf-8")
    converter = shutil.which("rsvg-convert")
    if converter:
        subprocess.run(
            [converter, "-w", "1400", str(path), "-o", str(path.with_suffix(".png"))], check=True
        )
    print(f"saved {path.name}", file=sys.stderr)
    return path


async def setup_screen() -> None:
    async def no_demo() -> AccountSession:
        raise RuntimeError("not started for the screenshot")

    app = ConsoleApp(None, profile_setup=ProfileSetup(start_demo=no_demo))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
        await settle(pilot)
        save(app, "setup")


async def console(tmp: Path) -> None:
    settings = TenantSettings(auto_approve=4, device_interval=1)
    with serve(settings, state_file=tmp / "demo-tenant.json") as tenant:
        profile = Profile(
            name="demo",
            issuer=tenant.issuer,
            client_id=tenant.client_id,
            audience=tenant.management_audience,
        )
        session = AccountSession(
            profile,
            store=FileTokenStore(tmp / "tokens", "demo"),
            discovery_cache=DiscoveryCache(tmp / "cache"),
        )
        app = ConsoleApp(
            session, demo=True, opener=lambda url: False, browser_check=lambda: NO_BROWSER
        )
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            sign_in = app.screen
            assert isinstance(sign_in, SignInScreen)
            await wait_for(pilot, lambda: sign_in.phase == "waiting")
            await settle(pilot)
            save(app, "sign-in-device")

            await pilot.press("b")
            await wait_for(pilot, lambda: sign_in.phase == "waiting" and sign_in.authorize_url)
            await settle(pilot)
            save(app, "sign-in-browser")
            await pilot.press("d")  # a new code, approved by the tenant a few seconds later

            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
            main = app.screen
            assert isinstance(main, MainScreen)
            for number, tab in enumerate(TABS, start=1):
                main.set_focus(None)
                await pilot.press(str(number))
                await wait_for(pilot, lambda tab_id=tab.id: main.active_tab == tab_id)
                await settle(pilot)
                save(app, f"main-{number}-{tab.id}")

            await enroll_an_authenticator_app(pilot)
            main.set_focus(None)
            await pilot.press("1")
            await pilot.press("f1")
            await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
            await settle(pilot)
            save(app, "help")
        await session.aclose()


async def support_session(tenant: RunningTenant, tmp: Path) -> AccountSession:
    """The demo's support staff, signed in as the tenant's machine client (client secret)."""
    from tui_console.redact import Secret

    profile = Profile(
        name="demo-support",
        issuer=tenant.issuer,
        client_id=tenant.support_client["client_id"],
        audience=tenant.management_audience,
        client_auth="secret",
    )
    session = AccountSession(
        profile,
        store=FileTokenStore(tmp / "tokens", profile.name),
        discovery_cache=DiscoveryCache(tmp / "cache"),
    )
    await session.login_with_client_credentials(
        secret=Secret(tenant.support_client["client_secret"])
    )
    return session


async def support_console(tmp: Path) -> None:
    """The support console (``demo --support``): search, Ada's page and tabs, a session's
    record, the typed sign-out confirmation, and a pasted token."""
    from textual.widgets import Input

    from tui_console.demo import seed_support_history
    from tui_console.ui.support.detail import DetailScreen
    from tui_console.ui.support.inspect_token import InspectTokenScreen
    from tui_console.ui.support.screen import SupportScreen
    from tui_console.ui.support.user_screen import UserScreen
    from tui_console.ui.widgets.confirm import TypedConfirmScreen

    with serve(TenantSettings(), state_file=tmp / "support-tenant.json") as tenant:
        seed_support_history(tenant)
        session = await support_session(tenant, tmp)
        app = ConsoleApp(session, demo=True)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SupportScreen))
            search = app.screen.query_one("#search", Input)
            search.value = "ada@example.com"
            search.focus()
            await pilot.press("enter")
            home = app.screen
            assert isinstance(home, SupportScreen)
            await wait_for(pilot, lambda: "1 user found" in home.search.status.text)
            await settle(pilot)
            save(app, "support-1-search")

            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, UserScreen))
            await settle(pilot)
            save(app, "support-2-user-profile")
            for key, name in (("2", "support-3-sessions"), ("3", "support-5-refresh-tokens")):
                await pilot.press(key)
                await settle(pilot)
                save(app, name)
                if key == "2":
                    await pilot.press("enter")
                    await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
                    await settle(pilot)
                    save(app, "support-4-session-detail")
                    await pilot.press("escape")
                    await wait_for(pilot, lambda: isinstance(app.screen, UserScreen))

            await pilot.press("o")
            await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
            await settle(pilot)
            save(app, "support-6-sign-out-everywhere")
            await pilot.press("escape")

            await pilot.press("ctrl+t")
            await wait_for(pilot, lambda: isinstance(app.screen, InspectTokenScreen))
            inspect = app.screen
            assert isinstance(inspect, InspectTokenScreen)
            field = inspect.query_one("#token", Input)
            field.value = session.reveal_token(tenant.management_audience)
            field.focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: inspect.report is not None)
            await settle(pilot)
            save(app, "support-7-inspect-token")
        await session.aclose()


async def enroll_an_authenticator_app(pilot: Pilot[Any]) -> None:
    """The Security tab's authenticator-app prompt: QR code, manual code and the code field,
    at this size and at 80x24 (where it must fit whole to scan); left pending."""
    app = pilot.app
    await pilot.press("7", "a")
    await wait_for(pilot, lambda: isinstance(app.screen, ChooseMethodScreen))
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, NewMethodScreen))
    await pilot.press(*"Pixel", "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, VerifyCodeScreen))
    await settle(pilot)
    save(app, "security-totp")
    await pilot.resize_terminal(80, 24)
    await settle(pilot)
    save(app, "security-totp-80x24")
    await pilot.resize_terminal(*SIZE)
    await pilot.press("escape")
    await settle(pilot)


async def sign_in_trouble(tmp: Path) -> None:
    """The support console's "why can't they sign in?" tabs: Grace's log events (and following
    them) and her brute-force block with the unblock confirmation, Alan's MFA methods with the
    reset confirmation, Ada's device credentials."""
    from textual.widgets import Input

    from tui_console.ui.support.screen import SupportScreen
    from tui_console.ui.support.user_screen import UserScreen
    from tui_console.ui.widgets.confirm import TypedConfirmScreen

    with serve(TenantSettings(), state_file=tmp / "support-tenant.json") as tenant:
        session = await support_session(tenant, tmp)
        app = ConsoleApp(session, demo=True)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SupportScreen))

            async def open_user(email: str) -> None:
                home = app.screen
                assert isinstance(home, SupportScreen)
                search = home.query_one("#search", Input)
                search.value = email
                search.focus()
                await pilot.press("enter")
                await wait_for(pilot, lambda: "1 user found" in home.search.status.text)
                home.search.table.focus()
                await pilot.press("enter")
                await wait_for(pilot, lambda: isinstance(app.screen, UserScreen))

            async def shot(key: str, name: str) -> None:
                await pilot.press(key)
                await settle(pilot)
                await settle(pilot)  # the table's header is re-measured after its rows
                save(app, name)

            async def confirmation(key: str, name: str) -> None:
                await pilot.press(key)
                await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
                await settle(pilot)
                save(app, name)
                await pilot.press("escape")
                await wait_for(pilot, lambda: isinstance(app.screen, UserScreen))

            await open_user("grace@example.com")
            await shot("4", "support-8-logs")
            await shot("f", "support-9-logs-follow")
            await pilot.press("f")
            await shot("5", "support-10-blocks")
            await confirmation("u", "support-11-unblock")
            await pilot.press("escape")
            await open_user("alan@example.com")
            await shot("6", "support-12-mfa")
            await confirmation("R", "support-13-mfa-reset")
            await pilot.press("escape")
            await open_user("ada@example.com")
            await shot("7", "support-14-devices")
        await session.aclose()


async def main() -> None:
    await setup_screen()
    with tempfile.TemporaryDirectory(prefix="tui-console-shots-") as tmp:
        await console(Path(tmp))
    with tempfile.TemporaryDirectory(prefix="tui-console-shots-") as tmp:
        await support_console(Path(tmp))
    with tempfile.TemporaryDirectory(prefix="tui-console-shots-") as tmp:
        await sign_in_trouble(Path(tmp))


if __name__ == "__main__":
    asyncio.run(main())
