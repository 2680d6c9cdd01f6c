"""The account verbs: ``user``, ``metadata``, ``identities``, ``link``, ``unlink``, ``devices``.

They act on the signed-in user's own account through the Management API. stdout carries the
data only (a table or text, or under ``--json`` the user, the metadata object, the identities
array...); the rate-limit report and every note go to stderr (:mod:`.output`). A write whose
answer was lost says that it may have applied and which command shows whether it did.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import socket
import sys
from collections.abc import Awaitable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from tui_console.account import AccountSession
from tui_console.commands.output import (
    EXIT_OK,
    cell,
    confirm,
    may_have_applied,
    notice,
    print_json,
    reports_rate_limits,
)
from tui_console.durations import iso_utc
from tui_console.errors import ResponseLost, UsageError
from tui_console.management import Identity, public_key_from_file
from tui_console.management.metadata import metadata_patch, unchanged_keys

__all__ = ["devices", "identities", "link", "metadata", "unlink", "user"]

T = TypeVar("T")

#: Auth0's device credential ids: ``dcr_`` and letters or digits (auth0-reference.md §6.6).
_CREDENTIAL_ID = re.compile(r"^dcr_[A-Za-z0-9]+$")

#: What a VALUE starts with when it was meant as JSON: ``[ { "``, a number, or a literal.
_LOOKS_LIKE_JSON = re.compile(r'^\s*(?:[\[{"\-0-9]|(?:true|false|null)\b)')


def _check_with(command: str) -> str:
    return f"check with `{command}` before trying again."


#: After a lost answer to ``devices add``/``revoke``: listing needs an admin token, so the
#: person cannot look; but both are safe to repeat.
_ADD_AGAIN = (
    "running it again is safe: Auth0 refuses a second public key for the same device (409) "
    "if the first one applied."
)
_REVOKE_AGAIN = "revoking again is safe: Auth0 accepts a revocation whether or not it exists."


async def _write(change: Awaitable[T], how_to_check: str) -> T:
    """Await a write; if its answer was lost, say it may have applied and how to check."""
    try:
        return await change
    except ResponseLost as exc:
        raise may_have_applied(exc, how_to_check) from None


def _identity_json(identity: Identity) -> dict[str, Any]:
    return {
        "provider": identity.provider,
        "user_id": identity.user_id,
        "connection": identity.connection,
        "isSocial": identity.is_social,
        "profileData": dict(identity.profile_data) if identity.profile_data else None,
    }


def _print_identities(identities: tuple[Identity, ...], primary: str) -> None:
    for identity in identities:
        marker = "*" if identity.qualified_id == primary else " "
        label = ""
        if identity.profile_data:
            label = cell(identity.profile_data.get("email") or identity.profile_data.get("name"))
        print(
            f"{marker} {cell(identity.provider):<16} {cell(identity.user_id):<28} "
            f"{cell(identity.connection):<22} {label}".rstrip()
        )


def _show_identities(
    args: argparse.Namespace, identities: tuple[Identity, ...], primary: str
) -> int:
    if args.json:
        print_json([_identity_json(i) for i in identities])
    else:
        _print_identities(identities, primary)
    return EXIT_OK


@reports_rate_limits
async def user(session: AccountSession, args: argparse.Namespace) -> int:
    found = await session.get_user()
    if args.json:
        print_json(dict(found.raw))
        return EXIT_OK
    rows = [
        ("Name", found.name),
        ("Email", found.email),
        ("User id", found.user_id),
        ("Created", iso_utc(found.created_at) if found.created_at else None),
        ("Last login", iso_utc(found.last_login) if found.last_login else None),
        ("Logins", str(found.logins_count) if found.logins_count is not None else None),
        ("Identities", ", ".join(i.provider for i in found.identities)),
        ("Metadata", ", ".join(sorted(found.user_metadata)) or "(none)"),
    ]
    for label, value in rows:
        if value:
            print(f"{label + ':':<12}{cell(value)}")
    return EXIT_OK


def _parse_value(key: str, raw: str, *, as_string: bool) -> Any:
    """VALUE as JSON when it looks like JSON (refused if it then does not parse), else text."""
    if as_string or not _LOOKS_LIKE_JSON.match(raw):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"The value of {key!r} looks like JSON but does not parse: {exc.msg} "
            f"(column {exc.colno}).",
            hint=f"Fix the JSON, or add --string to store the text as it is "
            f"(tui-console metadata set --string {key}=...).",
        ) from None


def _parse_assignment(text: str, *, as_string: bool) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise UsageError(
            f"{text!r} is not KEY=VALUE.",
            hint='Write e.g. theme=dark or prefs=\'{"lang": "en"}\' (JSON if it looks like it).',
        )
    return key, _parse_value(key, raw, as_string=as_string)


def _requested_change(args: argparse.Namespace) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The (set, unset) the arguments ask for, checked before anything is sent."""
    if args.action == "set":
        wanted = dict(_parse_assignment(i, as_string=args.string) for i in args.items)
        change: tuple[dict[str, Any], tuple[str, ...]] = (wanted, ())
    else:
        change = ({}, tuple(args.items))
    metadata_patch(*change)  # refuses bad key names and values before any request
    return change


def _show_metadata(args: argparse.Namespace, stored: dict[str, Any]) -> int:
    if args.json:
        print_json(stored)
    else:
        # Indented JSON is the readable form of nested values; json.dumps escapes controls.
        print(json.dumps(stored, indent=2, sort_keys=True))
    return EXIT_OK


@reports_rate_limits
async def metadata(session: AccountSession, args: argparse.Namespace) -> int:
    if args.action is None:
        return _show_metadata(args, dict((await session.get_user()).user_metadata))
    wanted, removed = _requested_change(args)
    current = dict((await session.get_user()).user_metadata)
    unchanged = unchanged_keys(current, wanted, removed)
    if len(unchanged) == len(wanted) + len(removed):
        notes = ", ".join(f"{key} {why}" for key, why in unchanged.items())
        notice(f"Nothing to change ({notes}); nothing was sent.", as_json=args.json)
        return _show_metadata(args, current)
    # Send the whole change, not only its new part: the result is then what was asked for
    # even if someone else changed a key between the read and this write.
    update = await _write(
        session.update_metadata(set=wanted, unset=removed), _check_with("tui-console metadata")
    )
    for key, why in unchanged.items():
        notice(f"{key}: {why}", as_json=args.json)
    for warning in update.warnings:
        notice(warning, as_json=args.json, kind="warning")
    return _show_metadata(args, dict(update.user.user_metadata))


@reports_rate_limits
async def identities(session: AccountSession, args: argparse.Namespace) -> int:
    found = await session.get_user()
    return _show_identities(args, found.identities, found.user_id)


@reports_rate_limits
async def link(session: AccountSession, args: argparse.Namespace) -> int:
    from tui_console.commands.sign_in import browser_opener, read_pasted_line, report_bad_paste

    print("Sign in to the account to link (the second account) in the browser.", file=sys.stderr)
    linked = await _write(
        session.link_identity(
            open_url=browser_opener(no_open=args.no_open),
            pasted_redirect=read_pasted_line if sys.stdin.isatty() else None,
            on_bad_paste=report_bad_paste,
        ),
        _check_with("tui-console identities"),
    )
    if not args.json:
        print("Linked. Identities now:", file=sys.stderr)
    return _show_identities(args, linked, session.user_id())


@reports_rate_limits
async def unlink(session: AccountSession, args: argparse.Namespace) -> int:
    target = cell(f"{args.provider}|{args.user_id}")
    question = f"Unlink {target}? It becomes a separate user, without your metadata."
    command = f"tui-console unlink {shlex.quote(args.provider)} {shlex.quote(args.user_id)}"
    if not confirm(question, yes=args.yes, change=f"Unlinking {target}", command=command):
        print("Nothing was changed.", file=sys.stderr)
        return EXIT_OK
    remaining = await _write(
        session.unlink_identity(args.provider, args.user_id), _check_with("tui-console identities")
    )
    if not args.json:
        print(f"Unlinked {target}; it is now a separate user.", file=sys.stderr)
    return _show_identities(args, remaining, session.user_id())


@reports_rate_limits
async def devices(session: AccountSession, args: argparse.Namespace) -> int:
    if args.action == "add":
        return await _add_device(session, args)
    if args.action == "revoke":
        return await _revoke_device(session, args)
    page = await session.list_devices()
    if args.json:
        print_json([asdict(c) for c in page.credentials])
        return EXIT_OK
    for credential in page.credentials:
        print(
            f"{cell(credential.id):<28} {cell(credential.type):<22} "
            f"{cell(credential.device_name):<24} {cell(credential.client_id)}".rstrip()
        )
    if not page.credentials:
        print("No device credentials.", file=sys.stderr)
    return EXIT_OK


async def _add_device(session: AccountSession, args: argparse.Namespace) -> int:
    try:
        key = public_key_from_file(Path(args.public_key))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    new_id = await _write(
        session.add_device(
            name=args.name, public_key=key, device_id=args.device_id or socket.gethostname()
        ),
        _ADD_AGAIN,
    )
    if args.json:
        print_json({"id": new_id})
    else:
        print(cell(new_id))
    return EXIT_OK


async def _revoke_device(session: AccountSession, args: argparse.Namespace) -> int:
    if not _CREDENTIAL_ID.match(args.id):
        raise UsageError(
            f"{args.id!r} is not a device credential id; they look like dcr_0123abcd.",
            hint="Use the id `tui-console devices add` printed, or one `tui-console devices` "
            "lists. Nothing was sent.",
        )
    await _write(session.revoke_device(args.id), _REVOKE_AGAIN)
    if args.json:
        print_json({"id": args.id, "accepted": True})
    else:
        print(
            f"Auth0 accepted the revocation of {args.id}; it does not say whether the "
            "credential existed.",
            file=sys.stderr,
        )
    return EXIT_OK
