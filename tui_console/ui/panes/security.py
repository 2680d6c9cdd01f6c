"""The Security tab: your sign-in methods (MFA factors, passkeys) through the My Account API.

It lists the methods (type, name, created, last used, confirmed), renames one, removes one
after asking (Auth0's 409, "cannot be removed", is said in words), and adds an authenticator
app (QR code, manual code, then the 6-digit code), an email or phone code, or a recovery code
(shown once, with copy). An enrollment put off ("Later") stays pending, and the tab offers to
finish it (``f``) until it expires. Passkeys are listed and removable; making one needs
WebAuthn in a browser, which the tab says instead of pretending. The dialogs of adding and
finishing are :class:`~tui_console.ui.panes.enrollment.EnrollmentFlow`'s; this module is the
list and its keys.

Where the My Account API is not available (not activated, no access for this application),
the tab shows the dashboard steps and, below them, the Guardian enrollments the Management API
shows the person's own sign-in: read-only, labelled so, with the changing keys dimmed.

Everything goes through :class:`~tui_console.self_service.SignInMethods`; its calls are
``my-account-read`` / ``my-account-write`` on the rate-limit gauge.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import ClassVar, Literal, Protocol

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.coordinate import Coordinate
from textual.widget import Widget
from textual.widgets import Static

from tui_console.errors import TuiConsoleError
from tui_console.self_service import (
    GUARDIAN_READ_ONLY,
    AuthenticationMethod,
    GuardianEnrollment,
    MyAccountUnavailable,
    PendingEnrollment,
    SignInMethods,
)
from tui_console.terminal_text import printable
from tui_console.ui.format import cell, error_text
from tui_console.ui.panes._base import Pane, PaneSession
from tui_console.ui.panes.enrollment import EnrollmentFlow, kind_words
from tui_console.ui.screens.sign_in_method_dialogs import RenameMethodScreen
from tui_console.ui.widgets.confirm import ConfirmScreen
from tui_console.ui.widgets.filter_table import FilterTable, TableFilter
from tui_console.ui.widgets.status_line import StatusLine

__all__ = ["SecurityPane", "SecuritySession"]


class SecuritySession(PaneSession, Protocol):
    """What the Security tab needs of the session besides the panes' common methods."""

    def sign_in_methods(self) -> SignInMethods: ...


def _day(moment: datetime | None) -> str | None:
    """``2024-03-13`` in the local time zone (``None``: never, or not said)."""
    return moment.astimezone().strftime("%Y-%m-%d") if moment is not None else None


def _yes_no(flag: bool | None) -> str | None:
    return None if flag is None else ("yes" if flag else "no")


class SecurityPane(Pane):
    """Your sign-in methods: add (`a`), rename (`n`), remove (`d`), finish a pending one (`f`).

    | Key | Action |
    | --- | --- |
    | `a` | Add a method (authenticator app, email, phone, recovery code) |
    | `n` | Rename the selected method |
    | `d` | Remove the selected method (asks first) |
    | `f` | Finish an enrollment that waits for its code |
    | `r` | Reload |
    """

    DEFAULT_CSS = """
    SecurityPane {
        & > #security-note-box { height: auto; max-height: 8; scrollbar-size-vertical: 1; }
        & #security-note { height: auto; padding: 0 1; }
        & #security-note.-read-only { color: $text-warning; }
        & > #security-table { height: 1fr; }
        & > #security-pending { height: auto; padding: 0 1; color: $text-warning; display: none; }
        & > #security-pending.-shown { display: block; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "a",
            "add_method",
            "Add",
            id="security.add",
            tooltip="Add a sign-in method: authenticator app, email, phone or recovery code",
        ),
        Binding(
            "n",
            "rename_method",
            "Rename",
            id="security.rename",
            show=False,  # said in the note above the table; the footer keeps room for Finish
            tooltip="Give the selected method a name you recognise",
        ),
        Binding(
            "d",
            "remove_method",
            "Remove",
            id="security.remove",
            tooltip="Remove the selected sign-in method (asks first)",
        ),
        Binding(
            "f",
            "finish_pending",
            "Finish",
            id="security.finish",
            tooltip="Type the code of an enrollment you put off, before it expires",
        ),
        Binding(
            "r",
            "reload_methods",
            "Reload",
            id="security.reload",
            show=False,
            tooltip="List your sign-in methods again",
        ),
    ]
    BINDING_GROUP_TITLE = "Security"
    HELP = """\
## Security

Your sign-in methods, through Auth0's **My Account API**: type, name, when it was added, when
it was last used, and whether it is confirmed.

- **a** adds one. An *authenticator app*: scan the QR code (or type the code shown beside
  it) into the app, then type the 6 digits it shows. An *email* or *phone* method: a code is
  sent there; type it (in the demo, the prompt shows the code the demo tenant "sent"). A
  *recovery code* is shown **once**: copy it (**c**, through your terminal's clipboard) or
  write it down, then press **s**. tui-console keeps no copy.
- **Later** (Escape) in the code prompt leaves the enrollment waiting for five minutes;
  **f** finishes it.
- **n** renames the selected method; **d** removes it, after asking. Auth0 may refuse to
  remove the last method you can sign in with: the tab says so.
- Passkeys are listed and can be removed, but creating one needs WebAuthn in a browser,
  which a terminal cannot do.
- **r** reloads.

Without the My Account API (not activated for the tenant, or no access for this
application) the tab shows the dashboard steps to turn it on, and lists your Guardian
enrollments **read-only**, as the Management API shows them to your sign-in.

Auth0 allows only a few My Account calls a minute per user: watch the *my acct* lines of
the rate-limit gauge.
"""

    FILTER_TABLE = "#security-table"

    mode: Literal["loading", "my-account", "read-only", "failed"] = "loading"
    """Where the rows come from: the My Account API, or the read-only Guardian fallback."""
    methods: tuple[AuthenticationMethod, ...] = ()
    enrollments: tuple[GuardianEnrollment, ...] = ()

    def __init__(
        self,
        session: SecuritySession,
        *,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(session, clock=clock, name=name, id=id, classes=classes)
        self._session = session
        self.enrollment = EnrollmentFlow(self)
        """Adding a method and finishing one that waits (the dialogs, step by step)."""

    @property
    def sign_in(self) -> SignInMethods:
        """The session's sign-in methods facade (asked for when first used)."""
        return self._session.sign_in_methods()

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, classes="pane--banner", id="security-banner")
        with VerticalScroll(id="security-note-box"):  # the dashboard steps are long at 80x24
            yield Static("", markup=False, id="security-note")
        yield TableFilter(id="security-filter")
        yield FilterTable(id="security-table")
        yield Static("", markup=False, id="security-pending")
        yield StatusLine(id="security-status", classes="pane--status")

    def on_mount(self) -> None:
        table = self.table
        for column in ("type", "name", "created", "last used", "confirmed"):
            table.add_column(column, key=column)
        # While an enrollment waits, look again now and then: the line goes once it expires.
        self._pending_timer = self.set_interval(10, self.show_pending, pause=True)
        if getattr(self.app, "demo", False):
            # The demo tenant runs in this process and "sends" email and SMS codes by printing
            # them; Textual captures that print, so the code prompt can show it.
            self.app.begin_capture_print(self, stdout=False, stderr=True)

    def on_unmount(self) -> None:
        if getattr(self.app, "demo", False):
            with suppress(KeyError):  # never started (unmounted before its mount ran)
                self.app.end_capture_print(self)

    def on_print(self, event: events.Print) -> None:
        """A line the demo tenant printed: the enrollment flow keeps a sent code."""
        self.enrollment.heard(event.text)

    @property
    def table(self) -> FilterTable:
        return self.query_one("#security-table", FilterTable)

    def home(self) -> Widget | None:
        """The table: arrows move through the methods (the note above scrolls with Tab)."""
        return self.table

    def _note(self, text: str, *, read_only: bool = False) -> None:
        note = self.query_one("#security-note", Static)
        note.update(Content(printable(text)))
        note.set_class(read_only, "-read-only")

    # -- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Changing keys are dimmed unless the list came from the My Account API (the note and
        the status line say why); Finish shows only while an enrollment waits."""
        if action in ("add_method", "rename_method", "remove_method"):
            return True if self.mode in ("my-account", "loading") else None
        if action == "finish_pending":
            return bool(self._waiting())
        return super().check_action(action, parameters)

    # -- loading and showing ---------------------------------------------------------------

    def load(self) -> None:
        self._load()

    def action_reload_methods(self) -> None:
        """List the methods again."""
        self._load()

    @work(exclusive=True, group="security-load", exit_on_error=False)
    async def _load(self) -> None:
        self.status.say("Listing your sign-in methods…", "busy")
        try:
            self.methods = await self.sign_in.methods()
        except MyAccountUnavailable as unavailable:
            await self._read_only(unavailable)
            return
        except TuiConsoleError as error:
            self.mode = "failed"
            self._note("Could not list your sign-in methods.")
            self.show_error(error, doing="Listing your sign-in methods")
            self.refresh_bindings()
            return
        self.mode = "my-account"
        self._show_methods()
        self.status.clear()

    async def _read_only(self, unavailable: MyAccountUnavailable) -> None:
        """The fallback: the steps to turn the API on, then the Guardian enrollments."""
        steps = error_text(unavailable)
        try:
            self.enrollments = await self.sign_in.guardian_enrollments()
        except TuiConsoleError as error:
            self.mode = "failed"
            self._note(steps)
            self.show_error(error, doing="Reading your Guardian enrollments (read-only)")
            self.refresh_bindings()
            return
        self.mode = "read-only"
        self._note(f"{GUARDIAN_READ_ONLY}\n{steps}", read_only=True)
        self.table.set_rows(
            (
                enrollment.id,
                (
                    cell(enrollment.label),
                    cell(enrollment.detail or None),
                    cell(_day(enrollment.enrolled_at)),
                    cell(_day(enrollment.last_auth)),
                    cell(_yes_no(enrollment.confirmed)),
                ),
            )
            for enrollment in self.enrollments
        )
        count = len(self.enrollments)
        self.status.say(
            f"{count} Guardian enrollment{'s' if count != 1 else ''}, read-only: adding, "
            "renaming and removing need the My Account API (the steps above: shift+tab, then "
            "the arrows, scrolls them).",
            "warning",
        )
        self.refresh_bindings()

    def _show_methods(self) -> None:
        methods = self.methods
        lines = [f"{len(methods)} sign-in methods, from the My Account API. n: rename one."]
        if self.sign_in.missing_scopes:
            lines.append(
                f"The token lacks {', '.join(self.sign_in.missing_scopes)}: "
                "what needs it will be refused."
            )
        if any(method.type == "passkey" for method in methods):
            lines.append("Passkeys: removable here; add them in a browser (a: see why).")
        self._note("\n".join(lines))
        self.table.set_rows(
            (
                method.id,
                (
                    cell(method.label),
                    cell(method.detail or None),
                    cell(_day(method.created_at)),
                    cell(_day(method.last_auth_at)),
                    cell(_yes_no(method.confirmed)),
                ),
            )
            for method in methods
        )
        self.show_pending()
        self.refresh_bindings()

    def _waiting(self) -> tuple[PendingEnrollment, ...]:
        try:
            return self.sign_in.waiting()
        except TuiConsoleError:
            return ()  # a damaged pending file: finishing says why (f)

    def show_pending(self) -> None:
        """The line naming the newest enrollment that waits, and until when (hidden if none)."""
        waiting = self._waiting()
        line = self.query_one("#security-pending", Static)
        line.set_class(bool(waiting), "-shown")
        if not waiting:
            self._pending_timer.pause()
            line.update("")
            self.refresh_bindings()
            return
        self._pending_timer.resume()
        newest = waiting[-1]
        until = datetime.fromtimestamp(newest.expires_at).strftime("%H:%M")
        more = f" (and {len(waiting) - 1} more)" if len(waiting) > 1 else ""
        waits_for = "you to store it" if newest.type == "recovery-code" else "its code"
        line.update(
            Content(
                f"Waiting for {waits_for}: {kind_words(newest.type)}{more}, "
                f"until {until}. f: finish it."
            )
        )
        self.refresh_bindings()

    def selected(self) -> AuthenticationMethod | None:
        """The method under the table's cursor (``None`` in the read-only list)."""
        table = self.table
        if self.mode != "my-account" or table.row_count == 0:
            return None
        row_key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key
        return next((m for m in self.methods if m.id == row_key.value), None)

    # -- renaming and removing -------------------------------------------------------------

    def action_rename_method(self) -> None:
        """Ask for a new name for the selected method."""
        method = self.selected()
        if method is None:
            self.status.say("Select a method to rename first.", "warning")
            return
        if not method.removable_here:
            self.status.say("A password has no name to change.", "warning")
            return

        def answered(name: str | None) -> None:
            if name is not None:
                self._rename(method, name)

        self.app.push_screen(RenameMethodScreen(method.label, method.name), answered)

    @work(exclusive=True, group="security-change", exit_on_error=False)
    async def _rename(self, method: AuthenticationMethod, name: str) -> None:
        self.status.say(f"Renaming the {method.label}…", "busy")
        try:
            renamed = await self.sign_in.rename(method.id, name)
        except TuiConsoleError as error:
            self.show_error(error, doing="Renaming")
            return
        self.methods = tuple(renamed if m.id == method.id else m for m in self.methods)
        self._show_methods()
        self.status.say(f"Renamed the {method.label} to {renamed.name or name}.", "ok")

    def action_remove_method(self) -> None:
        """Remove the selected method, after asking."""
        method = self.selected()
        if method is None:
            self.status.say("Select a method to remove first.", "warning")
            return
        if not method.removable_here:
            self.status.say(
                "A password is changed or removed on the sign-in pages, not here.", "warning"
            )
            return
        what = f"{method.label} {method.detail}".strip()

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._remove(method)
            else:
                self.status.say("Nothing was removed.")

        self.app.push_screen(
            ConfirmScreen(
                f"Remove the {what}?",
                "You will no longer be able to sign in with it. Adding it again means "
                "enrolling it again. This cannot be undone.",
                confirm_label="Remove",
                danger=True,
            ),
            answered,
        )

    @work(exclusive=True, group="security-change", exit_on_error=False)
    async def _remove(self, method: AuthenticationMethod) -> None:
        self.status.say(f"Removing the {method.label}…", "busy")
        try:
            await self.sign_in.remove(method.id)
        except TuiConsoleError as error:
            self.show_error(error, doing=f"Removing the {method.label}")
            return
        self.methods = tuple(m for m in self.methods if m.id != method.id)
        self._show_methods()
        self.status.say(f"Removed the {method.label}.", "ok")

    # -- adding (the dialogs are the enrollment flow's) ---------------------------------------

    def action_add_method(self) -> None:
        """Choose what to add, then enroll it."""
        self.enrollment.add()

    def action_finish_pending(self) -> None:
        """Ask for the code of the newest enrollment that waits."""
        self.enrollment.finish_pending()

    def load_after_change(self) -> None:
        """List again, keeping the success message (the load would clear it)."""
        said = self.status.text, self.status.tone
        self._relist(said)

    @work(exclusive=True, group="security-load", exit_on_error=False)
    async def _relist(self, said: tuple[str, str]) -> None:
        try:
            self.methods = await self.sign_in.methods()
        except TuiConsoleError as error:
            self.show_error(error, doing="Listing your sign-in methods again")
            return
        self._show_methods()
        text, tone = said
        self.status.say(text.removeprefix("✓ "), "ok" if tone == "ok" else "info")
