"""The Identities tab: the login methods linked to the account, with link and unlink.

The primary identity *is* the account (its ``provider|user_id`` is the user id), so it cannot
be unlinked; the pane says why instead of asking. Unlinking another one turns it into a
separate user with no metadata (auth0-reference.md §6.5), so the person confirms by typing
the provider's name. Linking signs in to the other account in a browser (Auth0 takes its ID
token, and only from this same application, §6.4): the app's opener is used when it has one,
and the URL is always shown with a field to paste the redirect for a browser on another
machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Static

from tui_console.account import Identity, NothingUnlinked
from tui_console.durations import words
from tui_console.errors import TuiConsoleError
from tui_console.terminal_text import printable
from tui_console.ui.format import cell, error_text
from tui_console.ui.panes._base import Pane
from tui_console.ui.widgets.confirm import TypedConfirmScreen
from tui_console.ui.widgets.filter_table import FilterTable, TableFilter
from tui_console.ui.widgets.status_line import StatusLine

__all__ = ["IdentitiesPane", "profile_summary"]


def profile_summary(profile_data: Mapping[str, Any] | None) -> str:
    """``Ada Lovelace <ada@example.com>`` from an identity's ``profileData`` (— when none)."""
    if not profile_data:
        return "—"
    name = profile_data.get("name") or profile_data.get("nickname")
    email = profile_data.get("email")
    parts = [str(name)] if isinstance(name, str) and name else []
    if isinstance(email, str) and email:
        parts.append(f"<{email}>")
    return " ".join(parts) or "—"


class IdentitiesPane(Pane):
    """The linked identities in a table; `l` links another account, `u` unlinks one.

    | Key | Action |
    | --- | --- |
    | `l` | Link another account (browser sign-in) |
    | `u` | Unlink the selected identity (type its provider to confirm) |
    | `r` | Reload |
    | `escape` | Stop a link in progress |
    """

    DEFAULT_CSS = """
    IdentitiesPane {
        & > #identities-table { height: 1fr; }
        & > #identities-link { height: auto; display: none; padding: 0 1;
                               border-top: solid $secondary; }
        & > #identities-link.-shown { display: block; }
        & #link-url { height: auto; }
        & #link-paste { margin: 0; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "l",
            "link",
            "Link",
            id="identities.link",
            tooltip="Sign in to another account in a browser and link it to this one",
        ),
        Binding(
            "u",
            "unlink",
            "Unlink",
            id="identities.unlink",
            tooltip="Unlink the selected identity (you type its provider to confirm)",
        ),
        Binding(
            "r",
            "reload_identities",
            "Reload",
            id="identities.reload",
            show=False,
            tooltip="Read the linked identities again",
        ),
        Binding(
            "escape",
            "stop_link",
            "Stop linking",
            id="identities.stop_link",
            show=False,
            tooltip="Stop waiting for the browser sign-in",
        ),
        Binding(
            "ctrl+y",
            "copy_link_url",
            "Copy URL",
            id="identities.copy_link_url",
            tooltip="Copy the sign-in address of the link in progress (OSC 52)",
        ),
    ]
    BINDING_GROUP_TITLE = "Identities"
    HELP = """\
## Identities

The login methods linked to your account: provider, connection, the id at that provider, and
what that provider says about you. The **primary** identity is the account itself.

- **l** links another account: sign in to it in a browser. If the browser is on another
  machine, paste the address it ends up on (starting `http://127.0.0.1`) into the field shown;
  a wrong paste says why and you can paste again while the sign-in lasts. **ctrl+y** copies
  the sign-in address (to open it on that other machine). **escape** stops waiting.
- **u** unlinks the selected identity after you type its provider name. The unlinked identity
  becomes a separate account **with no metadata**. The primary identity cannot be unlinked.
- **r** reloads.
"""

    SCOPED_ACTIONS = {
        "link": ("identities.link", "Linking accounts"),
        "unlink": ("identities.unlink", "Unlinking"),
        "reload_identities": ("user.read", "Reading your account"),
    }

    identities: tuple[Identity, ...] = ()
    """The identities shown, in table order."""
    user_id: str | None = None
    """The account's user id (``provider|id`` of the primary identity)."""
    _paste: asyncio.Queue[str] | None = None
    """The pasted addresses of the link in progress (``None``: no link is running)."""
    _link_url: str | None = None
    _paste_mistake: str | None = None
    """Why the last paste was refused, kept on the status line until the next paste."""
    FILTER_TABLE = "#identities-table"

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, classes="pane--banner", id="identities-banner")
        yield TableFilter(id="identities-filter")
        yield FilterTable(id="identities-table")
        with Vertical(id="identities-link"):
            yield Static("", markup=False, id="link-url")
            yield Input(
                placeholder="paste the http://127.0.0.1:…/callback?… address here, then Enter",
                id="link-paste",
            )
        yield StatusLine(id="identities-status", classes="pane--status")

    def on_mount(self) -> None:
        table = self.query_one("#identities-table", DataTable)
        # Most telling first, so an 80-column terminal shows which identity is primary.
        table.add_column("provider", key="provider")
        table.add_column("primary", key="primary")
        table.add_column("user id", key="user_id")
        table.add_column("profile", key="profile")
        table.add_column("connection", key="connection")
        self.query_one("#link-paste", Input).cursor_blink = False

    @property
    def table(self) -> FilterTable:
        return self.query_one("#identities-table", FilterTable)

    # -- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        if self.missing_for("reload_identities"):
            self.status.say("Reading your identities needs read:current_user.", "warning")
            return
        self._load()

    def action_reload_identities(self) -> None:
        """Load the identities again."""
        if not self.refuse_without_scope("reload_identities"):
            self._load()

    @work(exclusive=True, group="identities-load", exit_on_error=False)
    async def _load(self, warning: str = "") -> None:
        """Load the identities; ``warning`` stays on the status line afterwards."""
        if not warning:
            self.status.say("Loading your identities…", "busy")
        try:
            user = await self.session.get_user()
        except TuiConsoleError as error:
            self.show_error(error, doing="Loading identities")
            return
        self.user_id = user.user_id
        self._show(user.identities)
        if warning:
            self.status.say(warning, "warning")
        else:
            self.status.clear()

    def _show(self, identities: tuple[Identity, ...]) -> None:
        self.identities = identities
        rows = []
        for index, identity in enumerate(identities):
            primary = identity.qualified_id == self.user_id
            cells = (
                cell(identity.provider, "bold" if primary else ""),
                cell("★ primary" if primary else "linked"),
                cell(identity.user_id),
                cell(profile_summary(identity.profile_data)),
                cell(identity.connection),
            )
            rows.append((str(index), cells))
        self.table.set_rows(rows)

    def selected(self) -> Identity | None:
        """The identity under the table's cursor (rows are keyed by their index)."""
        table = self.table
        if table.row_count == 0 or not self.identities:
            return None
        row_key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key
        index = int(row_key.value or 0)
        return self.identities[index] if 0 <= index < len(self.identities) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``escape`` stops a link only while one is running (otherwise it is not ours)."""
        if action in ("stop_link", "copy_link_url"):
            return self._paste is not None
        return super().check_action(action, parameters)

    # -- unlinking -------------------------------------------------------------------------

    def action_unlink(self) -> None:
        """Unlink the selected identity, after the person types its provider name."""
        if self.refuse_without_scope("unlink"):
            return
        identity = self.selected()
        if identity is None:
            self.status.say("Select an identity to unlink first.", "warning")
            return
        if identity.qualified_id == self.user_id:
            self.status.say(
                f"{identity.provider} ({identity.user_id}) is the primary identity: it is the "
                "account itself, so it cannot be unlinked. Unlink the others instead.",
                "warning",
            )
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._unlink(identity)
            else:
                self.status.say("Nothing was unlinked.")

        self.app.push_screen(
            TypedConfirmScreen(
                f"Unlink the {identity.provider} identity {identity.user_id}?",
                f"Signing in with {identity.provider} "
                f"({profile_summary(identity.profile_data)}) will no longer open this "
                "account. It becomes a separate account with no metadata. Linking it back "
                "needs a browser sign-in to it.",
                identity.provider,
                confirm_label="Unlink",
            ),
            answered,
        )

    @work(exclusive=True, group="identities-change", exit_on_error=False)
    async def _unlink(self, identity: Identity) -> None:
        self.status.say(f"Unlinking {identity.provider}…", "busy")
        try:
            remaining = await self.session.unlink_identity(identity.provider, identity.user_id)
        except NothingUnlinked as error:
            warning = f"Nothing was unlinked. {error_text(error)}"
            self.status.say(warning, "warning")
            self._load(warning)  # show the identities as they are now
            return
        except TuiConsoleError as error:
            self.show_error(error, doing="Unlinking")
            return
        self._show(remaining)
        self.status.say(
            f"Unlinked {identity.provider} {identity.user_id}; it is now a separate account.",
            "ok",
        )

    # -- linking ---------------------------------------------------------------------------

    def action_link(self) -> None:
        """Sign in to another account in a browser and link it to this one."""
        if self.refuse_without_scope("link"):
            return
        self._link()

    def action_leave_field(self) -> None:
        """Escape in the paste field while linking stops the link, as the status line says."""
        if self._paste is not None:
            self.action_stop_link()
            return
        super().action_leave_field()

    def action_stop_link(self) -> None:
        """Stop waiting for the browser sign-in."""
        for worker in self.workers:
            if worker.group == "identities-link" and worker.is_running:
                worker.cancel()
                self._end_link()
                self.status.say("Linking stopped; nothing was linked.")

    @work(exclusive=True, group="identities-link", exit_on_error=False)
    async def _link(self) -> None:
        opener: Callable[[str], bool] | None = getattr(self.app, "open_url_in_browser", None)
        self._paste = pastes = asyncio.Queue[str]()
        self.status.say("Starting the browser sign-in for the account to link…", "busy")

        def open_url(url: str) -> bool:
            opened = False
            if opener is not None:
                try:
                    opened = bool(opener(url))
                except Exception:  # an opener that fails is a browser that did not open
                    opened = False
            self._link_url = url
            how = "A browser was opened." if opened else "Open this address in a browser:"
            self._begin_link(
                f"{how} Sign in to the account to link.\n{url}\nIf the browser is on "
                "another machine, paste the address it ends up on below."
            )
            return opened

        def bad_paste(error: TuiConsoleError) -> None:
            self.query_one("#link-paste", Input).value = ""
            self._paste_mistake = error.message
            self.status.say(f"{error.message} Paste the address again, or escape to stop.", "error")

        def progress(left: float) -> None:
            if self._paste_mistake is not None:
                self.status.say(
                    f"{self._paste_mistake} Paste the address again ({words(left)} left), "
                    "or escape to stop.",
                    "error",
                )
                return
            self.status.say(f"Waiting for the browser sign-in: {words(left)} left. escape: stop")

        try:
            identities = await self.session.link_identity(
                open_url=open_url,
                pasted_redirect=pastes.get,
                on_progress=progress,
                on_bad_paste=bad_paste,
            )
        except TuiConsoleError as error:
            self.show_error(error, doing="Linking")
            return
        finally:
            self._end_link()
        self._show(identities)
        self.status.say("Linked. The new identity is in the table.", "ok")

    def _begin_link(self, text: str) -> None:
        self.refresh_bindings()
        self.query_one("#link-url", Static).update(Content(printable(text)))
        self.query_one("#identities-link").add_class("-shown")
        self.query_one("#link-paste", Input).focus()

    def _end_link(self) -> None:
        self._paste = self._link_url = self._paste_mistake = None
        self.refresh_bindings()
        panel = self.query_one("#identities-link")
        panel.remove_class("-shown")
        self.query_one("#link-paste", Input).value = ""
        self.table.focus()

    @on(Input.Submitted, "#link-paste")
    def _pasted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value and self._paste is not None:
            self._paste_mistake = None
            self._paste.put_nowait(value)
            self.status.say("Completing the sign-in…", "busy")

    def action_copy_link_url(self) -> None:
        """Copy the link's sign-in address, to open it in a browser on another machine."""
        if self._link_url is None:
            self.status.say("The sign-in address is not ready yet.")
            return
        self.app.copy_to_clipboard(self._link_url)
        self.status.say(
            "Copied the sign-in address (through the terminal, which cannot confirm receipt)."
        )
