"""The account verbs: ``user``, ``metadata``, ``identities``, ``link``, ``unlink``, ``devices``.

They act on the signed-in user's own account through the Management API. With ``--json`` the
output is one object that also carries the rate-limit buckets seen during the command;
without it, a one-line rate-limit summary goes to stderr after the result.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tui_console.account import AccountSession
from tui_console.commands.output import EXIT_OK, print_json
from tui_console.errors import ConfigError
from tui_console.management import DeviceCredential, Identity, User, public_key_bytes

__all__ = ["devices", "identities", "link", "metadata", "unlink", "user"]


def _rate_limits(session: AccountSession) -> dict[str, Any]:
    return {name: asdict(view) for name, view in session.rate_limits.snapshot().items()}


def _finish(session: AccountSession, args: argparse.Namespace, data: dict[str, Any]) -> int:
    """Print ``data`` (as JSON with the rate limits, or not at all), then the limits summary."""
    if args.json:
        print_json({**data, "rate_limits": _rate_limits(session)})
    else:
        print(session.rate_limits.summary_line(), file=sys.stderr)
    return EXIT_OK


def _user_json(user: User) -> dict[str, Any]:
    return dict(user.raw)


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
        marker = "*" if f"{identity.provider}|{identity.user_id}" == primary else " "
        label = ""
        if identity.profile_data:
            label = str(
                identity.profile_data.get("email") or identity.profile_data.get("name") or ""
            )
        connection = identity.connection or ""
        print(f"{marker} {identity.provider:<16} {identity.user_id:<28} {connection:<22} {label}")


async def user(session: AccountSession, args: argparse.Namespace) -> int:
    found = await session.get_user()
    if not args.json:
        rows = [
            ("Name", found.name),
            ("Email", found.email),
            ("User id", found.user_id),
            ("Created", found.created_at.isoformat() if found.created_at else None),
            ("Last login", found.last_login.isoformat() if found.last_login else None),
            ("Logins", str(found.logins_count) if found.logins_count is not None else None),
            ("Identities", ", ".join(i.provider for i in found.identities)),
            ("Metadata", ", ".join(sorted(found.user_metadata)) or "(none)"),
        ]
        for label, value in rows:
            if value:
                print(f"{label + ':':<12}{value}")
    return _finish(session, args, {"user": _user_json(found)})


def _parse_assignment(text: str) -> tuple[str, Any]:
    """``KEY=VALUE``: VALUE is read as JSON when it parses, else taken as a string."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise ConfigError(
            f"{text!r} is not KEY=VALUE.",
            hint='Write e.g. theme=dark or prefs=\'{"lang": "en"}\' (JSON if it parses).',
        )
    try:
        return key, json.loads(raw)
    except ValueError:
        return key, raw


async def metadata(session: AccountSession, args: argparse.Namespace) -> int:
    if args.action == "set":
        if not args.items:
            raise ConfigError(
                "Nothing to set.", hint="Give KEY=VALUE pairs: metadata set theme=dark"
            )
        update = await session.update_metadata(set=dict(_parse_assignment(i) for i in args.items))
    elif args.action == "unset":
        if not args.items:
            raise ConfigError("Nothing to unset.", hint="Give key names: metadata unset theme")
        update = await session.update_metadata(unset=args.items)
    else:
        if args.items:
            raise ConfigError(
                f"Unexpected {args.items[0]!r}.", hint="Use: metadata [set|unset] ..."
            )
        found = await session.get_user()
        if not args.json:
            print(json.dumps(dict(found.user_metadata), indent=2, sort_keys=True))
        return _finish(session, args, {"user_metadata": dict(found.user_metadata)})
    for warning in update.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not args.json:
        print(json.dumps(dict(update.user.user_metadata), indent=2, sort_keys=True))
    return _finish(
        session,
        args,
        {"user_metadata": dict(update.user.user_metadata), "warnings": list(update.warnings)},
    )


async def identities(session: AccountSession, args: argparse.Namespace) -> int:
    found = await session.get_user()
    if not args.json:
        _print_identities(found.identities, found.user_id)
    return _finish(session, args, {"identities": [_identity_json(i) for i in found.identities]})


async def link(session: AccountSession, args: argparse.Namespace) -> int:
    from tui_console.commands.sign_in import browser_opener, read_pasted_line

    print("Sign in to the account to link (the second account) in the browser.", file=sys.stderr)
    linked = await session.link_identity(
        open_url=browser_opener(no_open=args.no_open),
        pasted_redirect=read_pasted_line if sys.stdin.isatty() else None,
    )
    if not args.json:
        print("Linked. Identities now:", file=sys.stderr)
        _print_identities(linked, session.user_id())
    return _finish(session, args, {"identities": [_identity_json(i) for i in linked]})


async def unlink(session: AccountSession, args: argparse.Namespace) -> int:
    remaining = await session.unlink_identity(args.provider, args.user_id)
    if not args.json:
        print(
            f"Unlinked {args.provider}|{args.user_id}; it is now a separate user.", file=sys.stderr
        )
        _print_identities(remaining, session.user_id())
    return _finish(session, args, {"identities": [_identity_json(i) for i in remaining]})


def _credential_json(credential: DeviceCredential) -> dict[str, Any]:
    return asdict(credential)


async def devices(session: AccountSession, args: argparse.Namespace) -> int:
    if args.action == "add":
        try:
            key = public_key_bytes(Path(args.public_key).read_bytes())
        except OSError as exc:
            raise ConfigError(f"Cannot read {args.public_key}: {exc.strerror}.") from None
        except ValueError as exc:
            raise ConfigError(f"{args.public_key}: {exc}") from None
        new_id = await session.add_device(
            name=args.name, public_key=key, device_id=args.device_id or socket.gethostname()
        )
        if not args.json:
            print(new_id)
        return _finish(session, args, {"id": new_id})
    if args.action == "revoke":
        await session.revoke_device(args.id)
        if not args.json:
            print(f"Revoked {args.id}.", file=sys.stderr)
        return _finish(session, args, {"revoked": args.id})
    page = await session.list_devices()
    if not args.json:
        for credential in page.credentials:
            print(
                f"{credential.id:<28} {credential.type or '':<22} "
                f"{credential.device_name or '':<24} {credential.client_id or ''}"
            )
        if not page.credentials:
            print("No device credentials.", file=sys.stderr)
    return _finish(session, args, {"devices": [_credential_json(c) for c in page.credentials]})
