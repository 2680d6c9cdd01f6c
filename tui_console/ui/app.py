"""ConsoleApp: the Textual application, and where one screen hands over to the next.

    no profile     → SetupScreen  (demo tenant, or domain + client id checked and saved)
    not signed in  → SignInScreen (device or browser flow, the one that works here first)
    signed in      → MainScreen   (session strip, six tabs, rate-limit gauge)

Those three are "top-level": :meth:`ConsoleApp.enter` replaces whichever is shown. A step-up
sign-in (an action lacks a scope) and the help are pushed over the main screen and return to
it. The app talks to the tenant only through :class:`~tui_console.account.AccountSession`;
browser opening is injected (``opener``) so tests never start one, and a ``clock`` is
injected so snapshots can freeze every countdown.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from tui_console.errors import TuiConsoleError
from tui_console.redact import redact
from tui_console.terminal_text import printable
from tui_console.ui.commands import console_commands
from tui_console.ui.messages import StepUpRequested
from tui_console.ui.screens.setup_options import ProfileSetup, SetupResult
from tui_console.ui.themes import THEMES

if TYPE_CHECKING:
    from tui_console.account import AccountSession, SessionStatus
    from tui_console.session_start import SessionStart
    from tui_console.ui.console_session import ConsoleSession
    from tui_console.ui.screens.help import HelpSection
    from tui_console.ui.screens.main import MainScreen
    from tui_console.ui.screens.sign_in import SignInScreen

# The screens other than the main one, and the browser helpers, are imported where they are
# first needed, not here: a signed-in start shows none of them. Measured with
# ``python -X importtime`` on this machine: the setup screen takes 46 ms, the sign-in screen
# 12 ms (and the QR code and the sign-in flows behind it), and ``tui_console.auth.browser``
# 140 ms, because importing it runs ``tui_console.auth`` (httpx, pyjwt, cryptography).

__all__ = ["ConsoleApp"]


def _browser_is_usable() -> tuple[bool, str]:
    from tui_console.account import browser_is_usable

    return browser_is_usable()


class StartScreen(Screen[None]):
    """The screen under everything: only seen for a moment at start."""

    def compose(self) -> ComposeResult:
        yield Static("Starting tui-console…", id="starting")


class ConsoleApp(App[None]):
    """The terminal account console for one profile's session."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "tui-console"

    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help", tooltip="Every key, by screen"),
        Binding(
            "question_mark",
            "help",
            "Help",
            show=False,
            id="app.help_question",
            tooltip="Every key, by screen",
        ),
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            priority=True,
            id="app.quit",
            tooltip="Quit (asks first when metadata edits are unsaved)",
        ),
    ]
    """
    | Key | Description |
    | :- | :- |
    | f1, ? | Show every key, by screen. |
    | ctrl+p | Open the command palette. |
    | ctrl+q | Quit (asks first when metadata edits are unsaved). |
    """

    def __init__(
        self,
        session: ConsoleSession | None,
        *,
        profile_setup: ProfileSetup | None = None,
        opener: Callable[[str], bool] | None = None,
        demo: bool = False,
        clock: Callable[[], float] = time.time,
        browser_check: Callable[[], tuple[bool, str]] | None = None,
        start: SessionStart | None = None,
        keymap: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.keymap = dict(keymap or {})
        """Binding id → keys, from the config's ``[keymap]`` (checked on mount)."""
        if keymap:
            self.set_keymap(dict(keymap))
        self.session = session
        self.profile_setup = profile_setup or ProfileSetup()
        self.opener = opener or self._open_browser
        self.demo = demo
        self.clock = clock
        self.browser_check = browser_check or _browser_is_usable
        self.session_start = start
        """The session to open after the first frame (bare ``tui-console``), drawn from its
        files until then; ``None`` once opened, or when the session was given."""
        self._sessions: list[ConsoleSession] = [session] if session is not None else []
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = "console-mono" if self.no_color else "console-dark"

    # -- screens -------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        return StartScreen()

    def on_mount(self) -> None:
        if self.keymap:
            from tui_console.ui.keymap_check import keymap_problems

            problems = keymap_problems(self.keymap)
            if problems:
                self.notify(
                    "\n".join(problems.sentences()),
                    title="Keymap problems",
                    severity="warning",
                    timeout=15,
                )
        # After the start-up batch, not inside it: Textual drops every frame rendered while
        # on_mount runs, so a screen pushed here was laid out and rendered for nothing and
        # then laid out again. Routing just after it draws the main screen about 95 ms of CPU
        # sooner (441 -> 345 ms at the first frame, 8 interleaved runs, benchmarks/README.md);
        # the StartScreen under it is never drawn.
        self.call_later(self.route)

    def route(self) -> None:
        """Show the top-level screen the session calls for."""
        session = self.session
        if session is None and self.session_start is not None:
            self._route_before_session(self.session_start)
            return
        if session is None:
            from tui_console.ui.screens.setup import SetupScreen

            self.enter(SetupScreen(self.profile_setup), self._after_setup)
            return
        try:
            signed_in = session.status().signed_in
        except TuiConsoleError as error:
            self.notify(f"{error}", title="Session unreadable", severity="error", markup=False)
            signed_in = False
        if signed_in or session.profile.machine:  # a machine signs itself in (no person)
            self.enter(self._main_screen())
        else:
            self.enter(self._sign_in_screen(), self._after_sign_in)

    def _route_before_session(self, start: SessionStart) -> None:
        """Signed in: the main screen at once, drawn from the files, its panes once the session
        is open. Otherwise the sign-in screen, which needs the session, comes when it is."""
        if not start.status.signed_in or start.profile.machine:
            self._open_session(start)
            return
        from tui_console.ui.screens.main import MainScreen

        main = MainScreen(None, preview=start, clock=self.clock)
        self.enter(main)
        # Only once the main screen is drawn: the import thread would slow the first frame.
        main.after_first_frame(lambda: self._open_session(start))

    @work(exclusive=True, group="open-session", exit_on_error=False)
    async def _open_session(self, start: SessionStart) -> None:
        """Build the session in a thread, after the first frame: it imports httpx and the API
        clients (the account facade, about 70 ms of CPU here, ``python -X importtime``); the
        main screen's attach() imports the panes, also off the event loop."""
        try:
            session = await asyncio.to_thread(start.open)
        except TuiConsoleError as error:
            self.notify(f"{error}", title="Session unreadable", severity="error", markup=False)
            return
        await self._session_opened(session)

    async def _session_opened(self, session: ConsoleSession) -> None:
        self.session = session
        self.session_start = None
        self._sessions.append(session)
        main = self._main()
        if main is not None and main.session is None:
            await main.attach(session)
        else:
            self.route()

    def enter(self, screen: Screen[Any], callback: Callable[[Any], None] | None = None) -> None:
        """Replace the top-level screen (and anything over it) with ``screen``."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen, callback)

    def _main_screen(self) -> Screen[None]:
        """The end user's main screen, or the support console for a machine profile."""
        from tui_console.ui.screens.main import MainScreen

        assert self.session is not None
        if self.session.profile.machine:
            from tui_console.ui.support.screen import SupportScreen

            # The support facade is built on the account session itself, not on what the
            # end user's console needs of one; a machine profile's session is always the real
            # one (cli.py and the support tests make it).
            return SupportScreen(cast("AccountSession", self.session), clock=self.clock)
        return MainScreen(self.session, clock=self.clock)

    def _sign_in_screen(
        self,
        *,
        scopes: tuple[str, ...] | None = None,
        reason: str | None = None,
        can_go_back: bool = False,
        start: bool = True,
    ) -> SignInScreen:
        from tui_console.ui.screens.sign_in import SignInScreen

        assert self.session is not None
        return SignInScreen(
            self.session,
            opener=self.opener,
            browser_check=self.browser_check,
            clock=self.clock,
            demo=self.demo,
            scopes=scopes,
            reason=reason,
            can_go_back=can_go_back,
            start=start,
        )

    def _after_setup(self, result: SetupResult | None) -> None:
        if result is None:
            return
        self.session = result.session
        self.demo = result.demo
        self._sessions.append(result.session)
        self.route()

    def _after_sign_in(self, status: SessionStatus | None) -> None:
        if status is None:
            return
        self.notify(f"Signed in as {status.who}.", title="Signed in", markup=False)
        self.enter(self._main_screen())

    # -- opening a browser ---------------------------------------------------------------------

    def open_url_in_browser(self, url: str) -> bool:
        """Open ``url`` where a browser is usable here; ``False`` (nothing opened) otherwise.

        The panes call this (linking an identity); the caller shows the URL either way.
        """
        usable, _ = self.browser_check()
        return usable and self.opener(url)

    def _open_browser(self, url: str) -> bool:
        """Open ``url``; a ``BROWSER`` the person chose may be a console one, so hand it the
        terminal while it runs (textual-notes.md §8)."""
        from tui_console.account import open_in_browser

        if os.environ.get("BROWSER"):
            try:
                with self.suspend():
                    return open_in_browser(url)
            except Exception:  # SuspendNotSupported (headless, some platforms)
                pass
        return open_in_browser(url)

    # -- actions -------------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key, by screen."""
        from tui_console.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.help_sections()))

    def action_inspect_token(self) -> None:
        """Paste a token and read it (the support console can follow its ``sid``)."""
        from tui_console.ui.support.inspect_token import InspectTokenScreen

        follow = getattr(self.screen, "follow_session", None)
        self.push_screen(InspectTokenScreen(open_session=follow, clock=self.clock))

    def help_sections(self) -> list[HelpSection]:
        """The help screen's content, from the classes' own BINDINGS."""
        from tui_console.ui.console_help import console_help_sections

        machine = self.session is not None and self.session.profile.machine
        return console_help_sections(self, machine=machine)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from console_commands(self, screen)
        for command in super().get_system_commands(screen):
            # Textual's "Screenshot" writes the screen to an SVG file: with a token revealed
            # (Session, v) that file would hold it. The console's pictures come from
            # screenshots/regenerate.py against the demo tenant instead.
            if command.title != "Screenshot":
                yield command

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Refused: a screenshot file could hold a revealed token (see get_system_commands)."""
        self.notify(
            "Screenshots are off in the console: the picture could hold a revealed token. "
            "Use your terminal's own screenshot, with every token hidden.",
            title="No screenshot",
            severity="warning",
        )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification: text from servers and people is shown, never obeyed.

        Control characters become visible escapes and nothing is parsed as markup, whoever
        called (the panes' ``self.notify`` lands here too).
        """
        super().notify(
            printable(message),
            title=printable(title, one_line=True),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def set_theme(self, name: str) -> None:
        """Switch to theme ``name`` (from the palette)."""
        self.theme = name

    def _main(self) -> MainScreen | None:
        from tui_console.ui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _unsaved_metadata(self) -> bool:
        main = self._main()
        return main is not None and main.has_unsaved_changes()

    def _unless_unsaved_edits(
        self, then: Callable[[], object], *, title: str, body: str, go: str, stay: str
    ) -> None:
        """Run ``then`` at once, or after asking (``go`` / ``stay``) when the metadata editor
        holds edits not yet saved."""
        if not self._unsaved_metadata():
            then()
            return
        from tui_console.ui.widgets.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.push_screen(
            ConfirmScreen(title, body, confirm_label=go, cancel_label=stay), callback=answered
        )

    async def action_quit(self) -> None:
        """Quit, asking first when the metadata editor holds unsaved edits."""
        self._unless_unsaved_edits(
            self.exit,
            title="Quit with unsaved metadata edits?",
            body="Your edits to user_metadata have not been sent to the tenant. They are kept "
            "as a draft on this machine and restored in the Metadata tab the next time you "
            "open the console with this profile.",
            go="Quit, keep the draft",
            stay="Keep editing",
        )

    def action_switch_profile(self) -> None:
        """List the profiles; switch to the one chosen (asking first over unsaved edits)."""
        if self.session is None:
            return
        from tui_console.ui.screens.profiles import ProfileSwitcher

        def chosen(name: str | None) -> None:
            if name is None:
                return
            self._unless_unsaved_edits(
                lambda: self._switch_profile(name),
                title=f"Switch to profile {name} with unsaved metadata edits?",
                body="Your edits are not sent. They stay as a draft of this profile and come "
                "back when you open it again.",
                go="Switch, keep the draft",
                stay="Stay",
            )

        self.push_screen(ProfileSwitcher(self.session.profile.name, clock=self.clock), chosen)

    def _switch_profile(self, name: str) -> None:
        from tui_console.account import configured_profile

        main = self._main()
        if main is not None:
            main.flush_draft()
        try:
            profile = configured_profile(name)
        except TuiConsoleError as error:
            self.notify(f"Could not switch to {name}: {error}", severity="error")
            return
        session = self.profile_setup.session_for(profile)
        self.session = session
        self._sessions.append(session)
        self.notify(f"Switched to profile {name}.", title="Profile")
        self.route()

    def action_sign_in_again(self) -> None:
        """Sign in again over the main screen, with the profile's scopes."""
        self.step_up(None, "Sign in again for a fresh token and refresh token.")

    def step_up(self, extra_scopes: tuple[str, ...] | None, reason: str) -> None:
        """Push a sign-in asking for the profile's scopes plus ``extra_scopes``."""
        from tui_console.ui.screens.sign_in import SignInScreen

        if self.session is None or isinstance(self.screen, SignInScreen):
            return
        scopes = tuple(dict.fromkeys(self.session.profile.scopes + (extra_scopes or ())))

        def done(status: SessionStatus | None) -> None:
            if status is None:
                self.notify("Nothing changed: the sign-in was cancelled.", markup=False)
                return
            self.notify("Signed in again; reloading.", title="Signed in", markup=False)
            main = self._main()
            if main is not None:
                main.reload()

        self.push_screen(self._sign_in_screen(scopes=scopes, reason=reason, can_go_back=True), done)

    def on_step_up_requested(self, message: StepUpRequested) -> None:
        """A pane's action lacks a scope: sign in again asking for it."""
        reason = message.reason or "An action needs more scopes"
        self.step_up(message.scopes, f"{reason}: sign in again to grant it.")

    def action_sign_out(self) -> None:
        """Ask, then revoke the refresh token and delete the local tokens."""
        if self.session is None:
            return
        from tui_console.ui.widgets.confirm import ConfirmScreen

        body = (
            "This revokes the refresh token at the tenant and deletes the tokens stored on "
            "this machine. You can sign in again at once."
        )
        if self._unsaved_metadata():
            body += (
                " Your unsaved metadata edits are not sent; they stay as a draft on this "
                "machine and come back when you sign in again as the same user."
            )

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._sign_out()

        self.push_screen(
            ConfirmScreen(
                f"Sign out of profile {self.session.profile.name}?",
                body,
                confirm_label="Sign out",
                danger=True,
            ),
            callback=answered,
        )

    @work(exclusive=True, group="sign-out", exit_on_error=False)
    async def _sign_out(self) -> None:
        session = self.session
        assert session is not None
        try:
            report = await session.logout()
        except TuiConsoleError as error:
            self.notify(
                f"{error.message} {error.hint}".strip(),
                title="Sign-out failed",
                severity="error",
                markup=False,
            )
            return
        revoked = (
            "Revoked the refresh token at the tenant."
            if report.revoked
            else f"Did not revoke at the tenant: {report.revoke_detail}."
        )
        wiped = "Deleted the local tokens." if report.wiped else "No local tokens to delete."
        self.notify(f"{revoked} {wiped}", title="Signed out", markup=False)
        self.enter(self._sign_in_screen(start=False), self._after_sign_in)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A bug (not a domain error) in one of the app's own workers: words, no traceback."""
        if event.state is WorkerState.ERROR and event.worker.node is self:
            error = event.worker.error
            detail = redact(str(error))[:160] if error is not None else ""
            self.notify(
                f"Something went wrong inside the console ({type(error).__name__}: {detail}). "
                "Nothing else was affected; try again.",
                severity="error",
                markup=False,
            )

    # -- shutting down -------------------------------------------------------------------------

    async def on_unmount(self) -> None:
        for session in self._sessions:
            try:
                await session.aclose()
            except Exception:  # closing idle connections; nothing left to protect
                pass
