"""The sign-in verbs: ``login``, ``status``, ``token``, ``userinfo``, ``logout``.

Each takes the :class:`~tui_console.account.AccountSession` and the parsed arguments and
returns the exit status. Data goes to stdout; narration (codes, URLs, countdowns) and the
rate-limit report to stderr. Text from the server (codes, URLs, claims) is shown through
:func:`~tui_console.commands.output.say` / :func:`~tui_console.commands.output.cell`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from typing import TextIO

from tui_console.account import AccountSession, DevicePrompt, LogoutReport
from tui_console.auth.browser import browser_is_usable, open_in_browser
from tui_console.auth.device import PollProgress
from tui_console.commands.output import (
    EXIT_OK,
    cell,
    print_json,
    reports_rate_limits,
    say,
)
from tui_console.commands.status import show_status, show_token
from tui_console.durations import clock_text, iso_utc
from tui_console.errors import TuiConsoleError


def browser_opener(*, no_open: bool) -> Callable[[str], bool]:
    """The ``open_url`` for a browser sign-in: always print the URL, open a browser if usable.

    When no browser opens (SSH, ``--no-open``), the person opens the URL elsewhere and pastes
    the address the browser lands on (RFC 8252 loopback redirects cannot cross machines).
    """
    usable, _ = browser_is_usable()

    def open_url(url: str) -> bool:
        print("Open this URL in a browser to sign in:", file=sys.stderr)
        print(f"  {cell(url)}", file=sys.stderr)
        opened = usable and not no_open and open_in_browser(url)
        if not opened:
            print(
                "When the browser lands on a page that cannot load (another machine), "
                "paste that page's full URL here and press Enter.",
                file=sys.stderr,
            )
        return opened

    return open_url


def report_bad_paste(error: TuiConsoleError) -> None:
    """A pasted address that is not this sign-in's: say why; the sign-in waits for another."""
    say(f"That address does not finish this sign-in: {error.message}", sys.stderr)
    print("Paste the address again and press Enter (or finish in the browser).", file=sys.stderr)


async def read_pasted_line() -> str:
    """One line from stdin without blocking the event loop."""
    line: str = await asyncio.to_thread(sys.stdin.readline)
    return line.strip()


@reports_rate_limits
async def login(session: AccountSession, args: argparse.Namespace) -> int:
    if args.client_credentials or session.profile.machine:  # a machine profile signs in so
        from tui_console.commands.machine_sign_in import machine_login

        return await machine_login(session, args)
    scopes = tuple(s for value in args.scope or () for s in value.split()) or None
    usable, reason = browser_is_usable()
    flow = args.flow
    if flow is None:
        flow = "browser" if usable and not args.no_open else "device"
        why = reason if not usable else "--no-open was given" if args.no_open else ""
        if flow == "device" and why:
            print(f"Using the device flow: {why}.", file=sys.stderr)

    dpop = getattr(args, "dpop", None)
    if flow == "device":
        login = await session.start_device_login(scopes=scopes, audience=args.audience, dpop=dpop)
        _show_device_prompt(login.prompt)
        if usable and not args.no_open and login.prompt.verification_uri_complete:
            open_in_browser(login.prompt.verification_uri_complete)
        status = await login.complete(on_progress=_DeviceCountdown(sys.stderr))
    else:
        status = await session.login_with_browser(
            open_url=browser_opener(no_open=args.no_open),
            pasted_redirect=read_pasted_line if sys.stdin.isatty() else None,
            on_bad_paste=report_bad_paste,
            scopes=scopes,
            audience=args.audience,
            dpop=dpop,
        )
    say(f"\nSigned in as {status.who} (profile {status.profile}).", sys.stderr)
    return EXIT_OK


def _show_device_prompt(prompt: DevicePrompt) -> None:
    from tui_console.qr import qr_lines

    err = sys.stderr
    url = prompt.verification_uri_complete or prompt.verification_uri
    print("To sign in, open", file=err)
    print(f"  {cell(prompt.verification_uri)}", file=err)
    print(f"and enter the code  {cell(prompt.user_code)}", file=err)
    if prompt.verification_uri_complete:
        print(f"(or open {cell(prompt.verification_uri_complete)} , or scan:)", file=err)
        for line in qr_lines(url):
            print(f"  {line}", file=err)
    print("Check that the code on the page matches before approving.", file=err)


class _DeviceCountdown:
    """Turns poll progress into one updating line on a terminal, or sparse lines otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._interval: float | None = None

    def __call__(self, progress: PollProgress) -> None:
        text = f"Waiting for approval: {clock_text(progress.seconds_left)} left, checking every "
        text += f"{progress.interval:g} s"
        if self._tty:
            self._stream.write("\r" + text + " " * 4)
            self._stream.flush()
        elif progress.interval != self._interval:
            print(text, file=self._stream)
        self._interval = progress.interval


async def status(session: AccountSession, args: argparse.Namespace) -> int:
    return show_status(session.status(), as_json=args.json)


@reports_rate_limits
async def token(session: AccountSession, args: argparse.Namespace) -> int:
    token = await session.access_token(args.audience)
    audience = args.audience if args.audience is not None else session.profile.audience
    return show_token(token, session.status(), audience)


@reports_rate_limits
async def userinfo(session: AccountSession, args: argparse.Namespace) -> int:
    profile = await session.userinfo()
    if args.json:
        print_json(dict(profile.claims))
        return EXIT_OK
    verified = ""
    if profile.email_verified is not None:
        verified = " (verified)" if profile.email_verified else " (not verified)"
    rows = [
        ("Name", profile.name),
        ("Nickname", profile.nickname),
        ("Email", f"{profile.email}{verified}" if profile.email else None),
        ("Picture", profile.picture),
        ("Updated", iso_utc(profile.updated_at) if profile.updated_at else None),
        ("Subject", profile.sub),
    ]
    for label, value in rows:
        if value:
            print(f"{label + ':':<10}{cell(value)}")
    return EXIT_OK


@reports_rate_limits
async def logout(session: AccountSession, args: argparse.Namespace) -> int:
    print_logout_report(await session.logout())
    return EXIT_OK


def print_logout_report(report: LogoutReport) -> None:
    """Each step of a sign-out on stderr: every audience's revocation, then the local wipe."""
    err = sys.stderr
    if report.other_session:
        say(
            f"Not signed out: the stored session belongs to {report.other_session}, "
            "not to this run's issuer and client; it was left as it was.",
            err,
        )
        return
    for revocation in report.revocations:
        audience = revocation.audience or "the userinfo-only sign-in"
        if revocation.revoked:
            say(f"Revoked the refresh token for {audience} at the server.", err)
        elif not revocation.had_refresh_token:
            say(f"No refresh token for {audience}: nothing to revoke.", err)
        else:
            say(
                f"Could not revoke the refresh token for {audience}: {revocation.detail}. "
                "It stays valid at the server until it expires or is revoked in the Auth0 "
                "dashboard.",
                err,
            )
    print("Deleted the local tokens." if report.wiped else "No local tokens to delete.", file=err)
    if report.dpop_key_deleted:
        print("Deleted the DPoP key.", file=err)
    if report.client_secret_deleted:
        print("Deleted the stored client secret.", file=err)
