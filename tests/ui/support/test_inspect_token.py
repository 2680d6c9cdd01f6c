"""The inspect-token screen: a pasted token read by the same core as ``tui-console inspect``,
its issuer's keys fetched only when the person trusts it, the token itself kept nowhere; in
the support console its ``sid`` opens that session."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from textual.app import App
from textual.widgets import Button, Input, Static

from tests.support.conftest import SupportDesk
from tests.ui.helpers import wait_for
from tests.ui.support.helpers import support_console, support_screen
from tui_console.config import save_profile
from tui_console.devtenant import RunningTenant, seed
from tui_console.ui.commands import console_commands
from tui_console.ui.support.detail import DetailScreen
from tui_console.ui.support.inspect_token import InspectTokenScreen
from tui_console.ui.support.user_screen import UserScreen


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _unsigned(**claims: Any) -> str:
    now = int(time.time())
    body = {"iss": "https://forger.example/", "sub": "auth0|x", "iat": now, "exp": now + 600}
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64({**body, **claims})}."


class Host(App[None]):
    """An empty app to push the screen on, as the end-user console does from its palette."""


def _texts(screen: InspectTokenScreen) -> str:
    return "\n".join(
        str(screen.query_one(f"#{part}", Static).content)
        for part in ("verdict", "report", "claims")
    )


async def _paste(pilot: Any, screen: InspectTokenScreen, token: str) -> None:
    field = screen.query_one("#token", Input)
    field.focus()
    field.value = token
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.report is not None)
    await pilot.pause()


async def test_a_token_from_an_issuer_no_profile_names_is_checked_only_once_trusted(
    desk: SupportDesk,
) -> None:
    session = await desk.signed_in()
    token = session.reveal_token(desk.tenant.management_audience)
    app = Host()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = InspectTokenScreen()
        app.push_screen(screen)
        await pilot.pause()
        await _paste(pilot, screen, f"Bearer {token}")
        assert screen.query_one("#token", Input).value == ""  # the field keeps nothing
        text = _texts(screen)
        assert "NOT VERIFIED" in text and "not one of your saved profiles'" in text
        assert "machine access token (client credentials)" in text
        trust = screen.query_one("#trust", Button)
        assert trust.display and not trust.disabled
        await pilot.press("t")
        await wait_for(pilot, lambda: "verified: signed by the issuer" in _texts(screen))
        assert not screen.query_one("#trust", Button).display
        everything = text + _texts(screen) + repr(screen.__dict__)
        assert token not in everything
        assert all(token not in n.message for n in app._notifications)
        for worker in app.workers:
            assert token not in worker.description


async def test_a_saved_profiles_issuer_is_verified_at_once(desk: SupportDesk) -> None:
    session = await desk.signed_in()
    save_profile(session.profile)
    token = session.reveal_token(desk.tenant.management_audience)
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = InspectTokenScreen()
        app.push_screen(screen)
        await pilot.pause()
        await _paste(pilot, screen, token)
        assert "verified: signed by the issuer and within its lifetime" in _texts(screen)


async def test_alg_none_is_never_verified_and_offers_no_trust(tenant: RunningTenant) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = InspectTokenScreen()
        app.push_screen(screen)
        await pilot.pause()
        await _paste(pilot, screen, _unsigned(sid="s1", cnf={"jkt": "abc"}))
        text = _texts(screen)
        assert "NOT VERIFIED" in text and "alg none: the token is not signed at all" in text
        assert "the DPoP key with thumbprint abc (cnf.jkt)" in text and "Session:" in text
        assert not screen.query_one("#trust", Button).display
        assert not screen.query_one("#session", Button).display  # no support console here


async def test_in_the_support_console_a_sid_opens_that_session(
    ada_devices: RunningTenant, desk: SupportDesk
) -> None:
    sid = ada_devices.state.sessions.of_user(seed.DEMO_USER_ID)[1].id
    async with support_console(await desk.signed_in()) as (app, pilot):
        await wait_for(pilot, lambda: support_screen(app) is not None)
        titles = [c.title for c in console_commands(app, app.screen)]
        assert "token: inspect a pasted token" in titles
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, InspectTokenScreen))
        screen = app.screen
        assert isinstance(screen, InspectTokenScreen)
        await _paste(pilot, screen, _unsigned(sid=sid))
        assert screen.query_one("#session", Button).display
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        assert isinstance(app.screen_stack[-2], UserScreen)
        assert dict(app.screen.rows)["Session"] == sid  # type: ignore[attr-defined]
