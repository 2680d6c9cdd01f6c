"""The Profile tab of a user's page: who the user is, how they sign in, their metadata.

Read-only on purpose: support staff look here to answer a ticket ("which connection? when did
they last sign in, from where? is the account blocked?"), and a change to someone else's
profile belongs in a reviewed tool, not a keystroke away. ``app_metadata`` and
``user_metadata`` are shown as indented JSON, keys sorted, exactly as Auth0 holds them.
"""

from __future__ import annotations

import json
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Label, Static

from tui_console.errors import TuiConsoleError
from tui_console.support import SupportUser
from tui_console.terminal_text import printable
from tui_console.ui.support._pane import UserPane
from tui_console.ui.support.times import moment
from tui_console.ui.widgets.status_line import StatusLine

__all__ = ["UserProfileTab", "profile_rows"]


def profile_rows(user: SupportUser, now: float) -> list[tuple[str, str]]:
    """``label: value`` rows of the user's profile at ``now``."""
    account = user.user
    verified = {True: "verified", False: "not verified", None: "unknown"}[account.email_verified]
    return [
        ("User id", user.user_id),
        ("Name", account.name or "—"),
        ("Nickname", account.nickname or "—"),
        ("Email", f"{account.email} ({verified})" if account.email else "—"),
        ("Blocked", "yes: an administrator blocked this user" if user.blocked else "no"),
        ("Created", moment(account.created_at, now)),
        ("Updated", moment(account.updated_at, now)),
        ("Last login", moment(account.last_login, now, missing="never")),
        ("Last IP", user.last_ip or "—"),
        ("Logins", str(account.logins_count or 0)),
    ]


def identity_lines(user: SupportUser) -> list[str]:
    """One line per linked identity: ``provider|id · connection (social)``."""
    lines = []
    for identity in user.user.identities:
        social = ", social" if identity.is_social else ""
        lines.append(f"{identity.qualified_id} · {identity.connection or '—'}{social}")
    return lines or ["none"]


class UserProfileTab(UserPane):
    """The user's profile, identities and metadata; ``r`` reads them again.

    | Key | Action |
    | --- | --- |
    | `up` / `down`, `pageup` / `pagedown` | Scroll |
    | `r` | Read the user again |
    """

    DEFAULT_CSS = """
    UserProfileTab {
        & > #profile-scroll { height: 1fr; padding: 0 1; }
        & .profile-heading { text-style: bold; margin-top: 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r", "reload", "Reload", id="support.profile.reload", tooltip="Read the user again"
        ),
    ]

    SUPPORT_ACTIONS = {"reload": "users.read"}

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, classes="pane--banner")
        yield StatusLine(classes="pane--status")
        with VerticalScroll(id="profile-scroll"):
            yield Static(id="profile-rows", markup=False)
            yield Label("Identities", classes="profile-heading")
            yield Static(id="profile-identities", markup=False)
            yield Label("app_metadata (read-only)", classes="profile-heading")
            yield Static(id="profile-app-metadata", markup=False)
            yield Label("user_metadata (read-only)", classes="profile-heading")
            yield Static(id="profile-user-metadata", markup=False)

    def home(self) -> VerticalScroll:
        return self.query_one("#profile-scroll", VerticalScroll)

    def on_mount(self) -> None:
        self.show_user(self.user)

    def show_user(self, user: SupportUser) -> None:
        """Fill every block from ``user``."""
        self.user = user
        rows = profile_rows(user, self.clock())
        width = max(len(label) for label, _ in rows) + 2
        text = "\n".join(f"{label + ':':<{width}}{value}" for label, value in rows)
        self.query_one("#profile-rows", Static).update(Content(printable(text)))
        identities = "\n".join(identity_lines(user))
        self.query_one("#profile-identities", Static).update(Content(printable(identities)))
        for block, data in (
            ("#profile-app-metadata", user.user.app_metadata),
            ("#profile-user-metadata", user.user.user_metadata),
        ):
            shown = json.dumps(dict(data), indent=2, sort_keys=True, ensure_ascii=False)
            self.query_one(block, Static).update(Content(printable(shown)))

    @work(exclusive=True, group="support-profile", exit_on_error=False)
    async def action_reload(self) -> None:
        """Read the user again from the tenant."""
        self.status.say("Reading the user…", "busy")
        try:
            user = await self.desk.user(self.user.user_id)
        except TuiConsoleError as error:
            self.show_error(error, doing="Reading the user")
            return
        self.show_user(user)
        self.status.say("Read just now.", "ok")
