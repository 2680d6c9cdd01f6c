"""The typed confirmations of "why can't they sign in?": unblocking, the blocked flag, MFA
removal and reset, forgetting remembered browsers, revoking a device credential.

Each one changes how another person signs in, so the person types a word before the button
works (:class:`~tui_console.ui.widgets.confirm.TypedConfirmScreen`). The bodies say what the
change does and what it leaves alone, in the facade's terms: these answer 204 at Auth0 (done,
not queued), and sessions already signed in stay signed in.
"""

from __future__ import annotations

from tui_console.support import DeviceCredential, MfaMethod
from tui_console.ui.widgets.confirm import TypedConfirmScreen

__all__ = [
    "block_user_confirm",
    "clear_block_confirm",
    "forget_browsers_confirm",
    "remove_method_confirm",
    "reset_mfa_confirm",
    "revoke_device_confirm",
    "unblock_confirm",
]

_SESSIONS_STAY = "Sessions already signed in stay signed in."


def unblock_confirm(who: str, ips: list[str]) -> TypedConfirmScreen:
    """Ask before releasing every brute-force block of ``who``."""
    where = ", ".join(ips) if ips else "every IP"
    return TypedConfirmScreen(
        f"Release the brute-force blocks of {who}?",
        f"Sign-ins from {where} are allowed again, and the failed-attempt count starts over. "
        "The administrator's block (the blocked flag), if set, is not changed.",
        "unblock",
        confirm_label="Unblock",
    )


def block_user_confirm(who: str) -> TypedConfirmScreen:
    """Ask before setting the administrator's ``blocked`` flag."""
    return TypedConfirmScreen(
        f"Block {who} from signing in?",
        "Every sign-in of this user is refused, from anywhere, until the flag is cleared. "
        "Sessions and tokens already issued are not ended: sign the user out everywhere (o) "
        "for that.",
        "block",
        confirm_label="Block",
    )


def clear_block_confirm(who: str) -> TypedConfirmScreen:
    """Ask before clearing the administrator's ``blocked`` flag."""
    return TypedConfirmScreen(
        f"Let {who} sign in again?",
        "The administrator's block is lifted: sign-ins are no longer refused for it. "
        "Brute-force blocks of single IPs, if any, stay until they are released (u).",
        "allow",
        confirm_label="Allow sign-ins",
    )


def remove_method_confirm(user: str, method: MfaMethod) -> TypedConfirmScreen:
    """Ask before deleting one authentication method."""
    what = " ".join(p for p in (method.type, method.name, method.detail) if p) or method.id
    return TypedConfirmScreen(
        "Remove this MFA method?",
        f"{what} ({method.id}) is removed from {user}: it can no longer be used to sign in. "
        f"Where MFA is required and nothing else is left, they enrol anew. {_SESSIONS_STAY}",
        "remove",
        confirm_label="Remove",
    )


def reset_mfa_confirm(user: str, count: int) -> TypedConfirmScreen:
    """Ask before deleting every authentication method ("lost my phone")."""
    return TypedConfirmScreen(
        f"Reset MFA of {user}?",
        f"Every authentication method ({count} listed) is removed: where MFA is required "
        f"they enrol a new factor at their next sign-in. This cannot be undone. {_SESSIONS_STAY}",
        "reset",
        confirm_label="Reset MFA",
    )


def forget_browsers_confirm(user: str) -> TypedConfirmScreen:
    """Ask before forgetting the browsers the user asked to remember for MFA."""
    return TypedConfirmScreen(
        f"Forget {user}'s remembered browsers?",
        "Every browser they chose to remember asks for MFA again at the next sign-in. "
        f"{_SESSIONS_STAY}",
        "forget",
        confirm_label="Forget browsers",
    )


def revoke_device_confirm(credential: DeviceCredential, kind: str) -> TypedConfirmScreen:
    """Ask before revoking one device credential."""
    device = credential.device_name or credential.device_id or "this device"
    return TypedConfirmScreen(
        "Revoke this device credential?",
        f"The {kind} {credential.id} of {device} is revoked: that device must sign in again. "
        "Access tokens already issued stay valid until they expire: Auth0 cannot recall them.",
        "revoke",
        confirm_label="Revoke",
    )
