"""Keys do what the footer says at 80x24, from every widget (issue 10 §1, §2, §5).

The console runs on :class:`~tests.ui.fakes.FakeSession` (fixed data, frozen clock), so each
test is about what a key does, not about the tenant.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Static, Tab

from tests.ui.console import SIZE, console_app, on_main_screen, settled_main_screen
from tests.ui.fakes import FakeSession
from tests.ui.helpers import text_of, visible_region, wait_for
from tui_console.redact import MASK
from tui_console.ui.panes import MetadataPane
from tui_console.ui.panes.call_detail import CallDetailScreen
from tui_console.ui.screens.add_device_key import AddDeviceKeyScreen
from tui_console.ui.screens.help import HelpScreen
from tui_console.ui.screens.main import MainScreen
from tui_console.ui.screens.profiles import ProfileSwitcher
from tui_console.ui.screens.setup import ProfileSetup, SetupScreen
from tui_console.ui.screens.sign_in import SignInScreen
from tui_console.ui.widgets.confirm import ConfirmScreen, TypedConfirmScreen
from tui_console.ui.widgets.filter_table import FilterTable, TableFilter


async def _settled(pilot: Pilot[Any]) -> None:
    await pilot.pause(0.1)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.05)


async def _show_tab(pilot: Pilot[Any], key: str) -> None:
    """Press a tab's key, and let the tab lay out and scroll."""
    await pilot.press(key)
    await _settled(pilot)


async def _metadata_tab(pilot: Pilot[Any], main: MainScreen) -> MetadataPane:
    """Show the Metadata tab, once its JSON is loaded."""
    await pilot.press("2")
    pane = main.metadata_pane
    await wait_for(pilot, lambda: pane.base is not None)
    return pane


class TestSessionReveal:
    async def test_v_scrolls_the_token_into_view_and_leaving_the_tab_hides_it(self) -> None:
        """At 80x24, `v` shows the whole raw token on screen; another tab and back: masked."""
        session = FakeSession()
        async with on_main_screen(session) as (app, pilot, main):
            await _show_tab(pilot, "5")
            raw = main.query_one("#session-raw", Static)
            await pilot.press("v")
            await _settled(pilot)
            assert MASK not in text_of(raw)
            assert visible_region(raw) == raw.region, f"{raw.region} shown as {visible_region(raw)}"
            await _show_tab(pilot, "1")
            await _show_tab(pilot, "5")
            assert MASK in text_of(raw)


class TestSetupScreen:
    async def test_typing_lands_in_the_domain_and_the_check_result_is_on_screen(self) -> None:
        """The first field has the focus at once; ctrl+s's verdict shows above the footer."""
        app = console_app(None)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
            await pilot.pause(0.1)
            await pilot.press(*"bad..domain")
            assert app.screen.query_one("#setup-domain", Input).value == "bad..domain"
            await pilot.press("ctrl+s")
            await _settled(pilot)
            status = app.screen.query_one("#setup-status", Static)
            assert "not a domain name" in text_of(status)
            assert visible_region(status) == status.region and status.region.height >= 2
            button = app.screen.query_one("#setup-save")
            assert visible_region(button) == button.region


class TestTabOverflow:
    async def test_tabs_that_do_not_fit_are_named_not_dropped(self) -> None:
        """At 50 columns a marker names the tabs cut off; at 80 every tab shows and no marker."""
        async with on_main_screen(size=(50, 20)) as (app, pilot, main):
            marker = main.query_one("#tabs-overflow", Static)
            await wait_for(pilot, lambda: marker.has_class("-shown"))
            assert "6" in text_of(marker).split()
        async with on_main_screen() as (app, pilot, main):
            await _settled(pilot)
            assert not main.query_one("#tabs-overflow", Static).has_class("-shown")


class TestNavigationNeverTypes:
    async def test_the_metadata_tab_does_not_hand_the_keys_to_the_editor(self) -> None:
        """Entering Metadata focuses the pane, not the editor: `3` shows Identities and the JSON
        is untouched. Enter puts the cursor in the editor, Escape takes it out again."""
        async with on_main_screen() as (app, pilot, main):
            pane = await _metadata_tab(pilot, main)
            before = pane.editor.text
            assert app.focused is pane
            await _show_tab(pilot, "3")
            assert main.active_tab == "identities"
            assert pane.editor.text == before

            await _show_tab(pilot, "2")
            await pilot.press("enter")
            assert app.screen.focused is pane.editor  # (app.focused was narrowed to the pane)
            footer_keys = {
                binding.action
                for (_, binding, enabled, _) in app.active_bindings.values()
                if enabled
            }
            assert "leave_field" in footer_keys
            await pilot.press("escape")
            assert app.focused is pane
            assert pane.editor.text == before

    async def test_f3_switches_tabs_from_inside_the_editor(self) -> None:
        """A key that works from any widget: f3 leaves the editor for the next tab."""
        async with on_main_screen() as (app, pilot, main):
            await _metadata_tab(pilot, main)
            await pilot.press("e")
            assert app.focused is main.metadata_pane.editor
            await pilot.press("f3")
            await _settled(pilot)
            assert main.active_tab == "identities"
            await pilot.press("f2")
            await _settled(pilot)
            assert main.active_tab == "metadata"

    async def test_escape_leaves_a_text_field_so_letters_are_keys_again(self) -> None:
        """Escape in Devices' revoke-id field, then `a`: the add-key dialog, not an "a"."""
        async with on_main_screen() as (app, pilot, main):
            await _show_tab(pilot, "4")
            pane = main.pane("devices")
            pane.query_one("#devices-by-id").set_class(True, "-shown")
            field = pane.query_one("#revoke-id", Input)
            await pilot.pause()
            field.focus()
            await pilot.press("d", "c", "r")
            await pilot.press("escape")
            assert app.focused is not field
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(app.screen, AddDeviceKeyScreen))
            assert field.value == "dcr"


class TestDialogKeys:
    async def test_a_save_that_deletes_keys_defaults_to_cancel_and_n_answers(self) -> None:
        """The preview of a save deleting every key has Cancel focused; `n` cancels it."""
        async with on_main_screen() as (app, pilot, main):
            pane = await _metadata_tab(pilot, main)
            pane.editor.load_text("{}")
            await pilot.pause()
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await _settled(pilot)
            assert app.screen.focused is not None and app.screen.focused.id == "cancel"
            await pilot.press("n")
            await wait_for(pilot, lambda: "Not saved" in pane.status.text)

    async def test_y_confirms_and_arrows_move_between_buttons(self) -> None:
        """In a yes/no dialog `right`/`left` move the focus, and `y` confirms."""
        answers: list[bool | None] = []
        async with on_main_screen() as (app, pilot, main):
            app.push_screen(ConfirmScreen("Sure?", "Really.", danger=True), answers.append)
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await _settled(pilot)
            assert app.screen.focused is not None and app.screen.focused.id == "cancel"
            await pilot.press("right")
            assert app.screen.focused is not None and app.screen.focused.id == "confirm"
            await pilot.press("left")
            assert app.screen.focused.id == "cancel"
            await pilot.press("y")
            await wait_for(pilot, lambda: answers == [True])

    async def test_a_wrong_typed_word_says_so(self) -> None:
        """Enter with the wrong word in a typed confirmation explains what is wanted."""
        async with on_main_screen() as (app, pilot, main):
            app.push_screen(TypedConfirmScreen("Unlink?", "Body.", "github"))
            await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
            await pilot.press(*"gitlab", "enter")
            await pilot.pause()
            said = text_of(app.screen.query_one("#mismatch", Static))
            assert "type github exactly" in said


def _calls_paths(main: MainScreen) -> list[str]:
    table = main.pane("calls").query_one("#calls-table", FilterTable)
    return [table.get_row_at(index)[-1].plain for index in range(table.row_count)]


class TestTables:
    async def test_slash_filters_the_calls_and_escape_brings_every_row_back(self) -> None:
        """`/` shows "filter:"; typing narrows the rows; Enter keeps it; Escape clears it."""
        async with on_main_screen() as (app, pilot, main):
            await _show_tab(pilot, "6")
            everything = _calls_paths(main)
            assert len(everything) >= 2
            await pilot.press("slash")
            box = main.pane("calls").query_one(TableFilter)
            assert box.has_class("-shown") and app.focused is box.input
            await pilot.press(*"userinfo")
            assert _calls_paths(main) == ["/userinfo"]
            await pilot.press("enter")
            assert isinstance(app.focused, FilterTable) and box.has_class("-shown")
            await pilot.press("slash")
            await pilot.press("escape")
            assert _calls_paths(main) == everything and not box.has_class("-shown")

    async def test_j_and_k_move_the_cursor(self) -> None:
        """vi keys move a table's cursor as the arrows do."""
        async with on_main_screen() as (app, pilot, main):
            await _show_tab(pilot, "6")
            table = main.pane("calls").query_one("#calls-table", FilterTable)
            table.move_cursor(row=0)
            await pilot.press("j")
            assert table.cursor_row == 1
            await pilot.press("k")
            assert table.cursor_row == 0

    async def test_enter_on_a_call_offers_curl_without_the_token(self) -> None:
        """A call's detail shows status and rate limits; its curl line fetches the token."""
        session = FakeSession()
        async with on_main_screen(session) as (app, pilot, main):
            await _show_tab(pilot, "6")
            main.pane("calls").query_one("#calls-table", FilterTable).move_cursor(row=0)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen))
            screen = app.screen
            assert isinstance(screen, CallDetailScreen)
            detail = text_of(screen.query_one("#detail", Static))
            assert "Status:  200" in detail and "9 of 10 left" in detail
            assert screen.curl.startswith("curl -sS https://acme.eu.auth0.com/userinfo")
            assert '"Authorization: Bearer $(tui-console --profile acme token)"' in screen.curl
            raw = session.reveal_token(session.profile.audience)
            assert raw not in screen.curl
            await pilot.press("c")
            await wait_for(pilot, lambda: not isinstance(app.screen, CallDetailScreen))


class TestPaletteAndHelp:
    async def test_the_palette_names_every_tab_action_and_has_no_screenshot(self) -> None:
        """Searching the actions by name finds them; Textual's Screenshot is not offered."""
        async with on_main_screen() as (app, pilot, main):
            titles = [command.title for command in app.get_system_commands(main)]
            for wanted in (
                "metadata: save",
                "metadata: reload",
                "identities: link",
                "identities: unlink",
                "devices: revoke",
                "devices: add key",
                "session: reveal",
                "session: copy",
                "calls: follow",
                "calls: clear",
            ):
                assert wanted in titles, wanted
            assert "Screenshot" not in titles

    async def test_a_palette_command_runs_the_action_on_its_tab(self) -> None:
        """ctrl+p, "add key", Enter: the Devices tab shows and the add-key dialog opens."""
        async with on_main_screen() as (app, pilot, main):
            await pilot.press("ctrl+p")
            await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
            await pilot.press(*"devices: add key")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, AddDeviceKeyScreen))
            assert main.active_tab == "devices"

    async def test_the_screenshot_action_refuses(self) -> None:
        """The screenshot action writes no file: it says why instead."""
        async with on_main_screen() as (app, pilot, main):
            await app.run_action("screenshot")
            await wait_for(pilot, lambda: len(app._notifications) > 0)
            assert any(n.title == "No screenshot" for n in app._notifications)

    async def test_help_shows_binding_ids_and_filters_by_key_id_and_words(self) -> None:
        """Ids beside keys; "ctrl+s", "metadata.save" and "save" all find the save key;
        nonsense says "no matches"."""
        async with on_main_screen() as (app, pilot, main):
            await pilot.press("f1")
            await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
            help_screen = app.screen
            assert isinstance(help_screen, HelpScreen)
            assert "[metadata.save]" in help_screen.text
            none = help_screen.query_one("#help-none")
            for needle in ("ctrl+s", "metadata.save", "Save"):
                help_screen.query_one("#help-filter", Input).value = needle
                await pilot.pause()
                shown = " ".join(text_of(w) for w in help_screen.query(".help-keys") if w.display)
                assert "[metadata.save]" in shown, needle
                assert not none.display
            help_screen.query_one("#help-filter", Input).value = "zzqx"
            await pilot.pause()
            assert none.display


class TestKeymapProblems:
    async def test_unknown_ids_and_clashes_are_reported_at_start(self) -> None:
        """A typo'd id and a key taken twice are named in a notification; tab labels follow
        a remapped tab key."""
        keymap = {"metadata.sav": "x", "main.tab.profile": "r", "main.tab.calls": "0"}
        async with on_main_screen(keymap=keymap) as (app, pilot, main):
            await wait_for(pilot, lambda: len(app._notifications) > 0)
            said = " ".join(n.message for n in app._notifications)
            assert "metadata.sav" in said
            assert "'r' is bound to both main.tab.profile and profile.refresh" in said
            labels = [str(tab.label) for tab in main.query(Tab)]
            assert "0 Calls" in labels


class TestExternalEditor:
    async def _edit_with(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str
    ) -> tuple[str, str, str]:
        """Run ctrl+o with ``$VISUAL`` a shell script; (text before, text after, status)."""
        editor = tmp_path / "editor.sh"
        editor.write_text("#!/bin/sh\n" + script)
        editor.chmod(0o700)
        monkeypatch.setenv("VISUAL", str(editor))
        app = console_app(FakeSession())
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # headless: no terminal
        async with app.run_test(size=SIZE) as pilot:
            main = await settled_main_screen(pilot)
            pane = await _metadata_tab(pilot, main)
            before = pane.editor.text
            await pilot.press("ctrl+o")
            await pilot.pause()
            return before, pane.editor.text, pane.status.text

    async def test_the_editors_text_comes_back_and_is_checked(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """$VISUAL writes new JSON: it is in the console's editor, checked as usual."""
        _, after, status = await self._edit_with(
            tmp_path, monkeypatch, 'printf \'{"theme": "from-vim"}\' > "$1"\n'
        )
        assert json.loads(after) == {"theme": "from-vim"}
        assert "Back from the editor" in status

    async def test_a_failing_editor_changes_nothing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An editor exiting non-zero (after writing junk) leaves the text as it was."""
        before, after, status = await self._edit_with(
            tmp_path, monkeypatch, 'echo junk > "$1"; exit 3\n'
        )
        assert after == before
        assert "exited with status 3; nothing changed" in status

    async def test_invalid_json_from_the_editor_is_kept_and_explained(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Invalid JSON comes back as written (nothing lost); the check line explains it."""
        _, after, status = await self._edit_with(tmp_path, monkeypatch, 'echo "{oops" > "$1"\n')
        assert after == "{oops\n"
        assert "needs fixing" in status


class TestNothingToGrant:
    async def test_ctrl_g_without_a_missing_scope_says_so(self) -> None:
        """ctrl+g on a tab that lacks no scope answers instead of doing nothing."""
        async with on_main_screen() as (app, pilot, main):
            await pilot.press("ctrl+g")
            await wait_for(pilot, lambda: len(app._notifications) > 0)
            assert any("Nothing to grant" in n.message for n in app._notifications)


class TestProfileSwitcher:
    async def test_lists_profiles_with_user_and_token_state_and_switches(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Two saved profiles: both listed (current marked, signed out says so); Enter on the
        other switches the console to it (its sign-in screen: no tokens there)."""
        from tui_console.config import Profile, save_profile

        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
        for name in ("acme", "staging"):
            save_profile(
                Profile(
                    name=name,
                    issuer=f"https://{name}.eu.auth0.com/",
                    client_id="Tc9qL2vXn7RbW4kHs8YdJ3mFa6PeZ1Ug",
                    audience=f"https://{name}.eu.auth0.com/api/v2/",
                ),
                make_default=name == "acme",
            )
        made: list[str] = []

        def session_for(profile: Profile) -> Any:
            made.append(profile.name)
            return FakeSession(signed_in=False)

        setup = ProfileSetup(session_for=session_for)
        async with on_main_screen(profile_setup=setup) as (app, pilot, main):
            app.action_switch_profile()
            await wait_for(pilot, lambda: isinstance(app.screen, ProfileSwitcher))
            await wait_for(pilot, lambda: bool(app.screen.query("#profiles")))
            table = app.screen.query_one("#profiles", FilterTable)
            await wait_for(pilot, lambda: table.row_count == 2)
            rows = [" ".join(c.plain for c in table.get_row_at(i)) for i in range(2)]
            assert any("acme (current) (default)" in row for row in rows)
            assert any("staging" in row and "signed out" in row for row in rows)
            table.move_cursor(row=[i for i, r in enumerate(rows) if "staging" in r][0])
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            assert made == ["staging"]
