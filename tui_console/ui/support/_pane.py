"""What every support pane shares: the support facade, actions gated by the token's scopes,
and Auth0's plan refusal worded as what the plan lacks and what still works.

A support pane is a :class:`~tui_console.ui.panes._base.Pane` (lazy first load, status
line, ``/`` filter, Escape out of a field, no traceback ever) whose actions are gated by the
*machine* token's scopes through :meth:`SupportSession.unavailable_reason`: a missing scope
disables the key (the footer shows it dimmed) and the banner says which scope and where to
grant it. There is no step-up here: an application's scopes are granted in the Auth0
dashboard, not by signing in again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import ClassVar

from textual.content import Content
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from tui_console.errors import ResponseLost, TuiConsoleError
from tui_console.redact import redact
from tui_console.support import Outcome, PlanLacksFeature, SupportSession, SupportUser
from tui_console.ui.format import error_text
from tui_console.ui.panes._base import Pane

__all__ = ["GRANT_WHERE", "SupportPane", "UserPane", "worker_failure"]

GRANT_WHERE = (
    "Grant scopes in the Auth0 dashboard: Applications > APIs > Auth0 Management API > "
    "Machine to Machine Applications; then sign in again (tui-console login "
    "--client-credentials)."
)


def worker_failure(event: Worker.StateChanged) -> str | None:
    """What to say when one of a screen's own workers ended in a bug (not a domain error,
    which the worker shows itself): words, never a traceback or locals."""
    if event.state is not WorkerState.ERROR:
        return None
    error = event.worker.error
    if isinstance(error, TuiConsoleError):
        return error_text(error)
    detail = redact(str(error))[:200] if error is not None else ""
    return (
        f"Something went wrong inside the console ({type(error).__name__}: {detail}). "
        "Nothing else was affected; try again."
    )


class SupportPane(Pane):
    """Base of the support console's panes; ``desk`` is the support facade."""

    SUPPORT_ACTIONS: ClassVar[Mapping[str, str]] = {}
    """Binding action → the :data:`~tui_console.support.SUPPORT_SCOPES` key it needs."""

    def __init__(
        self,
        desk: SupportSession,
        *,
        clock: Callable[[], float] = time.time,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(desk.account, clock=clock, id=id, classes=classes)
        self.desk = desk
        self._reasons: dict[str, str] = {}

    # -- scopes ----------------------------------------------------------------------------

    def refresh_scopes(self) -> None:
        """Which of this pane's actions the machine token's scopes do not allow (no network)."""
        reasons: dict[str, str] = {}
        for action, key in self.SUPPORT_ACTIONS.items():
            reason = self.desk.unavailable_reason(key)
            if reason is not None:
                reasons[action] = reason
        self._reasons = reasons
        banners = self.query(".pane--banner")
        if banners:
            lines = list(dict.fromkeys(reasons.values()))
            if lines:
                lines.append(GRANT_WHERE)
            banner = banners.first(Static)
            banner.update(Content("\n".join(lines)))
            banner.set_class(bool(lines), "-shown")
        self.refresh_bindings()

    def unavailable(self, action: str) -> str | None:
        """Why ``action`` (a binding action) is off with this token, or ``None``."""
        return self._reasons.get(action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "step_up":
            return False  # scopes come from the dashboard, not from signing in again
        if action in self._reasons:
            return None
        return super().check_action(action, parameters)

    def refuse_if_unavailable(self, action: str) -> bool:
        """Say why ``action`` cannot run (and return True) when its scope is missing."""
        reason = self.unavailable(action)
        if reason is None:
            return False
        self.status.say(f"{reason}\n{GRANT_WHERE}", "warning")
        return True

    # -- results ---------------------------------------------------------------------------

    def show_read_error(self, error: TuiConsoleError, *, what: str) -> None:
        """A read failed: a plan without the feature is a warning saying what still works."""
        if isinstance(error, PlanLacksFeature):
            # The hint names the command; here the same thing is a key.
            text = error_text(error).replace(
                "(support sign-out-everywhere)", "(o on the user's page)"
            )
            self.status.say(text, "warning")
            return
        self.show_error(error, doing=f"Loading {what}")

    def show_outcome(self, outcome: Outcome) -> None:
        """What Auth0 accepted, and what it does not undo, inline and as a notification."""
        text = "\n".join((outcome.summary, *outcome.caveats))
        self.status.say(text, "ok")
        self.notify(outcome.summary, title="Accepted", markup=False)

    def show_action_error(self, error: TuiConsoleError, *, doing: str) -> None:
        """An action failed; a lost answer says it may have applied and how to check."""
        if isinstance(error, ResponseLost):
            self.show_error(
                error,
                doing=doing,
                then="It may have applied: press r to reload the list and see what is left.",
            )
            return
        self.show_error(error, doing=doing)


class UserPane(SupportPane):
    """A tab of a user's page: the support facade and the user it is about."""

    def __init__(
        self,
        desk: SupportSession,
        user: SupportUser,
        *,
        clock: Callable[[], float] = time.time,
        id: str | None = None,
    ) -> None:
        super().__init__(desk, clock=clock, id=id)
        self.user = user
