"""``login --client-credentials``: support staff sign in as a Machine to Machine application.

The client secret comes from a file or stdin (``--client-secret-file -``), never from the
command line, where it would land in the shell history and the process list; it is kept in
a 0600 file beside the token file once Auth0 accepted it. With ``--private-key-file`` only
the key's path is remembered in the profile. Without either flag a machine profile signs in
again the way it did before (the stored secret, or the remembered key).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import replace
from pathlib import Path

from tui_console.account import AccountSession
from tui_console.commands.output import EXIT_OK, say
from tui_console.config import Profile, SecretStoreKind
from tui_console.errors import UsageError
from tui_console.redact import Secret

__all__ = ["machine_login", "machine_profile"]

_MAX_SECRET = 4096


def machine_profile(
    profile: Profile, args: argparse.Namespace, *, changed: bool
) -> tuple[Profile, bool]:
    """``profile`` made a machine profile by the flags, and whether that changed it."""
    if args.private_key_file:
        key_file = str(Path(args.private_key_file).expanduser().resolve())
        machine = replace(profile, client_auth="private_key_jwt", private_key_file=key_file)
    elif args.client_secret_file:
        store: SecretStoreKind = "keyring" if args.keyring else "file"
        machine = replace(profile, client_auth="secret", private_key_file=None, secret_store=store)
    elif profile.machine:
        return profile, changed
    else:
        raise UsageError(
            "--client-credentials needs the application's credentials.",
            hint="Add --client-secret-file FILE (or - to read it from stdin), or "
            "--private-key-file FILE for private_key_jwt.",
        )
    if args.keyring and machine.client_auth != "secret":
        raise UsageError(
            "--keyring keeps a client secret; a private key stays in its own file.",
            hint="Leave out --keyring, or sign in with --client-secret-file.",
        )
    machine = replace(machine, dpop=False).validate()
    return machine, changed or machine != profile


def read_client_secret(source: str) -> Secret:
    """The secret in file ``source`` (``-``: stdin), trailing newline stripped."""
    try:
        if source == "-":
            if sys.stdin.isatty():
                text = getpass.getpass("Client secret (not shown): ")
            else:
                text = sys.stdin.readline(_MAX_SECRET + 1)
        else:
            with Path(source).expanduser().open(encoding="utf-8") as file:
                text = file.read(_MAX_SECRET + 1)
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise UsageError(
            f"The client secret file {source} cannot be read: {reason or error}.",
            hint="Give a file holding the secret alone, or - to read it from stdin.",
        ) from None
    secret = text.strip()
    if not secret or len(text) > _MAX_SECRET or any(c.isspace() for c in secret):
        raise UsageError(
            f"{'stdin' if source == '-' else source} does not hold one client secret.",
            hint="Copy the Client Secret from the application's Credentials tab into a file "
            "of its own (or pipe it on stdin).",
        )
    return Secret(secret)


async def machine_login(session: AccountSession, args: argparse.Namespace) -> int:
    secret = read_client_secret(args.client_secret_file) if args.client_secret_file else None
    status = await session.login_with_client_credentials(secret=secret)
    scopes = next((t.scopes for t in status.tokens), ())
    say(f"Signed in as {status.who} (profile {status.profile}).", sys.stderr)
    say(f"Granted scopes: {' '.join(scopes) or '(none reported)'}", sys.stderr)
    if secret is not None:
        say(f"Kept the client secret in {session.client_secrets.where}.", sys.stderr)
    return EXIT_OK
