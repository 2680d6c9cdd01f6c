"""Adding a sign-in method on the Security tab: the dialogs from "what kind" to "added".

:class:`EnrollmentFlow` is the conversation, one step after another: choose the kind
(:class:`~tui_console.ui.screens.sign_in_method_dialogs.ChooseMethodScreen`), give its details,
start the enrollment, then what it needs: the QR code and the app's 6 digits, the code sent by
email or phone (in the demo, the code the demo tenant "sent", heard through :meth:`heard`), or a
recovery code shown once. "Later" leaves it waiting; :meth:`finish_pending` takes it up again,
with its QR code when this console started it.

The flow keeps no table and no list: it talks to the person through dialogs and the tab's status
line, and tells the tab (its :class:`EnrollmentHost`) when the waiting line or the list may have
changed.
"""

from __future__ import annotations

import re
from collections.abc import Coroutine
from typing import Any, Protocol

from textual.app import App

from tui_console.errors import TuiConsoleError
from tui_console.redact import Secret
from tui_console.self_service import AuthenticationMethod, Enrollment, SignInMethods, qr_otpauth
from tui_console.ui.screens.sign_in_method_dialogs import (
    ChooseMethodScreen,
    NewMethod,
    NewMethodScreen,
    RecoveryCodeScreen,
)
from tui_console.ui.screens.verify_code import CodeRequest, VerifyCodeScreen
from tui_console.ui.widgets.confirm import ConfirmScreen
from tui_console.ui.widgets.status_line import StatusLine

__all__ = ["EnrollmentFlow", "EnrollmentHost", "kind_words"]

#: How the in-process demo tenant "sends" a code (``dev tenant: email to X: your code is N``).
_DEMO_SENT = re.compile(r"dev tenant: (?:email|sms) to \S+: your code is \d+")

_KIND_WORDS = {
    "totp": "authenticator app",
    "email": "email code",
    "phone": "phone code",
    "recovery-code": "recovery code",
}


def kind_words(kind: str) -> str:
    """An enrollment kind in words (``totp``: "authenticator app"); unknown kinds as they are."""
    return _KIND_WORDS.get(kind, kind)


class EnrollmentHost(Protocol):
    """What the flow needs of the tab it runs in (the Security pane)."""

    @property
    def app(self) -> App[object]: ...

    @property
    def sign_in(self) -> SignInMethods: ...

    @property
    def status(self) -> StatusLine: ...

    def show_error(self, error: TuiConsoleError, *, doing: str = "", then: str = "") -> None: ...

    def run_worker(
        self, work: Any, *, name: str, group: str, exclusive: bool, exit_on_error: bool
    ) -> object: ...

    def show_pending(self) -> None:
        """Show (or hide) the line naming the enrollment that waits."""

    def load_after_change(self) -> None:
        """List the methods again, keeping what the status line says."""


class EnrollmentFlow:
    """The dialogs that add a sign-in method, or finish one that waits for its code."""

    def __init__(self, host: EnrollmentHost) -> None:
        self._host = host
        self._outbox: str | None = None
        """The demo tenant's last "sent" code message (see :meth:`heard`)."""

    def _in_background(self, name: str, work: Coroutine[Any, Any, None]) -> None:
        """Run one change at a time (the tab's renames and removals share the group)."""
        self._host.run_worker(
            work, name=name, group="security-change", exclusive=True, exit_on_error=False
        )

    # -- the demo's "sent" codes -----------------------------------------------------------

    def heard(self, printed: str) -> None:
        """A line the demo tenant printed: keep a sent code for the code prompt."""
        found = _DEMO_SENT.search(printed)
        if found is None:
            return
        self._outbox = found.group(0)
        prompt = self._host.app.screen
        if isinstance(prompt, VerifyCodeScreen) and not prompt.request.qr_uri:
            prompt.show_outbox(self._outbox)

    # -- adding ----------------------------------------------------------------------------

    def add(self) -> None:
        """Choose what to add, then enroll it."""
        app = self._host.app

        def chosen(kind: str | None) -> None:
            if kind is None:
                return
            if kind == "recovery-code":
                self._enroll(NewMethod("recovery-code"))
                return
            app.push_screen(NewMethodScreen(kind), entered)

        def entered(new: NewMethod | None) -> None:
            if new is not None:
                self._enroll(new)

        app.push_screen(ChooseMethodScreen(), chosen)

    def _enroll(self, new: NewMethod) -> None:
        self._in_background("enroll", self._start(new))

    async def _start(self, new: NewMethod) -> None:
        host = self._host
        words = kind_words(new.kind)
        host.status.say(f"Starting the {words}…", "busy")
        self._outbox = None
        try:
            enrollment = await host.sign_in.enroll(
                new.kind,
                name=new.name,
                email=new.email,
                phone_number=new.phone_number,
                preferred=new.preferred,
            )
        except TuiConsoleError as error:
            host.show_error(error, doing=f"Adding the {words}")
            return
        host.status.clear()
        host.show_pending()
        self._prompt(
            enrollment, sent_to=new.email or new.phone_number, by_call=new.preferred == "voice"
        )

    def _prompt(
        self, enrollment: Enrollment, *, sent_to: str | None = None, by_call: bool = False
    ) -> None:
        """Show what the enrollment needs: the QR code and code prompt, the sent code's
        prompt, or the recovery code."""
        if enrollment.recovery_code is not None:

            def stored(done: bool | None) -> None:
                if done:
                    self._verify_recovery(enrollment.id)
                else:
                    self._put_off(enrollment.type)

            self._host.app.push_screen(RecoveryCodeScreen(enrollment.recovery_code), stored)
            return
        if enrollment.barcode_uri is not None:
            request = CodeRequest(
                title="Add an authenticator app",
                explain="Scan the QR code with your authenticator app, or type this code into it:",
                verify=lambda code: self._host.sign_in.verify(enrollment.id, code),
                qr_uri=_shortened(enrollment),
                manual_code=enrollment.manual_input_code,
            )
        else:
            where = f" to {sent_to}" if sent_to else ""
            how = (
                f"A call{where} reads out a one-time code"
                if by_call
                else (f"A one-time code was sent{where}")
            )
            request = CodeRequest(
                title=f"Add the {kind_words(enrollment.type)}",
                explain=f"{how}. Type it here.",
                verify=lambda code: self._host.sign_in.verify(enrollment.id, code),
                outbox=self._outbox,
            )
        self._ask_code(request, enrollment.type)

    def _ask_code(self, request: CodeRequest, kind: str) -> None:
        def answered(method: AuthenticationMethod | None) -> None:
            if method is None:
                self._put_off(kind)
            else:
                self._added(method)

        self._host.app.push_screen(VerifyCodeScreen(request), answered)

    def _put_off(self, kind: str) -> None:
        self._host.show_pending()
        self._host.status.say(f"The {kind_words(kind)} is not added yet.", "warning")

    def _added(self, method: AuthenticationMethod) -> None:
        named = f" ({method.name})" if method.name else ""
        self._host.status.say(f"Added the {method.label}{named}.", "ok")
        self._host.show_pending()
        self._host.load_after_change()

    def _verify_recovery(self, method_id: str) -> None:
        self._in_background("verify_recovery", self._finish_recovery(method_id))

    async def _finish_recovery(self, method_id: str) -> None:
        host = self._host
        host.status.say("Finishing the recovery code…", "busy")
        try:
            method = await host.sign_in.verify(method_id)
        except TuiConsoleError as error:
            host.show_error(error, doing="Finishing the recovery code")
            host.show_pending()
            return
        self._added(method)

    # -- finishing a pending enrollment ----------------------------------------------------

    def finish_pending(self) -> None:
        """Ask for the code of the newest enrollment that waits (its QR code again when this
        console started it)."""
        host = self._host
        sign_in = host.sign_in
        try:
            waiting = sign_in.waiting()
        except TuiConsoleError as error:
            host.show_error(error, doing="Reading the pending enrollments")
            return
        if not waiting:
            host.status.say("No enrollment is waiting for its code.")
            host.show_pending()
            return
        pending = waiting[-1]
        started = sign_in.started(pending.id)
        if started is not None:
            self._prompt(started)
            return
        if pending.type == "recovery-code":
            self._confirm_recovery_stored(pending.id)
            return
        explain = (
            "Started outside this console, so its QR code is not kept. If you added it to "
            "your app, type the code the app shows; otherwise press Later and add it again."
            if pending.type == "totp"
            else "Type the one-time code that was sent."
        )
        self._ask_code(
            CodeRequest(
                title=f"Finish the {kind_words(pending.type)}",
                explain=explain,
                verify=lambda code: self._host.sign_in.verify(pending.id, code),
            ),
            pending.type,
        )

    def _confirm_recovery_stored(self, method_id: str) -> None:
        def answered(stored: bool | None) -> None:
            if stored:
                self._verify_recovery(method_id)
            else:
                self._put_off("recovery-code")

        self._host.app.push_screen(
            ConfirmScreen(
                "Finish the recovery code?",
                "It was shown when it was started, outside this console, and cannot be "
                "shown again. Finish only if you stored it; otherwise add a new one.",
                confirm_label="Stored it",
                cancel_label="Later",
            ),
            answered,
        )


def _shortened(enrollment: Enrollment) -> Secret | None:
    """The enrollment's ``otpauth://`` URI without the default parameters (a smaller code)."""
    if enrollment.barcode_uri is None:
        return None
    return Secret(qr_otpauth(enrollment.barcode_uri.reveal()))
