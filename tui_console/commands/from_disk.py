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

from tui_console.commands.status import show_status, show_token
from tui_console.config import Profile, resolve_profile
from tui_console.errors import TuiConsoleError
from tui_console.paths import token_dir
from tui_console.session_status import SessionStatus, session_status
from tui_console.storage.dpop_keys import DPoPKeyStore
from tui_console.storage.token_store import FileTokenStore, TokenOwner

__all__ = ["answer_from_disk"]


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
