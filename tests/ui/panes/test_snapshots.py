"""Snapshots of each pane at 80x24 and 120x40, on the frozen Ada of :mod:`tests.ui.fakes`.

Sync tests (snap_compare runs its own event loop, textual-notes.md §3). Baselines live in
``__snapshots__/test_snapshots/``; refresh them with ``pytest --snapshot-update`` after a
deliberate change, and look at the report before committing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.fakes import FakeSession, frozen_clock
from tests.ui.panes.harness import PaneHarness
from tui_console.ui.panes import (
    CallsPane,
    DevicesPane,
    IdentitiesPane,
    MetadataPane,
    Pane,
    ProfilePane,
    SessionPane,
)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

Snap = Callable[..., bool]


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    """Times render in UTC whatever the machine's zone."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


async def settled(pilot: Pilot[Any]) -> None:
    """Let the pane's load workers finish and the screen repaint."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def app_for(pane: type[Pane], session: FakeSession | None = None) -> PaneHarness:
    frozen = session or FakeSession()
    return PaneHarness(lambda: pane(frozen, clock=frozen_clock, id="pane"))


@pytest.mark.parametrize("size", SIZES)
class TestPaneSnapshots:
    def test_profile(self, snap_compare: Snap, size: tuple[int, int]) -> None:
        assert snap_compare(app_for(ProfilePane), run_before=settled, terminal_size=size)

    def test_metadata(self, snap_compare: Snap, size: tuple[int, int]) -> None:
        assert snap_compare(app_for(MetadataPane), run_before=settled, terminal_size=size)

    def test_identities(self, snap_compare: Snap, size: tuple[int, int]) -> None:
        assert snap_compare(app_for(IdentitiesPane), run_before=settled, terminal_size=size)

    def test_devices(self, snap_compare: Snap, size: tuple[int, int]) -> None:
        assert snap_compare(app_for(DevicesPane), run_before=settled, terminal_size=size)

    def test_session(self, snap_compare: Snap, size: tuple[int, int]) -> None:
        assert snap_compare(app_for(SessionPane), run_before=settled, terminal_size=size)

    def test_calls(self, snap_compare: Snap, size: tuple[int, int]) -> None:
        assert snap_compare(app_for(CallsPane), run_before=settled, terminal_size=size)


class TestStateSnapshots:
    def test_devices_when_listing_needs_an_admin(self, snap_compare: Snap) -> None:
        """The personal sign-in case: the refusal in words, revoke by id, add a key."""
        app = app_for(DevicesPane, FakeSession(list_fails=True))
        assert snap_compare(app, run_before=settled, terminal_size=(80, 24))

    def test_metadata_without_the_save_scope(self, snap_compare: Snap) -> None:
        """The banner says why saving is off and which key asks for the scope."""
        app = app_for(MetadataPane, FakeSession(granted=("openid", "read:current_user")))
        assert snap_compare(app, run_before=settled, terminal_size=(80, 24))

    def test_metadata_save_preview(self, snap_compare: Snap) -> None:
        """ctrl+s shows exactly what will be sent before anything is."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settled(pilot)
            pane = pilot.app.query_one(MetadataPane)
            pane.editor.load_text(
                '{\n  "theme": "light",\n  "favourite_machine": "Analytical Engine",\n'
                '  "preferences": {"notifications": {"email": true, "sms": true}},\n'
                '  "pronouns": "she/her"\n}\n'
            )
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause(0.2)

        assert snap_compare(app_for(MetadataPane), run_before=run_before, terminal_size=(80, 24))

    def test_session_with_the_token_revealed(self, snap_compare: Snap) -> None:
        """v shows the raw token (a fake one) only after the explicit reveal."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settled(pilot)
            await pilot.press("v")
            await pilot.pause()

        assert snap_compare(app_for(SessionPane), run_before=run_before, terminal_size=(120, 40))
