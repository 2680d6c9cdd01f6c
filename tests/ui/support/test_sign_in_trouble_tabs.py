"""The user page's Logs, Blocks, MFA and Devices tabs at 80x24, driven by keys, against the dev
tenant's story: Grace locked out by a brute-force block, Alan who lost his phone, Edsger blocked
by an administrator, Ada's device credentials. Each tab lists, each action runs only after its
typed confirmation and says what Auth0 did, and the log tail shows a new event from the
tenant's login page and comes through a 429 storm with nothing lost or shown twice."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tests.devtenant.flows import Browser, authorize_params, pkce_pair
from tests.support.conftest import SupportDesk
from tests.ui.helpers import wait_for
from tests.ui.support.helpers import on_user_page, shown_tab, type_confirmation
from tui_console.devtenant import seed
from tui_console.devtenant.directory import ALAN_USER_ID, EDSGER_USER_ID, GRACE_USER_ID
from tui_console.devtenant.story import GRACE_BLOCKED_IP
from tui_console.ui.support.blocks_tab import BlocksTab
from tui_console.ui.support.detail import DetailScreen
from tui_console.ui.support.devices_tab import DevicesTab
from tui_console.ui.support.logs_tab import LogsTab
from tui_console.ui.support.mfa_tab import MfaTab
from tui_console.ui.support.user_screen import UserScreen
from tui_console.ui.widgets.confirm import TypedConfirmScreen

ADA = seed.DEMO_USER_ID


def _rows(table: Any) -> list[list[str]]:
    return [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]


async def _logs_tab(pilot: Pilot[Any], page: UserScreen) -> LogsTab:
    pane = await shown_tab(pilot, page, "4", "logs")
    assert isinstance(pane, LogsTab)
    return pane


async def test_the_logs_tab_says_why_grace_cannot_sign_in(desk: SupportDesk) -> None:
    """Her events in words, newest first; ``type:`` filters by code; Enter shows the entry."""
    async with on_user_page(await desk.signed_in(), "grace@example.com") as (app, pilot, page):
        logs = await _logs_tab(pilot, page)
        rows = _rows(logs.table)
        assert [r[1] for r in rows[:2]] == ["f", "limit_wc"]
        assert rows[1][2].startswith("Blocked: too many failed sign-ins")
        assert rows[1][6] == GRACE_BLOCKED_IP and rows[1][7].startswith("Safari 17")
        assert "events, newest first" in logs.status.text

        await pilot.press("slash")
        logs.query_one("TableFilter Input", Input).value = "type:fp"
        await pilot.pause()
        assert {r[1] for r in _rows(logs.table)} == {"fp"} and logs.table.row_count == 9
        assert "9 of 11 events match" in logs.status.text
        logs.query_one("TableFilter Input", Input).value = "type:fp,limit_wc"
        await pilot.pause()
        assert logs.table.row_count == 10
        await pilot.press("escape")  # out of the field: the filter is cleared
        assert logs.table.row_count == len(rows)

        logs.table.move_cursor(row=1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        assert isinstance(app.screen, DetailScreen)
        detail = dict(app.screen.rows)
        assert detail["Event"].endswith("(limit_wc)") and detail["ip"] == GRACE_BLOCKED_IP
        assert detail["log_id"] == logs.events[1].log_id and len(detail["log_id"]) == 56
        await pilot.press("escape")


async def _wrong_password_at_the_login_page(desk: SupportDesk) -> None:
    browser = Browser(desk.tenant)
    try:
        _, challenge = pkce_pair()
        page = await browser.open("/authorize", params=authorize_params(desk.tenant, challenge))
        answer = await browser.submit(page, username=seed.DEMO_EMAIL, password="not-it")
        assert "Wrong email or password." in answer.text
    finally:
        await browser.aclose()


def _quick(pane: LogsTab, said: list[str]) -> None:
    """Make the tail's waits short, noting what the follow line says at each."""

    async def sleep(seconds: float) -> None:
        said.append(pane.follow_text)
        await asyncio.sleep(min(seconds, 0.02))

    pane.sleep = sleep
    pane.poll_seconds = 0.05


async def test_follow_shows_a_failed_password_and_comes_through_a_429_storm(
    desk: SupportDesk,
) -> None:
    """A wrong password at the login page appears; during a storm of 429s the line says it
    waits; afterwards every event written meanwhile is shown exactly once, in order."""
    async with on_user_page(await desk.signed_in(), seed.DEMO_EMAIL) as (app, pilot, page):
        logs = await _logs_tab(pilot, page)
        said: list[str] = []
        _quick(logs, said)
        await pilot.press("f")
        await wait_for(pilot, lambda: "up to date" in logs.follow_text)
        before = len(logs.events)

        await _wrong_password_at_the_login_page(desk)
        await wait_for(pilot, lambda: len(logs.events) == before + 1, timeout=10)
        newest = _rows(logs.table)[-1]
        assert newest[1] == "fp" and newest[2] == "Sign-in failed: wrong password"
        assert logs.table.cursor_row == logs.table.row_count - 1  # the cursor follows the tail
        await pilot.press("enter")  # a detail view over the tab does not stop the tail
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.press("escape")
        await pilot.pause()
        assert logs.following

        storm = desk.tenant.state.inject_failure("logs", 429, times=4, headers={"Retry-After": "0"})
        written = [
            desk.tenant.state.logs.record(t, user_id=ADA, client_id=seed.CLIENT_ID)["log_id"]
            for t in ("fp", "fp", "s")
        ]
        await wait_for(pilot, lambda: storm.hits >= 4, timeout=10)
        await wait_for(pilot, lambda: len(logs.events) == before + 4, timeout=10)
        assert any("waiting 1 s: rate limited" in text for text in said)
        ids = [e.log_id for e in logs.events]
        assert ids[-3:] == written and len(ids) == len(set(ids))
        assert logs.table.row_count == len(ids)
        await wait_for(pilot, lambda: "resumed" in logs.follow_text or "up to date" in
                       logs.follow_text)  # fmt: skip

        await pilot.press("1")  # leaving the tab stops the tail
        await pilot.pause()
        assert not logs.following
        assert not [w for w in logs.workers if w.group == "support-logs-follow" and w.is_running]

        await pilot.press("4", "f")  # following again, then leaving the user's page stops it
        await wait_for(pilot, lambda: "up to date" in logs.follow_text)
        follows = [w for w in app.workers if w.group == "support-logs-follow" and w.is_running]
        assert len(follows) == 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, UserScreen))
        await wait_for(pilot, lambda: follows[0].is_finished)


async def test_blocks_lists_grace_s_block_and_unblock_releases_it(desk: SupportDesk) -> None:
    async with on_user_page(await desk.signed_in(), "grace@example.com") as (app, pilot, page):
        blocks = await shown_tab(pilot, page, "5", "blocks")
        assert isinstance(blocks, BlocksTab)
        [row] = _rows(blocks.table)
        assert row[0] == GRACE_BLOCKED_IP and row[1] == "grace@example.com"
        assert row[3].endswith("ago")  # since when: from the limit_wc event
        assert "Administrator's block: off" in str(blocks.flag_line.content)

        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        assert desk.tenant.state.brute_force.blocks_of_user(GRACE_USER_ID)  # not yet
        await type_confirmation(pilot, app, "unblock")
        await wait_for(pilot, lambda: "Released every brute-force block" in blocks.status.text)
        assert "blocked flag" in blocks.status.text  # what it does not change
        assert blocks.table.row_count == 0
        assert not desk.tenant.state.brute_force.blocks_of_user(GRACE_USER_ID)


async def test_the_blocked_flag_is_worded_as_what_it_does_and_can_be_cleared(
    desk: SupportDesk,
) -> None:
    async with on_user_page(await desk.signed_in(), "edsger@example.com") as (app, pilot, page):
        blocks = await shown_tab(pilot, page, "5", "blocks")
        assert isinstance(blocks, BlocksTab)
        await wait_for(pilot, lambda: "ON" in str(blocks.flag_line.content))
        assert "Every sign-in of this user is refused" in str(blocks.flag_line.content)
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        await type_confirmation(pilot, app, "allow")
        await wait_for(pilot, lambda: "no longer blocked" in blocks.status.text)
        assert desk.tenant.state.users[EDSGER_USER_ID].blocked is False
        assert "Administrator's block: off" in str(blocks.flag_line.content)


async def test_mfa_lists_alan_s_factors_removes_one_resets_and_forgets_browsers(
    desk: SupportDesk,
) -> None:
    async with on_user_page(await desk.signed_in(), "alan@example.com") as (app, pilot, page):
        mfa = await shown_tab(pilot, page, "6", "mfa")
        assert isinstance(mfa, MfaTab)
        rows = _rows(mfa.table)
        methods = [r for r in rows if r[0] == "method"]
        assert {r[1] for r in methods} == {"totp", "phone", "recovery-code"}
        assert len([r for r in rows if r[0] == "enrollment"]) == 2
        phone = next(r for r in methods if r[1] == "phone")
        assert phone[3].startswith("XXXX") and phone[4] == "confirmed"

        mfa.table.move_cursor(row=rows.index(phone))
        await pilot.press("x")
        await type_confirmation(pilot, app, "remove")
        await wait_for(pilot, lambda: "Removed the authentication method" in mfa.status.text)
        assert phone[7] not in {m.id for m in mfa.methods}

        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        assert "This cannot be undone." in str(app.screen.query_one("#body-text").render())
        await type_confirmation(pilot, app, "reset")
        await wait_for(pilot, lambda: "every authentication method" in mfa.status.text)
        assert mfa.methods == [] and mfa.check_action("reset", ()) is None
        assert await mfa.desk.mfa_methods(ALAN_USER_ID) == ()

        await pilot.press("b")
        await type_confirmation(pilot, app, "forget")
        await wait_for(pilot, lambda: "asks for MFA again" in mfa.status.text)
        assert ALAN_USER_ID in desk.tenant.state.mfa.remembered_browsers_reset


async def test_devices_lists_ada_s_credentials_and_revokes_one(desk: SupportDesk) -> None:
    async with on_user_page(await desk.signed_in(), seed.DEMO_EMAIL) as (app, pilot, page):
        devices = await shown_tab(pilot, page, "7", "devices")
        assert isinstance(devices, DevicesTab)
        rows = _rows(devices.table)
        assert {r[1] for r in rows} == {"public key", "refresh token", "rotating refresh token"}
        target = rows[0][3]
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        await pilot.press("escape")  # cancelled: nothing is sent
        await pilot.pause()
        assert target in {c.id for c in (await devices.desk.device_credentials(ADA)).credentials}
        await pilot.press("x")
        await type_confirmation(pilot, app, "revoke")
        await wait_for(pilot, lambda: f"Revoked device credential {target}" in devices.status.text)
        assert target not in {r[3] for r in _rows(devices.table)}
        assert target not in {
            c.id for c in (await devices.desk.device_credentials(ADA)).credentials
        }


async def test_a_missing_scope_dims_the_action_and_says_why(desk: SupportDesk) -> None:
    """Without delete:authentication_methods, R and x are off and say which scope and where."""
    session = await desk.signed_in()
    [tokens] = session.store.load().values()
    scopes = tuple(s for s in tokens.scope if s != "delete:authentication_methods")
    session.store.put(replace(tokens, scope=scopes))
    async with on_user_page(session, "alan@example.com") as (app, pilot, page):
        mfa = await shown_tab(pilot, page, "6", "mfa")
        assert isinstance(mfa, MfaTab)
        assert mfa.check_action("reset", ()) is None and mfa.check_action("remove", ()) is None
        reason = mfa.unavailable("reset") or ""
        assert "delete:authentication_methods" in reason
        banner = str(mfa.query_one(".pane--banner").render())
        assert "Resetting MFA needs the scope delete:authentication_methods" in banner
        before = desk.tenant.state.stats.management_requests
        mfa.action_reset()  # as the palette entry would, if it ran it
        await pilot.pause()
        assert "Grant scopes in the Auth0 dashboard" in mfa.status.text
        assert not isinstance(app.screen, TypedConfirmScreen)
        assert desk.tenant.state.stats.management_requests == before
