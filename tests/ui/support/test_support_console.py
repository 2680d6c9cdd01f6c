"""The support console at 80x24, driven by keys, against the dev tenant: a machine profile
opens it, finds Ada, reads her sessions and refresh tokens, and ends them with typed
confirmations worded as Auth0 carries them out."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import Button, Checkbox, Input, Static

from tests.support.conftest import SupportDesk
from tests.ui.helpers import wait_for
from tests.ui.support.helpers import (
    find,
    on_user_page,
    open_user,
    show_tab,
    support_console,
    support_screen,
    type_confirmation,
)
from tui_console.devtenant import RunningTenant, seed
from tui_console.ui.screens.main import MainScreen
from tui_console.ui.support.detail import DetailScreen
from tui_console.ui.support.strip import SupportStrip
from tui_console.ui.support.user_screen import UserScreen
from tui_console.ui.widgets.confirm import TypedConfirmScreen

ADA = seed.DEMO_USER_ID


async def test_a_machine_profile_opens_the_support_console_not_the_main_screen(
    desk: SupportDesk,
) -> None:
    """The strip says which application is signed in, as support, and lists its scopes."""
    async with support_console(await desk.signed_in()) as (app, pilot):
        await wait_for(pilot, lambda: app.screen.query(SupportStrip))
        screen = support_screen(app)
        assert not any(isinstance(s, MainScreen) for s in app.screen_stack)
        strip = screen.query_one(SupportStrip).text
        assert f"machine: {desk.tenant.support_client['client_id']} (support)" in strip
        assert "scopes (14): " in strip and "read:sessions" in strip


async def test_a_support_profile_without_a_token_signs_itself_in(desk: SupportDesk) -> None:
    """No person to ask: the stored secret mints the first token as the console opens."""
    session = await desk.signed_in()
    session.store.clear()
    async with support_console(session) as (app, pilot):
        await wait_for(pilot, lambda: "Signed in." in support_screen(app).search.status.text)
        assert session.status().signed_in


async def test_find_ada_by_email_and_read_her_page(desk: SupportDesk) -> None:
    async with support_console(await desk.signed_in()) as (app, pilot):
        screen = await find(pilot, app, seed.DEMO_EMAIL)
        row = [cell.plain for cell in screen.search.table.get_row_at(0)]
        assert row[0] == seed.DEMO_NAME and row[1] == f"{seed.DEMO_EMAIL} ✓"
        assert row[2].startswith("Username-Password-Authentication")
        assert "1 user found by e-mail" in screen.search.status.text
        page = await open_user(pilot, app, seed.DEMO_EMAIL)
        profile = page.pane("profile")
        text = str(profile.query_one("#profile-rows", Static).content)
        assert ADA in text and "ada@example.com (verified)" in text and "Blocked:    no" in text
        identities = str(profile.query_one("#profile-identities", Static).content)
        assert "google-oauth2|" in identities and "social" in identities
        assert '"plan"' in str(profile.query_one("#profile-app-metadata", Static).content)
        await pilot.press("escape")
        assert support_screen(app).search.found is not None  # back on the same results


async def test_an_address_with_capitals_that_matches_nothing_says_matching_is_exact(
    desk: SupportDesk,
) -> None:
    async with support_console(await desk.signed_in()) as (app, pilot):
        screen = await find(pilot, app, "Ada@Example.com")
        status = screen.search.status.text
        assert "No user matches Ada@Example.com (by e-mail)" in status
        assert "case-sensitively" in status and "try ada@example.com" in status


async def test_a_query_pages_through_the_users(desk: SupportDesk) -> None:
    """n and p step through a query's pages; the footer offers them only when they apply."""
    async with support_console(await desk.signed_in()) as (app, pilot):
        screen = await find(pilot, app, "email:*")
        pane = screen.search
        assert pane.found is not None and pane.found.by == "query"
        first = [pane.table.get_row_at(i)[1].plain for i in range(pane.table.row_count)]
        if not pane.found.has_more:  # fewer users than a page: nothing to step through
            assert pane.check_action("page", (1,)) is None
            return
        await pilot.press("n")
        await wait_for(pilot, lambda: pane.found is not None and pane.found.page == 1)
        second = [pane.table.get_row_at(i)[1].plain for i in range(pane.table.row_count)]
        assert second and not set(first) & set(second)
        assert "page 2" in pane.status.text
        await pilot.press("p")
        await wait_for(pilot, lambda: pane.found is not None and pane.found.page == 0)


async def test_sessions_show_devices_in_words_and_a_detail_view(
    ada_devices: RunningTenant, desk: SupportDesk
) -> None:
    async with on_user_page(await desk.signed_in(), seed.DEMO_EMAIL) as (app, pilot, page):
        sessions = await show_tab(pilot, page, "2", "sessions")
        assert "3 sessions" in sessions.status.text
        devices = {sessions.table.get_row_at(i)[0].plain for i in range(3)}
        assert devices == {"Firefox 128 on Linux", "Safari 17 on iOS", "Chrome 126 on Windows"}
        row = [c.plain for c in sessions.table.get_row_at(0)]
        assert row[1] == "203.0.113.7" and row[2] == "3320" and row[4].startswith("in ")
        assert row[8] == seed.CLIENT_ID and row[9] == "pwd"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        labels = dict(detail.rows)
        assert labels["First device"] == "Firefox 128 on Linux"
        assert "(ASN 3320)" in labels["Last IP"] and labels["Signed in by"].startswith("pwd, ")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, UserScreen))


async def test_refresh_tokens_list_scopes_from_auth0s_string(
    ada_devices: RunningTenant, desk: SupportDesk
) -> None:
    async with on_user_page(await desk.signed_in(), seed.DEMO_EMAIL) as (app, pilot, page):
        tokens = await show_tab(pilot, page, "3", "refresh-tokens")
        assert "3 refresh tokens" in tokens.status.text
        row = [c.plain for c in tokens.table.get_row_at(0)]
        assert row[0] == seed.CLIENT_ID and row[2] == "yes"
        assert row[3] == ada_devices.management_audience
        assert row[4] == "email offline_access openid profile"


async def test_end_one_session_only_after_typing_end_session(
    ada_devices: RunningTenant, desk: SupportDesk
) -> None:
    async with on_user_page(await desk.signed_in(), seed.DEMO_EMAIL) as (app, pilot, page):
        sessions = await show_tab(pilot, page, "2", "sessions")
        target = sessions.selected()
        assert target is not None
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        app.screen.query_one("#word", Input).value = "end"
        await pilot.pause()
        assert app.screen.query_one("#confirm", Button).disabled
        await pilot.press("enter")
        assert isinstance(app.screen, TypedConfirmScreen)  # a wrong phrase does nothing
        assert len(ada_devices.state.sessions.of_user(ADA)) == 3
        await type_confirmation(pilot, app, "end session")
        await wait_for(pilot, lambda: "Auth0 accepted" in sessions.status.text)
        status = sessions.status.text
        assert f"ending session {target.id}" in status and "asynchronously" in status
        assert "Access tokens already issued stay valid until they expire" in status
        left = {s.id for s in ada_devices.state.sessions.of_user(ADA)}
        assert target.id not in left and len(left) == 2
        assert sessions.find(target.id) is None


async def test_revoke_one_refresh_token(ada_devices: RunningTenant, desk: SupportDesk) -> None:
    async with on_user_page(await desk.signed_in(), seed.DEMO_EMAIL) as (app, pilot, page):
        tokens = await show_tab(pilot, page, "3", "refresh-tokens")
        target = tokens.selected()
        assert target is not None
        await pilot.press("x")
        await type_confirmation(pilot, app, "revoke")
        await wait_for(pilot, lambda: "Auth0 accepted" in tokens.status.text)
        assert "The user's session, if any, is not ended." in tokens.status.text
        await pilot.press("r")
        await wait_for(pilot, lambda: "2 refresh tokens" in tokens.status.text)
        assert len(ada_devices.state.sessions.of_user(ADA)) == 3


async def test_sign_out_everywhere_needs_the_users_email_typed(
    ada_devices: RunningTenant, desk: SupportDesk
) -> None:
    async with on_user_page(await desk.signed_in(), seed.DEMO_EMAIL) as (app, pilot, page):
        await show_tab(pilot, page, "2", "sessions")
        await pilot.press("o")
        await type_confirmation(pilot, app, "sign out")
        assert isinstance(app.screen, TypedConfirmScreen)  # the e-mail, not any words
        await type_confirmation(pilot, app, seed.DEMO_EMAIL)
        await wait_for(pilot, lambda: "Auth0 accepted" in page.status.text)
        assert "out everywhere: every session ends, and every refresh token is revoked" in (
            page.status.text
        )
        assert "stay valid until they expire" in page.status.text
        assert ada_devices.state.sessions.of_user(ADA) == []
        tokens = await show_tab(pilot, page, "3", "refresh-tokens")
        await pilot.press("r")
        await wait_for(pilot, lambda: "has no refresh tokens" in tokens.status.text)


async def test_sign_out_everywhere_can_keep_the_refresh_tokens(
    ada_devices: RunningTenant, desk: SupportDesk
) -> None:
    async with on_user_page(await desk.signed_in(), seed.DEMO_EMAIL) as (app, pilot, page):
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        app.screen.query_one("#keep", Checkbox).value = True
        await type_confirmation(pilot, app, seed.DEMO_EMAIL)
        await wait_for(pilot, lambda: "Auth0 accepted" in page.status.text)
        assert "refresh tokens are kept" in page.status.text
        tokens = await show_tab(pilot, page, "3", "refresh-tokens")
        assert "3 refresh tokens" in tokens.status.text


async def test_a_free_plan_says_what_it_lacks_and_the_rest_works(
    tenant_with: object, desk: SupportDesk
) -> None:
    desk.tenant.state.reset(replace(desk.tenant.settings, plan="free"))
    async with on_user_page(await desk.signed_in(), seed.DEMO_EMAIL) as (app, pilot, page):
        sessions = await show_tab(pilot, page, "2", "sessions")
        status = sessions.status.text
        assert status.startswith("⚠ ") and "plan does not include" in status
        assert "Still works here: finding users" in status and "(o on the user's page)" in status
        await pilot.press("1")
        assert ADA in str(page.pane("profile").query_one("#profile-rows", Static).content)
        await pilot.press("o")
        await type_confirmation(pilot, app, seed.DEMO_EMAIL)
        await wait_for(pilot, lambda: "Auth0 accepted" in page.status.text)


async def test_an_action_without_its_scope_is_off_and_says_why(
    ada_devices: RunningTenant, desk: SupportDesk
) -> None:
    session = await desk.signed_in()
    [tokens] = session.store.load().values()
    session.store.put(replace(tokens, scope=("read:users", "read:sessions")))
    async with on_user_page(session, seed.DEMO_EMAIL) as (app, pilot, page):
        assert page.check_action("sign_out_everywhere", ()) is None
        sessions = await show_tab(pilot, page, "2", "sessions")
        assert sessions.check_action("end_session", ()) is None
        banner = str(sessions.query_one(".pane--banner", Static).content)
        assert "Ending a session needs the scopes delete:sessions, delete:refresh_tokens" in banner
        assert "Machine to Machine Applications" in banner
        await pilot.press("o")
        assert isinstance(app.screen, UserScreen)  # no dialog: the key is off
        tokens_pane = page.pane("refresh-tokens")
        await pilot.press("3")
        await wait_for(pilot, lambda: "refresh_tokens" in tokens_pane.status.text)
        assert "Listing refresh tokens needs the scope read:refresh_tokens" in (
            tokens_pane.status.text
        )


async def test_every_support_key_is_in_the_help_and_the_palette(
    ada_devices: RunningTenant, desk: SupportDesk
) -> None:
    from tui_console.ui.commands import console_commands
    from tui_console.ui.screens.help import HelpScreen

    async with on_user_page(await desk.signed_in(), seed.DEMO_EMAIL) as (app, pilot, page):
        await show_tab(pilot, page, "2", "sessions")
        sections = {s.title: {k.description for k in s.keys} for s in app.help_sections()}
        assert "Support: find a user" in sections and "Support: a user's page" in sections
        assert any("End the selected session" in t for t in sections["Support: Sessions tab"])
        assert any("Revoke the selected" in t for t in sections["Support: Refresh tokens tab"])
        assert not any("Sign in again asking" in t for t in sections["Support: Sessions tab"])
        titles = [c.title for c in console_commands(app, app.screen)]
        for title in (
            "user: sign out everywhere",
            "sessions: end",
            "refresh tokens: revoke",
            "user: show refresh tokens",
            "token: inspect a pasted token",
        ):
            assert title in titles
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_a_bug_in_signing_out_is_said_in_words_not_a_traceback(
    desk: SupportDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with on_user_page(await desk.signed_in(), seed.DEMO_EMAIL) as (app, pilot, page):

        async def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(page.desk, "sign_out_everywhere", broken)
        await pilot.press("o")
        await type_confirmation(pilot, app, seed.DEMO_EMAIL)
        await wait_for(pilot, lambda: "went wrong" in page.status.text)
        assert "RuntimeError: boom" in page.status.text and app.is_running
