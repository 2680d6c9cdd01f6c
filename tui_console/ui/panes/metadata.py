"""The Metadata tab: ``user_metadata`` as JSON, checked as you type, saved with care.

Saving is a sequence a person can follow and stop at any point:

1. the editor's JSON is checked by :func:`~tui_console.account.check_metadata_text` (syntax
   with line and column, a top-level object, key names and values, the 10 KB size);
2. the change is shown as what will be sent: the keys to set (nested objects whole, since Auth0
   merges only the top level) and the keys deleted by sending ``null`` (auth0-reference.md §6.3);
3. after "Save", the user is read again; if ``user_metadata`` changed on Auth0 since it was
   loaded, nothing is sent and both versions are shown (reload theirs, overwrite, or cancel);
4. the PATCH. An empty change is never sent: ``{}`` would wipe every key.

The draft survives every failure: it is written to a private file
(:mod:`tui_console.storage.drafts`) on every change, restored when the pane loads (also after
a crash, an expired token or a new sign-in), and cleared only after a successful save.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static, TextArea

from tui_console.account import (
    DraftStore,
    MetadataCheck,
    check_metadata_text,
    format_metadata,
    reverted_keys,
)
from tui_console.errors import StorageError, TuiConsoleError
from tui_console.ui.external_editor import edit_externally, editor_command
from tui_console.ui.format import local_time
from tui_console.ui.panes._base import Pane, PaneSession
from tui_console.ui.widgets.confirm import ConfirmScreen
from tui_console.ui.widgets.json_diff import ConflictScreen, PatchPreview
from tui_console.ui.widgets.status_line import StatusLine

__all__ = ["MetadataPane"]

#: How long typing must pause before the draft is written to disk.
DRAFT_DEBOUNCE_SECONDS = 0.5


class MetadataPane(Pane):
    """A JSON editor for ``user_metadata`` with live checks, a diff, conflict checks and drafts.

    | Key | Action |
    | --- | --- |
    | `enter`, `e` | Edit: put the cursor in the JSON editor |
    | `escape` | Leave the editor (the text stays; the tab numbers switch tabs again) |
    | `ctrl+o` | Edit the JSON in `$VISUAL` / `$EDITOR`, then check it here |
    | `ctrl+s` | Save: show what will be sent, check for changes on Auth0, then send |
    | `ctrl+r` | Reload Auth0's copy (asks first when there are unsaved changes) |
    | `ctrl+g` | Sign in again with the scope saving needs (when it is missing) |
    """

    DEFAULT_CSS = """
    MetadataPane {
        & > #metadata-note { height: auto; padding: 0 1; color: $text-accent; }
        & > #metadata-editor { height: 1fr; min-height: 5; }
        &:focus > #metadata-editor { border: round $accent; }
        & > #metadata-check { height: auto; padding: 0 1; color: $text-muted; }
        & > #metadata-check.-invalid { color: $text-error; }
        & > #metadata-check.-warning { color: $text-warning; }
    }
    """

    can_focus = True
    """The pane itself takes the focus on entering the tab, so the tab numbers and [ ] switch
    tabs; the editor takes it only when asked (Enter or e)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter,e",
            "edit",
            "Edit",
            id="metadata.edit",
            tooltip="Put the cursor in the JSON editor (Escape leaves it)",
        ),
        Binding(
            "ctrl+o",
            "external_edit",
            "$EDITOR",
            show=False,  # the footer keeps room for Quit and Help at 80 columns
            id="metadata.external_edit",
            tooltip="Edit the JSON in $VISUAL or $EDITOR (the console waits, then checks it)",
        ),
        Binding(
            "ctrl+s",
            "save",
            "Save",
            id="metadata.save",
            tooltip="Show what will be sent, check Auth0's copy is unchanged, then save",
        ),
        Binding(
            "ctrl+r",
            "reload_metadata",
            "Reload",
            id="metadata.reload",
            tooltip="Load Auth0's copy again (asks first if you have unsaved changes)",
        ),
    ]
    BINDING_GROUP_TITLE = "Metadata"
    HELP = """\
## Metadata

Your **user_metadata** as JSON. **Enter** or **e** puts the cursor in the editor; **Escape**
leaves it (keys such as the tab numbers then switch tabs again; f2/f3 switch tabs from inside it).
The line under the editor checks it as you type: JSON syntax
(with line and column), a top-level object, key names (no `.` or `$`), and the size against
Auth0's 10 KB profile limit.

- **ctrl+s** saves. First you see exactly what will be sent: keys to set (a changed nested
  object is sent whole, because Auth0 merges only the top level) and keys deleted by sending
  `null`. Before sending, the console reads your account again; if the metadata changed on
  Auth0 since you loaded it, nothing is sent and you see both versions: reload theirs, or
  overwrite with yours.
- **ctrl+r** reloads Auth0's copy.
- **ctrl+o** opens the JSON in your `$VISUAL` or `$EDITOR`; when it exits, the text comes
  back here and is checked as usual (ctrl+z undoes it). If the editor fails, nothing changes.
- Your edit is saved as a private draft on this machine as you type. It survives failed
  saves, expired sessions, signing in again and closing the console, and is restored here
  next time. It is deleted after a successful save.
- An empty change is never sent: Auth0 would read `{}` as "delete every key".
"""

    SCOPED_ACTIONS = {
        "save": ("metadata.update", "Saving metadata"),
        "reload_metadata": ("user.read", "Reading your account"),
    }

    base: dict[str, Any] | None = None
    """The ``user_metadata`` the edit is based on (what Auth0 had when it was loaded)."""
    user_id: str | None = None
    _baseline_text: str = ""
    _draft_timer: Timer | None = None
    _drafts: DraftStore | None = None
    _saving: bool = False
    _editor: TextArea

    def __init__(
        self,
        session: PaneSession,
        *,
        drafts: DraftStore | None = None,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(session, clock=clock, name=name, id=id, classes=classes)
        self._drafts = drafts
        """Where drafts go (default: this profile's file under the state directory)."""

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, classes="pane--banner", id="metadata-banner")
        yield Static("Loading your metadata…", markup=False, id="metadata-note")
        editor = TextArea.code_editor(
            "", language="json", id="metadata-editor", read_only=True, soft_wrap=True
        )
        editor.cursor_blink = False
        self._editor = editor
        yield editor
        yield Static("", markup=False, id="metadata-check")
        yield StatusLine(id="metadata-status", classes="pane--status")

    @property
    def editor(self) -> TextArea:
        """The JSON editor (kept as a reference: the draft is flushed while unmounting)."""
        return self._editor

    @property
    def drafts(self) -> DraftStore:
        if self._drafts is None:
            self._drafts = DraftStore(self.session.profile.name, clock=self.clock)
        return self._drafts

    def action_edit(self) -> None:
        """Put the cursor in the editor."""
        self.editor.focus()

    def action_external_edit(self) -> None:
        """Hand the JSON to ``$VISUAL``/``$EDITOR``, then take back what it wrote.

        The text goes through a private temporary file (:mod:`~tui_console.ui.external_editor`:
        metadata is personal data). An editor that exits non-zero changes nothing; invalid JSON
        comes back as typed, so the check line says what is wrong and nothing is lost.
        """
        if self.base is None:
            self.status.say("Nothing is loaded yet, so there is nothing to edit.", "warning")
            return
        command = editor_command()
        if command is None:
            self.status.say(
                "Set $VISUAL or $EDITOR to edit the JSON in your own editor.", "warning"
            )
            return
        outcome = edit_externally(
            self.app,
            command,
            self.editor.text,
            prefix="tui-console-metadata-",
            suffix=".json",
        )
        text = outcome.text
        if text is None:
            self.status.say(outcome.problem, outcome.tone)
            return
        editor = self.editor
        if text != editor.text:
            editor.replace(text, editor.document.start, editor.document.end)  # ctrl+z undoes it
        check = self._check()
        self.status.say(
            "Back from the editor." + ("" if check.ok else " The JSON needs fixing (see above)."),
            "ok" if check.ok else "warning",
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit" and self.screen.focused is self.editor:
            return False  # Enter and e are the editor's own there
        return super().check_action(action, parameters)

    def _note(self, text: str) -> None:
        self.query_one("#metadata-note", Static).update(Content(text))

    # -- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        self._load()

    @work(exclusive=True, group="metadata-load", exit_on_error=False)
    async def _load(self) -> None:
        if self.base is not None:
            self.flush_draft()  # an edit typed in the last half second is on disk first
        draft = None
        try:
            self.user_id = self.session.user_id()
        except TuiConsoleError:
            self.user_id = None  # not signed in: loading the user below says so
        try:
            draft = self.drafts.load(user_id=self.user_id)
        except TuiConsoleError as error:
            self.show_error(error, doing="Reading the saved draft")
        if self.missing_for("reload_metadata"):
            user = None
            self._note("Reading your account needs read:current_user, which this sign-in lacks.")
        else:
            self.status.say("Loading your metadata from Auth0…", "busy")
            try:
                user = await self.session.get_user()
            except TuiConsoleError as error:
                user = None
                self.show_error(error, doing="Loading your metadata")
        if user is not None:
            self.user_id = user.user_id
            self.status.clear()
        server = dict(user.user_metadata) if user is not None else None
        if draft is not None:
            base = dict(draft.base)
            self._start_editing(base, draft.text)
            note = f"Restored unsaved draft from {local_time(draft.saved_at)}."
            if server is not None and server != base:
                note += " Auth0's copy changed since; saving will show both versions."
            elif server is None:
                note += " Auth0's copy could not be loaded; ctrl+r tries again."
            self._note(note)
        elif server is not None:
            self._start_editing(server, format_metadata(server))
            self._note(f"Loaded from Auth0 at {local_time(self.clock())}.")
        elif self.base is None:
            self._note("Not loaded. ctrl+r: try again.")

    def _start_editing(self, base: dict[str, Any], text: str) -> None:
        self.base = base
        self._baseline_text = format_metadata(base)
        editor = self.editor
        editor.load_text(text)
        # Editing stays possible without the save scope: the draft survives the step-up
        # sign-in, and saving works afterwards.
        editor.read_only = False
        self._check()

    def action_reload_metadata(self) -> None:
        """Load Auth0's copy again, after asking when there are unsaved changes."""
        if self.refuse_without_scope("reload_metadata"):
            return
        if not self.has_unsaved_changes():
            self._load()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._discard_draft()
                self._load()

        self.app.push_screen(
            ConfirmScreen(
                "Discard your unsaved changes?",
                "Reloading replaces the editor with Auth0's copy, and your draft is deleted.",
                confirm_label="Discard and reload",
                danger=True,
            ),
            answered,
        )

    def _discard_draft(self) -> None:
        self._cancel_draft_timer()
        try:
            self.drafts.clear()
        except StorageError as error:
            self.show_error(error)
        self.base = None

    # -- checking and drafts -----------------------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        """True when the editor holds something that is not on Auth0 (the app's quit guard)."""
        if self.base is None:
            return False
        text = self.editor.text
        if text == self._baseline_text:
            return False
        try:
            return bool(json.loads(text) != self.base)
        except json.JSONDecodeError:
            return True

    @on(TextArea.Changed, "#metadata-editor")
    def _edited(self) -> None:
        if self.base is None:
            return
        check = self._check()
        if check.ok and self.status.tone == "error" and self.status.text.startswith("✗ Not saved:"):
            self.status.clear()  # the error it named is gone
        self._cancel_draft_timer()
        self._draft_timer = self.set_timer(DRAFT_DEBOUNCE_SECONDS, self.flush_draft)

    def _cancel_draft_timer(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None

    def flush_draft(self) -> None:
        """Write the draft now (or delete it when the editor matches Auth0's copy)."""
        self._cancel_draft_timer()
        if self.base is None:
            return
        try:
            if self.has_unsaved_changes():
                self.drafts.save(self.editor.text, base=self.base, user_id=self.user_id)
            else:
                self.drafts.clear()
        except StorageError as error:
            self.show_error(error, doing="Keeping the draft on disk")

    def on_unmount(self) -> None:
        if self._draft_timer is not None:
            self.flush_draft()

    def _check(self) -> MetadataCheck:
        check = check_metadata_text(self.editor.text, self.base or {})
        line = self.query_one("#metadata-check", Static)
        message = ("✓ " if check.ok else "✗ ") + check.message
        if check.unchanged:
            message = "No changes."
        for warning in check.warnings:
            message += f"\n⚠ {warning}"
        line.update(Content(message))
        line.set_class(not check.ok and not check.unchanged, "-invalid")
        line.set_class(check.ok and bool(check.warnings), "-warning")
        return check

    # -- saving ----------------------------------------------------------------------------

    def action_save(self) -> None:
        """Check, show the change, re-read Auth0's copy, then save."""
        if self.refuse_without_scope("save"):
            return
        if self.base is None:
            self.status.say("Nothing is loaded yet, so there is nothing to save.", "warning")
            return
        if self._saving:
            return
        self._save()

    @work(exclusive=True, group="metadata-save", exit_on_error=False)
    async def _save(self) -> None:
        self._saving = True
        editor = self.editor
        editor.read_only = True
        try:
            await self._save_steps()
        finally:
            self._saving = False
            editor.read_only = self.base is None

    async def _save_steps(self) -> None:
        self.flush_draft()
        # The change is computed against ``against``: what was loaded, until the person chooses
        # to overwrite a newer copy on Auth0. ``self.base`` stays what was loaded until a save
        # succeeds or theirs is taken, so a cancelled overwrite leaves the conflict in place.
        against = self.base or {}
        reverts: tuple[str, ...] = ()
        while True:
            self._check()
            check = check_metadata_text(self.editor.text, against)
            if not check.ok or check.body is None or check.changes is None:
                if check.line is not None and check.column is not None:
                    self.editor.move_cursor((check.line - 1, max(0, check.column - 1)))
                if check.line is not None:
                    # A syntax error is on the check line under the editor: say it once.
                    self.status.say("Not saved: fix what the line under the editor says.", "error")
                else:
                    self.status.say(f"Not saved: {check.message}", "error")
                return
            confirmed = await self.app.push_screen_wait(
                ConfirmScreen(
                    "Save these metadata changes?",
                    "",
                    PatchPreview(
                        against, check.changes, check.body, reverts=reverts, id="metadata-preview"
                    ),
                    confirm_label="Save",
                    # Deleting keys, or undoing someone's change, cannot be taken back by a
                    # stray Enter: Cancel has the focus then.
                    danger=bool(check.changes.unset or reverts),
                )
            )
            if not confirmed:
                self.status.say("Not saved. Your edit is still here (and in the draft).")
                return
            self.status.say("Checking Auth0's copy has not changed…", "busy")
            try:
                current = await self.session.get_user()
            except TuiConsoleError as error:
                self.show_error(error, doing="Not saved: checking Auth0's copy")
                return
            theirs = dict(current.user_metadata)
            if theirs == against:
                break
            if theirs == check.edited:
                # The usual cause: an earlier save applied but its answer was lost.
                self._adopt(
                    theirs,
                    "Nothing sent: Auth0's copy already equals yours, so an earlier save "
                    "(whose answer was lost) had applied.",
                )
                return
            choice = await self.app.push_screen_wait(
                ConflictScreen(base=self.base or {}, theirs=theirs, yours=check.edited or {})
            )
            if choice == "reload":
                self._take_theirs(theirs)
                return
            if choice != "overwrite":
                self.status.say("Not saved. Auth0's copy differs from the one you loaded.")
                return
            # Overwrite: diff against what Auth0 has now and show that change (naming the keys
            # it turns back that only the other side changed) before sending.
            against = theirs
            reverts = reverted_keys(self.base or {}, theirs, check.edited or {})
        self.status.say("Saving…", "busy")
        try:
            result = await self.session.update_metadata(
                set=check.changes.set, unset=check.changes.unset
            )
        except TuiConsoleError as error:
            self.show_error(error, doing="Saving", then="Your edit is kept here and in the draft.")
            return
        saved = dict(result.user.user_metadata)
        self._cancel_draft_timer()
        try:
            self.drafts.clear()
        except StorageError as error:
            self.show_error(error)
        self.base = saved
        self._baseline_text = format_metadata(saved)
        self.editor.load_text(self._baseline_text)
        self._check()
        self._note(f"Saved at {local_time(self.clock())}: {check.changes.describe()}.")
        message = f"Saved: {check.changes.describe()}."
        if result.warnings:
            self.status.say(message + "\n" + "\n".join(result.warnings), "warning")
        else:
            self.status.say(message, "ok")

    def _adopt(self, theirs: dict[str, Any], message: str) -> None:
        """Auth0's copy equals the editor's: make it the base, drop the draft, say so."""
        self._cancel_draft_timer()
        try:
            self.drafts.clear()
        except StorageError as error:
            self.show_error(error)
        self.base = theirs
        self._baseline_text = format_metadata(theirs)
        self._check()
        self.status.say(message, "ok")

    def _take_theirs(self, theirs: dict[str, Any]) -> None:
        """Put Auth0's copy in the editor as an undoable edit (ctrl+z brings yours back)."""
        editor = self.editor
        self.base = theirs
        self._baseline_text = format_metadata(theirs)
        editor.read_only = False
        editor.replace(self._baseline_text, editor.document.start, editor.document.end)
        self._check()
        self.flush_draft()
        self.status.say("Loaded Auth0's copy; nothing was sent. ctrl+z brings your version back.")
