"""The sign-in screen: the device flow (code, URL, QR code) and the browser flow (PKCE).

It starts the flow that will work where the console runs and says why in words: over SSH or
without a display, a browser would open on the wrong machine (or not at all), so the device
flow comes first there (ux-notes.md §3.4); on a desktop the browser flow does. ``d`` and ``b``
switch at any time.

Device view: the user code large in a heavy box, the verification URL, a QR code of
``verification_uri_complete`` (the plain URL alone when the terminal is too small to draw the
code whole), the expiry countdown and the poll interval, which rises when the server answers
``slow_down``. ``c`` copies the code (OSC 52, so it works over SSH and in tmux); ``o`` opens a
browser only where one is usable here, and otherwise says why not.

Browser view: the authorize URL, a countdown, and an input for the redirect address when the
browser ran on another machine and its last page could not load (the pasted URL is fed to the
flow, which checks its ``state``).

Each flow runs in one exclusive worker. Escape cancels it: the worker is cancelled, the device
poll or loopback listener stops, nothing is stored. Failures are words with the next step
("r to try again", "d to use the device flow"), never a traceback. Opened with ``scopes`` it is
a step-up: a new sign-in asking for the scopes an action lacks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Input, Static
from textual.worker import Worker, WorkerState

from tui_console.errors import (
    ConfigError,
    LoginCancelled,
    LoginTimedOut,
    NetworkError,
    TuiConsoleError,
)
from tui_console.redact import redact
from tui_console.terminal_text import printable
from tui_console.ui.screens.sign_in_advice import Flow, first_flow, flow_advice
from tui_console.ui.widgets.sign_in_views import BrowserWaitView, DeviceCodeView

if TYPE_CHECKING:
    from tui_console.account import DevicePrompt, PollProgress, SessionStatus
    from tui_console.ui.console_session import ConsoleSession

__all__ = ["Flow", "Phase", "SignInScreen"]

Phase = Literal["idle", "starting", "waiting", "finishing", "failed", "cancelled", "done"]

BROWSER_TIMEOUT = 300.0
"""Seconds the browser flow waits for the redirect (or a paste)."""


class SignInScreen(Screen["SessionStatus | None"]):
    """Sign in with a code on another device, or with the browser on this one."""

    AUTO_FOCUS = None  # letter keys are actions here; the paste input takes focus with p

    BINDINGS = [
        Binding(
            "d",
            "device",
            "Device",
            id="sign_in.device",
            tooltip="Sign in with a code you approve on any device (works over SSH)",
        ),
        Binding(
            "b",
            "browser",
            "Browser",
            id="sign_in.browser",
            tooltip="Sign in with a browser on this machine (authorization code + PKCE)",
        ),
        Binding("c", "copy", "Copy", id="sign_in.copy", tooltip="Copy the code (or URL)"),
        Binding("o", "open", "Open", id="sign_in.open", tooltip="Open the page in a browser"),
        Binding(
            "p",
            "paste",
            "Paste",
            id="sign_in.paste",
            tooltip="Paste the address the browser landed on, when it ran on another machine",
        ),
        Binding("r", "retry", "Retry", id="sign_in.retry", tooltip="Start the sign-in again"),
        Binding("escape", "cancel", "Cancel", id="sign_in.cancel", tooltip="Stop this sign-in"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | d | Switch to (or restart) the device flow. |
    | b | Switch to (or restart) the browser flow. |
    | c | Copy the user code (device) or the sign-in URL (browser) to the clipboard. |
    | o | Open the page in a browser, where one is usable here. |
    | p | Focus the input for a pasted redirect address (browser flow). |
    | r | Try again after a failure or a cancel. |
    | escape | Leave the paste input; cancel the sign-in; go back (step-up only). |
    """

    BINDING_GROUP_TITLE = "Sign in"

    flow: reactive[Flow] = reactive("device")
    """The flow on screen."""
    phase: reactive[Phase] = reactive("starting")
    """Where the flow stands."""

    device_view = getters.query_one("#device-view", DeviceCodeView)
    browser_view = getters.query_one("#browser-view", BrowserWaitView)
    status_line = getters.query_one("#sign-in-status", Static)

    def __init__(
        self,
        session: ConsoleSession,
        *,
        opener: Callable[[str], bool],
        browser_check: Callable[[], tuple[bool, str]],
        clock: Callable[[], float] = time.time,
        demo: bool = False,
        scopes: tuple[str, ...] | None = None,
        reason: str | None = None,
        can_go_back: bool = False,
        start: bool = True,
    ) -> None:
        super().__init__()
        self.session = session
        self.opener = opener
        self.browser_check = browser_check
        self.clock = clock
        self.demo = demo
        self.scopes = scopes
        self.reason = reason
        self.can_go_back = can_go_back
        self.start = start
        self.interval: float | None = None
        self.slowed_down = False
        self._pastes: asyncio.Queue[str] = asyncio.Queue()
        usable, why = browser_check()
        self.browser_usable = usable
        self.browser_reason = why
        self.set_reactive(SignInScreen.flow, first_flow(browser_usable=usable, demo=demo))

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in"):
            yield Static(self._title(), id="sign-in-title")
            yield Static(id="sign-in-why", markup=False)
            with ContentSwitcher(initial="device-view", id="sign-in-views"):
                yield DeviceCodeView(clock=self.clock, id="device-view")
                yield BrowserWaitView(clock=self.clock, id="browser-view")
            yield Static(id="sign-in-status", markup=False)
        yield Footer()

    def _title(self) -> Content:
        profile = self.session.profile
        if self.reason:
            return Content(f"{self.reason} (profile {profile.name})")
        return Content(f"Sign in to {profile.issuer} (profile {profile.name})")

    @property
    def prompt(self) -> DevicePrompt | None:
        """The device code on screen, if any."""
        return self.device_view.prompt

    @property
    def authorize_url(self) -> str | None:
        """The browser flow's sign-in address, once made."""
        return self.browser_view.authorize_url

    # -- life cycle ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._show_flow()
        self._reset_views()
        if self.start:
            self._start(self.flow)
        else:
            self.phase = "idle"
            self._set_status("Press d to sign in with a code, or b to sign in with the browser.")

    def on_resize(self, event: Resize) -> None:
        self._fit_qr()

    def _fit_qr(self) -> None:
        self.device_view.fit_qr(self.app.size)

    def _show_flow(self) -> None:
        self.query_one(ContentSwitcher).current = f"{self.flow}-view"
        advice = flow_advice(
            self.flow,
            browser_usable=self.browser_usable,
            reason=self.browser_reason,
            demo=self.demo,
        )
        self.query_one("#sign-in-why", Static).update(Content(advice))

    def watch_phase(self) -> None:
        self.refresh_bindings()

    def watch_flow(self) -> None:
        self.refresh_bindings()

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status_line.update(Content(printable(text)))
        self.status_line.set_class(error, "-error")

    def _start(self, flow: Flow) -> None:
        self.flow = flow
        self.interval = None
        self.slowed_down = False
        self._pastes = asyncio.Queue()
        self._show_flow()
        self._reset_views()
        self.phase = "starting"
        if flow == "device":
            self._set_status(f"Asking {self.session.profile.issuer} for a sign-in code…")
            self._device_flow()
        else:
            self._set_status("Preparing the browser sign-in…")
            self._browser_flow()

    def _reset_views(self) -> None:
        self.query_one("#sign-in-views").display = False  # until there is a code or URL
        self.device_view.reset()
        self.browser_view.reset()
        self._fit_qr()

    def _stop_countdowns(self) -> None:
        self.device_view.stop()
        self.browser_view.stop()

    # -- the device flow -----------------------------------------------------------------------

    @work(exclusive=True, group="sign-in", exit_on_error=False)
    async def _device_flow(self) -> None:
        """Ask for a code, show it, poll until approved; errors become words on screen."""
        try:
            login = await self.session.start_device_login(scopes=self.scopes)
            self._show_prompt(login.prompt)
            status = await login.complete(on_progress=self._on_poll)
        except TuiConsoleError as error:
            self._failed(error)
            return
        self._succeeded(status)

    def _show_prompt(self, prompt: DevicePrompt) -> None:
        self.interval = float(prompt.interval)
        self.device_view.show(prompt)
        self.query_one("#sign-in-views").display = True
        self._show_interval()
        self._fit_qr()
        self.phase = "waiting"
        self._set_status("Waiting for you to approve the code…")

    def _on_poll(self, progress: PollProgress) -> None:
        if progress.last_error == "slow_down":
            self.slowed_down = True
        if progress.interval != self.interval or progress.last_error == "slow_down":
            self.interval = progress.interval
            self._show_interval()

    def _show_interval(self) -> None:
        if self.interval is not None:
            self.device_view.show_interval(self.interval, slowed_down=self.slowed_down)

    # -- the browser flow ----------------------------------------------------------------------

    @work(exclusive=True, group="sign-in", exit_on_error=False)
    async def _browser_flow(self) -> None:
        """Authorization code + PKCE; the redirect comes to the loopback port or is pasted."""
        self.browser_view.wait_until(self.clock() + BROWSER_TIMEOUT)
        try:
            status = await self.session.login_with_browser(
                open_url=self._open_authorize_url,
                pasted_redirect=self._pastes.get,
                on_progress=self._on_browser_tick,
                scopes=self.scopes,
                timeout=BROWSER_TIMEOUT,
                on_bad_paste=self._bad_paste,
            )
        except TuiConsoleError as error:
            self._failed(error)
            return
        self._succeeded(status)

    def _open_authorize_url(self, url: str) -> bool:
        """Show the authorize URL, and open a browser with it where one is usable."""
        opened = self.browser_usable and self.opener(url)
        if opened:
            text = "Your browser should show the sign-in page. If it did not, open this address:"
        elif self.browser_usable:
            text = "No browser could be opened. Open this address in a browser to sign in:"
        else:
            text = "No browser was opened here. Open this address in a browser on your own machine:"
        self.browser_view.show(url, opened=text)
        self.query_one("#sign-in-views").display = True
        self.phase = "waiting"
        self._set_status("Waiting for the browser sign-in… (c copies the address)")
        return opened

    def _bad_paste(self, error: TuiConsoleError) -> None:
        """A pasted address that is not this sign-in's: say why, and take another."""
        self.browser_view.paste_again()
        self.phase = "waiting"
        self._set_status(f"{error.message} Paste the address again.", error=True)

    def _on_browser_tick(self, seconds_left: float) -> None:
        self.browser_view.wait_until(self.clock() + seconds_left)

    @on(Input.Submitted, "#paste")
    def _pasted(self, event: Input.Submitted) -> None:
        """Hand a plausible redirect address to the waiting flow; explain a wrong one."""
        result = event.validation_result
        if result is not None and not result.is_valid:
            self._set_status(" ".join(result.failure_descriptions), error=True)
            return
        if self.flow != "browser" or self.phase != "waiting":
            self._set_status("No browser sign-in is waiting for an address.", error=True)
            return
        self._pastes.put_nowait(event.value.strip())
        event.input.disabled = True
        self.phase = "finishing"
        self._set_status("Checking the pasted address and finishing the sign-in…")

    # -- outcomes ------------------------------------------------------------------------------

    def _succeeded(self, status: SessionStatus) -> None:
        self.phase = "done"
        self._set_status(f"Signed in as {status.who}.")
        self.dismiss(status)

    def _failed(self, error: TuiConsoleError) -> None:
        self.phase = "failed"
        self._stop_countdowns()
        lines = [error.message]
        if error.hint:
            lines.append(error.hint)
        lines.append(self._next_step(error))
        text = "\n".join(lines)
        self._set_status(text, error=True)
        self.notify(text, title="Sign-in failed", severity="error", markup=False)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A bug (not a domain error) ended the flow: say so in words, without a traceback."""
        if event.state is not WorkerState.ERROR or event.worker.group != "sign-in":
            return
        error = event.worker.error
        if isinstance(error, TuiConsoleError):
            self._failed(error)
            return
        detail = redact(str(error))[:160] if error is not None else ""
        self._failed(
            TuiConsoleError(
                f"Something went wrong inside the console ({type(error).__name__}: {detail}).",
                hint="Nothing was stored.",
            )
        )

    def _next_step(self, error: TuiConsoleError) -> str:
        other: Flow = "browser" if self.flow == "device" else "device"
        switch = f"{other[0]} to use the {other} flow"
        if isinstance(error, LoginCancelled):
            return f"Press r to try again, or {switch}."
        if isinstance(error, LoginTimedOut):
            return (
                "Press r to start again with a new code."
                if self.flow == "device"
                else (f"Press r to try again, or {switch}.")
            )
        if isinstance(error, NetworkError):
            return "Check the network connection, then press r to try again."
        if isinstance(error, ConfigError):
            return f"Press {switch}, or fix the profile (tui-console --help)."
        return f"Press r to try again, or {switch}."

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only the keys that do something now (the footer follows)."""
        waiting = self.phase == "waiting"
        active = self.phase in ("starting", "waiting", "finishing")
        if action == "device":
            return not (self.flow == "device" and active)
        if action == "browser":
            return not (self.flow == "browser" and active)
        if action == "copy":
            return waiting
        if action == "open":
            return waiting
        if action == "paste":
            return waiting and self.flow == "browser"
        if action == "retry":
            return self.phase in ("failed", "cancelled", "idle")
        if action == "cancel":
            return active or self.can_go_back or isinstance(self.focused, Input)
        return True

    def action_device(self) -> None:
        """Start the device flow (cancelling a browser sign-in in progress)."""
        self._start("device")

    def action_browser(self) -> None:
        """Start the browser flow (cancelling a device sign-in in progress)."""
        self._start("browser")

    def action_retry(self) -> None:
        """Start the current flow again."""
        self._start(self.flow)

    def action_copy(self) -> None:
        """Copy the user code (device) or the sign-in address (browser) with OSC 52."""
        if self.flow == "device" and self.prompt is not None:
            self.app.copy_to_clipboard(self.prompt.user_code)
            self.notify(
                f"Copied the code {self.prompt.user_code}. Terminals do not confirm a copy: "
                "if it did not arrive, type the code shown.",
                title="Copied",
                markup=False,
            )
        elif self.flow == "browser" and self.authorize_url is not None:
            self.app.copy_to_clipboard(self.authorize_url)
            self.notify(
                "Copied the sign-in address (terminals do not confirm a copy).",
                title="Copied",
                markup=False,
            )

    def action_open(self) -> None:
        """Open the verification (or sign-in) page in a browser, where one is usable here."""
        if self.flow == "device" and self.prompt is not None:
            url = self.prompt.verification_uri_complete or self.prompt.verification_uri
        elif self.flow == "browser" and self.authorize_url is not None:
            url = self.authorize_url
        else:
            return
        if not self.browser_usable:
            self.notify(
                f"Not opening a browser: {self.browser_reason}. Open the URL on your own "
                "device, or scan the QR code.",
                title="No browser here",
                severity="warning",
                markup=False,
            )
            return
        if not self.opener(url):
            self.notify(
                "No browser could be opened. Open the URL yourself.",
                title="No browser",
                severity="warning",
                markup=False,
            )

    def action_paste(self) -> None:
        """Focus the paste input."""
        self.browser_view.paste.focus()

    def action_cancel(self) -> None:
        """Leave the paste input, else stop the sign-in, else go back (step-up)."""
        if isinstance(self.focused, Input):
            self.set_focus(None)
            return
        if self.phase in ("starting", "waiting", "finishing"):
            self.workers.cancel_group(self, "sign-in")
            self.phase = "cancelled"
            self._stop_countdowns()
            back = " or escape to go back" if self.can_go_back else ""
            self._set_status(
                f"Sign-in cancelled. Press r to start again, d or b to pick a flow{back}."
            )
            return
        if self.can_go_back:
            self.dismiss(None)
