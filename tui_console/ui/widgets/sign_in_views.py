"""The two halves of the sign-in screen: the device code to approve, the browser to wait for.

:class:`DeviceCodeView` shows the user code large, the verification URL, a QR code of
``verification_uri_complete`` (only when the terminal can draw it whole: a clipped code does
not scan), the expiry countdown and the poll interval. :class:`BrowserWaitView` shows the
authorize URL, a countdown, and the input for a pasted redirect address. Each has ``reset()``
(nothing shown, countdown stopped) and ``show(...)``; the screen owns the flow and the words
about it (:mod:`tui_console.ui.screens.sign_in`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.validation import Function
from textual.widgets import Input, Static

from tui_console.terminal_text import printable
from tui_console.ui.widgets.countdown import Countdown
from tui_console.ui.widgets.qr_code import QrCode

if TYPE_CHECKING:
    from tui_console.account import DevicePrompt

__all__ = ["BrowserWaitView", "DeviceCodeView", "looks_like_redirect"]

#: Rows and columns the device view needs beside the QR code: the title lines, the footer,
#: and a details column wide enough for a tenant URL and the code box.
_CHROME_ROWS = 5
_DETAILS_COLUMNS = 42


def looks_like_redirect(text: str) -> bool:
    """Whether ``text`` is an address the browser flow can take: a URL with a code or error."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    query = parse_qs(parts.query)
    return "code" in query or "error" in query


class DeviceCodeView(Horizontal):
    """The device flow's code, URL, QR code, expiry and poll interval."""

    def __init__(self, *, clock: Callable[[], float] = time.time, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self.prompt: DevicePrompt | None = None
        """The code on screen, if any."""

    def compose(self) -> ComposeResult:
        yield QrCode(id="qr")
        with Vertical(id="device-details"):
            yield Static("On your phone or any computer, open:")
            yield Static(id="verification-uri", markup=False)
            yield Static("and enter the code:")
            yield Static(id="user-code", markup=False)
            yield Static(id="qr-note", markup=False)
            yield Countdown(
                "The code expires in {left}.",
                expired="The code has expired: press r for a new one.",
                clock=self._clock,
                id="device-expiry",
            )
            yield Static(id="poll-interval", markup=False)
            yield Static("Approve only if the page shows this same code.", id="device-check")

    def reset(self) -> None:
        """No code, no countdown, no QR code."""
        self.prompt = None
        self.stop()
        for name in ("verification-uri", "user-code", "poll-interval"):
            self.query_one(f"#{name}", Static).update("")
        self.query_one("#user-code", Static).display = False

    def stop(self) -> None:
        """Stop the expiry countdown (the flow ended), keeping what is shown."""
        self.query_one("#device-expiry", Countdown).deadline = None

    def show(self, prompt: DevicePrompt) -> None:
        """Show ``prompt``'s code, URL, QR code and expiry."""
        self.prompt = prompt
        self.query_one("#verification-uri", Static).update(
            Content(printable(prompt.verification_uri, one_line=True))
        )
        code = self.query_one("#user-code", Static)
        code.update(Content(printable(prompt.user_code, one_line=True)))
        code.display = True
        self.query_one("#qr", QrCode).data = (
            prompt.verification_uri_complete or prompt.verification_uri
        )
        self.query_one("#device-expiry", Countdown).deadline = prompt.expires_at

    def show_interval(self, interval: float, *, slowed_down: bool) -> None:
        """How often the console asks whether the code was approved."""
        text = f"Checking for your approval every {interval:g} s."
        if slowed_down:
            text = f"Checking every {interval:g} s: the server asked us to slow down."
        self.query_one("#poll-interval", Static).update(Content(text))

    def fit_qr(self, terminal: Size) -> None:
        """Show the QR code only when it fits ``terminal`` whole; else say what size it needs."""
        qr = self.query_one("#qr", QrCode)
        note = self.query_one("#qr-note", Static)
        if self.prompt is None:
            qr.display = False
            note.update("")
            return
        need = QrCode.size_for(qr.data)
        fits = terminal.width >= need.width + _DETAILS_COLUMNS and terminal.height >= (
            need.height + _CHROME_ROWS
        )
        qr.display = fits
        if fits and self.prompt.verification_uri_complete:
            note.update("Or scan the QR code: it opens the page with the code filled in.")
        elif fits:
            note.update("Or scan the QR code to open the page, then enter the code.")
        else:
            note.update(
                f"(A QR code needs a {need.width + _DETAILS_COLUMNS}x"
                f"{need.height + _CHROME_ROWS} terminal; open the URL above instead.)"
            )


class BrowserWaitView(VerticalScroll):
    """The browser flow's authorize URL, countdown and the input for a pasted redirect."""

    def __init__(self, *, clock: Callable[[], float] = time.time, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self.authorize_url: str | None = None
        """The address the person signs in at, once the flow made it."""

    def compose(self) -> ComposeResult:
        yield Static(id="browser-opened", markup=False)
        yield Static(id="authorize-url", markup=False)
        yield Countdown(
            "Waiting for the browser to come back: {left} left.",
            expired="The browser sign-in timed out: press r to try again.",
            clock=self._clock,
            id="browser-countdown",
        )
        yield Static(
            "Browser on another machine? Sign in there; its last page will not "
            "load. Copy that page's address, press p, paste it here and press Enter.",
            id="paste-help",
        )
        paste = Input(
            placeholder="http://127.0.0.1:PORT/callback?code=…&state=…",
            validators=[
                Function(
                    looks_like_redirect,
                    "That is not the address the browser landed on "
                    "(it has ?code=… or ?error=… in it).",
                )
            ],
            validate_on=["submitted"],
            id="paste",
        )
        paste.cursor_blink = False
        yield paste

    @property
    def paste(self) -> Input:
        """The input a redirect address is pasted into."""
        return self.query_one("#paste", Input)

    def reset(self) -> None:
        """No URL, no countdown, an empty paste input that takes input."""
        self.authorize_url = None
        self.stop()
        self.query_one("#browser-opened", Static).update("")
        self.query_one("#authorize-url", Static).update("")
        self.paste.value = ""
        self.paste.disabled = False

    def stop(self) -> None:
        """Stop the countdown (the flow ended), keeping what is shown."""
        self.query_one("#browser-countdown", Countdown).deadline = None

    def wait_until(self, deadline: float) -> None:
        """Count down to ``deadline`` (the flow's timeout, moved as the flow reports it)."""
        self.query_one("#browser-countdown", Countdown).deadline = deadline

    def show(self, url: str, *, opened: str) -> None:
        """Show the authorize ``url``, under ``opened``: whether a browser was opened with it."""
        self.authorize_url = url
        self.query_one("#authorize-url", Static).update(Content(printable(url, one_line=True)))
        self.query_one("#browser-opened", Static).update(Content(opened))

    def paste_again(self) -> None:
        """Empty the paste input and give it the focus, for another try."""
        self.paste.disabled = False
        self.paste.value = ""
        self.paste.focus()
