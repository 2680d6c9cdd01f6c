"""The typed confirmations of the support actions, worded as Auth0 carries them out.

Each action ends something for another person, so a stray Enter must not be enough: the
person types a phrase (the user's e-mail for signing them out everywhere, ``end session``,
``revoke``) before the button works (:class:`~tui_console.ui.widgets.confirm.TypedConfirmScreen`).
The bodies say what happens and what does not: Auth0 accepts the request and carries it out
asynchronously, and access tokens already issued stay valid until they expire.
"""

from __future__ import annotations

from textual import on
from textual.widgets import Checkbox

from tui_console.support import RefreshToken, Session, SupportUser
from tui_console.ui.widgets.confirm import TypedConfirmScreen

__all__ = ["SignOutConfirm", "end_session_confirm", "revoke_token_confirm"]

_STILL_VALID = (
    "Access tokens already issued stay valid until they expire: Auth0 cannot recall them."
)


def end_session_confirm(session: Session, device: str) -> TypedConfirmScreen:
    """Ask before ending one session (and its refresh tokens)."""
    return TypedConfirmScreen(
        "End this session?",
        f"Session {session.id} ({device}) ends, and the refresh tokens issued in it are "
        f"revoked: the applications signed in through it must sign in again once their "
        f"access tokens expire. {_STILL_VALID}",
        "end session",
        confirm_label="End session",
    )


def revoke_token_confirm(token: RefreshToken, client: str) -> TypedConfirmScreen:
    """Ask before revoking one refresh token."""
    return TypedConfirmScreen(
        "Revoke this refresh token?",
        f"The refresh token {token.id} of {client} is revoked: that application can no longer "
        f"renew its access tokens and must sign the user in again. The user's session, if any, "
        f"is not ended. {_STILL_VALID}",
        "revoke",
        confirm_label="Revoke",
    )


class SignOutConfirm(TypedConfirmScreen):
    """Sign a user out everywhere (or out of one session): type their e-mail (or id).

    A checkbox keeps the refresh tokens (applications holding them stay signed in); read
    :attr:`keep_refresh_tokens` in the callback.
    """

    def __init__(self, user: SupportUser, *, session_id: str | None = None) -> None:
        who = user.user.email or user.user_id
        if session_id is None:
            title = f"Sign {who} out everywhere?"
            what = "Every session of this user ends"
        else:
            title = f"Sign {who} out of one session?"
            what = f"Session {session_id} ends"
        super().__init__(
            title,
            f"{what}, and unless you keep them, the refresh tokens are revoked, so every "
            f"application must sign in again. Auth0 carries this out asynchronously. "
            f"{_STILL_VALID}",
            who,
            confirm_label="Sign out",
        )
        self.user = user
        self.session_id = session_id
        self.keep_refresh_tokens = False
        """Whether the person ticked "keep refresh tokens" (read after the dialog closed)."""

    def on_mount(self) -> None:
        super().on_mount()
        box = Checkbox("Keep refresh tokens (apps holding them stay signed in)", id="keep")
        self.query_one("#dialog").mount(box, before="#prompt")

    @on(Checkbox.Changed, "#keep")
    def _kept(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.keep_refresh_tokens = event.value
