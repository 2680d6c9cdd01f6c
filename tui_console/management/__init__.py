"""The Auth0 Management API, as far as a person manages their own account (no Textual here).

:mod:`.client` makes the calls, :mod:`.models` types the answers, :mod:`.metadata` builds
metadata changes that cannot wipe what the person did not mean to touch, :mod:`.metadata_edit`
checks an edited ``user_metadata`` document and turns it into such a change, and
:mod:`.errors` turns Auth0's error bodies into errors with a next step (auth0-reference.md §6).
"""

from __future__ import annotations

from tui_console.management.client import CredentialType, ManagementClient
from tui_console.management.errors import (
    Conflict,
    InsufficientScope,
    InvalidMetadata,
    InvalidRequest,
    ManagementAPIError,
    NothingUnlinked,
    RequestRefused,
    ServerError,
    SubjectMismatch,
    Unauthorized,
    UnexpectedResponse,
    UserNotFound,
    error_from_response,
)
from tui_console.management.metadata import (
    PROFILE_LIMIT_BYTES,
    MetadataUpdate,
    metadata_patch,
    metadata_size,
    metadata_size_warnings,
    size_warnings,
)
from tui_console.management.metadata_edit import (
    MetadataChanges,
    MetadataCheck,
    check_metadata_text,
    format_metadata,
    metadata_changes,
    reverted_keys,
)
from tui_console.management.models import (
    DeviceCredential,
    DeviceCredentialPage,
    Identity,
    User,
    parse_identities,
)
from tui_console.management.public_keys import public_key_bytes, public_key_from_file

__all__ = [
    "PROFILE_LIMIT_BYTES",
    "Conflict",
    "CredentialType",
    "DeviceCredential",
    "DeviceCredentialPage",
    "Identity",
    "InsufficientScope",
    "InvalidMetadata",
    "InvalidRequest",
    "ManagementAPIError",
    "ManagementClient",
    "MetadataChanges",
    "MetadataCheck",
    "MetadataUpdate",
    "NothingUnlinked",
    "RequestRefused",
    "ServerError",
    "SubjectMismatch",
    "Unauthorized",
    "UnexpectedResponse",
    "User",
    "UserNotFound",
    "check_metadata_text",
    "error_from_response",
    "format_metadata",
    "metadata_changes",
    "metadata_patch",
    "metadata_size",
    "metadata_size_warnings",
    "parse_identities",
    "public_key_bytes",
    "public_key_from_file",
    "reverted_keys",
    "size_warnings",
]
