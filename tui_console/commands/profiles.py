"""The ``profiles`` verbs: list the saved profiles, choose the default, remove one.

The list is read from disk only (config.toml and each profile's token file): it works
offline and never refreshes a token. ``remove`` signs out first, exactly as ``logout`` does
(every refresh token revoked under the profile's lock, then the files wiped), and only then
deletes the profile, so no live refresh token is left behind without a profile to reach it.
Profiles are made by a successful ``tui-console login``, never here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, replace
from typing import Any

from tui_console.account import AccountSession, SessionStatus
from tui_console.commands.output import EXIT_OK
from tui_console.commands.sign_in import print_logout_report
from tui_console.config import (
    Profile,
    load_profiles,
    remove_profile,
    set_default_profile,
    unknown_profile,
)
from tui_console.durations import words
from tui_console.errors import StorageError, UsageError
from tui_console.paths import config_file
from tui_console.terminal_text import printable

__all__ = ["ProfileRow", "profile_row", "profiles"]


@dataclass(frozen=True)
class ProfileRow:
    """One saved profile as ``tui-console profiles`` shows it (no secrets)."""

    name: str
    issuer: str
    client_id: str
    default: bool
    user: str | None
    """Who is signed in (name, else email, else subject); ``None``: nobody."""
    token_state: str
    """``signed_out``, ``valid``, ``refreshable`` (expired; a refresh token renews it),
    ``expired`` (sign in again), ``other_session`` (the token file is another issuer's or
    client's) or ``damaged`` (the token file cannot be read)."""
    expires_at: int | None
    """When the profile's access token expires, in epoch seconds."""
    note: str = ""
    """Why the state is ``damaged`` or ``other_session``, for the text listing."""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "issuer": self.issuer,
            "client_id": self.client_id,
            "default": self.default,
            "user": self.user,
            "token_state": self.token_state,
            "expires_at": self.expires_at,
        }


async def profiles(args: argparse.Namespace) -> int:
    """``profiles [--json]``, ``profiles use NAME``, ``profiles remove NAME [--yes]``."""
    if args.action == "use":
        return _use(args.name)
    if args.action == "remove":
        return await _remove(args.name, yes=args.yes)
    return await _list(as_json=args.json)


async def profile_row(profile: Profile, *, default: bool, now: float | None = None) -> ProfileRow:
    """What is stored for ``profile``, read from disk: who, and the state of its token."""
    async with AccountSession(profile) as session:
        try:
            status = session.status()
        except StorageError as error:
            return _row(profile, default, state="damaged", note=error.message)
    if status.other_session:
        note = f"the token file holds a session of {status.other_session}"
        return _row(profile, default, state="other_session", note=note)
    if not status.signed_in:
        return _row(profile, default, state="signed_out")
    token = next((t for t in status.tokens if t.audience == profile.audience), status.tokens[0])
    left = token.seconds_left(now)
    if left is None or left > 0:
        state = "valid"
    else:
        state = "refreshable" if token.has_refresh_token else "expired"
    expires_at = None if token.expires_at is None else int(token.expires_at)
    return _row(profile, default, state=state, user=_who(status), expires_at=expires_at)


def _row(
    profile: Profile,
    default: bool,
    *,
    state: str,
    user: str | None = None,
    expires_at: int | None = None,
    note: str = "",
) -> ProfileRow:
    return ProfileRow(
        name=profile.name,
        issuer=profile.issuer,
        client_id=profile.client_id,
        default=default,
        user=user,
        token_state=state,
        expires_at=expires_at,
        note=note,
    )


def _who(status: SessionStatus) -> str:
    email = status.user.get("email")
    return f"{status.who} <{email}>" if email and email != status.who else status.who


async def _list(*, as_json: bool) -> int:
    saved, default = load_profiles()
    now = time.time()
    rows = [await profile_row(p, default=p.name == default, now=now) for p in saved.values()]
    if as_json:
        print(json.dumps([row.to_json() for row in rows], indent=2))
        return EXIT_OK
    if not rows:
        print(
            "No profiles saved yet. A successful sign-in saves one: tui-console login "
            "--domain YOUR-TENANT.auth0.com --client-id YOUR-CLIENT-ID",
            file=sys.stderr,
        )
        return EXIT_OK
    table: list[tuple[str, ...]] = [("", "NAME", "ISSUER", "CLIENT ID", "SIGNED IN AS", "TOKENS")]
    for row in rows:
        cells = (row.name, row.issuer, row.client_id, row.user or "-", _state_text(row, now))
        table.append(("*" if row.default else "", *(printable(c, one_line=True) for c in cells)))
    widths = [max(len(line[column]) for line in table) for column in range(len(table[0]))]
    for line in table:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
    if default is None:
        print("No default profile: choose one with tui-console profiles use NAME", file=sys.stderr)
    return EXIT_OK


def _state_text(row: ProfileRow, now: float) -> str:
    left = None if row.expires_at is None else row.expires_at - now
    match row.token_state:
        case "valid":
            return "valid" if left is None else f"valid, expires in {words(left)}"
        case "refreshable":
            return "expired; the refresh token renews it"
        case "expired":
            return "expired; sign in again"
        case "signed_out":
            return "signed out"
        case _:
            return f"{row.token_state.replace('_', ' ')}: {row.note}"


def _use(name: str) -> int:
    profile = set_default_profile(name)
    print(f"Default profile: {profile.name} ({profile.issuer}).", file=sys.stderr)
    return EXIT_OK


async def _remove(name: str, *, yes: bool) -> int:
    saved, default = load_profiles()
    profile = saved.get(name)
    if profile is None:
        raise unknown_profile(name, saved, config_file())
    if not yes and not _confirm_removal(await profile_row(profile, default=name == default)):
        print("Nothing was changed.", file=sys.stderr)
        return EXIT_OK
    async with AccountSession(profile) as session:
        other = session.store.foreign_owner()
    if other is not None:
        # The file holds tokens of the issuer and client it names (the profile was edited
        # since): revoke them there, where they were issued, never at the profile's issuer.
        profile = replace(profile, issuer=other.issuer, client_id=other.client_id)
    async with AccountSession(profile) as session:
        report = await session.logout()
    print_logout_report(report)
    remove_profile(name)
    print(f"Removed profile {name}.", file=sys.stderr)
    return EXIT_OK


def _confirm_removal(row: ProfileRow) -> bool:
    """The person's "y" on a terminal; without a terminal (a script), a usage error."""
    if not sys.stdin.isatty():
        raise UsageError(
            f"Removing profile {row.name} needs a confirmation, but there is no terminal to "
            "ask on.",
            hint=f"Add --yes to confirm on the command line: "
            f"tui-console profiles remove {row.name} --yes",
        )
    who = f", signed in as {printable(row.user, one_line=True)}" if row.user else ""
    print(
        f"Remove profile {row.name} ({row.issuer}{who})? This signs out (revokes its refresh "
        "tokens, deletes its token file) and deletes it from the config file. [y/N] ",
        end="",
        file=sys.stderr,
        flush=True,
    )
    return sys.stdin.readline().strip().lower() in ("y", "yes")
