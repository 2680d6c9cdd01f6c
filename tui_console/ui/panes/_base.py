"""What every account pane shares: the session it talks to, lazy loading, errors, scopes.

A pane is one tab of the main screen. It is given the session (anything with the
:class:`PaneSession` methods: the real :class:`~tui_console.account.AccountSession`, or a
fake in snapshot tests), loads its data in a worker the first time it is shown, and shows
every failure as the error's message and next step in its status line, never as a traceback.

External text (server data, user input, token claims) is never parsed as markup here: status
lines are ``Static(markup=False)`` fed :class:`~textual.content.Content`, table cells are
:class:`rich.text.Text`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, ClassVar, Protocol

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea
from textual.worker import Worker, WorkerState

from tui_console.account import (
    CallLog,
    DeviceCredentialPage,
    Identity,
    MetadataUpdate,
    TokenDetails,
    User,
    UserProfile,
)
from tui_console.config import Profile
from tui_console.errors import TuiConsoleError
from tui_console.redact import redact
from tui_console.ui.format import error_text
from tui_console.ui.messages import StepUpRequested
from tui_console.ui.widgets.filter_table import FilterTable, TableFilter
from tui_console.ui.widgets.status_line import StatusLine

__all__ = ["Pane", "PaneSession"]


class PaneSession(Protocol):
    """The part of :class:`~tui_console.account.AccountSession` the panes use."""

    profile: Profile
    calls: CallLog

    def user_id(self) -> str: ...
    def granted_scopes(self, audience: str | None = None) -> frozenset[str]: ...
    def missing_scope(self, action: str) -> str | None: ...
    async def userinfo(self) -> UserProfile: ...
    async def get_user(self) -> User: ...
    async def update_metadata(
        self, *, set: Mapping[str, Any] | None = None, unset: Iterable[str] = ()
    ) -> MetadataUpdate: ...
    async def link_identity(
        self,
        *,
        open_url: Callable[[str], bool],
        pasted_redirect: Callable[[], Awaitable[str]] | None = None,
        on_progress: Callable[[float], None] | None = None,
        timeout: float = 300,
        on_bad_paste: Callable[[TuiConsoleError], None] | None = None,
    ) -> tuple[Identity, ...]: ...
    async def unlink_identity(
        self, provider: str, identity_user_id: str
    ) -> tuple[Identity, ...]: ...
    async def list_devices(self, *, page: int = 0, per_page: int = 50) -> DeviceCredentialPage: ...
    async def add_device(self, *, name: str, public_key: bytes, device_id: str) -> str: ...
    async def revoke_device(self, credential_id: str) -> None: ...
    def token_details(self) -> list[TokenDetails]: ...
    async def check_signature(self, audience: str | None, *, which: str = "access") -> str: ...
    def reveal_token(self, audience: str | None, *, which: str = "access") -> str: ...


# -- the pane ----------------------------------------------------------------------------------


class Pane(Vertical):
    """Base class of the account panes: lazy first load, status line, scope checks.

    Subclasses implement :meth:`load` (start their workers) and may list the actions they
    gate on scopes in :attr:`SCOPED_ACTIONS` (binding action name → ``REQUIRED_SCOPES`` key).
    A missing scope disables the binding (the footer shows it dimmed), the scope banner says
    why, and ``ctrl+g`` asks the app to sign in again with the missing scopes.
    """

    DEFAULT_CSS = """
    Pane {
        height: 1fr;
        & > .pane--banner {
            height: auto;
            padding: 0 1;
            background: $warning-muted;
            color: $text;
            display: none;
            &.-shown { display: block; }
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+g",
            "step_up",
            "Grant scope",
            id="pane.step_up",
            tooltip="Sign in again asking for the scopes this tab's disabled actions need",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="pane.filter",
            tooltip="Show only the table rows containing what you type (Escape clears)",
        ),
        Binding(
            "escape",
            "leave_field",
            "Leave field",
            id="pane.leave_field",
            priority=True,
            tooltip="Stop typing here: letters and the tab numbers are keys again",
        ),
    ]

    HELP: ClassVar[str] = ""
    """Markdown the help screen shows for this pane."""

    FILTER_TABLE: ClassVar[str | None] = None
    """Selector of the :class:`FilterTable` that ``/`` filters (``None``: no filter here)."""

    SCOPED_ACTIONS: ClassVar[Mapping[str, tuple[str, str]]] = {}
    """Binding action → (``REQUIRED_SCOPES`` key, what it does in words, e.g. "Saving")."""

    def __init__(
        self,
        session: PaneSession,
        *,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.session = session
        self.clock = clock
        self._loaded_once = False
        self._missing: dict[str, str] = {}

    # -- loading ---------------------------------------------------------------------------

    def on_show(self) -> None:
        """Load on first show: a tab the person never opens costs no requests."""
        if not self._loaded_once:
            self._loaded_once = True
            self.refresh_scopes()
            self.load()

    def load(self) -> None:
        """Start loading this pane's data (in workers). Subclasses override."""

    def reload(self) -> None:
        """Re-check scopes and load again now (after a sign-in or a step-up)."""
        self._loaded_once = True
        self.refresh_scopes()
        self.load()

    def invalidate(self) -> None:
        """Re-check scopes now, and load again the next time the pane is shown.

        For panes on tabs not in view after a sign-in; the one in view calls :meth:`reload`.
        """
        self.refresh_scopes()
        self._loaded_once = False

    # -- scopes ----------------------------------------------------------------------------

    def refresh_scopes(self) -> None:
        """Read which gated actions lack their scope (from the stored token, no network)."""
        missing: dict[str, str] = {}
        for action, (key, _) in self.SCOPED_ACTIONS.items():
            try:
                scope = self.session.missing_scope(key)
            except TuiConsoleError:
                scope = None  # no readable session: the load will say so
            if scope:
                missing[action] = scope
        self._missing = missing
        self._show_banner()
        self.refresh_bindings()

    def missing_for(self, action: str) -> str | None:
        """The scope ``action`` lacks, or ``None`` when it may run."""
        return self._missing.get(action)

    def _show_banner(self) -> None:
        banners = self.query(".pane--banner")
        if not banners:
            return
        banner = banners.first(Static)
        lines = []
        for action, scope in self._missing.items():
            what = self.SCOPED_ACTIONS[action][1]
            lines.append(f"{what} is off: needs {scope}.")
        if lines:
            lines.append("ctrl+g: sign in again asking for it.")
        banner.update(Content("\n".join(lines)))
        banner.set_class(bool(lines), "-shown")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Gated actions show dimmed without their scope; ``step_up`` only when one is missing;
        ``leave_field`` only while a text field of this pane has the focus."""
        if action == "leave_field":
            return self.typing_in() is not None
        if action == "filter":
            return self.FILTER_TABLE is not None
        if action == "step_up":
            return bool(self._missing)
        if action in self._missing:
            return None
        return True

    # -- focus -----------------------------------------------------------------------------

    def typing_in(self) -> Widget | None:
        """The text field of this pane that has the focus (keys type into it), if any."""
        focused = self.screen.focused if self.is_attached else None
        if isinstance(focused, Input | TextArea) and self in focused.ancestors:
            return focused
        return None

    def home(self) -> Widget | None:
        """Where the keyboard goes when the tab is shown or a field is left: the first control
        that is not a text field (a table), or the pane itself when it can take the focus.

        Never a text field: navigation keys must not type into a document (issue 10 §2).
        """
        if self.can_focus:
            return self
        for widget in self.query(Widget):
            if widget.focusable and not isinstance(widget, Input | TextArea):
                return widget
        return None

    def focus_home(self) -> None:
        """Give the keyboard to :meth:`home` (or to nothing, so the screen's keys work).

        At once, not with ``Widget.focus()``, which waits a turn: a focus landing after the
        person already chose another tab would show this one again (a focused widget's tab is
        shown)."""
        self.screen.set_focus(self.home())

    def action_leave_field(self) -> None:
        """Escape from a text field: its text stays (the filter's is cleared), the keys are the
        pane's again."""
        field = self.typing_in()
        if field is not None and isinstance(field.parent, TableFilter):
            field.parent.set_class(False, "-shown")
            if isinstance(field, Input):
                field.value = ""
            self._filter_table().set_filter("")
            self._filter_table().focus()
            return
        self.focus_home()

    # -- filtering -------------------------------------------------------------------------

    def _filter_table(self) -> FilterTable:
        assert self.FILTER_TABLE is not None
        return self.query_one(self.FILTER_TABLE, FilterTable)

    def action_filter(self) -> None:
        """Show the filter field above the table and put the cursor in it."""
        if self.FILTER_TABLE is None:
            return
        box = self.query_one(TableFilter)
        box.set_class(True, "-shown")
        box.input.focus()

    @on(Input.Changed, "TableFilter Input")
    def _table_filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter_table().set_filter(event.value)
        self.filter_changed()

    @on(Input.Submitted, "TableFilter Input")
    def _table_filter_kept(self, event: Input.Submitted) -> None:
        event.stop()
        self._filter_table().focus()

    def filter_changed(self) -> None:
        """The filter narrowed or widened the rows (panes may say how many show)."""

    def action_step_up(self) -> None:
        """Ask the app to sign in again with the scopes this pane's actions lack."""
        if not self._missing:
            return
        scopes = tuple(dict.fromkeys(self._missing.values()))
        reason = "; ".join(
            f"{self.SCOPED_ACTIONS[action][1]} needs {scope}"
            for action, scope in self._missing.items()
        )
        self.post_message(StepUpRequested(scopes=scopes, reason=reason))

    def refuse_without_scope(self, action: str) -> bool:
        """Say why ``action`` cannot run (and return True) when its scope is missing."""
        scope = self.missing_for(action)
        if scope is None:
            return False
        what = self.SCOPED_ACTIONS[action][1]
        self.status.say(
            f"{what} needs {scope}, which this sign-in lacks. ctrl+g: sign in again with it.",
            "warning",
        )
        return True

    # -- showing results -------------------------------------------------------------------

    @property
    def status(self) -> StatusLine:
        """This pane's status line (each pane composes one with class ``pane--status``)."""
        return self.query_one(".pane--status", StatusLine)

    def show_error(self, error: TuiConsoleError, *, doing: str = "", then: str = "") -> None:
        """Show ``error``'s message and next step inline, and as a notification.

        ``doing`` names what failed ("Saving"); ``then`` is a last line on what still holds
        ("Your edit is kept").
        """
        text = error_text(error)
        if doing:
            text = f"{doing} failed: {text}"
        if then:
            text = f"{text}\n{then}"
        self.status.say(text, "error")
        self.notify(text, severity="error", markup=False)

    @on(Worker.StateChanged)
    def _on_worker_failed(self, event: Worker.StateChanged) -> None:
        """A bug (not a domain error) ended a worker: say so without a traceback or locals."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, TuiConsoleError):
            self.show_error(error)
            return
        detail = redact(str(error))[:200] if error is not None else ""
        self.status.say(
            f"Something went wrong inside the console ({type(error).__name__}: {detail}). "
            "Nothing else was affected; try again.",
            "error",
        )
