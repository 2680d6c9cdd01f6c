"""The Identities pane against a real dev tenant: primary marker, unlink, link."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Static

from tests.devtenant.flows import Browser
from tests.ui.helpers import Opener, text_of, wait_for
from tests.ui.panes.conftest import sign_in
from tests.ui.panes.harness import PaneHarness
from tui_console.account import AccountSession
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.seed import DEMO_USER_ID, SECOND_EMAIL, SECOND_PASSWORD
from tui_console.ui.panes import IdentitiesPane
from tui_console.ui.widgets.confirm import TypedConfirmScreen


def rows(pane: IdentitiesPane) -> list[list[str]]:
    table: DataTable[Text] = pane.query_one("#identities-table", DataTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def linked_on_tenant(tenant: RunningTenant) -> list[str]:
    user = tenant.state.get_user(DEMO_USER_ID)
    assert user is not None
    return [identity.provider for identity in user.identities]


def deletes(session: AccountSession) -> int:
    return sum(1 for call in session.calls if call.method == "DELETE")


async def loaded(pilot: Pilot[Any]) -> IdentitiesPane:
    pane = pilot.app.query_one(IdentitiesPane)
    await wait_for(pilot, lambda: bool(pane.identities))
    return pane


class TestIdentitiesTable:
    async def test_lists_identities_with_the_primary_marked(self, session: AccountSession) -> None:
        """Provider, connection, id, primary marker and a profile summary for each identity."""
        app = PaneHarness(lambda: IdentitiesPane(session, id="identities"))
        async with app.run_test(size=(120, 30)) as pilot:
            pane = await loaded(pilot)
            assert rows(pane) == [
                [
                    "auth0",
                    "★ primary",
                    "65f1c0de5a1b2c3d4e5f6a7b",
                    "—",
                    "Username-Password-Authentication",
                ],
                [
                    "google-oauth2",
                    "linked",
                    "104817261815121012345",
                    "Ada Lovelace <ada.lovelace@gmail.com>",
                    "google-oauth2",
                ],
                ["github", "linked", "1815", "Ada Lovelace <ada@example.com>", "github"],
            ]


class TestUnlink:
    async def test_the_primary_identity_is_refused_with_a_reason(
        self, session: AccountSession
    ) -> None:
        """u on the primary identity explains why and asks nothing, sends nothing."""
        app = PaneHarness(lambda: IdentitiesPane(session, id="identities"))
        async with app.run_test(size=(120, 30)) as pilot:
            pane = await loaded(pilot)
            await pilot.press("u")
            await pilot.pause()
            assert not isinstance(app.screen, TypedConfirmScreen)
            assert pane.status.tone == "warning"
            assert "is the primary identity" in pane.status.text
            assert "cannot be unlinked" in pane.status.text
            assert deletes(session) == 0

    async def test_unlink_needs_the_provider_typed(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        """The confirm button works only once the provider's name is typed; then it unlinks."""
        app = PaneHarness(lambda: IdentitiesPane(session, id="identities"))
        async with app.run_test(size=(120, 30)) as pilot:
            pane = await loaded(pilot)
            await pilot.press("down", "down", "u")
            await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
            screen = app.screen
            assert "Unlink the github identity 1815?" in str(screen.query_one("#title").render())
            assert "no metadata" in text_of(screen.query_one("#body-text", Static))
            confirm = screen.query_one("#confirm", Button)
            assert confirm.disabled
            await pilot.press(*"git", "enter")
            assert confirm.disabled and isinstance(app.screen, TypedConfirmScreen)
            await pilot.press(*"hub")
            assert not confirm.disabled
            await pilot.press("enter")
            await wait_for(pilot, lambda: pane.status.tone == "ok")
            assert "Unlinked github 1815" in pane.status.text
            assert [row[0] for row in rows(pane)] == ["auth0", "google-oauth2"]
        assert linked_on_tenant(tenant) == ["auth0", "google-oauth2"]

    async def test_escape_unlinks_nothing(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        """Escape in the typed confirmation leaves everything linked."""
        app = PaneHarness(lambda: IdentitiesPane(session, id="identities"))
        async with app.run_test(size=(120, 30)) as pilot:
            await loaded(pilot)
            await pilot.press("down", "u")
            await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
            await pilot.press("escape")
            await pilot.pause()
            assert deletes(session) == 0
        assert linked_on_tenant(tenant) == ["auth0", "google-oauth2", "github"]

    async def test_an_identity_already_gone_is_nothing_unlinked(
        self, session: AccountSession, make_session: Callable[..., Any]
    ) -> None:
        """If another session unlinked it meanwhile, the pane says nothing was unlinked and
        shows the identities as they are now."""
        other = await make_session(name="other")
        app = PaneHarness(lambda: IdentitiesPane(session, id="identities"))
        async with app.run_test(size=(120, 30)) as pilot:
            pane = await loaded(pilot)
            await other.unlink_identity("github", "1815")
            await pilot.press("down", "down", "u")
            await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
            await pilot.press(*"github", "enter")
            await wait_for(pilot, lambda: pane.status.tone == "warning")
            assert pane.status.text.startswith("⚠ Nothing was unlinked. ")
            assert "no github identity with user id 1815" in pane.status.text
            await wait_for(pilot, lambda: len(pane.identities) == 2)


class TestLink:
    async def test_link_through_a_pasted_redirect(
        self,
        make_dev_tenant: Callable[..., RunningTenant],
        tenant_session: Callable[..., AccountSession],
    ) -> None:
        """l shows the sign-in address (the app's opener found no browser); pasting the
        address the other browser ended on links the second account."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        tenant = make_dev_tenant(auto_approve=0.2, callback_ports=(port,))
        session = tenant_session(tenant, redirect_ports=(port,))
        await sign_in(session)
        opener = Opener(result=False)
        app = PaneHarness(lambda: IdentitiesPane(session, id="identities"), opener=opener)
        browser = Browser(tenant)
        try:
            async with app.run_test(size=(120, 30)) as pilot:
                pane = await loaded(pilot)
                await pilot.press("l")
                await wait_for(pilot, lambda: bool(opener.urls))
                [url] = opener.urls
                await pilot.pause()
                shown = text_of(pane.query_one("#link-url", Static))
                assert url in shown and "Open this address in a browser" in shown
                paste = pane.query_one("#link-paste", Input)
                assert paste.has_focus
                await pilot.press("ctrl+y")  # the address, for a browser on another machine
                assert app.clipboard == url

                # A wrong paste (another sign-in's address) says why; the link waits on.
                paste.value = "http://127.0.0.1:1/callback?code=stolen&state=someone-else"
                await pilot.press("enter")
                await wait_for(pilot, lambda: pane.status.tone == "error")
                assert "state does not match" in pane.status.text, pane.status.text
                assert "Paste the address again" in pane.status.text
                assert pane.query_one("#identities-link").has_class("-shown")
                assert paste.value == ""

                page = await browser.open(url)
                page = await browser.log_in(page, email=SECOND_EMAIL, password=SECOND_PASSWORD)
                if page.status_code == 200:  # a consent page
                    page = await browser.submit(page, button="accept")
                paste.value = page.headers["location"]
                await pilot.press("enter")
                await wait_for(pilot, lambda: pane.status.tone in ("ok", "error"), timeout=15)
                assert pane.status.tone == "ok", pane.status.text
                assert len(pane.identities) == 4
                assert not pane.query_one("#identities-link").has_class("-shown")
        finally:
            await browser.aclose()
        assert linked_on_tenant(tenant) == ["auth0", "google-oauth2", "github", "auth0"]

    async def test_escape_stops_waiting_for_the_browser(self, session: AccountSession) -> None:
        """escape while waiting cancels the link and hides the paste field."""
        opener = Opener(result=True)
        app = PaneHarness(lambda: IdentitiesPane(session, id="identities"), opener=opener)
        async with app.run_test(size=(120, 30)) as pilot:
            pane = await loaded(pilot)
            await pilot.press("l")
            await wait_for(pilot, lambda: bool(opener.urls))
            await pilot.pause()
            assert "A browser was opened." in text_of(pane.query_one("#link-url", Static))
            await pilot.press("escape")
            await wait_for(pilot, lambda: "Linking stopped" in pane.status.text)
            assert not pane.query_one("#identities-link").has_class("-shown")
