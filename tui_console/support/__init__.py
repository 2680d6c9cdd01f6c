"""The support facade: what support staff do for a user, in verbs and value types.

Beside the account facade (:mod:`tui_console.account`), on a machine sign-in's
:class:`~tui_console.account.AccountSession` (``login --client-credentials``): find a user,
read their sessions and refresh tokens, end one, or sign them out everywhere; and the other
half of a support day, "why can't this user sign in?": the user's log events in words and a
tail of them (:class:`LogTail`), brute-force blocks and the administrator's ``blocked`` flag,
MFA methods and enrollments with their removal, reset and "forget remembered browsers", and
device credentials.

The command line (:mod:`tui_console.commands.support`) and the console's support screens use
this package and nothing below it: no httpx type crosses this line, only the names below and
the :mod:`tui_console.errors` tree. Three rooms:

* :mod:`.scopes`: what each action needs from the machine token (:data:`SUPPORT_SCOPES`) and
  the refusal, in words with where to grant it, when it lacks it (:class:`ScopeMissing`);
* :mod:`.reports`: what the verbs hand back (:class:`Outcome`, :class:`UserSearch`,
  :class:`BlockReport`, :class:`DeviceList`...);
* :mod:`.session`: the verbs (:class:`SupportSession`).

The Management API's records the front ends read (users, sessions, refresh tokens, log events,
blocks, MFA methods, device credentials) are re-exported here, so the UI imports no core room.
"""

from tui_console.management.log_events import LOG_EVENTS, EventType, describe_event, event_type
from tui_console.management.log_tail import LogTail, TailBatch, read_patiently
from tui_console.management.models import DeviceCredential
from tui_console.management.sign_in_trouble_models import (
    Enrollment,
    LogEvent,
    LogPage,
    MfaMethod,
    UserBlock,
)
from tui_console.management.support_client import PlanLacksFeature
from tui_console.management.support_models import (
    AuthenticationMethod,
    Device,
    RefreshToken,
    RefreshTokenPage,
    ResourceServerGrant,
    Session,
    SessionPage,
    SupportUser,
    UserSearchPage,
)
from tui_console.support.reports import BlockedFor, BlockReport, DeviceList, Outcome, UserSearch
from tui_console.support.scopes import SUPPORT_SCOPES, ScopeMissing
from tui_console.support.session import NoUserFound, SupportSession
from tui_console.user_agents import UserAgent, describe_user_agent

__all__ = [
    "LOG_EVENTS",
    "SUPPORT_SCOPES",
    "AuthenticationMethod",
    "BlockReport",
    "BlockedFor",
    "Device",
    "DeviceCredential",
    "DeviceList",
    "Enrollment",
    "EventType",
    "LogEvent",
    "LogPage",
    "LogTail",
    "MfaMethod",
    "NoUserFound",
    "Outcome",
    "PlanLacksFeature",
    "RefreshToken",
    "RefreshTokenPage",
    "ResourceServerGrant",
    "ScopeMissing",
    "Session",
    "SessionPage",
    "SupportSession",
    "SupportUser",
    "TailBatch",
    "UserAgent",
    "UserBlock",
    "UserSearch",
    "UserSearchPage",
    "describe_event",
    "describe_user_agent",
    "event_type",
    "read_patiently",
]
