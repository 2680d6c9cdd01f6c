"""The support verbs: ``support find|user|sessions|session|refresh-tokens`` to read, and
``support end-session|revoke-refresh-token|sign-out-everywhere`` to act.

They run on a machine sign-in (``login --client-credentials``) through the support facade
(:mod:`tui_console.support`). stdout carries the data only (a table, or under ``--json`` the
objects exactly as Auth0 sent them); notes, outcomes and the rate-limit report go to stderr.
Everything that came from the tenant is untrusted text and passes :func:`cell`. An action
that ends something asks for a typed confirmation on a terminal and is refused without one
unless ``--yes``; its outcome says what Auth0 accepted and what it does not undo.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TypeVar

from tui_console.account import AccountSession
from tui_console.commands.output import (
    EXIT_OK,
    cell,
    may_have_applied,
    notice,
    print_json,
    reports_rate_limits,
    say,
)
from tui_console.config import Profile
from tui_console.durations import iso_utc, words
from tui_console.errors import ConfigError, ResponseLost, UsageError
from tui_console.support import (
    Outcome,
    RefreshToken,
    Session,
    SupportSession,
    SupportUser,
)

__all__ = ["support"]

T = TypeVar("T")

#: The most sessions or refresh tokens listed for one user (ten pages of 100).
_LIST_CAP = 1000
_CHECK_LISTS = "list the user's sessions and refresh tokens (tui-console support sessions USER)."


def _machine_only(profile: Profile) -> None:
    if not profile.machine:
        raise ConfigError(
            f"Profile {profile.name!r} is a person's sign-in; support commands need an "
            "application's (Machine to Machine) with admin scopes.",
            hint="Sign in a support profile: tui-console --profile support --domain D "
            "--client-id C login --client-credentials --client-secret-file FILE "
            '(README: "For support staff").',
        )


@reports_rate_limits
async def support(session: AccountSession, args: argparse.Namespace) -> int:
    _machine_only(session.profile)
    desk = SupportSession(session)
    action = _ACTIONS.get(args.action)
    if action is None:  # logs, blocks, MFA, devices: their own module, loaded when asked for
        from tui_console.commands.support_signin_trouble import SIGN_IN_TROUBLE

        action = SIGN_IN_TROUBLE[args.action]
    return await action(desk, args)


# -- time in words --------------------------------------------------------------------------------


def _when(moment: datetime | None, *, missing: str = "") -> str:
    """``2024-05-01T13:00:30Z (3 h ago)``; ``missing`` when there is no time."""
    if moment is None:
        return missing
    delta = moment.timestamp() - time.time()
    relative = f"in {words(delta)}" if delta >= 0 else f"{words(-delta)} ago"
    return f"{iso_utc(moment)} ({relative})"


def _table(rows: Sequence[Sequence[str]]) -> None:
    """Rows of cells, each column as wide as its widest cell (cells already printable)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


# -- reading --------------------------------------------------------------------------------------


def _user_row(user: SupportUser) -> list[str]:
    account = user.user
    verified = {True: " (verified)", False: " (not verified)", None: ""}[account.email_verified]
    return [
        cell(user.user_id),
        cell(account.name),
        cell(f"{account.email}{verified}" if account.email else ""),
        cell(", ".join(user.connections)),
        cell(iso_utc(account.last_login) if account.last_login else "never"),
        cell(account.logins_count if account.logins_count is not None else 0),
        "blocked" if user.blocked else "",
    ]


async def _find(desk: SupportSession, args: argparse.Namespace) -> int:
    found = await desk.find_users(args.query, page=args.page, per_page=args.per_page)
    if args.json:
        print_json(
            {
                "query": found.query,
                "by": found.by,
                "page": found.page,
                "total": found.total,
                "has_more": found.has_more,
                "note": found.note,
                "users": [dict(u.user.raw) for u in found.users],
            }
        )
    elif found.users:
        header = ["USER ID", "NAME", "EMAIL", "CONNECTION", "LAST LOGIN", "LOGINS", "BLOCKED"]
        _table([header] + [_user_row(u) for u in found.users])
    if found.note:
        notice(found.note, as_json=args.json)
    elif not found.users:
        notice("No user matches.", as_json=args.json)
    if found.has_more:
        notice(f"More users match: add --page {found.page + 1}.", as_json=args.json)
    return EXIT_OK


async def _user(desk: SupportSession, args: argparse.Namespace) -> int:
    user = await desk.user(args.user)
    if args.json:
        print_json(dict(user.user.raw))
        return EXIT_OK
    account = user.user
    verified = {True: "verified", False: "not verified", None: "unknown"}[account.email_verified]
    rows = [
        ("User id", user.user_id),
        ("Name", account.name),
        ("Email", f"{account.email} ({verified})" if account.email else None),
        ("Nickname", account.nickname),
        ("Blocked", "yes" if user.blocked else "no"),
        ("Created", _when(account.created_at)),
        ("Last login", _when(account.last_login, missing="never")),
        ("Last IP", user.last_ip),
        ("Logins", str(account.logins_count or 0)),
    ]
    for label, value in rows:
        if value:
            print(f"{label + ':':<15}{cell(value)}")
    for identity in account.identities:
        social = ", social" if identity.is_social else ""
        print(
            f"{'Identity:':<13}{cell(identity.qualified_id)} ({cell(identity.connection)}{social})"
        )
    for name, data in (
        ("app_metadata", account.app_metadata),
        ("user_metadata", account.user_metadata),
    ):
        say(f"{name + ':':<15}{json.dumps(dict(data), sort_keys=True)}")
    return EXIT_OK


async def _all_pages(
    fetch: Callable[[str | None], Awaitable[tuple[Sequence[T], str | None]]],
) -> tuple[list[T], bool]:
    """Every item of a checkpoint-paged list, up to :data:`_LIST_CAP`; and whether it was cut."""
    items: list[T] = []
    checkpoint: str | None = None
    while True:
        page, checkpoint = await fetch(checkpoint)
        items.extend(page)
        if checkpoint is None:
            return items, False
        if len(items) >= _LIST_CAP:
            return items, True


R = TypeVar("R", Session, RefreshToken)


def _print_user_list(
    args: argparse.Namespace,
    user_id: str,
    noun: str,
    items: Sequence[R],
    cut: bool,
    header: list[str],
    row: Callable[[R], list[str]],
) -> int:
    """A user's sessions or refresh tokens: exactly as Auth0 sent them under ``--json``, else
    a table; a note on stderr when there are none, or when :func:`_all_pages` cut the list."""
    if args.json:
        print_json([dict(item.raw) for item in items])
    elif items:
        _table([header] + [row(item) for item in items])
    if not items:
        notice(f"{user_id} has no {noun}.", as_json=args.json)
    if cut:
        notice(f"Only the first {len(items)} {noun} are shown.", as_json=args.json)
    return EXIT_OK


def _session_row(session: Session) -> list[str]:
    return [
        cell(session.id),
        cell(", ".join(session.client_ids)),
        cell(session.device.last_agent.words),
        cell(session.device.last_ip),
        cell(_when(session.last_interacted_at)),
        cell(_when(_earliest(session.idle_expires_at, session.expires_at), missing="never")),
    ]


def _earliest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return min(known) if known else None


async def _sessions(desk: SupportSession, args: argparse.Namespace) -> int:
    user_id = await desk.user_id(args.user)

    async def fetch(checkpoint: str | None) -> tuple[Sequence[Session], str | None]:
        page = await desk.sessions(user_id, checkpoint=checkpoint, take=100)
        return page.sessions, page.next

    sessions, cut = await _all_pages(fetch)
    header = ["SESSION", "APPLICATIONS", "DEVICE", "LAST IP", "LAST ACTIVE", "ENDS"]
    return _print_user_list(args, user_id, "sessions", sessions, cut, header, _session_row)


async def _session(desk: SupportSession, args: argparse.Namespace) -> int:
    session = await desk.session(args.session_id)
    if args.json:
        print_json(dict(session.raw))
        return EXIT_OK
    device = session.device
    rows = [
        ("Session", session.id),
        ("User", session.user_id),
        ("Applications", ", ".join(session.client_ids)),
        ("Created", _when(session.created_at)),
        ("Authenticated", _when(session.authenticated_at)),
        ("Last active", _when(session.last_interacted_at)),
        ("Idle expiry", _when(session.idle_expires_at, missing="none")),
        ("Expires", _when(session.expires_at, missing="none")),
        ("First device", f"{device.initial_agent.words}, {device.initial_ip or 'unknown IP'}"
         f" (ASN {device.initial_asn or '?'})"),
        ("Last device", f"{device.last_agent.words}, {device.last_ip or 'unknown IP'}"
         f" (ASN {device.last_asn or '?'})"),
        ("User agent", device.last_user_agent or device.initial_user_agent),
    ]  # fmt: skip
    for method in session.methods:
        kind = f" ({method.type})" if method.type else ""
        rows.append(("Signed in by", f"{method.name}{kind} at {_when(method.timestamp)}"))
    for label, value in rows:
        if value:
            print(f"{label + ':':<15}{cell(value)}")
    return EXIT_OK


def _token_row(token: RefreshToken) -> list[str]:
    grants = "; ".join(f"{g.audience} {' '.join(g.scopes)}" for g in token.resource_servers)
    return [
        cell(token.id),
        cell(token.client_id),
        cell(token.session_id or "none"),
        "rotating" if token.rotating else "reusable" if token.rotating is False else "",
        cell(_when(token.created_at)),
        cell(_when(_earliest(token.idle_expires_at, token.expires_at), missing="never")),
        cell(grants),
    ]


async def _refresh_tokens(desk: SupportSession, args: argparse.Namespace) -> int:
    user_id = await desk.user_id(args.user)

    async def fetch(checkpoint: str | None) -> tuple[Sequence[RefreshToken], str | None]:
        page = await desk.refresh_tokens(user_id, checkpoint=checkpoint, take=100)
        return page.tokens, page.next

    tokens, cut = await _all_pages(fetch)
    header = ["ID", "APPLICATION", "SESSION", "KIND", "CREATED", "EXPIRES", "AUDIENCE SCOPES"]
    return _print_user_list(args, user_id, "refresh tokens", tokens, cut, header, _token_row)


# -- acting ---------------------------------------------------------------------------------------


def _confirm(
    question: str, word: str, *, yes: bool, change: str = "This ends a user's access and"
) -> bool:
    """``--yes``, or ``word`` typed on a terminal; without either, a :class:`UsageError`
    naming the ``change``."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError(
            f"{change} needs a confirmation, but there is no terminal to ask on. Nothing was sent.",
            hint="Add --yes to confirm on the command line.",
        )
    say(question, sys.stderr)
    print(f'Type "{word}" to confirm: ', end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() == word


async def _act(change: Awaitable[Outcome], check: str = _CHECK_LISTS) -> int:
    """Await a change and say its outcome; a lost answer says it may have applied and how to
    ``check``."""
    try:
        outcome = await change
    except ResponseLost as exc:
        raise may_have_applied(exc, check) from None
    say(outcome.summary, sys.stderr)
    for caveat in outcome.caveats:
        say(f"Note: {caveat}", sys.stderr)
    return EXIT_OK


def _declined() -> int:
    print("Nothing was changed.", file=sys.stderr)
    return EXIT_OK


async def _confirm_then_act(
    question: str,
    word: str,
    action: Callable[[], Awaitable[Outcome]],
    *,
    yes: bool,
    check: str = _CHECK_LISTS,
    change: str = "This ends a user's access and",
) -> int:
    """:func:`_confirm`, then :func:`_act` on ``action()``; "Nothing was changed." when the
    person declines (``action`` is not started then)."""
    if not _confirm(question, word, yes=yes, change=change):
        return _declined()
    return await _act(action(), check)


async def _end_session(desk: SupportSession, args: argparse.Namespace) -> int:
    desk.require("sessions.end")  # before asking: a refusal after a confirmation wastes it
    question = f"End session {args.session_id} and revoke its refresh tokens?"
    return await _confirm_then_act(
        question, "end", lambda: desk.end_session(args.session_id), yes=args.yes
    )


async def _revoke_refresh_token(desk: SupportSession, args: argparse.Namespace) -> int:
    desk.require("refresh_tokens.revoke")
    question = f"Revoke refresh token {args.token_id}? Its application must sign in again."
    return await _confirm_then_act(
        question, "revoke", lambda: desk.revoke_refresh_token(args.token_id), yes=args.yes
    )


async def _sign_out_everywhere(desk: SupportSession, args: argparse.Namespace) -> int:
    desk.require("access.revoke")
    user_id = await desk.user_id(args.user)
    where = f"session {args.session}" if args.session else "every session"
    tokens = "keeping" if args.keep_refresh_tokens else "revoking"
    question = f"Sign {user_id} out of {where}, {tokens} the refresh tokens?"
    return await _confirm_then_act(
        question,
        "sign out",
        lambda: desk.sign_out_everywhere(
            user_id, session_id=args.session, keep_refresh_tokens=args.keep_refresh_tokens
        ),
        yes=args.yes,
    )


_ACTIONS: dict[str, Callable[[SupportSession, argparse.Namespace], Awaitable[int]]] = {
    "find": _find,
    "user": _user,
    "sessions": _sessions,
    "session": _session,
    "refresh-tokens": _refresh_tokens,
    "end-session": _end_session,
    "revoke-refresh-token": _revoke_refresh_token,
    "sign-out-everywhere": _sign_out_everywhere,
}
