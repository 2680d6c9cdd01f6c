"""The sign-in screen against a real dev tenant on 127.0.0.1: device flow and browser flow."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input, Static

from tests.devtenant.flows import Browser
from tests.ui.fakes import FakeDeviceLogin, FakeSession, frozen_clock
from tests.ui.helpers import DESKTOP, NO_BROWSER, Opener, text_of, wait_for
from tui_console.account import AccountSession
from tui_console.auth.device import PollProgress
from tui_console.ui.app import ConsoleApp
from tui_console.ui.screens.sign_in import SignInScreen
from tui_console.ui.widgets.countdown import Countdown
from tui_console.ui.widgets.sign_in_views import looks_like_redirect

CODE = re.compile(r"^[B-Z]{4}-[B-Z]{4}$")


def _app(session: AccountSession, **kwargs: Any) -> ConsoleApp:
    kwargs.setdefault("opener", Opener())
    kwargs.setdefault("browser_check", lambda: NO_BROWSER)
    return ConsoleApp(session, **kwargs)


class TestDeviceFlow:
    async def test_code_countdown_copy_and_cancel(
        self, make_dev_tenant: Callable[..., Any], tenant_session: Callable[..., AccountSession]
    ) -> None:
        """The code, URL and a moving countdown show; c copies the code; Escape stops polling."""
        tenant = make_dev_tenant()
        session = tenant_session(tenant)
        app = _app(session)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            screen = app.screen
            assert isinstance(screen, SignInScreen)
            await wait_for(pilot, lambda: screen.phase == "waiting")
            code = text_of(screen.query_one("#user-code", Static))
            assert CODE.match(code)
            assert code in tenant.state.pending_user_codes()
            assert text_of(screen.query_one("#verification-uri")) == tenant.url("activate")
            assert "SSH" in text_of(screen.query_one("#sign-in-why")) or "display" in text_of(
                screen.query_one("#sign-in-why")
            )

            expiry = screen.query_one("#device-expiry", Countdown)
            first = expiry.render().plain
            assert first.startswith("The code expires in 1")  # 15 min on the tenant
            await wait_for(pilot, lambda: expiry.render().plain != first, timeout=3)

            await pilot.press("c")
            assert app.clipboard == code

            await pilot.press("escape")
            await pilot.pause()
            assert screen.phase == "cancelled"
            assert "cancelled" in text_of(screen.query_one("#sign-in-status"))
            assert not screen.workers.__len__() or all(
                w.is_finished for w in app.workers if w.group == "sign-in"
            )
            polls = tenant.state.stats.snapshot()
            await pilot.pause(1.5)
            assert tenant.state.stats.snapshot() == polls  # nothing polls any more
            assert not session.status().signed_in

            await pilot.press("r")  # a new code
            await wait_for(pilot, lambda: screen.phase == "waiting")
            assert text_of(screen.query_one("#user-code")) != code

    async def test_denied_code_says_so_with_the_next_step(
        self, make_dev_tenant: Callable[..., Any], tenant_session: Callable[..., AccountSession]
    ) -> None:
        """A code denied on the tenant ends in words and a key to try again, not a traceback."""
        tenant = make_dev_tenant()
        app = _app(tenant_session(tenant))
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            screen = app.screen
            assert isinstance(screen, SignInScreen)
            await wait_for(pilot, lambda: screen.phase == "waiting")
            assert tenant.state.deny_pending_device_codes() == 1
            await wait_for(pilot, lambda: screen.phase == "failed")
            message = text_of(screen.query_one("#sign-in-status"))
            assert "denied" in message
            assert "Press r to try again" in message
            assert app.is_running


class TestBrowserFlow:
    def test_redirect_addresses_are_recognised(self) -> None:
        """Only an http(s) address carrying code= or error= is taken as the redirect."""
        assert looks_like_redirect("http://127.0.0.1:8484/callback?code=abc&state=x")
        assert looks_like_redirect("http://127.0.0.1:8484/callback?error=access_denied")
        assert not looks_like_redirect("abc")
        assert not looks_like_redirect("http://127.0.0.1:8484/callback")

    async def test_pasted_redirect_signs_in(
        self,
        make_dev_tenant: Callable[..., Any],
        tenant_session: Callable[..., AccountSession],
        unused_tcp_port: int,
    ) -> None:
        """With the browser on another machine, pasting its last address finishes the sign-in."""
        tenant = make_dev_tenant(callback_ports=(unused_tcp_port,))
        session = tenant_session(tenant, redirect_ports=(unused_tcp_port,))
        opener = Opener(result=False)  # "the browser is elsewhere"
        app = _app(session, opener=opener, browser_check=lambda: DESKTOP)
        browser = Browser(tenant)
        try:
            async with app.run_test(size=(100, 30)) as pilot:
                await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
                screen = app.screen
                assert isinstance(screen, SignInScreen)
                assert screen.flow == "browser"  # recommended where a browser is usable
                await wait_for(pilot, lambda: screen.phase == "waiting")
                [url] = opener.urls
                assert text_of(screen.query_one("#authorize-url")) == url

                page = await browser.open(url)  # "on the other machine"
                page = await browser.log_in(page)
                if page.status_code == 200:  # a consent page
                    page = await browser.submit(page, button="accept")
                redirect = page.headers["location"]

                await pilot.press("p")
                paste = screen.query_one("#paste", Input)
                assert paste.has_focus
                paste.value = "not an address"
                await pilot.press("enter")
                assert "not the address" in text_of(screen.query_one("#sign-in-status"))
                # Another sign-in's address: refused with the reason, and the field is back.
                port = unused_tcp_port
                paste.value = f"http://127.0.0.1:{port}/callback?code=stolen&state=someone-else"
                await pilot.press("enter")
                status = screen.query_one("#sign-in-status")
                await wait_for(pilot, lambda: "state does not match" in text_of(status))
                assert "Paste the address again" in text_of(status)
                assert not paste.disabled and paste.value == ""
                assert screen.phase == "waiting"
                paste.value = redirect
                await pilot.press("enter")
                await wait_for(pilot, lambda: session.status().signed_in, timeout=10)
        finally:
            await browser.aclose()
        assert session.status().user["name"] == "Ada Lovelace"


@pytest.fixture
def unused_tcp_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _SlowDownLogin(FakeDeviceLogin):
    async def complete(self, on_progress: Any = None) -> Any:
        assert on_progress is not None
        on_progress(PollProgress(899, 5.0, 1, "authorization_pending"))
        await asyncio.sleep(0.05)
        on_progress(PollProgress(890, 10.0, 2, "slow_down"))
        await asyncio.Event().wait()


class _SlowDownSession(FakeSession):
    async def start_device_login(self, **kwargs: Any) -> FakeDeviceLogin:
        return _SlowDownLogin()


class TestDeviceViewDetails:
    async def test_poll_interval_rises_after_slow_down(self) -> None:
        """The interval on screen follows the poll loop, and says why it grew."""
        app = _app(_SlowDownSession(signed_in=False), clock=frozen_clock)  # type: ignore[arg-type]
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            poll = app.screen.query_one("#poll-interval", Static)
            await wait_for(pilot, lambda: "10 s" in text_of(poll))
            assert "slow down" in text_of(poll)

    async def test_open_uses_a_browser_only_where_one_is_usable(self) -> None:
        """o over SSH explains why no browser opens; on a desktop it opens the full URL."""
        opener = Opener()
        app = _app(FakeSession(signed_in=False), opener=opener)  # type: ignore[arg-type]
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            screen: Any = app.screen
            await wait_for(pilot, lambda: screen.phase == "waiting")
            await pilot.press("o")
            assert opener.urls == []
            [note] = [n for n in app._notifications if n.title == "No browser here"]
            assert "tests have no display" in note.message

        opener = Opener()
        app = _app(
            FakeSession(signed_in=False),  # type: ignore[arg-type]
            opener=opener,
            browser_check=lambda: DESKTOP,
            demo=True,  # the device flow, although a browser is usable
        )
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            screen = app.screen
            await wait_for(pilot, lambda: screen.phase == "waiting")
            await pilot.press("o")
            assert opener.urls == [FakeDeviceLogin().prompt.verification_uri_complete]


class _BrokenSession(FakeSession):
    async def start_device_login(self, **kwargs: Any) -> FakeDeviceLogin:
        raise RuntimeError("a bug [/] with markup-like text")


async def test_a_bug_in_the_flow_is_words_not_a_crash() -> None:
    """An unexpected exception ends the flow with a message (markup-safe); the app lives on."""
    app = _app(_BrokenSession(signed_in=False))  # type: ignore[arg-type]
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        screen: Any = app.screen
        await wait_for(pilot, lambda: screen.phase == "failed")
        message = text_of(screen.query_one("#sign-in-status"))
        assert "Something went wrong inside the console (RuntimeError: a bug [/]" in message
        assert "Press r to try again" in message
        await pilot.pause()
        assert app.is_running
