"""The Metadata pane against a real dev tenant: checks, diff, conflicts, drafts that survive."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Static

from tests.ui.helpers import text_of, wait_for
from tests.ui.panes.conftest import sign_in
from tests.ui.panes.harness import PaneHarness
from tui_console.account import AccountSession
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.seed import DEMO_USER_ID
from tui_console.errors import ResponseLost
from tui_console.storage.drafts import DraftStore
from tui_console.ui.panes import MetadataPane
from tui_console.ui.widgets.confirm import ConfirmScreen
from tui_console.ui.widgets.json_diff import ConflictScreen, PatchPreview

SEEDED = {
    "theme": "dark",
    "language": "en-GB",
    "favourite_machine": "Analytical Engine",
    "preferences": {
        "notifications": {"email": True, "sms": False},
        "timezone": "Europe/London",
    },
}
EDITED = {
    "theme": "light",
    "favourite_machine": "Analytical Engine",
    "preferences": {
        "notifications": {"email": True, "sms": True},
        "timezone": "Europe/London",
    },
    "pronouns": "she/her",
}


def on_tenant(tenant: RunningTenant) -> dict[str, Any]:
    user = tenant.state.get_user(DEMO_USER_ID)
    assert user is not None
    return dict(user.user_metadata or {})


def patches(session: AccountSession) -> int:
    return sum(1 for call in session.calls if call.method == "PATCH")


async def loaded(pilot: Pilot[Any]) -> MetadataPane:
    pane = pilot.app.query_one(MetadataPane)
    await wait_for(pilot, lambda: pane.base is not None and not pane.editor.read_only)
    return pane


def check_line(pane: MetadataPane) -> str:
    return text_of(pane.query_one("#metadata-check", Static))


async def edit(pilot: Pilot[Any], pane: MetadataPane, text: str) -> None:
    pane.editor.load_text(text)
    await pilot.pause()


async def confirm(pilot: Pilot[Any]) -> None:
    """Press the confirm button of the dialog on top."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    app.screen.query_one("#confirm", Button).press()
    await pilot.pause()


def harness(session: AccountSession, **kwargs: Any) -> PaneHarness:
    return PaneHarness(lambda: MetadataPane(session, id="metadata", **kwargs))


class TestEditAndSave:
    async def test_edit_diff_save_reaches_the_tenant(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        """An edit shows as set/delete keys and the request body, then lands on the tenant."""
        app = harness(session)
        async with app.run_test(size=(100, 40)) as pilot:
            pane = await loaded(pilot)
            assert json.loads(pane.editor.text) == SEEDED
            assert "Loaded from Auth0" in text_of(pane.query_one("#metadata-note"))
            assert not pane.has_unsaved_changes()

            await edit(pilot, pane, json.dumps(EDITED, indent=2))
            assert pane.has_unsaved_changes()
            assert check_line(pane).startswith(
                "✓ Valid. To send: set theme, preferences, pronouns; delete language."
            )
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            preview = app.screen.query_one(PatchPreview)
            shown = str(preview.render())
            assert "change  theme" in shown and '"dark" → "light"' in shown
            assert "preferences (the whole object is sent)" in shown
            assert "add     pronouns" in shown
            assert "delete  language (sent as null, which deletes it)" in shown
            assert preview.body == {
                "user_metadata": {
                    "theme": "light",
                    "preferences": EDITED["preferences"],
                    "pronouns": "she/her",
                    "language": None,
                }
            }
            assert patches(session) == 0  # nothing is sent before the person says so
            await confirm(pilot)
            await wait_for(pilot, lambda: pane.status.tone == "ok")
            assert on_tenant(tenant) == EDITED
            assert pane.status.text.startswith("✓ Saved: set theme, preferences, pronouns;")
            assert not pane.has_unsaved_changes()
            assert not pane.drafts.path.exists()  # cleared after the save

    async def test_cancelling_the_diff_sends_nothing(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        """Cancel in the diff dialog sends nothing and keeps the edit."""
        app = harness(session)
        async with app.run_test(size=(100, 40)) as pilot:
            pane = await loaded(pilot)
            await edit(pilot, pane, json.dumps(EDITED))
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("escape")
            await wait_for(pilot, lambda: "Not saved" in pane.status.text)
            assert patches(session) == 0
            assert on_tenant(tenant) == SEEDED
            assert json.loads(pane.editor.text) == EDITED

    async def test_invalid_json_shows_line_and_column_and_sends_nothing(
        self, session: AccountSession
    ) -> None:
        """A syntax error names its line and column; ctrl+s refuses and moves the cursor there."""
        app = harness(session)
        async with app.run_test(size=(100, 30)) as pilot:
            pane = await loaded(pilot)
            await edit(pilot, pane, '{\n  "theme": "light"\n  "language": "fr"\n}')
            assert check_line(pane) == "✗ Line 3, column 3: Expecting ',' delimiter."
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: pane.status.tone == "error")
            # The reason is said once, on the check line; the status line points at it.
            assert pane.status.text == "✗ Not saved: fix what the line under the editor says."
            assert check_line(pane) == "✗ Line 3, column 3: Expecting ',' delimiter."
            assert pane.editor.cursor_location == (2, 2)
            assert not isinstance(app.screen, ConfirmScreen)
            assert patches(session) == 0
            await edit(pilot, pane, '{\n  "theme": "light",\n  "language": "fr"\n}')
            assert pane.status.text == ""  # the stale "Not saved" goes once the text is valid

    async def test_top_level_must_be_an_object(self, session: AccountSession) -> None:
        """A list at the top level is refused with the reason."""
        app = harness(session)
        async with app.run_test() as pilot:
            pane = await loaded(pilot)
            await edit(pilot, pane, '["theme", "dark"]')
            assert "The top level must be a JSON object" in check_line(pane)
            assert "not a list" in check_line(pane)

    @pytest.mark.parametrize("key", ["a.b", "$set", "prefs/nested.dot"])
    async def test_forbidden_key_names_are_refused(self, session: AccountSession, key: str) -> None:
        """Keys with '.' or '$' (at any depth) are refused before anything is sent."""
        app = harness(session)
        async with app.run_test() as pilot:
            pane = await loaded(pilot)
            if "/" in key:
                outer, inner = key.split("/")
                edited: dict[str, Any] = {**SEEDED, outer: {inner: 1}}
                shown = f"{outer}.{inner}"
            else:
                edited = {**SEEDED, key: 1}
                shown = key
            await edit(pilot, pane, json.dumps(edited))
            assert f"The metadata key '{shown}' is not allowed." in check_line(pane)
            assert "must not be empty or contain '.' or '$'" in check_line(pane)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: pane.status.tone == "error")
            assert "not allowed" in pane.status.text
            assert patches(session) == 0

    async def test_an_empty_change_is_never_sent(self, session: AccountSession) -> None:
        """With nothing changed, ctrl+s says why nothing is sent ({} would wipe everything)."""
        app = harness(session)
        async with app.run_test() as pilot:
            pane = await loaded(pilot)
            assert check_line(pane) == "No changes."
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: pane.status.tone == "error")
            assert "Nothing to change" in pane.status.text
            assert "delete every metadata key" in pane.status.text
            assert patches(session) == 0

    async def test_over_ten_kilobytes_warns(self, session: AccountSession) -> None:
        """A draft over Auth0's 10 KB profile limit is valid but warned about."""
        app = harness(session)
        async with app.run_test(size=(100, 30)) as pilot:
            pane = await loaded(pilot)
            await edit(pilot, pane, json.dumps({**SEEDED, "notes": "x" * 11000}))
            line = check_line(pane)
            assert line.startswith("✓ Valid.")
            assert "⚠ user_metadata is now 10.9 KB, over Auth0's 10 KB profile limit" in line


class TestConflicts:
    async def test_a_change_elsewhere_stops_the_save_and_shows_both(
        self,
        tenant: RunningTenant,
        session: AccountSession,
        make_session: Callable[..., Any],
    ) -> None:
        """If another session changed the metadata since load, nothing is sent; both versions
        show; "overwrite" shows the change against theirs and then sends it."""
        other = await make_session(name="other")
        app = harness(session)
        async with app.run_test(size=(120, 40)) as pilot:
            pane = await loaded(pilot)
            await other.update_metadata(set={"theme": "solarized", "added_elsewhere": True})
            await edit(pilot, pane, json.dumps(EDITED, indent=2))
            await pilot.press("ctrl+s")
            await confirm(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen))
            screen = app.screen
            assert patches(session) == 0
            theirs = text_of(screen.query_one("#theirs-text", Static))
            yours = text_of(screen.query_one("#yours-text", Static))
            assert '* theme: "solarized"' in theirs and "* added_elsewhere: true" in theirs
            assert '* theme: "light"' in yours and "* added_elsewhere: (absent)" in yours
            assert "set theme, added_elsewhere" in text_of(screen.query_one("#explain", Static))

            screen.query_one("#overwrite", Button).press()
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            preview = app.screen.query_one(PatchPreview)
            assert preview.changes.unset == ("language", "added_elsewhere")
            assert '"solarized" → "light"' in str(preview.render())
            await confirm(pilot)
            await wait_for(pilot, lambda: pane.status.tone == "ok")
            assert on_tenant(tenant) == EDITED

    async def test_reload_theirs_sends_nothing_and_can_be_undone(
        self,
        tenant: RunningTenant,
        session: AccountSession,
        make_session: Callable[..., Any],
    ) -> None:
        """ "Reload theirs" puts Auth0's copy in the editor; ctrl+z brings yours back."""
        other = await make_session(name="other")
        app = harness(session)
        async with app.run_test(size=(120, 40)) as pilot:
            pane = await loaded(pilot)
            await other.update_metadata(set={"theme": "solarized"})
            mine = json.dumps(EDITED, indent=2)
            await edit(pilot, pane, mine)
            await pilot.press("ctrl+s")
            await confirm(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen))
            app.screen.query_one("#reload", Button).press()
            await wait_for(pilot, lambda: "Loaded Auth0's copy" in pane.status.text)
            assert patches(session) == 0
            assert json.loads(pane.editor.text)["theme"] == "solarized"
            assert pane.base == on_tenant(tenant)
            pane.editor.focus()
            await pilot.press("ctrl+z")
            assert pane.editor.text == mine

    async def test_a_cancelled_overwrite_keeps_the_loaded_baseline(
        self,
        tenant: RunningTenant,
        session: AccountSession,
        make_session: Callable[..., Any],
    ) -> None:
        """Choosing "overwrite" then cancelling its preview changes nothing: the next save still
        finds the conflict instead of quietly undoing the other side's change."""
        other = await make_session(name="other")
        app = harness(session)
        async with app.run_test(size=(120, 40)) as pilot:
            pane = await loaded(pilot)
            await other.update_metadata(set={"theme": "solarized"})
            await edit(pilot, pane, json.dumps({**SEEDED, "pronouns": "she/her"}, indent=2))
            await pilot.press("ctrl+s")
            await confirm(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen))
            app.screen.query_one("#overwrite", Button).press()
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            preview = app.screen.query_one(PatchPreview)
            assert preview.reverts == ("theme",)
            assert "keys you did not edit" in str(preview.render())
            await pilot.press("escape")
            await wait_for(pilot, lambda: "Not saved" in pane.status.text)
            assert pane.base == SEEDED
            draft = pane.drafts.load()
            assert draft is not None and dict(draft.base) == SEEDED

            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            assert app.screen.query_one(PatchPreview).changes.set == {"pronouns": "she/her"}
            await confirm(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen))
            await pilot.press("escape")
            await wait_for(pilot, lambda: "Not saved" in pane.status.text)
            assert patches(session) == 0
            assert on_tenant(tenant)["theme"] == "solarized"

    async def test_a_save_whose_answer_was_lost_is_not_a_conflict(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        """The PATCH applied but its answer was lost; the next ctrl+s finds Auth0's copy equal
        to the editor's, sends nothing, and says the earlier save had applied."""
        real_update = session.update_metadata

        async def applied_then_lost(**kwargs: Any) -> Any:
            await real_update(**kwargs)
            raise ResponseLost("The request was sent but its answer was lost: it may have applied.")

        session.update_metadata = applied_then_lost  # type: ignore[method-assign]
        app = harness(session)
        async with app.run_test(size=(120, 40)) as pilot:
            pane = await loaded(pilot)
            await edit(pilot, pane, json.dumps(EDITED, indent=2))
            await pilot.press("ctrl+s")
            await confirm(pilot)
            await wait_for(pilot, lambda: pane.status.tone == "error")
            assert on_tenant(tenant) == EDITED
            session.update_metadata = real_update  # type: ignore[method-assign]

            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await confirm(pilot)
            await wait_for(pilot, lambda: pane.status.tone == "ok")
            assert not isinstance(app.screen, ConflictScreen)
            assert "earlier save" in pane.status.text and "had applied" in pane.status.text
            assert patches(session) == 1
            assert pane.base == EDITED and not pane.has_unsaved_changes()
            assert not pane.drafts.path.exists()

    async def test_control_characters_in_metadata_show_as_escapes(
        self, tenant: RunningTenant, session: AccountSession
    ) -> None:
        """A value carrying ESC, C1 or bidi codes is shown escaped and still round-trips."""
        hostile = {"note": "a\x1b]52;c;eA==\x07b\x85c\u202ed"}
        await session.update_metadata(set=hostile)
        app = harness(session)
        async with app.run_test(size=(120, 40)) as pilot:
            pane = await loaded(pilot)
            text = pane.editor.text
            assert "\x1b" not in text and "\x85" not in text and "\u202e" not in text
            assert "\\u001b" in text and "\\u0085" in text and "\\u202e" in text
            assert json.loads(text)["note"] == hostile["note"]
            assert not pane.has_unsaved_changes()


FAILURES = [
    pytest.param({"status": 401, "times": 2}, "did not accept the access token", id="401"),
    pytest.param({"status": 403}, "lacks the permission", id="403"),
    pytest.param({"status": 409}, "conflicting change", id="409"),
    pytest.param(
        {"status": 429, "times": 3, "headers": {"Retry-After": "0"}}, "rate limit", id="429"
    ),
    pytest.param({"status": 500, "times": 3}, "answered HTTP 500", id="500"),
    pytest.param(
        {"status": None, "delay": 1.5, "times": 3},
        "no answer came within the timeout",
        id="timeout",
    ),
]


class TestDraftsSurvive:
    @pytest.mark.parametrize(("failure", "said"), FAILURES)
    async def test_a_failed_save_keeps_the_draft_for_a_new_pane(
        self,
        tenant: RunningTenant,
        session: AccountSession,
        failure: dict[str, Any],
        said: str,
    ) -> None:
        """After a failed PATCH the edit stays on screen and on disk (0600), and a new pane
        restores it with a note."""
        session.http.timeout = httpx.Timeout(0.5)  # the injected stall becomes a timeout fast
        tenant.state.inject_failure("users", method="PATCH", **failure)
        text = json.dumps(EDITED, indent=2)
        app = harness(session)
        async with app.run_test(size=(100, 30)) as pilot:
            pane = await loaded(pilot)
            await edit(pilot, pane, text)
            await pilot.press("ctrl+s")
            await confirm(pilot)
            await wait_for(pilot, lambda: pane.status.tone == "error", timeout=20)
            assert said in pane.status.text
            assert "Your edit is kept here and in the draft." in pane.status.text
            assert pane.editor.text == text
            assert not pane.editor.read_only
            draft = pane.drafts.load()
            assert draft is not None and draft.text == text
            assert stat.S_IMODE(pane.drafts.path.stat().st_mode) == 0o600
        assert on_tenant(tenant) == SEEDED

        again = harness(session)
        async with again.run_test(size=(100, 30)) as pilot:
            pane = await loaded(pilot)
            assert pane.editor.text == text
            note = text_of(pane.query_one("#metadata-note"))
            assert note.startswith("Restored unsaved draft from ")
            assert pane.has_unsaved_changes()

    async def test_the_draft_survives_signing_in_again(
        self,
        tenant: RunningTenant,
        session: AccountSession,
        tenant_session: Callable[..., AccountSession],
    ) -> None:
        """A draft typed before the session ended is restored after a new sign-in, and a
        save from it still checks for changes made in between."""
        text = json.dumps(EDITED, indent=2)
        app = harness(session)
        async with app.run_test() as pilot:
            pane = await loaded(pilot)
            await edit(pilot, pane, text)
        # Unmounting flushed the pending draft; now the session is gone and a new one begins.
        await session.logout()
        fresh = tenant_session(tenant)
        await sign_in(fresh)
        again = harness(fresh)
        async with again.run_test(size=(100, 30)) as pilot:
            pane = await loaded(pilot)
            assert pane.editor.text == text
            assert "Restored unsaved draft" in text_of(pane.query_one("#metadata-note"))
            await pilot.press("ctrl+s")
            await confirm(pilot)
            await wait_for(pilot, lambda: pane.status.tone == "ok")
        assert on_tenant(tenant) == EDITED

    async def test_another_users_draft_is_not_restored(
        self, session: AccountSession, tmp_path: Any
    ) -> None:
        """A draft saved for another user id on this profile is not offered."""
        store = DraftStore(session.profile.name)
        store.save('{"theirs": 1}', base={}, user_id="auth0|someone-else")
        app = harness(session)
        async with app.run_test() as pilot:
            pane = await loaded(pilot)
            assert json.loads(pane.editor.text) == SEEDED


class TestScopes:
    async def test_without_the_metadata_scope_save_is_off_and_step_up_is_offered(
        self, make_session: Callable[..., Any]
    ) -> None:
        """A sign-in lacking update:current_user_metadata shows why saving is off and ctrl+g
        asks the app to sign in again for it."""
        limited = await make_session(
            name="limited",
            scopes=("openid", "profile", "email", "offline_access", "read:current_user"),
        )
        app = harness(limited)
        async with app.run_test(size=(100, 30)) as pilot:
            pane = await loaded(pilot)
            banner = text_of(pane.query_one("#metadata-banner", Static))
            assert "Saving metadata is off: needs update:current_user_metadata." in banner
            await edit(pilot, pane, json.dumps(EDITED))
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)
            assert patches(limited) == 0
            await pilot.press("ctrl+g")
            await pilot.pause()
            assert [m.scopes for m in app.step_ups] == [("update:current_user_metadata",)]
