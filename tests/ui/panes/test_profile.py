"""The Profile pane against a real dev tenant: /userinfo, cached, and a 429 that keeps it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Static

from tests.ui.helpers import text_of, wait_for
from tests.ui.panes.conftest import sign_in
from tests.ui.panes.harness import PaneHarness
from tui_console.account import AccountSession
from tui_console.ui.panes import ProfilePane


def claim(pane: ProfilePane, key: str) -> str:
    table: DataTable[Text] = pane.query_one("#profile-claims", DataTable)
    return table.get_cell(key, "value").plain


class TestProfilePane:
    async def test_loads_ada_lovelace_when_shown(self, session: AccountSession) -> None:
        """The claims of the signed-in user show, with the email's verified state and age."""
        app = PaneHarness(lambda: ProfilePane(session, id="profile"))
        async with app.run_test(size=(100, 30)) as pilot:
            pane = app.query_one(ProfilePane)
            await wait_for(pilot, lambda: pane.profile is not None)
            assert claim(pane, "name") == "Ada Lovelace"
            assert claim(pane, "email") == "ada@example.com  (verified)"
            assert claim(pane, "user id (sub)") == "auth0|65f1c0de5a1b2c3d4e5f6a7b"
            assert claim(pane, "picture").startswith("https://s.gravatar.com/avatar/")
            assert "as of just now" in text_of(pane.query_one("#profile-age", Static))

    async def test_a_429_keeps_the_cached_profile_and_says_when(
        self,
        make_dev_tenant: Callable[..., Any],
        tenant_session: Callable[..., AccountSession],
    ) -> None:
        """With the /userinfo bucket used up, r keeps the last profile and says when to retry."""
        tenant = make_dev_tenant(auto_approve=0.2, userinfo_burst=1, userinfo_refill_per_minute=0.5)
        session = tenant_session(tenant)
        await sign_in(session)
        app = PaneHarness(lambda: ProfilePane(session, id="profile"))
        async with app.run_test(size=(100, 30)) as pilot:
            pane = app.query_one(ProfilePane)
            await wait_for(pilot, lambda: pane.profile is not None)
            first_fetch = pane.fetched_at
            await pilot.press("r")
            await wait_for(pilot, lambda: pane.status.tone == "warning")
            assert "Try again in" in pane.status.text
            assert "last good fetch" in pane.status.text
            assert pane.fetched_at == first_fetch
            assert claim(pane, "name") == "Ada Lovelace"

    async def test_refresh_fetches_again(self, session: AccountSession) -> None:
        """r fetches /userinfo again and updates the time it was fetched."""
        app = PaneHarness(lambda: ProfilePane(session, id="profile"))
        async with app.run_test() as pilot:
            pane = app.query_one(ProfilePane)
            await wait_for(pilot, lambda: pane.profile is not None)
            calls = len([c for c in session.calls if c.path == "/userinfo"])
            await pilot.press("r")
            await wait_for(
                pilot, lambda: len([c for c in session.calls if c.path == "/userinfo"]) > calls
            )
            await wait_for(pilot, lambda: pane.status.text == "")
