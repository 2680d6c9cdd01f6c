"""The MFA tab of a user's page: their second factors, and the "lost my phone" fixes.

A row per authentication method (``GET /users/{id}/authentication-methods``: the Management
API's ``authenticators``) and, below them, per Guardian enrollment (``GET /users/{id}/
enrollments``, when the token may read users): the type, the name, the masked phone number or
e-mail exactly as Auth0 sends it, the status, when it was enrolled and last used. ``x`` removes
the selected method; ``R`` resets MFA (every method, typed confirmation); ``b`` forgets the
browsers the user asked to remember, so each asks for MFA again. Enrollments are shown for
what they say; they go with their method (remove it, or reset).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from tui_console.errors import TuiConsoleError
from tui_console.support import Enrollment, MfaMethod
from tui_console.ui.support.detail import DetailScreen
from tui_console.ui.support.records_pane import RecordsPane
from tui_console.ui.support.times import moment, relative
from tui_console.ui.support.trouble_confirmations import (
    forget_browsers_confirm,
    remove_method_confirm,
    reset_mfa_confirm,
)

__all__ = ["MfaFactor", "MfaTab", "factors"]


@dataclass(frozen=True)
class MfaFactor:
    """One row: an authentication method (removable) or a Guardian enrollment (shown)."""

    method: MfaMethod | None = None
    enrollment: Enrollment | None = None

    @property
    def id(self) -> str:
        if self.method is not None:
            return self.method.id
        assert self.enrollment is not None
        return f"enrollment:{self.enrollment.id}"


def factors(methods: Sequence[MfaMethod], enrollments: Sequence[Enrollment]) -> list[MfaFactor]:
    """The methods first, then the enrollments."""
    return [MfaFactor(method=m) for m in methods] + [MfaFactor(enrollment=e) for e in enrollments]


_STATUS = {True: "confirmed", False: "pending", None: "—"}


class MfaTab(RecordsPane[MfaFactor]):
    """The user's MFA methods and enrollments; remove one, reset all, forget browsers.

    | Key | Action |
    | --- | --- |
    | `enter` | The whole method or enrollment |
    | `x` | Remove the selected method (typed confirmation) |
    | `R` | Reset MFA: remove every method, "lost my phone" (typed confirmation) |
    | `b` | Forget remembered browsers: each asks for MFA again (typed confirmation) |
    | `r` | Read them again |
    | `/` | Filter the rows |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "remove", "Remove", id="support.mfa.remove",
                tooltip="Remove the selected MFA method (asks first)"),
        Binding("R", "reset", "Reset MFA", id="support.mfa.reset",
                tooltip="Remove every MFA method: the lost-my-phone fix (asks first)"),
        Binding("b", "forget_browsers", "Forget browsers", id="support.mfa.forget_browsers",
                tooltip="Every remembered browser asks for MFA again (asks first)"),
    ]  # fmt: skip

    SUPPORT_ACTIONS = {
        "remove": "mfa.remove",
        "reset": "mfa.reset",
        "forget_browsers": "mfa.forget_browsers",
        "reload": "mfa.list",
    }
    NOUN = ("MFA method or enrollment", "MFA methods or enrollments")
    COLUMNS = ("Kind", "Type", "Name", "Phone/e-mail", "Status", "Enrolled", "Last used", "Id")
    LIST_ACTION = "mfa.list"
    KEYS_HINT = "Enter: details · x: remove · R: reset all · b: forget browsers"

    enrollments_note: str | None = None

    async def fetch(
        self, checkpoint: str | None
    ) -> tuple[Sequence[MfaFactor], str | None, int | None]:
        user_id = self.user.user_id
        methods = await self.desk.mfa_methods(user_id)
        reason = self.desk.unavailable_reason("mfa.enrollments")
        enrollments = await self.desk.enrollments(user_id) if reason is None else ()
        self.enrollments_note = f"Enrollments are not shown: {reason}" if reason else None
        return factors(methods, enrollments), None, None

    def loaded(self) -> None:
        if self.enrollments_note:
            self.status.say(f"{self.summary()}\n{self.enrollments_note}", "info")

    @property
    def methods(self) -> list[MfaMethod]:
        return [f.method for f in self.records if f.method is not None]

    def record_id(self, record: MfaFactor) -> str:
        return record.id

    def cells(self, record: MfaFactor, now: float) -> tuple[str, ...]:
        if record.method is not None:
            m = record.method
            return (
                "method",
                m.type or "—",
                m.name or "—",
                m.detail or "—",
                _STATUS[m.confirmed],
                relative(m.created_at, now),
                relative(m.last_auth_at, now, missing="never"),
                m.id,
            )
        e = record.enrollment
        assert e is not None
        return (
            "enrollment",
            e.auth_method or e.type or "—",
            e.name or "—",
            e.phone_number or e.identifier or "—",
            e.status or "—",
            relative(e.enrolled_at, now),
            relative(e.last_auth, now, missing="never"),
            e.id,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in self._reasons:
            chosen = self.selected()
            if action == "remove" and (chosen is None or chosen.method is None):
                return None
            if action == "reset" and not self.methods:
                return None
        return super().check_action(action, parameters)

    def on_data_table_row_highlighted(self) -> None:
        """The selected row decides whether ``x`` applies (a method, not an enrollment)."""
        self.refresh_bindings()

    def show_record(self, record: MfaFactor) -> None:
        now = self.clock()
        if record.method is not None:
            m = record.method
            rows = [
                ("Method", m.id),
                ("Type", m.type or "—"),
                ("Name", m.name or "—"),
                ("Phone/e-mail", m.detail or "— (Auth0 masks them as shown)"),
                ("Status", _STATUS[m.confirmed]),
                ("Preferred", m.preferred_authentication_method or "—"),
                ("Linked", ", ".join(m.linked) or "—"),
                ("Enrolled", moment(m.created_at, now)),
                ("Last used", moment(m.last_auth_at, now, missing="never")),
            ]
            reason = self.desk.unavailable_reason("mfa.remove")
            if reason:
                rows.append(("Off", reason))
            method = m

            def chosen(action: str | None) -> None:
                if action == "remove":
                    self.confirm_remove(method)

            self.app.push_screen(
                DetailScreen(
                    "MFA method",
                    rows,
                    actions=(("remove", "Remove"),),
                    disabled=("remove",) if reason else (),
                ),
                chosen,
            )
            return
        e = record.enrollment
        assert e is not None
        rows = [
            ("Enrollment", e.id),
            ("Method", e.auth_method or e.type or "—"),
            ("Name", e.name or "—"),
            ("Phone", e.phone_number or "—"),
            ("Identifier", e.identifier or "—"),
            ("Status", e.status or "—"),
            ("Enrolled", moment(e.enrolled_at, now)),
            ("Last used", moment(e.last_auth, now, missing="never")),
            ("Removing", "goes with its authentication method: remove that (x), or reset (R)"),
        ]
        self.app.push_screen(DetailScreen("Guardian enrollment", rows))

    # -- acting ------------------------------------------------------------------------------

    @property
    def _who(self) -> str:
        return self.user.user.email or self.user.user_id

    def action_remove(self) -> None:
        """Remove the selected method (typed confirmation)."""
        if self.refuse_if_unavailable("remove"):
            return
        chosen = self.selected()
        if chosen is None or chosen.method is None:
            self.status.say(
                "Select an authentication method (an enrollment goes with its method).", "info"
            )
            return
        self.confirm_remove(chosen.method)

    def confirm_remove(self, method: MfaMethod) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(method.id)

        self.app.push_screen(remove_method_confirm(self._who, method), answered)

    def action_reset(self) -> None:
        """Remove every method (typed confirmation)."""
        if self.refuse_if_unavailable("reset"):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._reset()

        self.app.push_screen(reset_mfa_confirm(self._who, len(self.methods)), answered)

    def action_forget_browsers(self) -> None:
        """Every remembered browser asks for MFA again (typed confirmation)."""
        if self.refuse_if_unavailable("forget_browsers"):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._forget_browsers()

        self.app.push_screen(forget_browsers_confirm(self._who), answered)

    @work(group="support-mfa-actions", exit_on_error=False)
    async def _remove(self, method_id: str) -> None:
        self.status.say(f"Removing {method_id}…", "busy")
        try:
            outcome = await self.desk.remove_mfa_method(self.user.user_id, method_id)
        except TuiConsoleError as error:
            self.show_action_error(error, doing="Removing the MFA method")
            return
        self.forget(method_id)
        self.show_outcome(outcome)

    @work(group="support-mfa-actions", exit_on_error=False)
    async def _reset(self) -> None:
        self.status.say("Removing every MFA method…", "busy")
        try:
            outcome = await self.desk.reset_mfa(self.user.user_id)
        except TuiConsoleError as error:
            self.show_action_error(error, doing="Resetting MFA")
            return
        self.records = [f for f in self.records if f.method is None]
        self.redraw()
        self.refresh_bindings()
        self.show_outcome(outcome)

    @work(group="support-mfa-actions", exit_on_error=False)
    async def _forget_browsers(self) -> None:
        self.status.say("Forgetting the remembered browsers…", "busy")
        try:
            outcome = await self.desk.forget_browsers(self.user.user_id)
        except TuiConsoleError as error:
            self.show_action_error(error, doing="Forgetting the browsers")
            return
        self.show_outcome(outcome)
