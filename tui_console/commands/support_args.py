"""The support desk's arguments (``support ...`` and ``login --client-credentials``), apart
from their code so that building the parser (``--version``, completion) imports no HTTP client."""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["add_machine_login_flags", "add_support_parser"]


def add_machine_login_flags(login: argparse.ArgumentParser) -> None:
    """``login --client-credentials`` and how the application authenticates."""
    machine = login.add_argument_group("machine sign-in (support staff)")
    machine.add_argument(
        "--client-credentials",
        action="store_true",
        help="sign in as a Machine to Machine application (client-credentials grant)",
    )
    machine_auth = machine.add_mutually_exclusive_group()
    machine_auth.add_argument(
        "--client-secret-file",
        metavar="FILE",
        help="read the client secret from FILE ('-': stdin); it is kept in a 0600 file",
    )
    machine_auth.add_argument(
        "--private-key-file",
        metavar="FILE",
        help="sign client assertions (private_key_jwt) with the PEM key in FILE; "
        "only its path is remembered",
    )
    machine.add_argument(
        "--keyring",
        action="store_true",
        help="keep the client secret in the OS keyring instead of a 0600 file "
        "(pip install 'tui-console[keyring]')",
    )


def add_support_parser(
    verb: Callable[[str, str], argparse.ArgumentParser],
    add_profile_flags: Callable[[argparse.ArgumentParser], None],
) -> None:
    """``support ACTION ...`` under the verbs ``verb`` makes (see :mod:`tui_console.cli`)."""
    parser = verb(
        "support",
        "support staff: find users, their sessions, logs, blocks, MFA and device credentials",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help_text: str, *, json: bool = True) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text, description=help_text)
        add_profile_flags(sub)
        if json:
            sub.add_argument("--json", action="store_true", help="machine-readable output")
        return sub

    def yes(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--yes", action="store_true", help="do not ask (needed without a terminal)"
        )

    find = action("find", "find users by e-mail (exact), user id or a search query (q, v3)")
    find.add_argument("query", help="an e-mail, a user id (auth0|...) or e.g. 'name:\"Ada*\"'")
    find.add_argument("--page", type=int, default=0, help="result page, from 0")
    find.add_argument("--per-page", type=int, default=50, help="results per page (1-100)")
    action("user", "one user: profile, identities, metadata").add_argument(
        "user", help="the user id, or an e-mail one user has"
    )
    action("sessions", "a user's sessions (Enterprise plans)").add_argument(
        "user", help="the user id or e-mail"
    )
    action("session", "one session in detail").add_argument("session_id", metavar="SID")
    action("refresh-tokens", "a user's refresh tokens (Enterprise plans)").add_argument(
        "user", help="the user id or e-mail"
    )
    end = action("end-session", "end a session and revoke its refresh tokens", json=False)
    end.add_argument("session_id", metavar="SID")
    yes(end)
    revoke = action("revoke-refresh-token", "revoke one refresh token by id", json=False)
    revoke.add_argument("token_id", metavar="ID")
    yes(revoke)
    out = action(
        "sign-out-everywhere",
        "end every session of a user and revoke their refresh tokens",
        json=False,
    )
    out.add_argument("user", help="the user id or e-mail")
    out.add_argument("--session", metavar="SID", help="only this session")
    out.add_argument(
        "--keep-refresh-tokens", action="store_true", help="end sessions, keep refresh tokens"
    )
    yes(out)
    _add_sign_in_trouble(action, yes)


def _add_sign_in_trouble(
    action: Callable[..., argparse.ArgumentParser],
    yes: Callable[[argparse.ArgumentParser], None],
) -> None:
    """ "Why can't this user sign in?": logs, blocks, MFA and device credentials (issue 12)."""
    logs = action("logs", "a user's log events in words, oldest first; --follow for new ones")
    logs.add_argument("user", help="the user id or e-mail")
    logs.add_argument(
        "--type",
        dest="types",
        action="append",
        default=[],
        metavar="T",
        help="only events of this type code (s, f, fp, limit_wc...); repeat for more",
    )
    logs.add_argument(
        "--follow",
        action="store_true",
        help="keep showing new events as they happen (Ctrl+C stops); with --json one JSON "
        "object per line",
    )
    logs.add_argument(
        "--interval",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="with --follow: seconds between polls when nothing is waiting (default 2)",
    )
    action(
        "blocks", "brute-force blocks of a user, or of what was typed at the login page"
    ).add_argument(
        "who", metavar="USER|IDENTIFIER", help="a user id, or an e-mail, username or phone number"
    )
    unblock = action("unblock", "release the brute-force blocks (every IP)", json=False)
    unblock.add_argument("who", metavar="USER|IDENTIFIER")
    yes(unblock)
    action("mfa", "a user's MFA methods and enrollments").add_argument(
        "user", help="the user id or e-mail"
    )
    remove = action("mfa-remove", "remove one MFA method of a user", json=False)
    remove.add_argument("user", help="the user id or e-mail")
    remove.add_argument("method_id", metavar="METHOD_ID", help="e.g. totp|dev_... (support mfa)")
    yes(remove)
    reset = action("mfa-reset", "remove every MFA method of a user (lost phone)", json=False)
    reset.add_argument("user", help="the user id or e-mail")
    yes(reset)
    forget = action(
        "forget-browsers", "ask for MFA again in browsers the user chose to remember", json=False
    )
    forget.add_argument("user", help="the user id or e-mail")
    yes(forget)
    action("devices", "a user's device credentials (refresh tokens and keys)").add_argument(
        "user", help="the user id or e-mail"
    )
    revoke = action("revoke-device", "revoke one device credential by id", json=False)
    revoke.add_argument("credential_id", metavar="ID")
    yes(revoke)
