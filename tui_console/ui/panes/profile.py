"""The Profile tab: who is signed in, as ``/userinfo`` says, kept from the last good fetch.

Auth0 allows ``/userinfo`` 5 requests a minute per user (auth0-reference.md §4.3), so the pane
fetches once when first shown and again only on ``r``. It keeps the last good profile and when
it was fetched ("as of 12 s ago"); a rate-limited refresh keeps showing it and says when to
try again.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from tui_console.account import UserProfile
from tui_console.durations import words
from tui_console.errors import RateLimited, TuiConsoleError
from tui_console.terminal_text import printable
from tui_console.ui.format import ago, cell, local_time
from tui_console.ui.panes._base import Pane
from tui_console.ui.widgets.status_line import StatusLine

__all__ = ["ProfilePane"]


class ProfilePane(Pane):
    """The ``/userinfo`` claims: name, email (and whether verified), picture, updated, subject.

    | Key | Action |
    | --- | --- |
    | `r` | Fetch the profile again (Auth0 allows 5 a minute) |
    """

    DEFAULT_CSS = """
    ProfilePane {
        & > #profile-age { height: 1; padding: 0 1; color: $text-muted; }
        & > #profile-claims { height: auto; max-height: 1fr; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "refresh",
            "Refresh",
            id="profile.refresh",
            tooltip="Fetch /userinfo again (Auth0 allows 5 a minute per user)",
        ),
    ]
    BINDING_GROUP_TITLE = "Profile"
    HELP = """\
## Profile

What the tenant's **/userinfo** endpoint says about you: name, email (and whether it is
verified), picture URL, when the profile last changed, and your user id (`sub`).

Auth0 allows 5 profile requests a minute, so the console keeps the last good answer and shows
how old it is. **r** fetches it again. When the limit is used up, the last profile stays on
screen and the status line says when to try again.
"""

    profile: UserProfile | None = None
    """The last profile fetched successfully (kept across failed refreshes)."""
    fetched_at: float | None = None
    """When :attr:`profile` was fetched (epoch seconds)."""

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, id="profile-age")
        table: DataTable[Text] = DataTable(
            id="profile-claims", cursor_type="row", zebra_stripes=False, show_header=False
        )
        yield table
        yield StatusLine(id="profile-status", classes="pane--status")

    def on_mount(self) -> None:
        table = self.query_one("#profile-claims", DataTable)
        table.add_column("claim", key="claim", width=16)
        table.add_column("value", key="value")
        self.set_interval(1.0, self._show_age)

    def load(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        """Fetch ``/userinfo`` again."""
        self.status.say("Fetching your profile…", "busy")
        self._fetch()

    @work(exclusive=True, group="profile", exit_on_error=False)
    async def _fetch(self) -> None:
        try:
            profile = await self.session.userinfo()
        except RateLimited as error:
            self._rate_limited(error)
            return
        except TuiConsoleError as error:
            kept = "Showing the profile from the last good fetch." if self.profile else ""
            self.show_error(error, doing="Fetching the profile", then=kept)
            return
        self.profile = profile
        self.fetched_at = self.clock()
        self._show_profile(profile)
        self.status.clear()

    def _rate_limited(self, error: RateLimited) -> None:
        when = ""
        if error.retry_after is not None:
            at = self.clock() + error.retry_after
            when = f" Try again in {words(error.retry_after)} (after {local_time(at)})."
        kept = (
            " Showing the profile from the last good fetch."
            if self.profile is not None
            else " No profile has been fetched yet."
        )
        self.status.say(f"{error.message}{when}{kept}", "warning")

    def _show_profile(self, profile: UserProfile) -> None:
        table = self.query_one("#profile-claims", DataTable)
        table.clear()
        if profile.email is None:
            email = cell(None)
        else:
            verified = {True: "verified", False: "NOT verified", None: "verification unknown"}
            email = Text.assemble(
                printable(profile.email, one_line=True),
                (f"  ({verified[profile.email_verified]})", "dim"),
            )
        rows: list[tuple[str, Text]] = [
            ("name", cell(profile.name)),
            ("nickname", cell(profile.nickname)),
            ("email", email),
            ("picture", cell(profile.picture)),
            (
                "updated",
                cell(local_time(profile.updated_at) if profile.updated_at else None),
            ),
            ("user id (sub)", cell(profile.sub)),
        ]
        for key, value in rows:
            table.add_row(Text(key, style="bold"), value, key=key)
        self._show_age()

    def _show_age(self) -> None:
        age = self.query_one("#profile-age", Static)
        if self.fetched_at is None:
            age.update("Not fetched yet." if self.profile is None else "")
            return
        age.update(
            f"From /userinfo, as of {ago(self.clock() - self.fetched_at)} "
            f"({local_time(self.fetched_at)}). r: refresh"
        )
