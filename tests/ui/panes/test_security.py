"""The Security tab against the dev tenant: list, enroll (TOTP with its QR code, email,
recovery code), put off and finish, rename, remove (and Auth0's 409), the read-only fallback.

Every test drives the pane with keys, as a person would, through a real signed-in session on
a loopback dev tenant.
"""

from __future__ import annotations

from typing import Any

import pyotp
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.ui.helpers import text_of, wait_for
from tests.ui.panes.harness import PaneHarness
from tui_console.account import AccountSession
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.seed import DEMO_USER_ID
from tui_console.self_service import qr_otpauth
from tui_console.ui.panes import SecurityPane
from tui_console.ui.screens.sign_in_method_dialogs import (
    ChooseMethodScreen,
    NewMethodScreen,
    RecoveryCodeScreen,
    RenameMethodScreen,
)
from tui_console.ui.screens.verify_code import VerifyCodeScreen
from tui_console.ui.widgets.confirm import ConfirmScreen
from tui_console.ui.widgets.qr_code import QrCode

PASSWORD = "password|dev_Pw8Lq2Rt6Yx1Vb3N"
PASSKEY = "passkey|dev_Pk4Hs7Jd2Wq9Zc5M"
EMAIL = "email|dev_Em3Kf6Gt1Ur8Sx2D"
SIZE = (80, 24)


def rows(pane: SecurityPane) -> list[list[str]]:
    table: DataTable[Text] = pane.query_one("#security-table", DataTable)
    return [[cell.plain for cell in table.get_row(key)] for key in table.rows]


def harness(session: AccountSession) -> PaneHarness:
    return PaneHarness(lambda: SecurityPane(session, id="security"))


async def loaded(pilot: Pilot[Any]) -> SecurityPane:
    pane = pilot.app.query_one(SecurityPane)
    await wait_for(pilot, lambda: pane.mode != "loading" and not pane.status.text.startswith("…"))
    return pane


async def choose(pilot: Pilot[Any], downs: int) -> None:
    """``a``, then the ``downs``-th choice of the add dialog."""
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChooseMethodScreen))
    await pilot.press(*(["down"] * downs), "enter")
    await pilot.pause()


async def code_prompt(pilot: Pilot[Any]) -> VerifyCodeScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, VerifyCodeScreen), timeout=10)
    await pilot.pause(0.1)
    screen = pilot.app.screen
    assert isinstance(screen, VerifyCodeScreen)
    return screen


async def type_code(pilot: Pilot[Any], code: str) -> None:
    field = pilot.app.screen.query_one("#code", Input)
    field.value = ""
    await pilot.press(*code, "enter")
    await pilot.pause()


def secret_shown(screen: VerifyCodeScreen) -> str:
    return text_of(screen.query_one("#manual", Static)).replace(" ", "")


async def start_totp(pilot: Pilot[Any], name: str = "") -> VerifyCodeScreen:
    await choose(pilot, 0)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, NewMethodScreen))
    await pilot.press(*name, "enter")
    return await code_prompt(pilot)


class TestList:
    async def test_the_methods_are_listed_with_type_name_dates_and_confirmed(
        self, session: AccountSession
    ) -> None:
        app = harness(session)
        async with app.run_test(size=SIZE) as pilot:
            pane = await loaded(pilot)
            assert pane.mode == "my-account"
            assert rows(pane) == [
                ["password", "—", "2024-03-13", "—", "—"],
                ["passkey", "MacBook Touch ID", "2025-06-02", "2026-11-28", "—"],
                ["email", "Work email", "2025-01-20", "—", "yes"],
            ]
            note = text_of(pane.query_one("#security-note", Static))
            assert "3 sign-in methods" in note and "add them in a browser" in note
            assert "my-account-read" in session.rate_limits.snapshot()  # the gauge's bucket

    async def test_without_the_my_account_api_the_steps_and_a_read_only_list_show(
        self, make_dev_tenant: Any, tenant_session: Any
    ) -> None:
        """Not activated: the dashboard steps, then the Guardian enrollments, read-only; the
        changing keys are refused with the reason."""
        from tests.ui.panes.conftest import sign_in

        tenant = make_dev_tenant(auto_approve=0.2, device_interval=1, my_account_active=False)
        session = tenant_session(tenant)
        await sign_in(session)
        app = harness(session)
        async with app.run_test(size=SIZE) as pilot:
            pane = await loaded(pilot)
            assert pane.mode == "read-only"
            note = text_of(pane.query_one("#security-note", Static))
            assert "activate the MyAccount API" in note
            assert "Read-only" in note
            [row] = rows(pane)
            assert row[:2] == ["authenticator app", "1Password"] and row[-1] == "yes"
            assert pane.check_action("add_method", ()) is None  # dimmed in the footer
            await pilot.press("a")
            assert not isinstance(app.screen, ChooseMethodScreen)
            assert "adding, renaming and removing need the My Account API" in pane.status.text
            assert note.startswith("Read-only")  # the label first, the long steps after it
            await pilot.press("shift+tab")  # the steps scroll at 80x24
            box = pane.query_one("#security-note-box")
            assert app.focused is box
            await pilot.press("down", "down")
            assert box.scroll_y > 0


class TestAuthenticatorApp:
    async def test_enroll_by_the_code_from_the_secret_shown_then_remove_it(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        """The QR code (of the shortened URI) fits whole at 80x24 beside the manual code; a
        code computed from that secret verifies; the method is listed, then removed."""
        app = harness(session)
        async with app.run_test(size=SIZE) as pilot:
            pane = await loaded(pilot)
            prompt = await start_totp(pilot, "Pixel")
            qr = prompt.query_one("#qr", QrCode)
            assert qr.display and qr.data.startswith("otpauth://totp/")
            assert qr.data == qr_otpauth(qr.data)  # the defaults were dropped
            assert pyotp.parse_uri(qr.data).secret == secret_shown(prompt)
            assert prompt.screen.region.contains_region(qr.region)  # whole: it scans
            assert qr.region.height == QrCode.size_for(qr.data).height
            await type_code(pilot, pyotp.TOTP(secret_shown(prompt)).now())
            await wait_for(pilot, lambda: app.screen is not prompt)
            await wait_for(pilot, lambda: any(r[0] == "authenticator app" for r in rows(pane)))
            assert ["authenticator app", "Pixel"] == rows(pane)[-1][:2]
            assert rows(pane)[-1][-1] == "yes"
            assert "Added the authenticator app (Pixel)" in pane.status.text
            await pilot.press("down", "down", "down", "d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("tab", "enter")  # Cancel has the focus; Remove is next
            await wait_for(pilot, lambda: "Removed the authenticator app" in pane.status.text)
            assert not any(r[0] == "authenticator app" for r in rows(pane))
        assert not [m for m in tenant.state.my_account.methods(DEMO_USER_ID) if m.type == "totp"]

    async def test_a_wrong_code_keeps_the_prompt_open_with_the_reason(
        self, session: AccountSession
    ) -> None:
        app = harness(session)
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            prompt = await start_totp(pilot)
            right = pyotp.TOTP(secret_shown(prompt)).now()
            await type_code(pilot, "000000" if right != "000000" else "111111")
            error = prompt.query_one("#error", Static)
            await wait_for(pilot, lambda: "otp_code" in text_of(error))
            assert app.screen is prompt
            await type_code(pilot, "12")
            assert "Type the 6 digits" in text_of(error)

    async def test_later_keeps_it_pending_and_f_shows_the_same_code_again(
        self, session: AccountSession
    ) -> None:
        app = harness(session)
        async with app.run_test(size=SIZE) as pilot:
            pane = await loaded(pilot)
            assert pane.check_action("finish_pending", ()) is False  # nothing waits
            prompt = await start_totp(pilot)
            uri, secret = prompt.query_one("#qr", QrCode).data, secret_shown(prompt)
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is not prompt)
            pending = pane.query_one("#security-pending", Static)
            assert pending.has_class("-shown")
            assert "Waiting for its code: authenticator app" in text_of(pending)
            assert "not added yet" in pane.status.text
            assert pane.check_action("finish_pending", ()) is True
            await pilot.press("f")
            again = await code_prompt(pilot)
            assert again.query_one("#qr", QrCode).data == uri
            await type_code(pilot, pyotp.TOTP(secret).now())
            await wait_for(pilot, lambda: any(r[0] == "authenticator app" for r in rows(pane)))
            assert not pending.has_class("-shown")
            assert session.sign_in_methods().waiting() == ()

    async def test_an_enrollment_started_by_the_cli_is_finished_with_its_code(
        self, tenant: RunningTenant, session: AccountSession, tenant_session: Any
    ) -> None:
        """``mfa add totp --json`` in another process, then `f` here: no QR code (its secret
        was never stored), the prompt says why, and the app's code finishes it."""
        other = tenant_session(tenant)  # the same profile and token file, another process
        started = await other.sign_in_methods().enroll("totp")
        assert started.manual_input_code is not None
        app = harness(session)
        async with app.run_test(size=SIZE) as pilot:
            pane = await loaded(pilot)
            assert pane.query_one("#security-pending").has_class("-shown")
            await pilot.press("f")
            prompt = await code_prompt(pilot)
            assert not prompt.query_one("#qr", QrCode).display
            assert "Started outside this console" in text_of(prompt.query_one("#explain"))
            await type_code(pilot, pyotp.TOTP(started.manual_input_code.reveal()).now())
            await wait_for(pilot, lambda: any(r[0] == "authenticator app" for r in rows(pane)))

    async def test_a_terminal_too_small_for_the_code_shows_the_manual_code_only(
        self, session: AccountSession
    ) -> None:
        app = harness(session)
        async with app.run_test(size=(70, 20)) as pilot:
            await loaded(pilot)
            prompt = await start_totp(pilot)
            assert not prompt.query_one("#qr", QrCode).display
            note = text_of(prompt.query_one("#qr-note", Static))
            assert "needs a terminal of" in note
            assert len(secret_shown(prompt)) == 32
            await pilot.press("escape")


class TestOtherMethods:
    async def test_email_is_verified_with_the_code_sent(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        app = harness(session)
        async with app.run_test(size=SIZE) as pilot:
            pane = await loaded(pilot)
            await choose(pilot, 1)
            await wait_for(pilot, lambda: isinstance(app.screen, NewMethodScreen))
            await pilot.press(*"not-an-address", "enter")
            assert "name@domain" in text_of(app.screen.query_one("#error", Static))
            app.screen.query_one("#address", Input).value = "ada.home@example.com"
            await pilot.press("enter")
            prompt = await code_prompt(pilot)
            assert "sent to ada.home@example.com" in text_of(prompt.query_one("#explain"))
            assert not prompt.query_one("#qr", QrCode).display
            assert not prompt.query_one("#outbox").display  # not the demo: nothing printed shows
            sent = tenant.state.my_account.sent_codes[-1]
            await type_code(pilot, sent.code)
            await wait_for(pilot, lambda: len(rows(pane)) == 4)
            assert rows(pane)[-1][:2] == ["email", "ada.home@example.com"]

    async def test_in_the_demo_the_code_prompt_shows_what_the_tenant_sent(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        """The demo tenant prints the code instead of mailing it; in the demo the prompt shows
        that print, labelled as the demo's outbox."""
        app = harness(session)
        app.demo = True  # type: ignore[attr-defined]  # as ConsoleApp(demo=True)
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            await choose(pilot, 1)
            await wait_for(pilot, lambda: isinstance(app.screen, NewMethodScreen))
            app.screen.query_one("#address", Input).value = "ada.home@example.com"
            await pilot.press("enter")
            prompt = await code_prompt(pilot)
            outbox = prompt.query_one("#outbox", Static)
            await wait_for(pilot, lambda: outbox.display)
            sent = tenant.state.my_account.sent_codes[-1]
            assert text_of(outbox).startswith("Demo tenant's outbox:")
            assert f"your code is {sent.code}" in text_of(outbox)

    async def test_a_phone_is_verified_with_the_code_sent_by_sms(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        app = harness(session)
        async with app.run_test(size=SIZE) as pilot:
            pane = await loaded(pilot)
            await choose(pilot, 2)
            await wait_for(pilot, lambda: isinstance(app.screen, NewMethodScreen))
            await pilot.press(*"4155550100", "enter")
            assert "country code" in text_of(app.screen.query_one("#error", Static))
            app.screen.query_one("#address", Input).value = "+1 (415) 555-0100"
            await pilot.press("enter")
            await code_prompt(pilot)
            sent = tenant.state.my_account.sent_codes[-1]
            assert sent.channel == "sms" and sent.destination == "+14155550100"
            await type_code(pilot, sent.code)
            await wait_for(pilot, lambda: len(rows(pane)) == 4)
            assert rows(pane)[-1][:2] == ["phone", "+14155550100"]

    async def test_a_phone_by_voice_call_says_a_call_reads_the_code(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        sent: list[dict[str, Any]] = []
        real_enroll = session.sign_in_methods().enroll

        async def enroll(kind: str, **fields: Any) -> Any:
            sent.append({"kind": kind, **fields})
            return await real_enroll(kind, **fields)

        session.sign_in_methods().enroll = enroll  # type: ignore[method-assign]
        app = harness(session)
        async with app.run_test(size=SIZE) as pilot:
            pane = await loaded(pilot)
            await choose(pilot, 3)
            await wait_for(pilot, lambda: isinstance(app.screen, NewMethodScreen))
            app.screen.query_one("#address", Input).value = "+447700900123"
            await pilot.press("enter")
            prompt = await code_prompt(pilot)
            explain = text_of(prompt.query_one("#explain"))
            assert "A call to +447700900123 reads out a one-time code" in explain
            assert sent[-1]["kind"] == "phone" and sent[-1]["preferred"] == "voice"
            await type_code(pilot, tenant.state.my_account.sent_codes[-1].code)
            await wait_for(pilot, lambda: len(rows(pane)) == 4)

    async def test_the_recovery_code_is_shown_copied_and_kept_nowhere_else(
        self, session: AccountSession
    ) -> None:
        app = harness(session)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            pane = await loaded(pilot)
            await choose(pilot, 4)
            await wait_for(pilot, lambda: isinstance(app.screen, RecoveryCodeScreen))
            screen = app.screen
            code = text_of(screen.query_one("#code", Static)).replace(" ", "")
            assert len(code) == 24
            assert "Store this now" in text_of(screen.query_one("#warning", Static))
            await pilot.press("c")
            assert app.clipboard == code
            await pilot.press("s")
            await wait_for(pilot, lambda: "Added the recovery code" in pane.status.text)
            assert all(code not in n.message for n in app._notifications)
            assert code not in pane.status.text
            pending = session.sign_in_methods().pending.path
            assert not pending.exists() or code not in pending.read_text()
            assert any(r[0] == "recovery code" for r in rows(pane))

    async def test_a_passkey_is_explained_not_enrolled(self, session: AccountSession) -> None:
        app = harness(session)
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            await choose(pilot, 5)
            assert isinstance(app.screen, ChooseMethodScreen)  # still open
            note = text_of(app.screen.query_one("#passkey-note", Static))
            assert "WebAuthn" in note and "terminal cannot" in note
            await pilot.press("escape")


class TestRenameAndRemove:
    async def test_rename_the_selected_method(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        app = harness(session)
        async with app.run_test(size=SIZE) as pilot:
            pane = await loaded(pilot)
            await pilot.press("down", "down", "n")
            await wait_for(pilot, lambda: isinstance(app.screen, RenameMethodScreen))
            field = app.screen.query_one("#name", Input)
            assert field.value == "Work email"
            field.value = "Old job [/] mail"  # markup-looking text stays text
            await pilot.press("enter")
            await wait_for(pilot, lambda: "Renamed the email" in pane.status.text)
            assert rows(pane)[-1][1] == "Old job [/] mail"
        assert tenant.state.my_account.get(DEMO_USER_ID, EMAIL).name == "Old job [/] mail"

    async def test_a_password_is_not_offered_for_removal(self, session: AccountSession) -> None:
        app = harness(session)
        async with app.run_test(size=SIZE) as pilot:
            pane = await loaded(pilot)
            await pilot.press("home", "d")
            assert not isinstance(app.screen, ConfirmScreen)
            assert "sign-in pages" in pane.status.text

    async def test_a_409_says_in_words_why_it_cannot_be_removed(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        """With the password gone, the passkey is the only primary method: Auth0 (here the dev
        tenant) answers 409 and the pane says why, keeping the row."""
        tenant.state.my_account.delete(DEMO_USER_ID, PASSWORD)
        app = harness(session)
        async with app.run_test(size=SIZE) as pilot:
            pane = await loaded(pilot)
            assert rows(pane)[0][0] == "passkey"
            await pilot.press("home", "d")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("tab", "enter")
            await wait_for(pilot, lambda: pane.status.tone == "error")
            assert "will not remove this sign-in method" in pane.status.text
            assert "last method you can sign in with" in pane.status.text
            assert rows(pane)[0][0] == "passkey"


class TestQrCodeAt80x24:
    async def test_a_real_tenant_sized_code_is_drawn_whole_without_the_frame(self) -> None:
        """A 143-character URI needs 47x24 cells: at 80x24 the dialog drops its frame and the
        whole code is on screen, the field and buttons beside it."""
        from textual.app import App

        from tests.ui.test_fits_80x24 import _totp_prompt

        app: App[None] = App()
        async with app.run_test(size=SIZE) as pilot:
            prompt = _totp_prompt()
            await app.push_screen(prompt)
            await pilot.pause(0.1)
            qr = prompt.query_one("#qr", QrCode)
            assert QrCode.size_for(qr.data) == (47, 24)
            assert qr.display and prompt.has_class("-edge")
            assert qr.region == qr.region.intersection(prompt.region)
            assert qr.region.height == 24
            for control in ("#code", "#verify", "#cancel"):
                region = prompt.query_one(control).region
                assert prompt.region.contains_region(region), control
                assert not region.overlaps(qr.region), control
