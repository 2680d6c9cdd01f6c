"""The Devices tab of a user's page: the device credentials Auth0 holds for them, and revoking one.

With ``read:device_credentials`` the console lists them for real (the end user's own console can
only revoke by id): a row per credential of every type (public key, refresh token, rotating
refresh token; the facade pages through each type, Auth0 requiring the type when paging): the
device's name, the kind in words, the application (its client id: a credential carries no
application name), the credential's id and the device's. Auth0 keeps no creation time for a
device credential, so none is shown. ``x`` revokes the selected one after a typed word.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from tui_console.errors import TuiConsoleError
from tui_console.support import DeviceCredential
from tui_console.ui.support.records_pane import RecordAction, RecordsPane
from tui_console.ui.support.trouble_confirmations import revoke_device_confirm

__all__ = ["DevicesTab", "credential_kind"]

_KINDS = {
    "public_key": "public key",
    "refresh_token": "refresh token",
    "rotating_refresh_token": "rotating refresh token",
}


def credential_kind(credential: DeviceCredential) -> str:
    """``public key``, ``refresh token``…; an unknown type as Auth0 wrote it."""
    return _KINDS.get(credential.type or "", credential.type or "credential")


class DevicesTab(RecordsPane[DeviceCredential]):
    """The user's device credentials, a detail view each, and revoking one.

    | Key | Action |
    | --- | --- |
    | `enter` | The whole credential |
    | `x` | Revoke the selected credential (typed confirmation) |
    | `r` | Read them again |
    | `/` | Filter the rows |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "revoke", "Revoke", id="support.devices.revoke",
                tooltip="Revoke the selected device credential (asks first)"),
    ]  # fmt: skip

    SUPPORT_ACTIONS = {"revoke": "devices.revoke", "reload": "devices.list"}
    RECORD_ACTIONS = frozenset({"revoke"})
    NOUN = ("device credential", "device credentials")
    COLUMNS = ("Device", "Kind", "Application", "Credential", "Device id")
    LIST_ACTION = "devices.list"
    KEYS_HINT = "Enter: details · x: revoke"

    cut = False

    async def fetch(
        self, checkpoint: str | None
    ) -> tuple[Sequence[DeviceCredential], str | None, int | None]:
        found = await self.desk.device_credentials(self.user.user_id)
        self.cut = found.cut
        return found.credentials, None, None

    def loaded(self) -> None:
        if self.cut:
            self.status.say(
                f"{self.summary()}\nAuth0 lists at most 1,000 of each type: some are not shown.",
                "warning",
            )

    def record_id(self, record: DeviceCredential) -> str:
        return record.id

    def cells(self, record: DeviceCredential, now: float) -> tuple[str, ...]:
        return (
            record.device_name or "—",
            credential_kind(record),
            record.client_id or "—",
            record.id,
            record.device_id or "—",
        )

    def show_record(self, record: DeviceCredential) -> None:
        rows = [
            ("Credential", record.id),
            ("Kind", credential_kind(record)),
            ("Device", record.device_name or "—"),
            ("Device id", record.device_id or "—"),
            ("Application", record.client_id or "—"),
            ("User", record.user_id or self.user.user_id),
            ("Created", "not kept by Auth0 for device credentials"),
        ]
        revoke = RecordAction(
            "revoke", "Revoke", "devices.revoke", lambda: self.confirm_revoke(record)
        )
        self.show_detail("Device credential", rows, (revoke,))

    def action_revoke(self) -> None:
        """Revoke the selected credential (typed confirmation)."""
        if self.refuse_if_unavailable("revoke"):
            return
        chosen = self.selected()
        if chosen is None:
            self.status.say("No device credential is selected: there is nothing to revoke.")
            return
        self.confirm_revoke(chosen)

    def confirm_revoke(self, credential: DeviceCredential) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._revoke(credential.id)

        self.app.push_screen(
            revoke_device_confirm(credential, credential_kind(credential)), answered
        )

    @work(group="support-device-actions", exit_on_error=False)
    async def _revoke(self, credential_id: str) -> None:
        self.status.say(f"Revoking device credential {credential_id}…", "busy")
        try:
            outcome = await self.desk.revoke_device(credential_id)
        except TuiConsoleError as error:
            self.show_action_error(error, doing="Revoking the device credential")
            return
        self.forget(credential_id)
        self.show_outcome(outcome)
