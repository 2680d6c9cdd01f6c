"""The account facade: the one object the command line and the UI talk to.

:class:`AccountSession` (:mod:`.session`) turns a profile into verbs and returns domain
objects (:mod:`.views`: :class:`TokenDetails`, :class:`LogoutReport`...; and
:class:`SessionStatus`, :class:`UserProfile`). No httpx type crosses this line: callers see
only our dataclasses and the :mod:`tui_console.errors` tree, which is what lets the UI stay
free of HTTP. The names below the first group are the vocabulary the front ends read,
re-exported so the UI imports no core room (the import contract in pyproject.toml). The
support desk and your own sign-in methods have their own facades beside this one
(:mod:`tui_console.support`, :mod:`tui_console.self_service`).
"""

from tui_console.account.session import AccountSession, configured_profile
from tui_console.account.sign_in import DeviceLogin
from tui_console.account.views import (
    REQUIRED_SCOPES,
    DevicePrompt,
    LogoutReport,
    Revocation,
    TokenDetails,
)
from tui_console.auth.browser import browser_is_usable, open_in_browser
from tui_console.auth.device import PollProgress
from tui_console.auth.inspect import TokenView
from tui_console.auth.userinfo import UserProfile
from tui_console.call_log import CallLog, CallRecord
from tui_console.management import (
    DeviceCredential,
    DeviceCredentialPage,
    Identity,
    InsufficientScope,
    InvalidMetadata,
    MetadataChanges,
    MetadataCheck,
    MetadataUpdate,
    NothingUnlinked,
    User,
    check_metadata_text,
    format_metadata,
    metadata_changes,
    metadata_patch,
    public_key_bytes,
    public_key_from_file,
    reverted_keys,
)
from tui_console.profile_summaries import ProfileSummary, profile_summaries
from tui_console.ratelimit import BucketView, RateLimitBoard
from tui_console.session_status import SessionStatus, TokenStatus, stored_session_status
from tui_console.storage.drafts import DraftStore

__all__ = [
    "REQUIRED_SCOPES",
    "AccountSession",
    "DeviceLogin",
    "DevicePrompt",
    "LogoutReport",
    "ProfileSummary",
    "Revocation",
    "SessionStatus",
    "TokenDetails",
    "TokenStatus",
    "UserProfile",
    "configured_profile",
    "profile_summaries",
    "stored_session_status",
    # The vocabulary the front ends read, re-exported so the UI needs no core module (the
    # import contract in pyproject.toml): views of the account, the calls, the rate limits,
    # the rules of a metadata edit.
    "BucketView",
    "CallLog",
    "CallRecord",
    "DeviceCredential",
    "DeviceCredentialPage",
    "DraftStore",
    "Identity",
    "InsufficientScope",
    "InvalidMetadata",
    "MetadataChanges",
    "MetadataCheck",
    "MetadataUpdate",
    "NothingUnlinked",
    "PollProgress",
    "RateLimitBoard",
    "TokenView",
    "User",
    "browser_is_usable",
    "check_metadata_text",
    "format_metadata",
    "metadata_changes",
    "metadata_patch",
    "open_in_browser",
    "public_key_bytes",
    "public_key_from_file",
    "reverted_keys",
]
