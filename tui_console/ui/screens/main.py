"""The main screen: the session strip, seven account tabs, the rate-limit gauge, the footer.

Keys ``1``-``7`` switch tabs (``[`` and ``]`` step through them); each tab is a pane that
loads its own data the first time it is shown. Leaving the Metadata tab with unsaved edits
asks first, whether the tab was left by key, by click or from the command palette. The strip
and the gauge are always visible: who is signed in and how long the token lasts at the top,
what the rate limits allow at the bottom.
"""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static, Tab, TabbedContent, TabPane, Tabs

from tui_console.ui.tab_keys import number_bindings, step_bindings, stepped
from tui_console.ui.widgets.coalescing_footer import CoalescingFooter
from tui_console.ui.widgets.rate_limit_gauge import RateLimitGauge
from tui_console.ui.widgets.session_strip import SessionStrip

if TYPE_CHECKING:
    from tui_console.session_start import SessionStart
    from tui_console.ui.console_session import ConsoleSession
    from tui_console.ui.panes import MetadataPane
    from tui_console.ui.panes._base import Pane

__all__ = ["TABS", "MainScreen", "TabInfo"]


class TabInfo(NamedTuple):
    """One tab of the main screen; its pane class is named, and imported when first asked for."""

    id: str
    title: str
    pane_class: str
    """The pane's class, in the module of :mod:`tui_console.ui.panes` named like the tab."""

    @property
    def pane(self) -> type[Pane]:
        # Deferred: the panes import the account facade (httpx, the API clients), about 70 ms
        # of CPU for the facade and 70 ms more for all seven panes here. The first frame draws
        # the tab strip without them; attach() imports the shown tab's pane in a thread, and
        # the others once that pane is mounted.
        module = importlib.import_module(f"tui_console.ui.panes.{self.id}")
        pane: type[Pane] = getattr(module, self.pane_class)
        return pane


TABS: tuple[TabInfo, ...] = (
    TabInfo("profile", "Profile", "ProfilePane"),
    TabInfo("metadata", "Metadata", "MetadataPane"),
    TabInfo("identities", "Identities", "IdentitiesPane"),
    TabInfo("devices", "Devices", "DevicesPane"),
    TabInfo("session", "Session", "SessionPane"),
    TabInfo("calls", "Calls", "CallsPane"),
    TabInfo("security", "Security", "SecurityPane"),
)
"""The tabs in order; the key of each is its position (1-7)."""

_TABS_GROUP = Binding.Group("Tabs", compact=True)


def _tab_bindings() -> list[BindingType]:
    return [
        *number_bindings(TABS, id_prefix="main.tab.", group=_TABS_GROUP),
        # Function keys reach the app from any widget (priority), through tmux and SSH alike:
        # the way out of the metadata editor or a text field straight to another tab.
        Binding(
            "f2",
            "step_tab(-1)",
            "Previous tab",
            show=False,  # in the help; the footer keeps room for the pane's keys at 80 columns
            priority=True,
            id="main.tab.previous_anywhere",
            tooltip="Show the tab to the left, from any field or the editor",
        ),
        Binding(
            "f3",
            "step_tab(1)",
            "Next tab",
            show=False,
            priority=True,
            id="main.tab.next_anywhere",
            tooltip="Show the tab to the right, from any field or the editor",
        ),
        Binding(
            "ctrl+g",
            "nothing_to_grant",
            "Grant scope",
            show=False,
            id="main.nothing_to_grant",
            tooltip="Say that this tab lacks no scope (a tab that lacks one handles ctrl+g)",
        ),
        *step_bindings(id_prefix="main.tab."),
    ]


class MainScreen(Screen[None]):
    """The signed-in console."""

    DEFAULT_CSS = """
    MainScreen .waiting-for-session {
        padding: 0 1;
        color: $text-muted;
    }
    """

    AUTO_FOCUS = None  # focus goes to the shown pane's first control, not to the tab strip

    BINDINGS = _tab_bindings()
    """
    | Key | Description |
    | :- | :- |
    | 1-7 | Show the Profile, Metadata, Identities, Devices, Session, Calls or Security tab. |
    | [ / ] | Show the previous / next tab. |
    | f2 / f3 | Show the previous / next tab, also from a text field or the editor. |
    """

    BINDING_GROUP_TITLE = "Console"

    def __init__(
        self,
        session: ConsoleSession | None,
        *,
        preview: SessionStart | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.session = session
        """``None`` until :meth:`attach`: until then the strip shows what ``preview`` read from
        disk, and the tabs have no panes."""
        self.preview = preview
        self.clock = clock
        self._leaving_confirmed = False
        self._previous_tab = TABS[0].id
        self._drawn = False
        self._after_first_frame: list[Callable[[], object]] = []

    def compose(self) -> ComposeResult:
        session = self.session
        yield SessionStrip(session, preview=self.preview, clock=self.clock, id="session-strip")
        with TabbedContent(initial=TABS[0].id, id="tabs"):
            keymap = getattr(self.app, "keymap", {})
            for number, tab in enumerate(TABS, start=1):
                # A remapped tab key shows in the label, as the footer shows it.
                key = keymap.get(f"main.tab.{tab.id}", str(number)).split(",")[0].strip()
                with TabPane(f"{key} {tab.title}", id=tab.id):
                    if session is not None:
                        yield self._new_pane(tab, session)
                    else:
                        yield Static("Opening the session…", classes="waiting-for-session")
        if session is not None:
            yield self._new_gauge(session)
        yield Static("", markup=False, id="tabs-overflow")
        yield CoalescingFooter()

    def _new_pane(self, tab: TabInfo, session: ConsoleSession) -> Pane:
        return tab.pane(session, clock=self.clock, id=f"pane-{tab.id}")

    def _new_gauge(self, session: ConsoleSession) -> RateLimitGauge:
        return RateLimitGauge(session.rate_limits, clock=self.clock, id="rate-limits")

    def after_first_frame(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` as soon as this screen's first frame is on its way to the terminal.

        Sooner than ``call_after_refresh``, which waits until the screen is idle: after the
        first frame, Textual lays out and draws it three more times (the footer's keys, the
        tab underline), about 70 ms of CPU here, and what is started now (the session's
        imports) need not wait for those."""
        if self._drawn:
            self.call_after_refresh(callback)
        else:
            self._after_first_frame.append(callback)

    def on_screen_resume(self) -> None:
        # Textual's own handler of this event (``Screen._on_screen_resume``) ran first and, the
        # first time, laid the screen out and handed its first frame to the terminal writer.
        if not self._drawn:
            self._drawn = True
            callbacks, self._after_first_frame = self._after_first_frame, []
            for callback in callbacks:
                callback()

    def on_mount(self) -> None:
        if self.session is not None:
            self.call_after_refresh(self._focus_shown_pane)
        self.call_after_refresh(self._mark_tab_overflow)

    async def attach(self, session: ConsoleSession) -> None:
        """The session is open: mount the panes and the gauge the first frame went without.

        The pane on show first, so its data (the profile from ``/userinfo``) is asked for
        while the other panes are imported, in a thread, and mounted."""
        self.session = session
        self.query_one(SessionStrip).attach(session)
        shown = next(tab for tab in TABS if tab.id == self.active_tab)
        await asyncio.to_thread(lambda: shown.pane)
        await self._mount_pane(shown, session)
        await self.mount(self._new_gauge(session), before="#tabs-overflow")
        self.call_after_refresh(self._focus_shown_pane)
        others = [tab for tab in TABS if tab is not shown]
        await asyncio.to_thread(lambda: [tab.pane for tab in others])
        for tab in others:
            await self._mount_pane(tab, session)
            if tab.id == self.active_tab:  # chosen while its pane was on its way
                self._focus_shown_pane()

    async def _mount_pane(self, tab: TabInfo, session: ConsoleSession) -> None:
        tab_pane = self.query_one(f"TabPane#{tab.id}", TabPane)
        await tab_pane.query(".waiting-for-session").remove()
        await tab_pane.mount(self._new_pane(tab, session))

    def on_resize(self) -> None:
        self.call_after_refresh(self._mark_tab_overflow)

    def _mark_tab_overflow(self) -> None:
        """Name the tabs that are cut off (or under the marker) when the tab row is too narrow."""
        marker = self.query_one("#tabs-overflow", Static)
        row = self.tabs.query_one(Tabs)
        tabs = list(row.query(Tab))
        hidden: list[Tab] = []
        text = ""
        for _ in range(len(tabs)):  # each pass widens the marker: stop when it covers no more
            edge = row.region.right - (len(text) + 2 if text else 0)
            now_hidden = [
                tab for tab in tabs if tab.region.right > edge or tab.region.x < row.region.x
            ]
            if now_hidden == hidden:
                break
            hidden = now_hidden
            text = "more: " + " ".join(tab.label.plain.split(" ", 1)[0] for tab in hidden) + " ]"
        marker.update(Content(text))
        marker.set_class(bool(hidden), "-shown")

    # -- typed access ----------------------------------------------------------------------

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#tabs", TabbedContent)

    @property
    def active_tab(self) -> str:
        """The id of the tab on show."""
        return self.tabs.active

    def pane(self, tab: str) -> Pane:
        """The pane of tab ``tab``."""
        from tui_console.ui.panes._base import Pane

        return self.query_one(f"#pane-{tab}", Pane)

    def mounted_pane(self, tab: str) -> Pane | None:
        """The pane of ``tab``, or ``None`` before the session (or attach()) has mounted it."""
        from tui_console.ui.panes._base import Pane

        found = self.query(f"#pane-{tab}").results(Pane)
        return next(found, None)

    @property
    def metadata_pane(self) -> MetadataPane:
        from tui_console.ui.panes import MetadataPane

        return self.query_one("#pane-metadata", MetadataPane)

    def flush_draft(self) -> None:
        """Write the metadata editor's draft now (nothing before its pane is mounted)."""
        if self.session is not None and self.query("#pane-metadata"):
            self.metadata_pane.flush_draft()

    def has_unsaved_changes(self) -> bool:
        """Whether the metadata editor holds edits that are not saved."""
        if self.session is None or not self.query("#pane-metadata"):
            return False  # no pane yet (or attach() is still mounting it): nothing edited
        return self.metadata_pane.has_unsaved_changes()

    # -- switching tabs --------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        """Show ``tab``, asking first when that would leave unsaved metadata edits."""
        if tab == self.active_tab:
            self._focus_pane(tab)
            return
        if self.active_tab == "metadata" and self.has_unsaved_changes():
            self._confirm_leave(tab)
            return
        self._switch(tab)

    def action_nothing_to_grant(self) -> None:
        """ctrl+g where the tab lacks no scope: say so instead of doing nothing."""
        title = next(tab.title for tab in TABS if tab.id == self.active_tab)
        self.notify(
            f"Nothing to grant: this sign-in has every scope the {title} tab uses.",
            title="ctrl+g",
        )

    def action_step_tab(self, step: int) -> None:
        """Show the tab ``step`` places to the right (wrapping)."""
        self.action_show_tab(stepped([tab.id for tab in TABS], self.active_tab, step))

    def _switch(self, tab: str) -> None:
        self._leaving_confirmed = True
        self.tabs.active = tab
        self._focus_pane(tab)

    def _focus_shown_pane(self) -> None:
        """Focus the pane of the tab on show when this runs: a tab chosen while the screen was
        still settling keeps its place (focusing a hidden tab's pane would show that tab)."""
        self._focus_pane(self.active_tab)

    def _focus_pane(self, tab: str) -> None:
        """Give the keyboard to the pane (its table, or the pane itself), never to a text field:
        the pane's keys and the tab numbers work at once, and nothing is typed by accident."""
        pane = self.mounted_pane(tab)
        if pane is None:
            return  # the pane comes with the session (attach focuses the one on show)
        pane.focus_home()

    def _confirm_leave(self, tab: str) -> None:
        from tui_console.ui.widgets.confirm import ConfirmScreen

        def answered(leave: bool | None) -> None:
            if leave:
                self._switch(tab)
            else:
                self._focus_pane("metadata")

        self.app.push_screen(
            ConfirmScreen(
                "Leave the metadata editor?",
                "Your edits to user_metadata are not saved. They stay in the editor until you "
                "quit, but nothing is sent to the tenant until you save.",
                confirm_label="Leave",
                cancel_label="Keep editing",
            ),
            callback=answered,
        )

    @on(TabbedContent.TabActivated, "#tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """A tab shown by mouse or the tab strip's own keys gets the same unsaved-edits check."""
        target = event.pane.id or TABS[0].id
        previous, self._previous_tab = self._previous_tab, target
        if self._leaving_confirmed:
            self._leaving_confirmed = False
            return
        if previous == "metadata" and target != "metadata" and self.has_unsaved_changes():
            self.tabs.active = "metadata"
            self._previous_tab = "metadata"
            self._leaving_confirmed = True  # the switch back needs no question
            self._confirm_leave(target)
            return
        self._focus_pane(target)

    # -- after the session changed ---------------------------------------------------------

    def reload(self) -> None:
        """Re-read everything after a sign-in again (new scopes, maybe a new user)."""
        self.query_one(SessionStrip).update_now()
        for tab in TABS:
            pane = self.mounted_pane(tab.id)
            if pane is None:
                continue  # still being mounted by attach(): it loads when first shown
            if tab.id == self.active_tab:
                pane.reload()
            else:
                pane.invalidate()
