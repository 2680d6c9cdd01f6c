"""The Blocks tab of a user's page: what refuses their sign-ins, and lifting it.

Two things can: Auth0's brute-force protection, which blocks one identifier from one IP after
too many wrong passwords (a row per IP: the identifier typed, the connection, and since when,
from the ``limit_wc`` event that set it when the logs can be read); and the administrator's
``blocked`` flag, which refuses every sign-in from anywhere. The line above the table says
which of the two holds, in those words. ``u`` releases every brute-force block; ``b`` sets or
clears the flag (``update:users``); both ask for a typed word first, and the outcome is the
facade's (done at once: Auth0 answers 204).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from tui_console.errors import TuiConsoleError
from tui_console.support import BlockedFor, BlockReport
from tui_console.ui.support.detail import DetailScreen
from tui_console.ui.support.records_pane import RecordsPane
from tui_console.ui.support.times import moment, relative
from tui_console.ui.support.trouble_confirmations import (
    block_user_confirm,
    clear_block_confirm,
    unblock_confirm,
)

__all__ = ["BlocksTab", "flag_words"]


def flag_words(blocked: bool | None) -> str:
    """The administrator's flag, worded as what it does."""
    if blocked is None:
        return "Administrator's block: not known."
    if blocked:
        return (
            "Administrator's block: ON. Every sign-in of this user is refused, from anywhere, "
            "until it is cleared (b)."
        )
    return "Administrator's block: off (b blocks every sign-in of this user)."


class BlocksTab(RecordsPane[BlockedFor]):
    """Brute-force blocks per IP, the blocked flag, and lifting either.

    | Key | Action |
    | --- | --- |
    | `enter` | The block in full |
    | `u` | Release every brute-force block of the user (typed confirmation) |
    | `b` | Block every sign-in (the administrator's flag), or allow them again (typed) |
    | `r` | Read the blocks again |
    | `/` | Filter the rows |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("u", "unblock", "Unblock", id="support.blocks.unblock",
                tooltip="Release every brute-force block of this user (asks first)"),
        Binding("b", "block_user", "Block user", id="support.blocks.block_user",
                tooltip="Refuse every sign-in of this user: the administrator's flag (asks first)"),
        Binding("b", "allow_user", "Allow sign-ins", id="support.blocks.allow_user",
                tooltip="Clear the administrator's block of every sign-in (asks first)"),
    ]  # fmt: skip

    SUPPORT_ACTIONS = {
        "unblock": "blocks.release",
        "block_user": "users.block",
        "allow_user": "users.block",
        "reload": "blocks.read",
    }
    NOUN = ("brute-force block", "brute-force blocks")
    COLUMNS = ("Blocked IP", "Identifier", "Connection", "Since")
    LIST_ACTION = "blocks.read"
    KEYS_HINT = "u: unblock · Enter: details"

    DEFAULT_CSS = """
    BlocksTab #blocked-flag { height: auto; padding: 0 1; }
    """

    report: BlockReport | None = None

    def on_mount(self) -> None:
        super().on_mount()
        self.mount(Static("", markup=False, id="blocked-flag"), before=self.table)

    @property
    def flag_line(self) -> Static:
        return self.query_one("#blocked-flag", Static)

    async def fetch(
        self, checkpoint: str | None
    ) -> tuple[Sequence[BlockedFor], str | None, int | None]:
        report = await self.desk.blocks(self.user.user_id)
        self.report = report
        return report.blocks, None, None

    def loaded(self) -> None:
        report = self.report
        flag = report.blocked_flag if report else None
        self.flag_line.update(Content(flag_words(flag)))
        self.refresh_bindings()
        if report is not None and report.note:
            self.status.say(f"{self.summary()}\n{report.note}", "info")

    def record_id(self, record: BlockedFor) -> str:
        block = record.block
        return f"{block.ip}|{block.identifier}|{block.connection}"

    def cells(self, record: BlockedFor, now: float) -> tuple[str, ...]:
        block = record.block
        return (
            block.ip or "unknown IP",
            block.identifier or "—",
            block.connection or "—",
            relative(record.since, now, missing="not known"),
        )

    def show_record(self, record: BlockedFor) -> None:
        block = record.block
        now = self.clock()
        rows = [
            ("Blocked IP", block.ip or "unknown"),
            ("Identifier", f"{block.identifier or '—'} (as typed at the login page)"),
            ("Connection", block.connection or "—"),
            ("Since", moment(record.since, now, missing="not known (from the logs)")),
            ("Means", "sign-ins with this identifier from this IP are refused, even with the "
                      "right password, until the block is released"),
        ]  # fmt: skip
        reason = self.desk.unavailable_reason("blocks.release")
        if reason:
            rows.append(("Off", reason))

        def chosen(action: str | None) -> None:
            if action == "unblock":
                self.action_unblock()

        self.app.push_screen(
            DetailScreen(
                "Brute-force block",
                rows,
                actions=(("unblock", "Unblock"),),
                disabled=("unblock",) if reason else (),
            ),
            chosen,
        )

    @property
    def blocked_flag(self) -> bool | None:
        return self.report.blocked_flag if self.report else self.user.blocked

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``b`` is Block user or Allow sign-ins, whichever the flag makes sense of."""
        if action == "block_user" and self.blocked_flag:
            return False
        if action == "allow_user" and not self.blocked_flag:
            return False
        if action == "unblock" and action not in self._reasons and not self.records:
            return None
        return super().check_action(action, parameters)

    # -- acting ------------------------------------------------------------------------------

    def action_unblock(self) -> None:
        """Release every brute-force block of the user (typed confirmation)."""
        if self.refuse_if_unavailable("unblock"):
            return
        if not self.records:
            self.status.say("No brute-force block is listed: there is nothing to release.")
            return
        who = self.user.user.email or self.user.user_id
        ips = [r.block.ip for r in self.records if r.block.ip]

        def answered(yes: bool | None) -> None:
            if yes:
                self._unblock()

        self.app.push_screen(unblock_confirm(who, ips), answered)

    def action_block_user(self) -> None:
        """Set the administrator's flag: every sign-in refused (typed confirmation)."""
        self._change_flag(True)

    def action_allow_user(self) -> None:
        """Clear the administrator's flag (typed confirmation)."""
        self._change_flag(False)

    def _change_flag(self, blocking: bool) -> None:
        if self.refuse_if_unavailable("block_user"):
            return
        who = self.user.user.email or self.user.user_id
        dialog = block_user_confirm(who) if blocking else clear_block_confirm(who)

        def answered(yes: bool | None) -> None:
            if yes:
                self._set_blocked(blocking)

        self.app.push_screen(dialog, answered)

    @work(group="support-block-actions", exit_on_error=False)
    async def _unblock(self) -> None:
        self.status.say("Releasing the brute-force blocks…", "busy")
        try:
            outcome = await self.desk.unblock(self.user.user_id)
        except TuiConsoleError as error:
            self.show_action_error(error, doing="Releasing the blocks")
            return
        self.records = []
        self.redraw()
        self.refresh_bindings()
        self.show_outcome(outcome)

    @work(group="support-block-actions", exit_on_error=False)
    async def _set_blocked(self, blocked: bool) -> None:
        self.status.say("Blocking the user…" if blocked else "Clearing the block…", "busy")
        try:
            outcome = await self.desk.set_blocked(self.user.user_id, blocked)
        except TuiConsoleError as error:
            self.show_action_error(error, doing="Changing the blocked flag")
            return
        if self.report is not None:
            self.report = replace(self.report, blocked_flag=blocked)
        self.flag_line.update(Content(flag_words(blocked)))
        self.refresh_bindings()
        self.show_outcome(outcome)
