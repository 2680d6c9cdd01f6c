"""Driving the support console in tests: open it on a machine session, find a user, open a tab.

:func:`support_console` runs the console at 80x24 on a machine session; :func:`on_user_page`
also finds a user and opens their page, as most tests start.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tests.ui.helpers import wait_for
from tui_console.account import AccountSession
from tui_console.ui.app import ConsoleApp
from tui_console.ui.support._pane import UserPane
from tui_console.ui.support.records_pane import RecordsPane
from tui_console.ui.support.screen import SupportScreen
from tui_console.ui.support.user_screen import UserScreen
from tui_console.ui.widgets.confirm import TypedConfirmScreen


def support_screen(app: ConsoleApp) -> SupportScreen:
    screen = app.screen
    assert isinstance(screen, SupportScreen), f"the screen is {type(screen).__name__}"
    return screen


async def find(pilot: Pilot[Any], app: ConsoleApp, query: str) -> SupportScreen:
    """Type ``query`` in the search field, press Enter, wait for the search to end."""
    await wait_for(pilot, lambda: isinstance(app.screen, SupportScreen))
    screen = support_screen(app)
    pane = screen.search
    pane.search_field.focus()
    pane.search_field.value = query
    await pilot.press("enter")
    await wait_for(pilot, lambda: pane.found is not None and pane.found.query == query.strip())
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def open_user(pilot: Pilot[Any], app: ConsoleApp, email: str) -> UserScreen:
    """Find ``email`` and open the first result's page."""
    screen = await find(pilot, app, email)
    assert screen.search.table.row_count >= 1
    screen.search.table.focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, UserScreen))
    page = app.screen
    assert isinstance(page, UserScreen)
    return page


async def shown_tab(pilot: Pilot[Any], page: UserScreen, key: str, tab: str) -> UserPane:
    """Press ``key`` and wait until tab ``tab`` has loaded (its status says something)."""
    await pilot.press(key)
    pane = page.pane(tab)
    await wait_for(pilot, lambda: "Loading" not in pane.status.text and pane.status.text != "")
    return pane


async def show_tab(pilot: Pilot[Any], page: UserScreen, key: str, tab: str) -> RecordsPane[Any]:
    """Press ``key`` and wait for tab ``tab``'s records to load."""
    pane = await shown_tab(pilot, page, key, tab)
    assert isinstance(pane, RecordsPane)
    return pane


async def type_confirmation(pilot: Pilot[Any], app: ConsoleApp, phrase: str) -> None:
    """In the typed confirmation on show, type ``phrase`` and press Enter."""
    await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
    field = app.screen.query_one("#word", Input)
    field.value = phrase
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


@asynccontextmanager
async def support_console(session: AccountSession) -> AsyncIterator[tuple[ConsoleApp, Pilot[None]]]:
    """The console on the machine ``session``, running at 80x24."""
    app = ConsoleApp(session)
    async with app.run_test(size=(80, 24)) as pilot:
        yield app, pilot


@asynccontextmanager
async def on_user_page(
    session: AccountSession, email: str
) -> AsyncIterator[tuple[ConsoleApp, Pilot[None], UserScreen]]:
    """The console on ``session`` (:func:`support_console`), on the page of the user ``email``
    finds (:func:`open_user`)."""
    async with support_console(session) as (app, pilot):
        yield app, pilot, await open_user(pilot, app, email)
