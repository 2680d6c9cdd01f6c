"""A tiny app that mounts one pane, for the pane tests and their snapshots.

:class:`PaneHarness` shows one pane with a footer, records the step-up requests the pane
posts, and can stand in for the console's browser opener. The pane is given a session: a real
one against the dev tenant, or :class:`~tests.ui.fakes.FakeSession` (the frozen Ada the whole
console runs on in the other UI tests) for the snapshots.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.widgets import Footer

from tui_console.ui.messages import StepUpRequested
from tui_console.ui.panes import MetadataPane, Pane


class PaneHarness(App[None]):
    """One pane and a footer; ``step_ups`` collects the pane's sign-in requests."""

    CSS = """
    Screen { layout: vertical; }
    """

    def __init__(
        self, make_pane: Callable[[], Pane], *, opener: Callable[[str], bool] | None = None
    ) -> None:
        super().__init__()
        self._make_pane = make_pane
        self._opener = opener
        self.step_ups: list[StepUpRequested] = []

    def compose(self) -> ComposeResult:
        yield self._make_pane()
        yield Footer()

    def on_mount(self) -> None:
        pane = self.query_one(Pane)
        if isinstance(pane, MetadataPane):
            pane.editor.focus()  # these tests type into the editor straight away
        else:
            pane.focus_home()  # as the main screen does on showing a tab

    @property
    def pane(self) -> Pane:
        return self.query_one(Pane)

    def on_step_up_requested(self, message: StepUpRequested) -> None:
        self.step_ups.append(message)

    def open_url_in_browser(self, url: str) -> bool:
        """The console's opener, when the test gave one (otherwise: no browser here)."""
        return self._opener(url) if self._opener is not None else False
