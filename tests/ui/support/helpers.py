"""Driving the support console in tests: open it on a machine session, find a user, open a tab."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tests.ui.helpers import wait_for
from tui_console.ui.app import ConsoleApp
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


async def show_tab(pilot: Pilot[Any], page: UserScreen, key: str, tab: str) -> RecordsPane[Any]:
    """Press ``key`` and wait for tab ``tab``'s records to load."""
    await pilot.press(key)
    pane = page.pane(tab)
    assert isinstance(pane, RecordsPane)
    await wait_for(pilot, lambda: "Loading" not in pane.status.text and pane.status.text != "")
    return pane


async def type_confirmation(pilot: Pilot[Any], app: ConsoleApp, phrase: str) -> None:
    """In the typed confirmation on show, type ``phrase`` and press Enter."""
    await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
    field = app.screen.query_one("#word", Input)
    field.value = phrase
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
