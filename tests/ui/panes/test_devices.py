"""The Devices pane: the admin-only list said plainly, revoke by id, add a key, the filter."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Input, Select, Static, TextArea

from tests.management.test_public_keys import key_pair
from tests.ui.fakes import FakeSession
from tests.ui.helpers import text_of, wait_for
from tests.ui.panes.harness import PaneHarness
from tui_console.account import AccountSession
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.seed import DEMO_USER_ID
from tui_console.ui.panes import DevicesPane
from tui_console.ui.screens.add_device_key import AddDeviceKeyScreen
from tui_console.ui.widgets.confirm import ConfirmScreen

SEEDED_KEY = "dcr_Ad4L0v3lac3K3y01"


def on_tenant(tenant: RunningTenant) -> dict[str, Any]:
    return {c.id: c for c in tenant.state.list_device_credentials(user_id=DEMO_USER_ID)}


def ids_shown(pane: DevicesPane) -> list[str]:
    table: DataTable[Text] = pane.query_one("#devices-table", DataTable)
    return [table.get_cell(row, "id").plain for row in table.rows]


async def press_confirm(pilot: Any) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("tab", "enter")  # dangerous: Cancel has the focus, Revoke is next
    await pilot.pause()


class TestPersonalSignIn:
    async def test_the_admin_only_list_is_explained_and_revoke_by_id_works(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        """Auth0 refuses the list (403 insufficient_scope): the pane says so and revoking by
        id still works, after a confirmation."""
        app = PaneHarness(lambda: DevicesPane(session, id="devices"))
        async with app.run_test(size=(100, 30)) as pilot:
            pane = app.query_one(DevicesPane)
            by_id = pane.query_one("#devices-by-id")
            await wait_for(pilot, lambda: by_id.has_class("-shown"))
            note = text_of(pane.query_one("#devices-note", Static))
            assert "needs an admin scope (read:device_credentials)" in note
            assert "You can still revoke a credential by its id" in note
            assert pane.listed is False
            assert ids_shown(pane) == []

            field = pane.query_one("#revoke-id", Input)
            field.focus()
            field.value = SEEDED_KEY
            await pilot.press("enter")
            await press_confirm(pilot)
            await wait_for(pilot, lambda: pane.status.tone == "ok")
            assert pane.status.text == f"✓ Revoked {SEEDED_KEY}."
        assert SEEDED_KEY not in on_tenant(tenant)

    async def test_cancelling_revokes_nothing(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        """Escape in the revoke dialog leaves the credential in place."""
        app = PaneHarness(lambda: DevicesPane(session, id="devices"))
        async with app.run_test(size=(100, 30)) as pilot:
            pane = app.query_one(DevicesPane)
            await wait_for(pilot, lambda: pane.query_one("#devices-by-id").has_class("-shown"))
            field = pane.query_one("#revoke-id", Input)
            field.focus()
            field.value = SEEDED_KEY
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("escape")
            await pilot.pause()
            assert pane.status.text == "Nothing was revoked."
        assert SEEDED_KEY in on_tenant(tenant)

    async def test_add_a_key_from_a_pem_file_then_revoke_it(
        self, tenant: RunningTenant, session: AccountSession, tmp_path: Path
    ) -> None:
        """a registers a public key from a PEM file; the table shows it (added in this session)
        although Auth0 will not list; d revokes it after asking."""
        _, public_pem, public_der = key_pair()
        pem_file = tmp_path / "device.pub.pem"
        pem_file.write_bytes(public_pem)
        app = PaneHarness(lambda: DevicesPane(session, id="devices"))
        async with app.run_test(size=(100, 40)) as pilot:
            pane = app.query_one(DevicesPane)
            await wait_for(pilot, lambda: pane.query_one("#devices-by-id").has_class("-shown"))
            pane.query_one("#devices-table").focus()
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(app.screen, AddDeviceKeyScreen))
            dialog = app.screen
            dialog.query_one("#name", Input).value = "Build box"
            dialog.query_one("#device-id", Input).value = "build-box-01"
            dialog.query_one("#key-path", Input).value = str(pem_file)
            dialog.query_one("#key-path", Input).focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: pane.status.tone == "ok")
            [added] = pane.added
            assert pane.status.text == f"✓ Added the key for Build box as {added.id}."
            assert ids_shown(pane) == [added.id]
            stored = on_tenant(tenant)[added.id]
            assert stored.device_name == "Build box" and stored.device_id == "build-box-01"
            assert base64.b64decode(stored.value) == public_der

            pane.query_one("#devices-table").focus()
            await pilot.press("d")
            await press_confirm(pilot)
            await wait_for(pilot, lambda: pane.status.text == f"✓ Revoked {added.id}.")
            assert ids_shown(pane) == []
        assert added.id not in on_tenant(tenant)

    async def test_a_private_key_is_refused_in_the_dialog(
        self, session: AccountSession, tmp_path: Path
    ) -> None:
        """Pasting a private key is refused with the reason; nothing is sent."""
        private_pem, _, _ = key_pair()
        app = PaneHarness(lambda: DevicesPane(session, id="devices"))
        async with app.run_test(size=(100, 40)) as pilot:
            pane = app.query_one(DevicesPane)
            await wait_for(pilot, lambda: pane.listed is False and pane.status.text == "")
            pane.query_one("#devices-table").focus()
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(app.screen, AddDeviceKeyScreen))
            dialog = app.screen
            dialog.query_one("#name", Input).value = "Laptop"
            dialog.query_one("#key-text", TextArea).load_text(private_pem.decode())
            dialog.query_one("#add").focus()
            await pilot.press("enter")
            error = text_of(dialog.query_one("#error", Static))
            assert error.startswith("This is a private key.")
            assert isinstance(app.screen, AddDeviceKeyScreen)
            posts = [c.path for c in session.calls if c.method == "POST"]
            assert not any("device-credentials" in path for path in posts)


class TestListedCredentials:
    async def test_type_filter_and_revoke_the_selected(self) -> None:
        """t cycles the type filter; d revokes the highlighted credential after asking."""
        session = FakeSession()
        app = PaneHarness(lambda: DevicesPane(session, id="devices"))
        async with app.run_test(size=(100, 30)) as pilot:
            pane = app.query_one(DevicesPane)
            await wait_for(pilot, lambda: pane.listed)
            assert len(ids_shown(pane)) == 3
            assert not pane.query_one("#devices-by-id").has_class("-shown")
            table: DataTable[Text] = pane.query_one("#devices-table", DataTable)
            assert [table.get_cell(r, "client").plain for r in table.rows][:2] == ["this app"] * 2
            await pilot.press("t")
            await pilot.pause()
            assert pane.query_one("#devices-filter", Select).value == "public_key"
            assert ids_shown(pane) == [SEEDED_KEY]
            await pilot.press("t")
            await pilot.pause()
            assert ids_shown(pane) == ["dcr_Ad4R3fr3shT0k3n2"]
            await pilot.press("t", "t")
            await pilot.pause()
            assert len(ids_shown(pane)) == 3
            await pilot.press("down", "d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            title = str(app.screen.query_one("#title").render())
            assert title == "Revoke tui-console/0.1.0 (Linux x86_64) (dcr_Ad4R3fr3shT0k3n2)?"
            await press_confirm(pilot)
            await wait_for(pilot, lambda: pane.status.tone == "ok")
            assert "dcr_Ad4R3fr3shT0k3n2" not in ids_shown(pane)

    async def test_without_the_revoke_scope_revoking_is_off(self) -> None:
        """Without delete:current_user_device_credentials, d does nothing and ctrl+g asks."""
        session = FakeSession(granted=("openid", "read:current_user"))
        app = PaneHarness(lambda: DevicesPane(session, id="devices"))
        async with app.run_test(size=(100, 30)) as pilot:
            pane = app.query_one(DevicesPane)
            await wait_for(pilot, lambda: pane.listed)
            banner = text_of(pane.query_one("#devices-banner", Static))
            assert "Revoking credentials is off: needs delete:current_user_device_credentials" in (
                banner
            )
            await pilot.press("d")
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)
            await pilot.press("ctrl+g")
            await pilot.pause()
            [request] = app.step_ups
            assert request.scopes == (
                "delete:current_user_device_credentials",
                "create:current_user_device_credentials",
            )
