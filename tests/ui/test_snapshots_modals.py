"""80x24 snapshots of every dialog (issue 10 §1): buttons and messages inside the screen.

The dialogs are the views of :mod:`tests.ui.test_fits_80x24`, opened over the console on
:class:`~tests.ui.fakes.FakeSession`. Rewrite the baselines with
``pytest tests/ui/test_snapshots_modals.py --snapshot-update`` after a deliberate change, and
look at them first.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.ui.test_fits_80x24 import VIEWS, _app

MODALS = [
    "add key",
    "confirm",
    "typed confirm",
    "conflict",
    "save preview",
    "call detail",
    "quit question",
]


@pytest.mark.parametrize("view", MODALS)
def test_dialog_at_80x24(snap_compare: Any, view: str) -> None:
    """The dialog, at 80x24, with its buttons on screen."""
    options, reach = VIEWS[view]

    async def run_before(pilot: Pilot[Any]) -> None:
        await reach(pilot)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.pause(0.1)

    assert snap_compare(_app(**options), run_before=run_before, terminal_size=(80, 24))
