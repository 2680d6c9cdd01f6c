"""Auth0's log event type codes in words, for "why can't this user sign in?".

A tenant log entry says what happened in its ``type``: a short code such as ``fp`` or
``limit_wc``. Support staff should not need the table in their head, so each code a support
person meets is given here as a sentence. The codes and their meaning are Auth0's "Log Event
Type Codes" (https://auth0.com/docs/deploy-monitor/logs/log-event-type-codes, auth0-reference.md
§8.6 [L2]) and the per-event pages under https://auth0.com/docs/tenant-logs/; the sentences are
ours. A code that is not in the table (Auth0 adds codes over time) is shown as it is, never
guessed at (:func:`describe_event`).

Each code also has an :data:`Outcome <EventOutcome>`: whether it is a failure, a success or
neither, so a screen or a table can mark failures without knowing the codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = ["LOG_EVENTS", "EventOutcome", "EventType", "describe_event", "event_type"]

EventOutcome = Literal["failure", "success", "notice"]


@dataclass(frozen=True)
class EventType:
    """One log event type: its ``code``, a ``sentence`` and whether it is a failure."""

    code: str
    sentence: str
    outcome: EventOutcome
    known: bool = True
    """False for a code this table does not know: ``sentence`` is then the code itself."""


_F: EventOutcome = "failure"
_S: EventOutcome = "success"
_N: EventOutcome = "notice"

_TABLE: tuple[tuple[str, EventOutcome, str], ...] = (
    # signing in
    ("s", _S, "Signed in"),
    ("f", _F, "Sign-in failed"),
    ("fp", _F, "Sign-in failed: wrong password"),
    ("fu", _F, "Sign-in failed: no user with that e-mail or username"),
    ("fc", _F, "Sign-in failed at the connector (AD/LDAP)"),
    ("fco", _F, "Refused: the origin is not in the application's allowed origins (CORS)"),
    ("fcoa", _F, "Cross-origin sign-in failed"),
    ("scoa", _S, "Cross-origin sign-in succeeded"),
    ("fens", _F, "Native social sign-in failed"),
    ("w", _N, "Warning during sign-in"),
    ("ssa", _S, "Silent sign-in succeeded"),
    ("fsa", _F, "Silent sign-in failed (the user must sign in interactively)"),
    ("slo", _S, "Signed out"),
    ("flo", _F, "Signing out failed"),
    # attack protection
    ("limit_wc", _F, "Blocked: too many failed sign-ins to this account from one IP"),
    ("limit_mu", _F, "IP blocked: too many failed sign-ins or sign-ups from it"),
    ("limit_sul", _F, "Blocked for a while: too many sign-ins from one IP in a short time"),
    ("ublkdu", _S, "Sign-in block released"),
    ("pwd_leak", _F, "Sign-in with a breached password"),
    ("signup_pwd_leak", _F, "Sign-up with a breached password"),
    ("reset_pwd_leak", _F, "Password reset to a breached password"),
    ("pla", _N, "Pre-login assessment"),
    # signing up, the user's profile
    ("ss", _S, "Signed up"),
    ("fs", _F, "Sign-up failed"),
    ("sdu", _S, "User deleted"),
    ("fdu", _F, "Deleting the user failed"),
    ("du", _S, "User deleted"),
    ("scp", _S, "Password changed"),
    ("fcp", _F, "Changing the password failed"),
    ("scpr", _S, "Password change requested (e-mail sent)"),
    ("fcpr", _F, "Password change request failed"),
    ("sce", _S, "E-mail address changed"),
    ("fce", _F, "Changing the e-mail address failed"),
    ("scu", _S, "Username changed"),
    ("fcu", _F, "Changing the username failed"),
    ("scpn", _S, "Phone number changed"),
    ("fcpn", _F, "Changing the phone number failed"),
    ("sv", _S, "E-mail address verified"),
    ("fv", _F, "E-mail verification failed"),
    ("svr", _S, "Verification e-mail sent"),
    ("fvr", _F, "Sending the verification e-mail failed"),
    ("fn", _F, "Sending a notification e-mail failed"),
    ("cs", _S, "Passwordless code sent"),
    ("cls", _S, "Passwordless code or link sent"),
    ("si", _S, "Invitation accepted"),
    ("fi", _F, "Accepting an invitation failed"),
    ("sui", _S, "Users imported"),
    ("fui", _F, "Importing users failed"),
    # tokens
    ("seacft", _S, "Authorization code exchanged for tokens"),
    ("feacft", _F, "Exchanging an authorization code failed"),
    ("sertft", _S, "Refresh token exchanged for new tokens"),
    ("fertft", _F, "Refresh token refused (revoked, expired or invalid)"),
    ("ferrt", _F, "Refresh token reuse detected: the token family was revoked"),
    ("srrt", _S, "Refresh token revoked"),
    ("sepft", _S, "Password exchanged for tokens"),
    ("fepft", _F, "Exchanging a password for tokens failed"),
    ("seccft", _S, "Client credentials exchanged for an access token"),
    ("feccft", _F, "Exchanging client credentials failed"),
    ("sede", _S, "Device code exchanged for tokens"),
    ("fede", _F, "Exchanging a device code failed"),
    ("fdeaz", _F, "Device authorization request failed"),
    ("fdeac", _F, "Activating a device failed"),
    ("fdecc", _F, "The user did not confirm the device"),
    ("seoobft", _S, "Password and MFA out-of-band challenge exchanged for tokens"),
    ("feoobft", _F, "Exchanging a password and MFA out-of-band challenge failed"),
    ("seotpft", _S, "Password and MFA one-time code exchanged for tokens"),
    ("feotpft", _F, "Exchanging a password and MFA one-time code failed"),
    ("sercft", _S, "Password and MFA recovery code exchanged for tokens"),
    ("fercft", _F, "Exchanging a password and MFA recovery code failed"),
    ("sens", _S, "Native social sign-in exchanged for tokens"),
    ("sd", _S, "Delegation token issued"),
    ("fd", _F, "Issuing a delegation token failed"),
    # multi-factor authentication (Guardian)
    ("mfar", _N, "MFA required to continue"),
    ("gd_start_auth", _N, "MFA challenge started"),
    ("gd_auth_succeed", _S, "MFA passed"),
    ("gd_auth_failed", _F, "MFA failed (a wrong code, or a factor that failed)"),
    ("gd_auth_rejected", _F, "MFA push notification rejected by the user"),
    ("gd_otp_rate_limit_exceed", _F, "Too many failed MFA codes: MFA is blocked for a while"),
    ("gd_recovery_succeed", _S, "MFA recovery code used"),
    ("gd_recovery_failed", _F, "MFA recovery code refused"),
    ("gd_recovery_rate_limit_exceed", _F, "Too many failed MFA recovery codes"),
    ("gd_start_enroll", _N, "MFA enrollment started"),
    ("gd_start_enroll_failed", _F, "Starting an MFA enrollment failed"),
    ("gd_enrollment_complete", _S, "MFA factor enrolled"),
    ("gd_unenroll", _S, "MFA factor removed"),
    ("gd_update_device_account", _S, "MFA device updated"),
    ("gd_send_sms", _S, "MFA text message sent"),
    ("gd_send_sms_failure", _F, "Sending the MFA text message failed"),
    ("gd_send_voice", _S, "MFA voice call made"),
    ("gd_send_voice_failure", _F, "The MFA voice call failed"),
    ("gd_send_pn", _S, "MFA push notification sent"),
    ("gd_send_pn_failure", _F, "Sending the MFA push notification failed"),
    ("gd_send_email", _S, "MFA e-mail sent"),
    ("gd_webauthn_challenge_failed", _F, "Security key or passkey challenge failed"),
    ("gd_webauthn_enrollment_failed", _F, "Enrolling a security key or passkey failed"),
    ("gd_auth_email_verification", _S, "MFA e-mail verified"),
    ("gd_auth_fail_email_verification", _F, "MFA e-mail verification failed"),
    ("gd_tenant_update", _N, "MFA settings of the tenant changed"),
    # the Management API and the tenant
    ("sapi", _S, "Changed through the Management API"),
    ("fapi", _F, "A Management API operation failed"),
    ("mgmt_api_read", _N, "Read through the Management API (a secret was returned)"),
    ("api_limit", _F, "Rate limit reached on the Authentication or Management API"),
    ("api_limit_warning", _N, "Rate limit nearly reached"),
    ("limit_delegation", _F, "Too many calls to /delegation"),
    ("resource_cleanup", _N, "Too many refresh tokens: the oldest are being removed"),
    ("depnote", _N, "Deprecation notice"),
    ("admin_update_launch", _N, "Auth0 update launched"),
    ("sys_update_start", _N, "Auth0 update started"),
    ("sys_update_end", _N, "Auth0 update ended"),
    ("sys_os_update_start", _N, "Auth0 OS update started"),
    ("sys_os_update_end", _N, "Auth0 OS update ended"),
    ("fcph", _F, "Post change password hook failed"),
    ("scph", _S, "Post change password hook succeeded"),
    ("fcpro", _F, "Provisioning the AD/LDAP connector failed"),
)

#: code → its :class:`EventType`.
LOG_EVENTS: Mapping[str, EventType] = MappingProxyType(
    {code: EventType(code, sentence, outcome) for code, outcome, sentence in _TABLE}
)


def event_type(code: str | None) -> EventType:
    """The :class:`EventType` of ``code``; an unknown code is kept as it is (``known=False``)."""
    text = code or ""
    known = LOG_EVENTS.get(text)
    if known is not None:
        return known
    return EventType(text, text or "(no type)", "notice", known=False)


def describe_event(code: str | None) -> str:
    """The sentence for ``code``, or the code itself when Auth0's table (as we know it) lacks
    it."""
    return event_type(code).sentence
