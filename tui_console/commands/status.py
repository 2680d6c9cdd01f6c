"""What ``status`` and ``token`` print: shared by the full command and the fast path.

The fast path (:mod:`.from_disk`) answers both from the files alone, and the full command
(:mod:`.sign_in`, through :class:`~tui_console.account.AccountSession`) when a refresh or an
error is due; both print through these functions, so their output cannot drift apart. Light
on purpose: no httpx, pyjwt or cryptography behind these imports.
"""

from __future__ import annotations

import sys

from tui_console.commands.output import EXIT_OK, EXIT_SIGNED_OUT, cell, notice, print_json
from tui_console.durations import iso_utc, words
from tui_console.redact import Secret
from tui_console.session_status import SessionStatus

__all__ = ["show_status", "show_token"]


def show_status(status: SessionStatus, *, as_json: bool) -> int:
    """Print ``status`` (a table, or JSON on stdout); the exit status: 0 signed in, else 1."""
    if as_json:
        print_json(status.to_json())
        if status.other_session:
            notice(f"the stored session belongs to {status.other_session}.", as_json=True)
        return EXIT_OK if status.signed_in else EXIT_SIGNED_OUT
    print(f"Profile:  {cell(status.profile)}")
    print(f"Issuer:   {cell(status.issuer)}")
    print(f"Client:   {cell(status.client_id)}")
    if status.other_session:
        print(f"Signed in: no: the stored session belongs to {cell(status.other_session)}")
        print(
            "           (leave out the one-off flags to use it, or `tui-console login` with "
            "them, which saves them)"
        )
        return EXIT_SIGNED_OUT
    if not status.signed_in:
        print("Signed in: no (run `tui-console login`)")
        return EXIT_SIGNED_OUT
    user = status.user
    who = " ".join(
        p for p in (user.get("name"), f"<{user['email']}>" if user.get("email") else None) if p
    )
    if status.machine:
        print(f"Signed in: {cell(status.who)}")
    else:
        print(f"User:     {cell(who) or '?'} ({cell(user.get('sub', 'unknown subject'))})")
    for token in status.tokens:
        left = token.seconds_left()
        if token.expires_at is None or left is None:
            expiry = "no expiry"
        else:
            when = iso_utc(token.expires_at)
            expiry = (
                f"expires in {words(left)} ({when})"
                if left > 0
                else f"expired {words(-left)} ago ({when})"
            )
        print(
            f"Token:    {cell(token.audience or '(userinfo only)')}: {expiry}, "
            f"refresh token: {'yes' if token.has_refresh_token else 'no'}"
        )
        print(f"Scopes:   {cell(' '.join(token.scopes)) or '(none reported)'}")
        if token.dpop_bound:
            print(f"DPoP:     bound to key {cell(token.dpop_jkt)}")
        elif token.dpop_note:
            print(f"DPoP:     Bearer fallback: {token.dpop_note}")
    print(f"Stored:   {status.token_file}")
    if status.dpop_key_file:
        print(f"DPoP key: {status.dpop_key_file}")
    elif status.dpop_key_missing:
        print("DPoP key: MISSING: the tokens are bound to it and cannot be used; sign in again")
    return EXIT_OK


def show_token(token: Secret, status: SessionStatus, audience: str | None) -> int:
    """Print the access token for ``audience`` on stdout, with a note on stderr when the
    stored token for it is DPoP-bound (it is useless as a plain Bearer token)."""
    print(token.reveal())  # the one place a token is meant to be shown: stdout, for scripts
    if any(t.dpop_bound for t in status.tokens if t.audience == audience):
        print(
            "note: this token is DPoP-bound: a request needs `Authorization: DPoP <token>` and "
            "a DPoP proof signed with this profile's key.",
            file=sys.stderr,
        )
    return EXIT_OK
