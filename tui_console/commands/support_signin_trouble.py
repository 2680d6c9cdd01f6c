"""The support verbs for "why can't this user sign in?" (issue 12): ``support logs|blocks|mfa|
devices`` to read, ``support unblock|mfa-remove|mfa-reset|forget-browsers|revoke-device`` to act.

The rules of :mod:`tui_console.commands.support` hold here too: stdout carries the data only (a
table, or under ``--json`` the entries as Auth0 sent them, a log entry's secrets masked);
notes, outcomes and the rate-limit report go to stderr; everything from the tenant passes
:func:`~tui_console.commands.output.cell`; a change asks for a typed word on a terminal and is
refused without one unless ``--yes``.

``support logs USER --follow`` is a tail (:class:`~tui_console.support.LogTail`): the recent
events, then new ones as they are written, one line (or one JSON object) each, flushed at once.
It never stops on a rate limit: the transport waits for tokens as the rate-limit board says,
and when Auth0 still answers 429 the tail says on stderr how long it waits, waits, and goes on
from the last event it showed, so none is skipped or shown twice. Ctrl+C ends it (exit 130).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from tui_console.commands.output import EXIT_OK, cell, notice, print_json
from tui_console.commands.support import _confirm_then_act, _table, _when
from tui_console.durations import iso_utc, words
from tui_console.ratelimit.tracker import BucketView
from tui_console.support import (
    LOG_EVENTS,
    DeviceCredential,
    LogEvent,
    MfaMethod,
    SupportSession,
    read_patiently,
)

__all__ = ["SIGN_IN_TROUBLE"]

_CHECK_BLOCKS = "list the blocks again (tui-console support blocks USER|IDENTIFIER)."
_CHECK_MFA = "list the methods again (tui-console support mfa USER)."
_CHECK_DEVICES = "list the credentials again (tui-console support devices USER)."
_MIN_INTERVAL = 0.5


# -- logs -----------------------------------------------------------------------------------------


def _event_row(event: LogEvent) -> list[str]:
    kind = event.kind
    return [
        cell(iso_utc(event.date) if event.date else ""),
        cell(kind.code or "?"),
        cell(kind.sentence if kind.known else ""),
        cell(event.description),
        cell(event.application),
        cell(event.connection),
        cell(event.ip),
        cell(event.agent.words if event.user_agent else ""),
    ]


_EVENT_HEADER = [
    "TIME",
    "TYPE",
    "EVENT",
    "DESCRIPTION",
    "APPLICATION",
    "CONNECTION",
    "IP",
    "DEVICE",
]


def _event_line(event: LogEvent) -> str:
    """One event on one line, for a tail (columns cannot be sized ahead of time)."""
    row = [c for c in _event_row(event) if c]
    return "  ".join(row)


def _unknown_types(types: Sequence[str], as_json: bool) -> None:
    for code in types:
        if code not in LOG_EVENTS:
            notice(
                f"{code!r} is not an event type Auth0 documents (as far as this console "
                "knows); events of exactly that type are shown.",
                as_json=as_json,
                kind="warning",
            )


async def _logs(desk: SupportSession, args: argparse.Namespace) -> int:
    user_id = await desk.user_id(args.user)
    _unknown_types(args.types, args.json)
    if args.follow:
        return await _follow(desk, user_id, args)
    page = await desk.user_logs(user_id, per_page=100)
    events = sorted(
        (e for e in page.events if not args.types or e.type in args.types),
        key=lambda e: (len(e.log_id), e.log_id),
    )
    if args.json:
        print_json([e.redacted() for e in events])
    elif events:
        _table([_EVENT_HEADER] + [_event_row(e) for e in events])
    if not events:
        which = f" of type {', '.join(args.types)}" if args.types else ""
        notice(f"{user_id} has no recent log events{which}.", as_json=args.json)
    if page.has_more:
        notice(
            f"Only the latest {len(page.events)} events of {page.total or 'more'} were read.",
            as_json=args.json,
        )
    return EXIT_OK


def _print_event(event: LogEvent, as_json: bool) -> None:
    if as_json:
        print(json.dumps(event.redacted(), sort_keys=True), flush=True)
    else:
        print(_event_line(event), flush=True)


def _waits_shown(clock: Callable[[], float], as_json: bool) -> Callable[[str, BucketView], None]:
    """A board observer that says on stderr when the transport holds a request for a token."""
    held: set[str] = set()

    def observe(bucket: str, view: BucketView) -> None:
        if view.waiting_until is None:
            held.discard(bucket)
            return
        if bucket in held:
            return
        held.add(bucket)
        wait = words(max(0.0, view.waiting_until - clock()))
        notice(
            f"Rate limit: waiting {wait} for a {bucket} token before the next request.",
            as_json=as_json,
        )

    return observe


async def _follow(desk: SupportSession, user_id: str, args: argparse.Namespace) -> int:
    """The tail: recent events, then each new one as it arrives, until Ctrl+C."""
    interval = max(_MIN_INTERVAL, args.interval)
    tail = await desk.log_tail(user_id, types=args.types)
    board = desk.account.rate_limits
    stop_watching = board.subscribe(_waits_shown(board.clock, args.json))
    try:
        for event in await _with_backoff(tail.start, args.json):
            _print_event(event, args.json)
        notice(f"Following {user_id}'s new events (Ctrl+C to stop).", as_json=args.json)
        while True:
            batch = await _with_backoff(tail.poll, args.json)
            for event in batch.events:
                _print_event(event, args.json)
            if batch.caught_up:
                await asyncio.sleep(interval)
    finally:
        stop_watching()


async def _with_backoff(read: Callable[[], Awaitable[Any]], as_json: bool) -> Any:
    """``read()``, again and again after a rate limit or a network failure, each wait said on
    stderr; the tail's checkpoint does not move on a failure, so nothing is skipped."""

    async def wait(seconds: float, why: str) -> None:
        notice(
            f"{why[:1].upper()}{why[1:]}: waiting {words(seconds)}, then going on from the "
            "last event shown.",
            as_json=as_json,
            kind="warning",
        )
        await asyncio.sleep(seconds)

    def resumed() -> None:
        notice("Resumed: no event was skipped.", as_json=as_json)

    return await read_patiently(read, wait=wait, resumed=resumed)


# -- blocks ---------------------------------------------------------------------------------------


async def _blocks(desk: SupportSession, args: argparse.Namespace) -> int:
    report = await desk.blocks(args.who)
    if args.json:
        print_json(
            {
                "who": report.who,
                "by": report.by,
                "blocked": report.blocked_flag,
                "blocked_for": [
                    {
                        "identifier": b.block.identifier,
                        "ip": b.block.ip,
                        "connection": b.block.connection,
                        "since": iso_utc(b.since) if b.since else None,
                    }
                    for b in report.blocks
                ],
            }
        )
    else:
        label = "User" if report.by == "user_id" else "Identifier"
        print(f"{label + ':':<15}{cell(report.who)}")
        if report.blocked_flag is not None:
            flag = (
                "yes: an administrator blocked this user, every sign-in is refused"
                if report.blocked_flag
                else "no (an administrator has not blocked this user)"
            )
            print(f"{'Blocked flag:':<15}{flag}")
        for blocked in report.blocks:
            block = blocked.block
            since = f", since {_when(blocked.since)}" if blocked.since else ""
            print(
                f"{'Blocked IP:':<15}{cell(block.ip or 'unknown IP')} for "
                f"{cell(block.identifier or '?')} ({cell(block.connection or '?')}){since}"
            )
    if not report.blocks:
        notice(
            "No brute-force block: sign-ins are not refused for failed attempts.", as_json=args.json
        )
    elif not args.json:
        notice(f"Release them with: tui-console support unblock {report.who}", as_json=False)
    if report.note:
        notice(report.note, as_json=args.json)
    return EXIT_OK


async def _unblock(desk: SupportSession, args: argparse.Namespace) -> int:
    desk.require("blocks.release")
    question = f"Release every brute-force block of {args.who}?"
    change = "Releasing brute-force blocks"
    return await _confirm_then_act(
        question,
        "unblock",
        lambda: desk.unblock(args.who),
        yes=args.yes,
        check=_CHECK_BLOCKS,
        change=change,
    )


# -- MFA ------------------------------------------------------------------------------------------


def _method_row(method: MfaMethod) -> list[str]:
    confirmed = {True: "confirmed", False: "pending", None: ""}[method.confirmed]
    return [
        cell(method.id),
        cell(method.type),
        cell(method.name),
        cell(method.detail),
        confirmed,
        cell(iso_utc(method.created_at) if method.created_at else ""),
        cell(iso_utc(method.last_auth_at) if method.last_auth_at else ""),
    ]


def _when_short(moment: datetime | None) -> str:
    return iso_utc(moment) if moment else ""


async def _mfa(desk: SupportSession, args: argparse.Namespace) -> int:
    user_id = await desk.user_id(args.user)
    methods = await desk.mfa_methods(user_id)
    enrolled = None
    reason = desk.unavailable_reason("mfa.enrollments")
    if reason is None:
        enrolled = await desk.enrollments(user_id)
    if args.json:
        print_json(
            {
                "authentication_methods": [dict(m.raw) for m in methods],
                "enrollments": None if enrolled is None else [dict(e.raw) for e in enrolled],
            }
        )
    else:
        if methods:
            header = ["ID", "TYPE", "NAME", "PHONE/E-MAIL", "STATUS", "CREATED", "LAST USED"]
            _table([header] + [_method_row(m) for m in methods])
        if enrolled:
            if methods:
                print()
            header = ["ENROLLMENT", "METHOD", "NAME", "PHONE", "STATUS", "ENROLLED", "LAST USED"]
            rows = [
                [
                    cell(e.id),
                    cell(e.auth_method or e.type),
                    cell(e.name),
                    cell(e.phone_number),
                    cell(e.status),
                    cell(_when_short(e.enrolled_at)),
                    cell(_when_short(e.last_auth)),
                ]
                for e in enrolled
            ]
            _table([header] + rows)
    if not methods:
        notice(f"{user_id} has no MFA methods.", as_json=args.json)
    if reason is not None:
        notice(f"Enrollments are not shown: {reason}", as_json=args.json)
    return EXIT_OK


async def _mfa_remove(desk: SupportSession, args: argparse.Namespace) -> int:
    desk.require("mfa.remove")
    user_id = await desk.user_id(args.user)
    question = f"Remove the MFA method {args.method_id} of {user_id}?"
    change = "Removing an MFA method"
    return await _confirm_then_act(
        question,
        "remove",
        lambda: desk.remove_mfa_method(user_id, args.method_id),
        yes=args.yes,
        check=_CHECK_MFA,
        change=change,
    )


async def _mfa_reset(desk: SupportSession, args: argparse.Namespace) -> int:
    desk.require("mfa.reset")
    user_id = await desk.user_id(args.user)
    count = ""
    if desk.unavailable_reason("mfa.list") is None and not args.yes:
        count = f" ({len(await desk.mfa_methods(user_id))} now)"
    question = f"Remove every MFA method of {user_id}{count}? This cannot be undone."
    return await _confirm_then_act(
        question,
        "reset",
        lambda: desk.reset_mfa(user_id),
        yes=args.yes,
        check=_CHECK_MFA,
        change="Resetting MFA",
    )


async def _forget_browsers(desk: SupportSession, args: argparse.Namespace) -> int:
    desk.require("mfa.forget_browsers")
    user_id = await desk.user_id(args.user)
    question = f"Ask {user_id} for MFA again in every browser they chose to remember?"
    change = "Forgetting remembered browsers"
    return await _confirm_then_act(
        question,
        "forget",
        lambda: desk.forget_browsers(user_id),
        yes=args.yes,
        check="forgetting them again is harmless.",
        change=change,
    )


# -- device credentials ---------------------------------------------------------------------------


def _credential_json(credential: DeviceCredential) -> dict[str, str | None]:
    return {
        "id": credential.id,
        "device_name": credential.device_name,
        "device_id": credential.device_id,
        "type": credential.type,
        "user_id": credential.user_id,
        "client_id": credential.client_id,
    }


async def _devices(desk: SupportSession, args: argparse.Namespace) -> int:
    user_id = await desk.user_id(args.user)
    found = await desk.device_credentials(user_id)
    if args.json:
        print_json([_credential_json(c) for c in found.credentials])
    elif found.credentials:
        header = ["ID", "TYPE", "DEVICE", "DEVICE ID", "APPLICATION"]
        rows = [
            [
                cell(c.id),
                cell(c.type),
                cell(c.device_name),
                cell(c.device_id),
                cell(c.client_id),
            ]
            for c in found.credentials
        ]
        _table([header] + rows)
    if not found.credentials:
        notice(f"{user_id} has no device credentials.", as_json=args.json)
    if found.cut:
        notice("Auth0 lists at most 1,000 of each type: some are not shown.", as_json=args.json)
    return EXIT_OK


async def _revoke_device(desk: SupportSession, args: argparse.Namespace) -> int:
    desk.require("devices.revoke")
    question = f"Revoke device credential {args.credential_id}? The device must sign in again."
    change = "Revoking a device credential"
    return await _confirm_then_act(
        question,
        "revoke",
        lambda: desk.revoke_device(args.credential_id),
        yes=args.yes,
        check=_CHECK_DEVICES,
        change=change,
    )


SIGN_IN_TROUBLE: dict[str, Callable[[SupportSession, argparse.Namespace], Awaitable[int]]] = {
    "logs": _logs,
    "blocks": _blocks,
    "unblock": _unblock,
    "mfa": _mfa,
    "mfa-remove": _mfa_remove,
    "mfa-reset": _mfa_reset,
    "forget-browsers": _forget_browsers,
    "devices": _devices,
    "revoke-device": _revoke_device,
}
