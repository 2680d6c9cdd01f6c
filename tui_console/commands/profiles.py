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
import shlex
import sys
import time
from dataclasses import replace

from tui_console.account import AccountSession
from tui_console.commands.output import EXIT_OK, confirm
from tui_console.commands.sign_in import print_logout_report
from tui_console.config import (
    load_profiles,
    remove_profile,
    set_default_profile,
    unknown_profile,
)
from tui_console.paths import config_file
from tui_console.profile_summaries import profile_summaries, profile_summary
from tui_console.terminal_text import printable

__all__ = ["profiles"]


async def profiles(args: argparse.Namespace) -> int:
    """``profiles [--json]``, ``profiles use NAME``, ``profiles remove NAME [--yes]``."""
    if args.action == "use":
        return _use(args.name)
    if args.action == "remove":
        return await _remove(args.name, yes=args.yes)
    return await _list(as_json=args.json)


async def _list(*, as_json: bool) -> int:
    now = time.time()
    rows = profile_summaries(now)
    default = next((row.name for row in rows if row.default), None)
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
        cells = (row.name, row.issuer, row.client_id, row.user or "-", row.state_text(now))
        table.append(("*" if row.default else "", *(printable(c, one_line=True) for c in cells)))
    widths = [max(len(line[column]) for line in table) for column in range(len(table[0]))]
    for line in table:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
    if default is None:
        print("No default profile: choose one with tui-console profiles use NAME", file=sys.stderr)
    return EXIT_OK


def _use(name: str) -> int:
    profile = set_default_profile(name)
    print(f"Default profile: {profile.name} ({profile.issuer}).", file=sys.stderr)
    return EXIT_OK


async def _remove(name: str, *, yes: bool) -> int:
    saved, default = load_profiles()
    profile = saved.get(name)
    if profile is None:
        raise unknown_profile(name, saved, config_file())
    row = profile_summary(profile, default=name == default)
    who = f", signed in as {row.user}" if row.user else ""
    question = (
        f"Remove profile {name} ({row.issuer}{who})? This signs out (revokes its refresh "
        "tokens, deletes its token file) and deletes it from the config file."
    )
    command = f"tui-console profiles remove {shlex.quote(name)}"
    if not confirm(question, yes=yes, change=f"Removing profile {name}", command=command):
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
