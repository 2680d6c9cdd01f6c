"""The ``tui-console`` command line: the composition root.

Parses arguments, resolves the profile, builds an :class:`~tui_console.account.AccountSession`
and runs one verb; with no verb (or ``demo``) it opens the Textual console
(:mod:`tui_console.demo`). Data goes to stdout (``token``, ``status --json``...), narration to
stderr (the device code, the URL, the QR code, countdowns), so ``$(tui-console token)`` works
in scripts. Every :class:`~tui_console.errors.TuiConsoleError` becomes one message with its next
step (one JSON object under ``--json``) and the exit status of its kind
(:func:`~tui_console.commands.output.exit_statuses`); no traceback reaches the person.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from tui_console import __version__

if TYPE_CHECKING:
    import argparse

    from tui_console.account import AccountSession
    from tui_console.config import Profile

__all__ = ["main"]

_VERSION = f"tui-console {__version__}"


def _add_profile_flags(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """The global flags, accepted before or after the verb."""
    import argparse

    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("profile")
    group.add_argument(
        "--profile", default=default, help="profile name (default: the saved default)"
    )
    group.add_argument("--domain", default=default, help="Auth0 domain, e.g. tenant.eu.auth0.com")
    group.add_argument("--issuer", default=default, help="OpenID issuer URL (instead of --domain)")
    group.add_argument("--client-id", default=default, help="the native application's client id")


def build_parser() -> argparse.ArgumentParser:
    import argparse  # with its help formatter, shutil: not for --version or a plain token

    parser = argparse.ArgumentParser(
        prog="tui-console",
        description="Sign in to an Auth0 tenant and manage your own account from a terminal.",
        epilog="With no COMMAND, opens the console for the saved profile (a setup screen on "
        "first run). Environment: AUTH0_DOMAIN, AUTH0_CLIENT_ID; XDG_* move the files.",
    )
    parser.add_argument("--version", action="version", version=_VERSION)
    _add_profile_flags(parser, suppress=False)
    verbs = parser.add_subparsers(dest="verb", metavar="COMMAND")

    def verb(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = verbs.add_parser(name, help=help_text, description=help_text)
        _add_profile_flags(sub, suppress=True)
        return sub

    login = verb("login", "sign in with the device flow or the browser flow")
    flow = login.add_mutually_exclusive_group()
    flow.add_argument(
        "--device",
        action="store_const",
        const="device",
        dest="flow",
        help="show a code and URL to approve on any device (works over SSH)",
    )
    flow.add_argument(
        "--browser",
        action="store_const",
        const="browser",
        dest="flow",
        help="authorization code + PKCE with a redirect to 127.0.0.1",
    )
    login.add_argument(
        "--no-open", action="store_true", help="never start a browser; print the URL"
    )
    login.add_argument(
        "--scope",
        action="append",
        metavar="SCOPE",
        help="scopes to ask for instead of the profile's (repeat, or space-separate)",
    )
    login.add_argument(
        "--audience", help="API audience (default: the profile's, the Management API)"
    )
    login.add_argument(
        "--dpop",
        action="store_true",
        default=None,
        help="bind the tokens to a key kept beside the token file (DPoP, RFC 9449); "
        "the profile's `dpop = true` does the same for every sign-in",
    )

    from tui_console.commands.support_args import add_machine_login_flags, add_support_parser

    add_machine_login_flags(login)

    status = verb("status", "who is signed in, token expiry, scopes, where tokens are kept")
    status.add_argument("--json", action="store_true", help="machine-readable output")

    token = verb("token", "print a valid access token (refreshing it silently if due)")
    token.add_argument("--audience", help="the API audience (default: the profile's)")

    userinfo = verb("userinfo", "your claims from /userinfo")
    userinfo.add_argument("--json", action="store_true", help="machine-readable output")

    verb("logout", "revoke the refresh tokens at the server, then delete local tokens")

    profiles = verbs.add_parser(
        "profiles",
        help="list the saved profiles (no network); `use` or `remove` one",
        description="List the saved profiles: issuer, client id, who is signed in and the "
        "token state, read from disk only. Only a successful `login` saves a profile.",
    )
    profiles.add_argument("--json", action="store_true", help="machine-readable output")
    profile_actions = profiles.add_subparsers(dest="action", metavar="ACTION")
    use = profile_actions.add_parser("use", help="make a saved profile the default one")
    use.add_argument("name", help="the profile's name")
    remove = profile_actions.add_parser(
        "remove", help="sign out of a profile (revoke, then wipe) and delete it"
    )
    remove.add_argument("name", help="the profile's name")
    remove.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    user = verb("user", "your user record from the Management API")
    user.add_argument("--json", action="store_true", help="machine-readable output")

    metadata = verb("metadata", "show, set or unset your user_metadata keys")
    metadata.add_argument("--json", action="store_true", help="machine-readable output")
    metadata_actions = metadata.add_subparsers(dest="action", metavar="ACTION")
    metadata_set = metadata_actions.add_parser("set", help="set top-level keys")
    metadata_set.add_argument(
        "items",
        nargs="+",
        metavar="KEY=VALUE",
        help="VALUE is read as JSON when it looks like JSON, else taken as text",
    )
    metadata_set.add_argument(
        "--string", action="store_true", help="store each VALUE as the text given, never as JSON"
    )
    metadata_set.add_argument("--json", action="store_true", help="machine-readable output")
    _add_profile_flags(metadata_set, suppress=True)
    metadata_unset = metadata_actions.add_parser("unset", help="delete top-level keys")
    metadata_unset.add_argument("items", nargs="+", metavar="KEY", help="the keys to delete")
    metadata_unset.add_argument("--json", action="store_true", help="machine-readable output")
    _add_profile_flags(metadata_unset, suppress=True)

    identities = verb("identities", "the identities linked to your account")
    identities.add_argument("--json", action="store_true", help="machine-readable output")

    link = verb("link", "sign in to a second account in the browser and link it to this one")
    link.add_argument("--no-open", action="store_true", help="never start a browser; print the URL")
    link.add_argument("--json", action="store_true", help="machine-readable output")

    unlink = verb("unlink", "detach a linked identity (it becomes a separate user)")
    unlink.add_argument("provider", help="the identity's provider, e.g. google-oauth2")
    unlink.add_argument("user_id", help="the identity's user id, without the 'provider|' prefix")
    unlink.add_argument("--json", action="store_true", help="machine-readable output")
    unlink.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation (needed without a terminal)"
    )

    devices = verb("devices", "list, add or revoke device credentials")
    devices.add_argument("--json", action="store_true", help="machine-readable output")
    device_actions = devices.add_subparsers(dest="action", metavar="ACTION")
    add = device_actions.add_parser("add", help="register a device's public key")
    add.add_argument("name", help="a name for the device")
    add.add_argument("--public-key", required=True, metavar="FILE", help="the public key file")
    add.add_argument("--device-id", help="the device's id (default: this host's name)")
    add.add_argument("--json", action="store_true", help="machine-readable output")
    revoke = device_actions.add_parser("revoke", help="revoke a device credential by id")
    revoke.add_argument("id", help="the credential id (dcr_...)")
    revoke.add_argument("--json", action="store_true", help="machine-readable output")

    inspect = verbs.add_parser(
        "inspect",
        help="decode any token and verify it against a saved profile's issuer",
        description="Decode a JWT's header and claims (times in words, audience, scopes, "
        "DPoP binding, sid) and check its signature against the issuer's keys when the "
        "issuer is a saved profile's (or with --trust-issuer). The token is never stored, "
        "logged or shown back.",
    )
    inspect.add_argument(
        "token", nargs="?", metavar="TOKEN", help="the token, or - (default) to read stdin"
    )
    inspect.add_argument(
        "--trust-issuer", action="store_true", help="fetch the keys of the token's own issuer"
    )
    inspect.add_argument("--json", action="store_true", help="machine-readable output")

    add_support_parser(verb, lambda sub: _add_profile_flags(sub, suppress=True))

    doctor = verbs.add_parser(
        "doctor",
        help="check what breaks sign-ins here: files, permissions, the issuer, clock, ports",
        description="Check the config, token and key files, the issuer's discovery and keys, "
        "the clock, the callback ports, the browser, the clipboard and the keymap. One line "
        "per check, with the fix; exit status 7 when a check fails.",
    )
    _add_profile_flags(doctor, suppress=True)
    doctor.add_argument("--json", action="store_true", help="machine-readable output")

    completion = verbs.add_parser(
        "completion",
        help="print a shell completion script",
        description="Print a completion script for SHELL, e.g. "
        "`tui-console completion bash > ~/.local/share/bash-completion/completions/tui-console`.",
    )
    completion.add_argument("shell", choices=("bash", "zsh", "fish"), help="the shell")
    mfa = verb("mfa", "your sign-in methods (MFA, passkeys) through Auth0's My Account API")
    mfa.add_argument("--json", action="store_true", help="machine-readable output")
    mfa_actions = mfa.add_subparsers(dest="action", metavar="ACTION")
    mfa_add = mfa_actions.add_parser("add", help="enroll an authenticator app, email, phone...")
    mfa_add.add_argument("kind", choices=("totp", "email", "phone", "recovery-code", "passkey"))
    mfa_add.add_argument("--name", help="a name to show for the method")
    mfa_add.add_argument("--email", help="the address, for an email method")
    mfa_add.add_argument("--phone", help="the number in E.164 form (+14155550100)")
    mfa_add.add_argument("--json", action="store_true", help="print the pending enrollment")
    mfa_verify = mfa_actions.add_parser("verify", help="finish a pending enrollment")
    mfa_verify.add_argument("id", help="the pending method's id")
    mfa_verify.add_argument("code", nargs="?", help="the one-time code (not for recovery codes)")
    mfa_verify.add_argument("--json", action="store_true", help="machine-readable output")
    mfa_rename = mfa_actions.add_parser("rename", help="rename a method")
    mfa_rename.add_argument("id", help="the method's id")
    mfa_rename.add_argument("name", help="the new name")
    mfa_rename.add_argument("--json", action="store_true", help="machine-readable output")
    mfa_remove = mfa_actions.add_parser("remove", help="remove a method")
    mfa_remove.add_argument("id", help="the method's id")
    mfa_remove.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    mfa_remove.add_argument("--json", action="store_true", help="machine-readable output")

    demo = verbs.add_parser(
        "demo",
        help="open the console against the built-in demo tenant",
        description="Open the console against a local demo tenant that approves sign-ins "
        "by itself after a few seconds. Its users and devices persist between runs.",
    )
    demo.add_argument(
        "--reset", action="store_true", help="start from a fresh demo tenant (forget changes)"
    )
    demo.add_argument(
        "--support",
        action="store_true",
        help="open the support console, signed in as the demo tenant's support application",
    )

    tenant = verbs.add_parser("dev-tenant", help="run the local Auth0-compatible tenant alone")
    tenant.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    tenant.add_argument(
        "--auto-approve",
        type=float,
        metavar="SECONDS",
        help="approve pending device codes as the demo user after SECONDS",
    )
    tenant.add_argument(
        "--access-token-ttl",
        type=int,
        metavar="SECONDS",
        help="access token lifetime (default 86400, as on Auth0)",
    )
    tenant.add_argument(
        "--state", metavar="FILE", help="keep the tenant's users in FILE across runs"
    )
    tenant.add_argument(
        "--plan",
        choices=("free", "enterprise"),
        default="enterprise",
        help="the Auth0 plan to act as (free: no sessions or refresh-token endpoints)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments == ["--version"]:  # what argparse would print, without building the parser
        print(_VERSION)
        return 0  # EXIT_OK, without importing the exit-status table
    from tui_console.commands.output import (
        EXIT_INTERRUPTED,
        EXIT_OK,
        exit_status,
        notice,
        print_error,
        print_interrupted,
    )
    from tui_console.errors import TuiConsoleError
    from tui_console.warnings_log import show_warnings

    args = _simple_token_or_status(arguments) or build_parser().parse_args(arguments)
    as_json = bool(getattr(args, "json", False))
    if args.verb not in (None, "demo"):  # the console's screen must not be torn by stderr
        show_warnings(lambda text: notice(text, as_json=as_json, kind="warning"))
    try:
        if args.verb in ("token", "status"):
            from tui_console.commands.from_disk import answer_from_disk

            answered = answer_from_disk(args)  # no httpx, jwt or asyncio when it answers
            if answered is not None:
                return answered
        import asyncio  # tens of ms: only the commands that run a session need it

        if args.verb == "dev-tenant":
            return _run_dev_tenant(args)
        if args.verb == "completion":
            return _print_completion(build_parser(), args.shell)
        if args.verb in (None, "demo"):
            return _run_console(args)
        if args.verb == "doctor":
            from tui_console.commands.doctor import doctor  # checks files before any profile

            return asyncio.run(doctor(args))
        return asyncio.run(_run_verb(args))
    except KeyboardInterrupt:
        print_interrupted(as_json=as_json)
        return EXIT_INTERRUPTED
    except TuiConsoleError as exc:
        print_error(exc, as_json=as_json)
        return exit_status(exc)
    except BrokenPipeError:
        # The reader left early (`tui-console userinfo | head -2`): that is not an error.
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _simple_token_or_status(arguments: list[str]) -> argparse.Namespace | None:
    """A plain ``token``/``status`` command line read without building the whole parser."""
    if "token" not in arguments and "status" not in arguments:
        return None
    from tui_console.commands.from_disk import simple_arguments

    return simple_arguments(arguments)


def _print_completion(parser: argparse.ArgumentParser, shell: str) -> int:
    """A completion script generated from the parser itself, so it never lags the verbs."""
    import shtab  # only this verb needs it

    from tui_console.commands.output import EXIT_OK

    print(shtab.complete(parser, shell=shell))
    return EXIT_OK


def _run_console(args: argparse.Namespace) -> int:
    """The Textual console: ``demo`` against the built-in tenant, else the active profile."""
    from tui_console.demo import run_console, run_demo  # Textual and the tenant: deferred

    if args.verb == "demo":
        return run_demo(reset=args.reset, support=args.support)
    return run_console(
        name=args.profile, issuer=args.issuer, domain=args.domain, client_id=args.client_id
    )


def _run_dev_tenant(args: argparse.Namespace) -> int:
    from tui_console.commands.output import EXIT_OK
    from tui_console.devtenant import TenantSettings, run_forever  # starlette/uvicorn: deferred

    overrides: dict[str, Any] = {}
    if args.auto_approve is not None:
        overrides["auto_approve"] = args.auto_approve
    if args.access_token_ttl is not None:
        overrides["access_token_ttl"] = args.access_token_ttl
    overrides["plan"] = args.plan
    run_forever(TenantSettings(**overrides), port=args.port, state_file=args.state)
    return EXIT_OK


async def _run_verb(args: argparse.Namespace) -> int:
    from tui_console.account import AccountSession
    from tui_console.config import resolve_profile

    if args.verb == "profiles":
        from tui_console.commands.profiles import profiles

        return await profiles(args)
    if args.verb == "inspect":  # any token, no profile needed
        from tui_console.commands.inspect import inspect

        return await inspect(args)
    signing_in = args.verb == "login"
    profile, changed = resolve_profile(
        name=args.profile,
        issuer=args.issuer,
        domain=args.domain,
        client_id=args.client_id,
        create=signing_in,
    )
    if signing_in and (args.client_credentials or profile.machine):
        from tui_console.commands.machine_sign_in import machine_profile

        profile, changed = machine_profile(profile, args, changed=changed)
    module_name, function_name = _VERBS[args.verb]
    module = importlib.import_module(f"tui_console.commands.{module_name}")
    handler: Callable[[AccountSession, argparse.Namespace], Awaitable[int]]
    handler = getattr(module, function_name)
    remember = _remember_profile(make_default=args.profile is None) if changed else None
    async with AccountSession(profile, on_sign_in=remember if signing_in else None) as session:
        return await handler(session, args)


def _remember_profile(*, make_default: bool) -> Callable[[Profile], None]:
    """What a successful ``login`` does with flags that changed the profile: save them."""
    from tui_console.config import save_profile

    def remember(profile: Profile) -> None:
        save_profile(profile, make_default=make_default)
        print(f"Saved profile {profile.name}.", file=sys.stderr)

    return remember


#: verb → (module under tui_console.commands, function); imported only when run.
_VERBS: dict[str, tuple[str, str]] = {
    "login": ("sign_in", "login"),
    "status": ("sign_in", "status"),
    "token": ("sign_in", "token"),
    "userinfo": ("sign_in", "userinfo"),
    "logout": ("sign_in", "logout"),
    "user": ("account", "user"),
    "metadata": ("account", "metadata"),
    "identities": ("account", "identities"),
    "link": ("account", "link"),
    "unlink": ("account", "unlink"),
    "devices": ("account", "devices"),
    "mfa": ("mfa", "mfa"),
    "support": ("support", "support"),
}
