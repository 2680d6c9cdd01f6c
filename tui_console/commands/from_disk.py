"""The fast path of ``token`` and ``status``: answered from the files, or not at all.

Scripts call ``tui-console token`` the way they call ``gh auth token`` (in a loop, in a shell
prompt, as a credential helper), so when the stored token is good for more than the refresh
margin it is printed from the profile and the token file alone, without importing httpx,
pyjwt, cryptography, asyncio or the lock. ``status`` never needs the network, so it is always
answered here. Anything else (a refresh due, no token, another issuer's session, a damaged
file, a bad flag) returns ``None``, and the full command runs and says it in its own words
and exit status: so both paths print the same, and the refresh rules stay in one place (a
refresh happens single-flight under the profile's lock in
:class:`~tui_console.auth.refresh.TokenManager`; reading needs no lock, the file is replaced
atomically).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from tui_console.commands.status import show_status, show_token
from tui_console.config import Profile, resolve_profile
from tui_console.errors import TuiConsoleError
from tui_console.paths import token_dir
from tui_console.session_status import SessionStatus, session_status
from tui_console.storage.dpop_keys import DPoPKeyStore
from tui_console.storage.token_store import FileTokenStore, TokenOwner

__all__ = ["answer_from_disk", "simple_arguments"]

#: The profile flags every verb takes, before or after it (``cli._add_profile_flags``).
_PROFILE_FLAGS = {
    "--profile": "profile",
    "--domain": "domain",
    "--issuer": "issuer",
    "--client-id": "client_id",
}
#: The flags of the two verbs answered here, with a value or none (``cli.build_parser``).
_VERB_FLAGS: dict[str, dict[str, str | None]] = {
    "token": {"--audience": "audience"},
    "status": {"--json": None},
}


def simple_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """What ``cli.build_parser().parse_args(argv)`` gives for a plain ``token`` or ``status``
    command line, without building that parser (about 10 ms: every verb's sub-parser), or
    ``None`` for anything else, which the full parser then reads and, if need be, refuses.

    "Plain" is: the profile flags and the verb's own, spelled out in full (``--issuer URL``
    or ``--issuer=URL``, a value not starting with ``-``), and exactly one verb. Help,
    abbreviations, ``--``, unknown flags or a second positional go to argparse.
    """
    verb: str | None = None
    values: dict[str, Any] = dict.fromkeys(_PROFILE_FLAGS.values())
    words = iter(argv)
    for word in words:
        if not word.startswith("-"):
            if verb is not None or word not in _VERB_FLAGS:
                return None
            verb = word
            values.update({"audience": None} if verb == "token" else {"json": False})
            continue
        flag, has_value, value = word.partition("=")
        own = _VERB_FLAGS[verb] if verb is not None else {}
        if flag in own and own[flag] is None:  # a switch: --json
            if has_value:
                return None
            values["json"] = True
            continue
        destination = _PROFILE_FLAGS.get(flag) or own.get(flag)
        if destination is None:
            return None
        if not has_value:
            value = next(words, "-")
        if value.startswith("-"):
            return None
        values[destination] = value
    if verb is None:
        return None
    return argparse.Namespace(**values, verb=verb)


def answer_from_disk(args: argparse.Namespace) -> int | None:
    """Answer ``token`` or ``status`` from the files (the exit status), or ``None``: run the
    full command instead."""
    try:
        profile, _ = resolve_profile(
            name=args.profile, issuer=args.issuer, domain=args.domain, client_id=args.client_id
        )
        store = FileTokenStore(token_dir(), profile.name).owned_by(
            TokenOwner(profile.issuer, profile.client_id)
        )
        if args.verb == "status":
            return show_status(_status(profile, store), as_json=args.json)
        audience = args.audience if args.audience is not None else profile.audience
        tokens = store.get(audience)
        if tokens is None or tokens.refresh_due():
            return None
        return show_token(tokens.access_token, _status(profile, store), audience)
    except TuiConsoleError:
        return None  # the full command meets the same problem and explains it


def _status(profile: Profile, store: FileTokenStore) -> SessionStatus:
    return session_status(profile, store, DPoPKeyStore.beside(store.path).path)
