"""``tui-console doctor``: check what breaks sign-ins on real machines, one line per check.

The checks, in the order a sign-in meets them: the config file (parses; not writable by others,
who could point the console at their own tenant), the profile's token file, DPoP key and lock
(parse; 0600 files in a 0700 directory; the lock not held by a stuck process), the issuer's
discovery document and key set, the clock against the server's ``Date`` (ID tokens are checked
with 60 s of leeway), the registered loopback callback ports, whether a browser can be opened,
whether copying can reach the terminal's clipboard (OSC 52; tmux's ``set-clipboard``), and the
``[keymap]`` (:mod:`tui_console.ui.keymap_check`, the console's own check).

Each check is ``ok``, ``warn`` (works, but worth knowing) or ``fail`` (something will break),
with the fix. Files are inspected before they are read, because reading a token file may
tighten a loose mode and the report must say what was found. Nothing is changed: a missing
file is reported, not created. The exit status is 7 when a check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import httpx

from tui_console.commands.output import EXIT_OK, EXIT_PROBLEM_FOUND, cell
from tui_console.errors import TuiConsoleError

if TYPE_CHECKING:
    from tui_console.config import Profile

__all__ = ["Check", "clock_check", "doctor", "mode_problem", "tmux_clipboard_check"]

Outcome = Literal["ok", "warn", "fail"]

#: The ID-token leeway (:class:`~tui_console.auth.id_token.IdTokenValidator`): beyond it a
#: fresh token is refused as "issued in the future" or "expired".
LEEWAY_SECONDS = 60
#: ``Date`` has whole seconds and the answer takes time: a few seconds are not skew.
SKEW_NOTICED_SECONDS = 5


@dataclass(frozen=True)
class Check:
    """The outcome of one check: what was found, and what to do when it is not ok."""

    name: str
    outcome: Outcome
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.outcome:<4}  {self.name:<10} {self.detail}"
        return cell(f"{text} Fix: {self.fix}" if self.fix else text)


# -- files -----------------------------------------------------------------------------------


def mode_problem(path: Path, *, private: bool) -> str | None:
    """What is wrong with ``path``'s mode, or ``None``.

    ``private``: a secret (0600 file, 0700 directory): no access at all for group or others.
    Otherwise (the config): not writable by group or others.
    """
    mode = stat.S_IMODE(path.stat().st_mode)
    loose = mode & (0o077 if private else 0o022)
    if not loose:
        return None
    wanted = (0o700 if path.is_dir() else 0o600) if private else mode & ~0o022
    return f"{path} has mode {mode:04o}; it should be {wanted:04o}"


def _chmod_fix(path: Path, problem: str) -> str:
    return f"chmod {problem.rsplit(' ', 1)[-1]} {path}"


@dataclass(frozen=True)
class _Config:
    """What the config file holds, when it parses."""

    profiles: Mapping[str, Profile]
    default: str | None
    keymap: dict[str, str]


def _config_check(path: Path) -> tuple[Check, _Config | None]:
    """The config file's check, and its content when it parses."""
    from tui_console.config import load_keymap, load_profiles

    if not path.exists():
        return Check(
            "config",
            "warn",
            f"{path} does not exist yet",
            "sign in once: tui-console --domain TENANT.auth0.com --client-id ID login",
        ), None
    try:
        profiles, default = load_profiles(path)
        keymap = load_keymap(path)
    except TuiConsoleError as exc:
        return Check("config", "fail", exc.message, exc.hint), None
    except (UnicodeDecodeError, ValueError) as exc:  # a file that is not UTF-8 text
        return Check("config", "fail", f"{path} cannot be read: {exc}", "fix or delete it"), None
    found = _Config(profiles=profiles, default=default, keymap=keymap)
    problem = mode_problem(path, private=False)
    if problem:
        return Check(
            "config",
            "fail",
            problem + " (others could change the tenant)",
            _chmod_fix(path, problem),
        ), found
    names = ", ".join(sorted(profiles)) or "none"
    return Check("config", "ok", f"{path} parses; profiles: {names}"), found


def _private_file_checks(name: str, path: Path, load: Callable[[], object]) -> list[Check]:
    """Mode of ``path`` and of its directory, then ``load()`` to see that it parses."""
    if not path.exists():
        return [Check(name, "ok", f"{path}: none stored")]
    for candidate in (path.parent, path):
        problem = mode_problem(candidate, private=True)
        if problem:
            return [Check(name, "fail", problem, _chmod_fix(candidate, problem))]
    try:
        load()
    except TuiConsoleError as exc:
        return [Check(name, "fail", exc.message, exc.hint)]
    return [Check(name, "ok", f"{path} parses, mode 0600 in a 0700 directory")]


def _machine_credential_checks(profile: Profile, token_file: Path) -> list[Check]:
    """A machine profile's own credential: its secret file (0600), or its private key file
    (readable; never copied, so a moved or unreadable key is what breaks its sign-in)."""
    from tui_console.storage.client_secrets import ClientSecretStore

    if profile.client_auth == "private_key_jwt":
        key = Path(profile.private_key_file or "")
        if not key.is_file() or not os.access(key, os.R_OK):
            return [
                Check(
                    "private key",
                    "fail",
                    f"{key} cannot be read",
                    "point private_key_file in the profile at the key, or sign in again with "
                    "--private-key-file",
                )
            ]
        return [Check("private key", "ok", f"{key} is readable (its path is all that is kept)")]
    if profile.secret_store == "keyring":
        return [Check("client secret", "ok", "kept in the OS keyring (not checked here)")]
    secrets = ClientSecretStore.beside(token_file)
    if not secrets.path.exists():
        return [
            Check(
                "client secret",
                "fail",
                f"{secrets.path}: no client secret stored, so no token can be minted",
                "sign in again: tui-console login --client-credentials --client-secret-file F",
            )
        ]
    return _private_file_checks("client secret", secrets.path, secrets.load)


def _lock_check(path: Path) -> Check:
    """Whether a sign-in or refresh could take the profile's lock now (held: a stuck process?)."""
    import filelock

    if not path.exists():
        return Check("lock", "ok", f"{path}: not created yet")
    lock = filelock.FileLock(path, mode=0o600, thread_local=False)
    try:
        lock.acquire(timeout=1)
    except filelock.Timeout:
        return Check(
            "lock",
            "warn",
            f"{path} is held by another process (a refresh in progress, or a stuck tui-console)",
            f"if no tui-console is running, find the holder with `fuser {path}` and end it",
        )
    except OSError as exc:
        return Check("lock", "fail", f"{path} cannot be opened: {exc.strerror}", "check its mode")
    lock.release()
    return Check("lock", "ok", f"{path} is free")


# -- the issuer ------------------------------------------------------------------------------


def clock_check(server_date: str | None, now: float) -> Check:
    """Local clock against the server's ``Date`` header (RFC 9110 §6.6.1)."""
    if not server_date:
        return Check("clock", "warn", "the issuer sent no Date header, so skew is unknown")
    try:
        server = parsedate_to_datetime(server_date).timestamp()
    except (TypeError, ValueError):
        return Check("clock", "warn", f"the issuer's Date header {server_date!r} does not parse")
    skew = now - server
    ahead = "ahead of" if skew > 0 else "behind"
    said = f"this clock is {abs(skew):.0f} s {ahead} the issuer's"
    fix = "turn on time sync (timedatectl set-ntp true, or your OS's date settings)"
    if abs(skew) > LEEWAY_SECONDS:
        return Check("clock", "fail", said + f"; ID tokens allow {LEEWAY_SECONDS} s", fix)
    if abs(skew) > SKEW_NOTICED_SECONDS:
        return Check("clock", "warn", said, fix)
    return Check("clock", "ok", f"within {SKEW_NOTICED_SECONDS} s of the issuer's")


async def _issuer_checks(issuer: str) -> list[Check]:
    """Discovery, the key set, and the clock against the discovery answer's ``Date``."""
    import jwt

    from tui_console.auth.discovery import discover, discovery_url

    dates: list[str | None] = []

    async def remember_date(response: httpx.Response) -> None:
        dates.append(response.headers.get("date"))

    async with httpx.AsyncClient(
        timeout=httpx.Timeout(10.0), event_hooks={"response": [remember_date]}
    ) as client:
        try:
            metadata = await discover(client, issuer)
        except TuiConsoleError as exc:
            return [Check("discovery", "fail", exc.message, exc.hint)]
        checks = [Check("discovery", "ok", f"{discovery_url(issuer)} is valid")]
        clock = clock_check(dates[0] if dates else None, time.time())
        try:
            response = await client.get(metadata.jwks_uri)
            response.raise_for_status()
            keys = jwt.PyJWKSet.from_dict(response.json()).keys
            checks.append(Check("keys", "ok", f"{metadata.jwks_uri}: {len(keys)} signing key(s)"))
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            checks.append(
                Check(
                    "keys",
                    "fail",
                    f"{metadata.jwks_uri} is unusable ({type(exc).__name__}: {exc})",
                    "ID tokens cannot be verified; check the issuer URL",
                )
            )
    return [*checks, clock]


# -- this machine ----------------------------------------------------------------------------


def _ports_check(ports: Sequence[int]) -> Check:
    """Is at least one registered loopback callback port free for the browser sign-in?"""
    busy: list[int] = []
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                busy.append(port)
    listed = ", ".join(map(str, ports))
    if len(busy) == len(ports):
        return Check(
            "ports",
            "fail",
            f"every registered callback port is in use ({listed})",
            "stop what listens there (`ss -ltnp`), or register another port; "
            "or sign in with `login --device`",
        )
    if busy:
        taken = ", ".join(map(str, busy))
        return Check("ports", "warn", f"ports {taken} are in use; the others of {listed} are free")
    return Check("ports", "ok", f"callback ports {listed} are free")


def _browser_check() -> Check:
    from tui_console.auth.browser import browser_is_usable

    usable, reason = browser_is_usable()
    if usable:
        return Check("browser", "ok", reason)
    return Check(
        "browser",
        "warn",
        f"no browser can be opened: {reason}",
        "sign-ins use the device flow (a code to approve on any device); "
        "set BROWSER to use the browser flow",
    )


def tmux_clipboard_check(set_clipboard: str | None) -> Check:
    """tmux forwards an application's OSC 52 to the terminal only with ``set-clipboard on``.

    ``external`` (tmux's default) lets tmux's own copy mode set the terminal clipboard but
    ignores the sequence when an application sends it (tmux(1), ``set-clipboard``).
    """
    if set_clipboard is None:
        return Check("clipboard", "warn", "inside tmux, but `tmux show -gv set-clipboard` failed")
    if set_clipboard == "on":
        return Check("clipboard", "ok", "tmux set-clipboard is on (OSC 52 passes)")
    return Check(
        "clipboard",
        "warn",
        f"tmux set-clipboard is {set_clipboard!r}, so copying in the console does not reach "
        "the clipboard",
        "add `set -g set-clipboard on` to ~/.tmux.conf and run `tmux source ~/.tmux.conf`",
    )


#: Terminals known not to honour OSC 52 clipboard writes.
_NO_OSC52 = {"Apple_Terminal": "macOS Terminal"}


def _clipboard_check() -> Check:
    """Copying in the console writes OSC 52; can it reach the clipboard from here?"""
    if os.environ.get("TMUX"):
        tmux = shutil.which("tmux")
        value: str | None = None
        if tmux:
            try:
                shown = subprocess.run(
                    [tmux, "show-options", "-gv", "set-clipboard"],
                    capture_output=True,
                    text=True,
                    timeout=3,
                )
                value = shown.stdout.strip() if shown.returncode == 0 else None
            except (OSError, subprocess.TimeoutExpired):
                value = None
        return tmux_clipboard_check(value)
    program = os.environ.get("TERM_PROGRAM", "")
    if program in _NO_OSC52:
        return Check(
            "clipboard",
            "warn",
            f"{_NO_OSC52[program]} ignores OSC 52, so copying in the console does nothing",
            "use iTerm2, WezTerm, kitty or another terminal with OSC 52; or select the text",
        )
    if os.environ.get("STY"):
        return Check(
            "clipboard",
            "warn",
            "GNU screen drops OSC 52 by default",
            "run the console outside screen, or in tmux with set-clipboard on",
        )
    term = os.environ.get("TERM", "")
    if term in ("", "dumb"):
        return Check("clipboard", "warn", "TERM is not set: the terminal is unknown")
    return Check(
        "clipboard", "ok", f"TERM={term}: copying uses OSC 52 (the terminal must allow it)"
    )


def _keymap_check(keymap: dict[str, str]) -> Check:
    if not keymap:
        return Check("keymap", "ok", "no [keymap]: the console's own keys")
    from tui_console.ui.keymap_check import keymap_problems  # Textual: only with a [keymap]

    problems = keymap_problems(keymap)
    if problems.clashes:
        return Check(
            "keymap",
            "fail",
            "; ".join(problems.clashes),
            "give each a different key in [keymap] (F1 in the console lists the keys)",
        )
    if problems.unknown_ids:
        return Check(
            "keymap",
            "warn",
            f"[keymap] names ids no binding has, so they do nothing: "
            f"{', '.join(problems.unknown_ids)}",
            "use the ids the help screen (F1) shows",
        )
    return Check("keymap", "ok", f"[keymap] remaps {len(keymap)} binding(s), no clashes")


# -- the verb --------------------------------------------------------------------------------


def _profile_for(args: argparse.Namespace, found: _Config | None) -> Profile | None:
    """The profile to check: ``--profile`` or the default, with one-off --issuer/--domain."""
    from tui_console.config import Profile, issuer_for_domain

    name: str | None = args.profile or (found.default if found else None)
    profile = found.profiles.get(name) if found and name else None
    issuer = args.issuer or (issuer_for_domain(args.domain) if args.domain else None)
    if issuer and profile is not None:
        return replace(profile, issuer=issuer)
    if issuer:
        return Profile(name=name or "default", issuer=issuer, client_id=args.client_id or "-")
    return profile


def _no_profile(asked: str | None, found: _Config | None) -> Check:
    """Nothing to check files and issuer for: a typo in ``--profile`` fails, no config warns."""
    known = ", ".join(sorted(found.profiles)) if found else ""
    if asked and found is not None:
        return Check(
            "profile",
            "fail",
            f"there is no profile {asked!r} (known: {known or 'none'})",
            "use one of the known names; only `tui-console login` creates a profile",
        )
    return Check("profile", "warn", "no profile to check", "pass --profile, or sign in once")


async def run_checks(args: argparse.Namespace) -> list[Check]:
    """Every check for the chosen profile (those that need one are skipped without it)."""
    from tui_console.paths import config_file, token_dir
    from tui_console.storage.dpop_keys import DPoPKeyStore
    from tui_console.storage.token_store import FileTokenStore

    config, found = _config_check(config_file())
    checks = [config]
    try:
        profile = _profile_for(args, found)
    except TuiConsoleError as exc:
        profile = None
        checks.append(Check("profile", "fail", exc.message, exc.hint))
    if profile is None:
        if len(checks) == 1:
            checks.append(_no_profile(args.profile, found))
    else:
        store = FileTokenStore(token_dir(), profile.name)
        keys = DPoPKeyStore.beside(store.path)
        checks += _private_file_checks("tokens", store.path, store.load)
        checks += _private_file_checks("dpop key", keys.path, keys.load)
        checks.append(_lock_check(store.lock_path))
        checks += await _issuer_checks(profile.issuer)
        if profile.machine:
            checks += _machine_credential_checks(profile, store.path)
        else:
            checks.append(_ports_check(profile.redirect_ports))
    if profile is None or not profile.machine:  # a machine sign-in opens no browser
        checks.append(_browser_check())
    checks.append(_clipboard_check())
    checks.append(_keymap_check(found.keymap if found else {}))
    return checks


def _print(checks: Iterable[Check], *, as_json: bool) -> None:
    if as_json:
        print(json.dumps([asdict(c) for c in checks], indent=2))
        return
    for check in checks:
        print(check.line())


async def doctor(args: argparse.Namespace) -> int:
    checks = await run_checks(args)
    _print(checks, as_json=args.json)
    failed = [c for c in checks if c.outcome == "fail"]
    if failed and not args.json:
        print(f"{len(failed)} check(s) failed.", file=sys.stderr)
    return EXIT_PROBLEM_FOUND if failed else EXIT_OK
