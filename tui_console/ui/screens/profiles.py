"""The profile switcher: every configured profile, who is signed in, and its token state.

Opened from the command palette ("profile: switch"). The list is read from disk through
:func:`tui_console.account.profile_summaries` (no network); Enter on a profile other than the
current one switches the console to it. Unsaved metadata edits are never lost by switching
(they stay a draft of their own profile), but the switcher asks first, so nobody leaves an
edit without knowing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Label, Static

from tui_console.account import profile_summaries
from tui_console.errors import TuiConsoleError
from tui_console.terminal_text import printable
from tui_console.ui.widgets.dialog import Dialog, DialogBody
from tui_console.ui.widgets.filter_table import FilterTable

__all__ = ["ProfileSwitcher"]


class ProfileSwitcher(Dialog["str | None"]):
    """Profiles in a table; Enter dismisses with the chosen profile's name.

    | Key | Action |
    | --- | --- |
    | `enter` | Switch to the highlighted profile |
    | `j` / `k`, arrows | Move |
    | `escape` | Stay on this profile |
    """

    DEFAULT_CSS = """
    ProfileSwitcher {
        & > #dialog { width: 100%; max-width: 110; }
        & #profiles { height: auto; max-height: 14; }
        & #profiles-note { height: auto; color: $text-muted; margin-top: 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="profiles.close", tooltip="Stay on this profile"),
    ]

    def __init__(self, current: str, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.current = current
        self.clock = clock
        self.names: list[str] = []

    def compose(self) -> ComposeResult:
        with DialogBody(id="dialog"):
            yield Label("Switch profile", id="title")
            yield FilterTable(id="profiles")
            yield Static("Reading the profiles…", markup=False, id="profiles-note")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#profiles", FilterTable)
        for name in ("profile", "issuer", "signed in as", "token"):
            table.add_column(name, key=name)
        table.focus()
        self._load()

    @work(exclusive=True, group="profiles", exit_on_error=False)
    async def _load(self) -> None:
        note = self.query_one("#profiles-note", Static)
        try:
            profiles = await asyncio.to_thread(profile_summaries, self.clock())
        except TuiConsoleError as error:
            note.update(Content(printable(f"{error.message} {error.hint}".strip())))
            return
        now = self.clock()
        rows = []
        self.names = [profile.name for profile in profiles]
        for profile in profiles:
            marks = (" (current)" if profile.name == self.current else "") + (
                " (default)" if profile.default else ""
            )
            rows.append(
                (
                    profile.name,
                    (
                        Text(printable(profile.name + marks, one_line=True)),
                        Text(printable(profile.issuer, one_line=True)),
                        Text(printable(profile.user or "—", one_line=True)),
                        Text(printable(profile.state_text(now), one_line=True)),
                    ),
                )
            )
        self.query_one("#profiles", FilterTable).set_rows(rows)
        note.update(
            Content(
                f"{len(profiles)} profiles. Enter: switch · Escape: stay. "
                "`tui-console login --profile NAME` adds one."
            )
        )

    @on(DataTable.RowSelected, "#profiles")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        name = event.row_key.value
        self.dismiss(None if name == self.current else name)

    def action_close(self) -> None:
        """Stay on the current profile."""
        self.dismiss(None)
