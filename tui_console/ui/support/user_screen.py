"""A user's page in the support console: who they are, and a tab per thing support looks at.

The tabs are :data:`USER_TABS`, in order, keys ``1``… by position; each is a pane built from
the support facade and the user; issue 12's Logs, Blocks, MFA and Devices are entries here like
the others, nothing else. The page's own actions are the ones about the whole user: ``o`` signs them
out everywhere (typed confirmation; refresh tokens optionally kept), and its outcome is worded
as Auth0 carries it out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import NamedTuple

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane
from textual.worker import Worker

from tui_console.errors import TuiConsoleError
from tui_console.support import SupportSession, SupportUser
from tui_console.terminal_text import printable
from tui_console.ui.support._pane import GRANT_WHERE, UserPane, worker_failure
from tui_console.ui.support.blocks_tab import BlocksTab
from tui_console.ui.support.confirmations import SignOutConfirm
from tui_console.ui.support.devices_tab import DevicesTab
from tui_console.ui.support.logs_tab import LogsTab
from tui_console.ui.support.mfa_tab import MfaTab
from tui_console.ui.support.profile_tab import UserProfileTab
from tui_console.ui.support.sessions_tab import SessionsTab
from tui_console.ui.support.strip import SupportStrip
from tui_console.ui.support.tokens_tab import RefreshTokensTab
from tui_console.ui.tab_keys import number_bindings, step_bindings, stepped
from tui_console.ui.widgets.status_line import StatusLine

__all__ = ["USER_TABS", "UserScreen", "UserTab"]


class UserTab(NamedTuple):
    """One tab of the user's page: its id, title, and the pane that fills it."""

    id: str
    title: str
    pane: type[UserPane]


USER_TABS: tuple[UserTab, ...] = (
    UserTab("profile", "Profile", UserProfileTab),
    UserTab("sessions", "Sessions", SessionsTab),
    UserTab("refresh-tokens", "Refresh tokens", RefreshTokensTab),
    UserTab("logs", "Logs", LogsTab),
    UserTab("blocks", "Blocks", BlocksTab),
    UserTab("mfa", "MFA", MfaTab),
    UserTab("devices", "Devices", DevicesTab),
)
"""The tabs in order; the key of each is its position (1, 2, …)."""


def _tab_bindings() -> list[BindingType]:
    return [
        *number_bindings(USER_TABS, id_prefix="support.user.tab.", show=False),
        Binding("escape", "back", "Back", id="support.user.back", tooltip="Back to the search"),
        Binding(
            "ctrl+t",
            "app.inspect_token",
            "Inspect token",
            show=False,
            id="support.user.inspect_token",
            tooltip="Paste a token: its claims, and what could be verified",
        ),
        Binding(
            "o",
            "sign_out_everywhere",
            "Sign out all",
            id="support.user.sign_out_everywhere",
            tooltip="End every session of this user and revoke their refresh tokens (asks first)",
        ),
        *step_bindings(id_prefix="support.user.tab."),
    ]


def user_heading(user: SupportUser) -> str:
    """``Ada Lovelace <ada@example.com> · auth0|… · blocked``."""
    account = user.user
    parts = [account.name or account.nickname or user.user_id]
    if account.email and account.email != parts[0]:
        parts[0] += f" <{account.email}>"
    parts.append(user.user_id)
    if user.blocked:
        parts.append("BLOCKED")
    return " · ".join(parts)


class UserScreen(Screen[None]):
    """One user's page: heading, outcome line, tabs, footer."""

    DEFAULT_CSS = """
    UserScreen {
        & > #user-heading { padding: 0 1; text-style: bold; height: 1; text-wrap: nowrap;
                            text-overflow: ellipsis; }
        & > #user-tabs { height: 1fr; }
        & TabPane { padding: 0; height: 1fr; }
    }
    """

    AUTO_FOCUS = None
    BINDINGS = _tab_bindings()
    """
    | Key | Description |
    | :- | :- |
    | 1-7 | Show the Profile, Sessions, Refresh tokens, Logs, Blocks, MFA or Devices tab. |
    | [ / ] | Show the previous / next tab. |
    | o | Sign the user out everywhere (typed confirmation). |
    | escape | Back to the search. |
    """
    BINDING_GROUP_TITLE = "User"

    def __init__(
        self,
        desk: SupportSession,
        user: SupportUser,
        *,
        tab: str = USER_TABS[0].id,
        session_id: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.desk = desk
        self.user = user
        self.clock = clock
        self.first_tab = tab
        self.session_id = session_id
        """A session to show as soon as the Sessions tab has loaded (a followed ``sid``)."""

    def compose(self) -> ComposeResult:
        yield SupportStrip(self.desk.account, clock=self.clock, id="session-strip")
        yield Static(Content(printable(user_heading(self.user), one_line=True)), id="user-heading")
        yield StatusLine(id="user-status")
        with TabbedContent(initial=self.first_tab, id="user-tabs"):
            for number, tab in enumerate(USER_TABS, start=1):
                with TabPane(f"{number} {tab.title}", id=tab.id):
                    pane = tab.pane(self.desk, self.user, clock=self.clock, id=f"pane-{tab.id}")
                    if isinstance(pane, SessionsTab):
                        pane.reveal = self.session_id
                    yield pane
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self._focus_pane, self.first_tab)

    # -- tabs --------------------------------------------------------------------------------

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#user-tabs", TabbedContent)

    @property
    def active_tab(self) -> str:
        return self.tabs.active

    def pane(self, tab: str) -> UserPane:
        """The pane of tab ``tab``."""
        return self.query_one(f"#pane-{tab}", UserPane)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#user-status", StatusLine)

    def action_show_tab(self, tab: str) -> None:
        """Show ``tab`` and give its pane the keyboard."""
        self.tabs.active = tab
        self._focus_pane(tab)

    def action_step_tab(self, step: int) -> None:
        """Show the tab ``step`` places to the right (wrapping)."""
        self.action_show_tab(stepped([tab.id for tab in USER_TABS], self.active_tab, step))

    def _focus_pane(self, tab: str) -> None:
        self.pane(tab).focus_home()

    @on(TabbedContent.TabActivated, "#user-tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self._focus_pane(event.pane.id or USER_TABS[0].id)

    def palette_commands(self) -> Iterator[SystemCommand]:
        """``user: …`` entries: the tabs, signing the user out, and every key of every tab in
        the state it is in now (one that is off says why)."""
        for number, tab in enumerate(USER_TABS, start=1):
            yield SystemCommand(
                f"user: show {tab.title.lower()}",
                f"Show the {tab.title} tab (key {number})",
                lambda tab_id=tab.id: self.action_show_tab(tab_id),
            )
        reason = self.desk.unavailable_reason("access.revoke")
        yield SystemCommand(
            "user: sign out everywhere",
            reason or "End every session of this user; refresh tokens optional (key o)",
            self.action_sign_out_everywhere,
        )
        for tab in USER_TABS:
            pane = self.pane(tab.id)
            for binding in Binding.make_bindings(tab.pane.BINDINGS):
                allowed = pane.check_action(binding.action, ())
                if allowed is False:
                    continue
                why = pane.unavailable(binding.action)
                yield SystemCommand(
                    f"{tab.title.lower()}: {binding.description.lower()}",
                    (why or binding.tooltip or binding.description)
                    + f" [key {binding.key} on the {tab.title} tab]",
                    lambda tab_id=tab.id, name=binding.action: self._run_on_tab(tab_id, name),
                )

    def _run_on_tab(self, tab: str, action: str) -> None:
        self.action_show_tab(tab)
        pane = self.pane(tab)

        async def run() -> None:
            await pane.run_action(action)

        pane.call_after_refresh(run)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A bug in this screen's own worker (signing out): said on the status line."""
        text = worker_failure(event) if event.worker.node is self else None
        if text is not None:
            self.status.say(text, "error")

    def follow_session(self, session_id: str) -> None:
        """A pasted token's ``sid``: open it from the search screen underneath."""
        from tui_console.ui.support.screen import SupportScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, SupportScreen):
                self.dismiss(None)
                screen.follow_session(session_id)
                return

    def action_back(self) -> None:
        """Back to the search results."""
        self.dismiss(None)

    # -- signing the user out ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sign_out_everywhere" and self.desk.unavailable_reason("access.revoke"):
            return None
        return True

    def action_sign_out_everywhere(self) -> None:
        """Ask (type the user's e-mail), then end every session of the user."""
        reason = self.desk.unavailable_reason("access.revoke")
        if reason is not None:
            self.status.say(f"{reason}\n{GRANT_WHERE}", "warning")
            return
        dialog = SignOutConfirm(self.user)

        def answered(yes: bool | None) -> None:
            if yes:
                self._sign_out(dialog.keep_refresh_tokens)

        self.app.push_screen(dialog, answered)

    @work(exclusive=True, group="support-sign-out", exit_on_error=False)
    async def _sign_out(self, keep_refresh_tokens: bool) -> None:
        who = self.user.user.email or self.user.user_id
        self.status.say(f"Signing {who} out everywhere…", "busy")
        try:
            outcome = await self.desk.sign_out_everywhere(
                self.user.user_id, keep_refresh_tokens=keep_refresh_tokens
            )
        except TuiConsoleError as error:
            text = f"Signing out failed: {error.message}"
            if error.hint:
                text += f"\n{error.hint}"
            self.status.say(text, "error")
            self.notify(text, severity="error", markup=False)
            return
        self.status.say("\n".join((outcome.summary, *outcome.caveats)), "ok")
        self.notify(outcome.summary, title="Accepted", markup=False)
        for tab in USER_TABS:
            pane = self.pane(tab.id)
            if isinstance(pane, SessionsTab) or (
                isinstance(pane, RefreshTokensTab) and not keep_refresh_tokens
            ):
                pane.forget_all()
