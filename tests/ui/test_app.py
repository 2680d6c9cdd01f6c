"""The app shell: which screen comes first, keys, help, palette, quit and sign-out guards."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.command import CommandPalette
from textual.widgets import Button, Input, Static

from tests.ui.console import console_app
from tests.ui.fakes import FakeSession, frozen_clock
from tests.ui.helpers import NO_BROWSER, Opener, text_of, wait_for
from tui_console.account import AccountSession
from tui_console.paths import config_file
from tui_console.ui.app import ConsoleApp
from tui_console.ui.messages import StepUpRequested
from tui_console.ui.screens.help import HelpScreen
from tui_console.ui.screens.main import TABS, MainScreen
from tui_console.ui.screens.setup import ProfileSetup, SetupScreen, issuer_from_entry
from tui_console.ui.screens.sign_in import SignInScreen
from tui_console.ui.widgets.confirm import ConfirmScreen
from tui_console.ui.widgets.session_strip import SessionStrip


def _fake_app(session: FakeSession | None = None, **kwargs: Any) -> ConsoleApp:
    return console_app(FakeSession() if session is None else session, **kwargs)


async def _main(pilot: Any) -> MainScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


class TestStartingScreen:
    async def test_signed_in_session_opens_the_main_screen(self) -> None:
        """A stored session goes straight to the console, with the user in the strip."""
        app = _fake_app()
        async with app.run_test() as pilot:
            main = await _main(pilot)
            assert "Ada Lovelace" in main.query_one(SessionStrip).text
            assert main.active_tab == "profile"

    async def test_signed_out_session_opens_the_sign_in_screen(self) -> None:
        """Without tokens the sign-in screen shows, on the device flow where no browser is."""
        app = _fake_app(FakeSession(signed_in=False))
        async with app.run_test() as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            assert isinstance(app.screen, SignInScreen)
            assert app.screen.flow == "device"

    async def test_real_device_sign_in_leads_to_the_console(
        self, make_dev_tenant: Callable[..., Any], tenant_session: Callable[..., AccountSession]
    ) -> None:
        """Against the dev tenant (approving after 0.5 s) the device flow ends on the console."""
        tenant = make_dev_tenant(auto_approve=0.5, device_interval=1)
        session = tenant_session(tenant)
        app = ConsoleApp(session, opener=Opener(), browser_check=lambda: NO_BROWSER)
        async with app.run_test(size=(100, 30)) as pilot:
            main = await _main(pilot)
            strip = main.query_one(SessionStrip)
            await wait_for(pilot, lambda: "Ada Lovelace" in strip.text)
            assert "fresh" in strip.text
            # notify() posts a message: the notification lands on a later turn of the loop.
            await wait_for(pilot, lambda: any(n.title == "Signed in" for n in app._notifications))


class TestSetup:
    def test_entries_become_issuers(self) -> None:
        """A domain becomes https://DOMAIN/; an http:// URL (a local tenant) is kept."""
        assert issuer_from_entry(" acme.eu.auth0.com ") == "https://acme.eu.auth0.com/"
        assert issuer_from_entry("http://127.0.0.1:8080") == "http://127.0.0.1:8080/"

    async def test_bad_entries_are_explained_as_typed(self) -> None:
        """A malformed domain or client id is named under its field while typing."""
        app = ConsoleApp(None, opener=Opener(), browser_check=lambda: NO_BROWSER)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
            screen = app.screen
            screen.query_one("#setup-domain", Input).focus()
            await pilot.press(*"not a domain!")
            await pilot.pause()
            assert "is not a domain name" in text_of(screen.query_one("#setup-domain-error"))
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert "not a domain name" in text_of(screen.query_one("#setup-status"))
            assert not config_file().exists()

    async def test_checked_profile_is_saved_then_sign_in_opens(
        self, make_dev_tenant: Callable[..., Any], tmp_path: Path
    ) -> None:
        """Domain and client id are checked against discovery, saved, then sign-in starts."""
        tenant = make_dev_tenant()
        app = ConsoleApp(None, opener=Opener(), browser_check=lambda: NO_BROWSER)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
            app.screen.query_one("#setup-domain", Input).value = tenant.issuer
            app.screen.query_one("#setup-client-id", Input).value = tenant.client_id
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            assert app.session is not None
            assert app.session.profile.issuer == tenant.issuer
            await app.session.aclose()
        saved = tomllib.loads(config_file().read_text())
        assert saved["default_profile"] == "default"
        assert saved["profiles"]["default"]["issuer"] == tenant.issuer
        assert saved["profiles"]["default"]["audience"] == tenant.management_audience

    async def test_unreachable_tenant_is_reported_and_not_saved(self) -> None:
        """A domain whose discovery fails is not saved; the reason and next step are shown."""
        app = ConsoleApp(None, opener=Opener(), browser_check=lambda: NO_BROWSER)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
            app.screen.query_one("#setup-domain", Input).value = "http://127.0.0.1:9/"
            app.screen.query_one("#setup-client-id", Input).value = "abc"
            await pilot.press("ctrl+s")
            status = app.screen.query_one("#setup-status", Static)
            await wait_for(pilot, lambda: status.has_class("-error"))
            assert "ctrl+s to try again" in text_of(status)
        assert not config_file().exists()

    async def test_demo_button_starts_the_demo_tenant_and_its_device_flow(self) -> None:
        """'Try the demo' hands over to the demo tenant's sign-in, on the device flow."""
        started: list[bool] = []

        async def start_demo() -> Any:
            started.append(True)
            return FakeSession(signed_in=False)

        app = ConsoleApp(
            None,
            profile_setup=ProfileSetup(start_demo=start_demo),
            opener=Opener(),
            browser_check=lambda: (True, "a graphical display is available"),
            clock=frozen_clock,
        )
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
            await pilot.press("ctrl+t")
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            assert started == [True]
            assert app.demo
            assert isinstance(app.screen, SignInScreen)
            assert app.screen.flow == "device"  # even where a browser is usable
            assert "approves this code by itself" in text_of(app.screen.query_one("#sign-in-why"))


class TestKeys:
    async def test_number_keys_switch_tabs(self) -> None:
        """1-7 show the seven tabs in order; [ and ] step through them."""
        app = _fake_app()
        async with app.run_test() as pilot:
            main = await _main(pilot)
            for number, tab in enumerate(TABS, start=1):
                main.set_focus(None)
                await pilot.press(str(number))
                await pilot.pause()
                assert main.active_tab == tab.id
            main.set_focus(None)
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert main.active_tab == "profile"

    async def test_digits_type_in_the_editor_and_escape_leaves_it(self) -> None:
        """Once in the metadata editor (Enter, asked for), 1-6 are text; after escape they
        switch tabs again. Entering the tab alone never gives the editor the keys."""
        from textual.widgets import TextArea

        app = _fake_app()
        async with app.run_test() as pilot:
            main = await _main(pilot)
            main.set_focus(None)
            await pilot.press("2")
            await pilot.pause()
            editor = main.metadata_pane.query_one(TextArea)
            await wait_for(pilot, lambda: not editor.read_only)
            assert not editor.has_focus
            await pilot.press("enter")
            await wait_for(pilot, lambda: editor.has_focus)
            before = editor.text
            await pilot.press("4")
            assert editor.text != before and main.active_tab == "metadata"
            editor.load_text(before)
            await pilot.press("escape")
            await pilot.pause()
            assert not editor.has_focus
            await pilot.press("1")
            await pilot.pause()
            assert main.active_tab == "profile"

    async def test_help_lists_the_keys_of_every_screen(self) -> None:
        """F1 (and ?) open the help with sections per screen and pane; escape closes it."""
        app = _fake_app()
        async with app.run_test() as pilot:
            await _main(pilot)
            await pilot.press("f1")
            await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
            help_screen = app.screen
            assert isinstance(help_screen, HelpScreen)
            text = help_screen.text
            for heading in ("Everywhere", "Main screen", "Metadata tab", "Sign-in screen"):
                assert heading in text
            assert "account: sign out" in text
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            app.screen.set_focus(None)
            await pilot.press("question_mark")
            await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))

    async def test_bindings_carry_ids_and_tooltips(self) -> None:
        """Every binding of the shell can be remapped (id) and explains itself (tooltip)."""
        from textual.binding import Binding

        from tui_console.ui.screens.setup import SetupScreen

        for owner in (ConsoleApp, MainScreen, SignInScreen, SetupScreen, HelpScreen):
            for binding in Binding.make_bindings(owner.BINDINGS):
                assert binding.id, (owner.__name__, binding.key)
                if binding.show:
                    assert binding.tooltip, (owner.__name__, binding.key)

    async def test_palette_offers_console_commands(self) -> None:
        """The command palette lists namespaced entries; 'account: sign out' signs out."""
        session = FakeSession()
        app = _fake_app(session)
        async with app.run_test() as pilot:
            main = await _main(pilot)
            titles = [command.title for command in app.get_system_commands(main)]
            for title in ("profile: refresh", "account: sign out", "session: sign in again"):
                assert title in titles
            assert any(title.startswith("theme: ") for title in titles)
            await pilot.press("ctrl+p")
            await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
            await pilot.press(*"sign out")
            await pilot.pause(0.4)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.click("#confirm")
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            assert not session.signed_in
            assert isinstance(app.screen, SignInScreen)
            assert app.screen.phase == "idle"  # no new sign-in starts on its own


class TestUnsavedMetadataGuard:
    async def test_quit_asks_when_metadata_is_unsaved(self) -> None:
        """ctrl+q with unsaved metadata asks; "Keep editing" keeps the app running."""
        app = _fake_app()
        async with app.run_test() as pilot:
            main = await _main(pilot)
            main.metadata_pane.has_unsaved_changes = lambda: True  # type: ignore[method-assign]
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("escape")
            await pilot.pause()
            assert app.is_running and isinstance(app.screen, MainScreen)
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.click("#confirm")
            await wait_for(pilot, lambda: not app.is_running)

    async def test_the_quit_question_says_the_draft_is_kept(self) -> None:
        """The draft survives quitting (it is restored next time): the question says so and
        never claims the edits are lost."""
        app = _fake_app()
        async with app.run_test() as pilot:
            main = await _main(pilot)
            main.metadata_pane.has_unsaved_changes = lambda: True  # type: ignore[method-assign]
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            said = " ".join(str(label.content) for label in app.screen.query(Static))
            said += " ".join(str(button.label) for button in app.screen.query(Button))
            assert "kept as a draft" in said and "restored" in said
            assert "lose" not in said.lower() and "lost" not in said.lower()

    async def test_notifications_show_control_characters_as_escapes(self) -> None:
        """Text from a server that reaches a toast cannot drive the terminal or be markup."""
        app = _fake_app()
        async with app.run_test() as pilot:
            await _main(pilot)
            app.notify("bad \x1b[2J [bold]news[/]", title="t\x07")
            await wait_for(pilot, lambda: len(app._notifications) > 0)
            notification = list(app._notifications)[-1]
            assert notification.message == "bad \\x1b[2J [bold]news[/]"
            assert notification.title == "t\\x07"
            assert notification.markup is False

    async def test_quit_without_edits_exits_at_once(self) -> None:
        """ctrl+q with nothing unsaved quits without a question."""
        app = _fake_app()
        async with app.run_test() as pilot:
            await _main(pilot)
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: not app.is_running)

    async def test_leaving_the_metadata_tab_asks(self) -> None:
        """Switching away from unsaved metadata asks; staying keeps the Metadata tab."""
        app = _fake_app()
        async with app.run_test() as pilot:
            main = await _main(pilot)
            main.set_focus(None)
            await pilot.press("2")
            await pilot.pause()
            main.metadata_pane.has_unsaved_changes = lambda: True  # type: ignore[method-assign]
            main.set_focus(None)
            await pilot.press("1")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("escape")
            await pilot.pause()
            assert main.active_tab == "metadata"
            main.tabs.active = "devices"  # as a mouse click on the tab would
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            assert main.active_tab == "metadata"
            await pilot.click("#confirm")
            await wait_for(pilot, lambda: main.active_tab == "devices")


class TestStepUp:
    async def test_step_up_opens_sign_in_with_the_reason_and_escape_returns(self) -> None:
        """A pane's step-up request opens the sign-in asking for the scope; Escape goes back."""
        app = _fake_app()
        async with app.run_test(size=(100, 30)) as pilot:
            main = await _main(pilot)
            main.pane("metadata").post_message(
                StepUpRequested(
                    scopes=("update:current_user_metadata",),
                    reason="Saving needs update:current_user_metadata",
                )
            )
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            screen = app.screen
            assert isinstance(screen, SignInScreen)
            assert screen.scopes is not None
            assert "update:current_user_metadata" in screen.scopes
            assert "openid" in screen.scopes  # the profile's scopes are kept
            assert "Saving needs" in text_of(screen.query_one("#sign-in-title"))
            await wait_for(pilot, lambda: screen.phase == "waiting")
            await pilot.press("escape")  # cancels the flow
            await pilot.press("escape")  # goes back
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))


class TestKeymap:
    async def test_a_keymap_from_the_config_moves_a_binding_by_id(self, tmp_path: Path) -> None:
        """``[keymap]`` in config.toml rebinds by id: "main.tab.session" = "s" shows Session."""
        from tui_console.config import load_keymap

        config = tmp_path / "config.toml"
        config.write_text('[keymap]\n"main.tab.session" = "s"\n')
        app = _fake_app(keymap=load_keymap(config))
        async with app.run_test() as pilot:
            main = await _main(pilot)
            await pilot.press("s")
            await wait_for(pilot, lambda: main.active_tab == "session")
