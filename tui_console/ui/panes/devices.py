"""The Devices tab: device credentials (public keys, refresh tokens), revoke and add a key.

Auth0 lets only admin tokens *list* device credentials (``read:device_credentials``,
auth0-reference.md §6.6), so with a personal sign-in the list usually fails with
"insufficient scope". The pane says so plainly and still offers what a person can do:
revoke a credential by its id, add a public key for a device, and see the keys this console
added in this session.
"""

from __future__ import annotations

import weakref
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.coordinate import Coordinate
from textual.widgets import Input, Label, Select, Static

from tui_console.account import DeviceCredential, InsufficientScope
from tui_console.errors import TuiConsoleError
from tui_console.ui.format import cell
from tui_console.ui.panes._base import Pane, PaneSession
from tui_console.ui.screens.add_device_key import AddDeviceKeyScreen, NewDeviceKey
from tui_console.ui.widgets.confirm import ConfirmScreen
from tui_console.ui.widgets.filter_table import FilterTable, TableFilter
from tui_console.ui.widgets.status_line import StatusLine

__all__ = ["CREDENTIAL_TYPES", "DevicesPane"]

#: The type filter's choices, in the order ``t`` cycles through them.
CREDENTIAL_TYPES: tuple[str, ...] = ("all", "public_key", "refresh_token", "rotating_refresh_token")

#: Credentials added through this console, per session (kept while the session lives), so the
#: pane can show them even when Auth0 will not list credentials for a personal sign-in.
_ADDED: weakref.WeakKeyDictionary[PaneSession, list[DeviceCredential]] = weakref.WeakKeyDictionary()


class DevicesPane(Pane):
    """Device credentials with a type filter; revoke (`d`), add a key (`a`), revoke by id.

    | Key | Action |
    | --- | --- |
    | `d` | Revoke the selected credential (asks first) |
    | `a` | Add a device public key |
    | `t` | Cycle the type filter |
    | `r` | Reload |
    """

    DEFAULT_CSS = """
    DevicesPane {
        & > #devices-filter-row { height: auto; }
        & #devices-filter-label { padding: 1 1 0 1; width: auto; color: $text-muted; }
        & #devices-filter { width: 34; }
        & > #devices-note { height: auto; padding: 0 1; }
        & > #devices-table { height: 1fr; }
        & > #devices-by-id { height: auto; display: none; }
        & > #devices-by-id.-shown { display: block; }
        & #revoke-id { width: 1fr; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "d",
            "revoke",
            "Revoke",
            id="devices.revoke",
            tooltip="Revoke the selected device credential (asks first)",
        ),
        Binding(
            "a",
            "add_key",
            "Add key",
            id="devices.add",
            tooltip="Register a public key for a device",
        ),
        Binding(
            "t",
            "cycle_type",
            "Type",
            show=False,  # the selector on screen says "Type (t)"; Quit and Help keep their room
            id="devices.type",
            tooltip="Show all credentials, or only one type",
        ),
        Binding(
            "r",
            "reload_devices",
            "Reload",
            id="devices.reload",
            show=False,
            tooltip="List the device credentials again",
        ),
    ]
    BINDING_GROUP_TITLE = "Devices"
    HELP = """\
## Devices

Device credentials: public keys registered for devices, and refresh tokens held by
applications. **t** (or the selector) filters by type.

- **d** revokes the selected credential, after asking. A revoked refresh token signs that
  device out; a revoked key stops working.
- **a** adds a public key for a device: a PEM `PUBLIC KEY`, base64 text, or a DER file.
- **r** reloads.

Auth0 lets only administrators *list* device credentials. With a personal sign-in the list
is refused; you can still revoke a credential **by its id** (the field under the table), add
a key, and see the keys added here in this session.
"""

    SCOPED_ACTIONS = {
        "revoke": ("devices.revoke", "Revoking credentials"),
        "add_key": ("devices.create", "Adding device keys"),
    }

    credentials: tuple[DeviceCredential, ...] = ()
    """Everything known: the listed credentials, then the ones added in this session."""
    listed: bool = False
    """Whether Auth0 listed the credentials (False: only those added here are known)."""
    type_filter: str = "all"
    FILTER_TABLE = "#devices-table"

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, classes="pane--banner", id="devices-banner")
        yield Static("", markup=False, id="devices-note")
        yield TableFilter(id="devices-filter-text")
        yield FilterTable(id="devices-table")  # the pane's home: d, a and t work at once
        with Horizontal(id="devices-filter-row"):
            yield Label("Type (t)", id="devices-filter-label")
            yield Select(
                [(name.replace("_", " "), name) for name in CREDENTIAL_TYPES],
                value="all",
                allow_blank=False,
                id="devices-filter",
            )
        with Horizontal(id="devices-by-id"):
            yield Input(
                placeholder="dcr_… id of a credential to revoke, then Enter", id="revoke-id"
            )
        yield StatusLine(id="devices-status", classes="pane--status")

    def on_mount(self) -> None:
        table = self.table
        table.add_column("name", key="name")
        table.add_column("type", key="type")
        table.add_column("client", key="client")
        table.add_column("id", key="id")
        self.query_one("#revoke-id", Input).cursor_blink = False

    @property
    def table(self) -> FilterTable:
        return self.query_one("#devices-table", FilterTable)

    @property
    def added(self) -> list[DeviceCredential]:
        """The credentials this console added for this session."""
        return _ADDED.setdefault(self.session, [])

    # -- loading and showing -----------------------------------------------------------------

    def load(self) -> None:
        self._load()

    def action_reload_devices(self) -> None:
        """List the credentials again."""
        self._load()

    @work(exclusive=True, group="devices-load", exit_on_error=False)
    async def _load(self) -> None:
        self.status.say("Listing device credentials…", "busy")
        note = self.query_one("#devices-note", Static)
        try:
            page = await self.session.list_devices()
        except InsufficientScope as error:
            self.listed = False
            note.update(
                Content(
                    f"{error.message}\nYou can still revoke a credential by its id (below), "
                    "add a key (a), and see the keys added here in this session."
                )
            )
            self.status.clear()
        except TuiConsoleError as error:
            self.listed = False
            note.update(Content("Could not list device credentials. Revoking by id still works."))
            self.show_error(error, doing="Listing device credentials")
        else:
            self.listed = True
            known = {credential.id for credential in page.credentials}
            extra = tuple(c for c in self.added if c.id not in known)
            self.credentials = page.credentials + extra
            total = f" of {page.total}" if page.total is not None else ""
            note.update(Content(f"{len(page.credentials)}{total} credentials listed by Auth0."))
            self.status.clear()
        if not self.listed:
            self.credentials = tuple(self.added)
        self.query_one("#devices-by-id").set_class(not self.listed, "-shown")
        self._show()

    def _show(self) -> None:
        own_client = self.session.profile.client_id
        rows = []
        for credential in self.credentials:
            if self.type_filter != "all" and credential.type != self.type_filter:
                continue
            client = credential.client_id
            cells = (
                cell(credential.device_name),
                cell(credential.type),
                cell("this app" if client == own_client else client),
                cell(credential.id),
            )
            rows.append((credential.id, cells))
        self.table.set_rows(rows)

    @on(Select.Changed, "#devices-filter")
    def _filter_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.type_filter = event.value
            self._show()

    def action_cycle_type(self) -> None:
        """Show the next credential type (all → public_key → refresh_token → …)."""
        index = CREDENTIAL_TYPES.index(self.type_filter)
        self.query_one("#devices-filter", Select).value = CREDENTIAL_TYPES[
            (index + 1) % len(CREDENTIAL_TYPES)
        ]

    def selected(self) -> DeviceCredential | None:
        """The credential under the table's cursor."""
        table = self.table
        if table.row_count == 0:
            return None
        row_key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key
        return next((c for c in self.credentials if c.id == row_key.value), None)

    # -- revoking --------------------------------------------------------------------------

    def action_revoke(self) -> None:
        """Revoke the selected credential, after asking."""
        if self.refuse_without_scope("revoke"):
            return
        credential = self.selected()
        if credential is None:
            self.status.say("Select a credential to revoke first.", "warning")
            return
        self._confirm_revoke(credential.id, credential.device_name, credential.type)

    @on(Input.Submitted, "#revoke-id")
    def _revoke_by_id(self, event: Input.Submitted) -> None:
        credential_id = event.value.strip()
        if not credential_id:
            return
        if self.refuse_without_scope("revoke"):
            return
        known = next((c for c in self.credentials if c.id == credential_id), None)
        self._confirm_revoke(
            credential_id,
            known.device_name if known else None,
            known.type if known else None,
        )

    def _confirm_revoke(self, credential_id: str, name: str | None, kind: str | None) -> None:
        label = f"{name} ({credential_id})" if name else credential_id
        effect = {
            "public_key": "The key stops working for signing in.",
            "refresh_token": "The application holding it is signed out.",
            "rotating_refresh_token": "The application holding it is signed out.",
        }.get(kind or "", "Whatever uses it stops working.")

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._revoke(credential_id)
            else:
                self.status.say("Nothing was revoked.")

        self.app.push_screen(
            ConfirmScreen(
                f"Revoke {label}?",
                f"{effect} This cannot be undone.",
                confirm_label="Revoke",
                danger=True,
            ),
            answered,
        )

    @work(exclusive=True, group="devices-change", exit_on_error=False)
    async def _revoke(self, credential_id: str) -> None:
        self.status.say(f"Revoking {credential_id}…", "busy")
        try:
            await self.session.revoke_device(credential_id)
        except TuiConsoleError as error:
            self.show_error(error, doing=f"Revoking {credential_id}")
            return
        self.added[:] = [c for c in self.added if c.id != credential_id]
        self.credentials = tuple(c for c in self.credentials if c.id != credential_id)
        self.query_one("#revoke-id", Input).value = ""
        self._show()
        self.status.say(f"Revoked {credential_id}.", "ok")

    # -- adding ----------------------------------------------------------------------------

    def action_add_key(self) -> None:
        """Ask for a device and its public key, then register it."""
        if self.refuse_without_scope("add_key"):
            return

        def answered(new: NewDeviceKey | None) -> None:
            if new is not None:
                self._add(new)

        self.app.push_screen(AddDeviceKeyScreen(), answered)

    @work(exclusive=True, group="devices-change", exit_on_error=False)
    async def _add(self, new: NewDeviceKey) -> None:
        self.status.say(f"Adding the key for {new.name}…", "busy")
        try:
            credential_id = await self.session.add_device(
                name=new.name, public_key=new.public_key, device_id=new.device_id
            )
        except TuiConsoleError as error:
            self.show_error(error, doing="Adding the key")
            return
        credential = DeviceCredential(
            id=credential_id,
            device_name=new.name,
            device_id=new.device_id,
            type="public_key",
            user_id=None,
            client_id=self.session.profile.client_id,
        )
        self.added.append(credential)
        self.credentials = (*self.credentials, credential)
        self._show()
        self.status.say(f"Added the key for {new.name} as {credential_id}.", "ok")
