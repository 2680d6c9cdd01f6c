"""Auth0 rate limits as a first-class concern (design.md, "Rate limits are first-class").

:mod:`.headers` reads ``X-RateLimit-*`` and ``Retry-After``, :mod:`.tracker` keeps the board of
buckets the UI and the command line display, and :mod:`.transport` is the httpx transport that
waits instead of bursting into a 429 and retries only what is safe to replay.
"""

from __future__ import annotations

from tui_console.ratelimit.headers import (
    RateLimitState,
    parse_rate_limit,
    parse_retry_after,
    wait_after_429,
)
from tui_console.ratelimit.tracker import (
    DEVICE_CREDENTIALS_WRITE,
    MANAGEMENT_READ,
    MANAGEMENT_WRITE,
    MY_ACCOUNT_READ,
    MY_ACCOUNT_WRITE,
    OTHER,
    TOKEN,
    USERINFO,
    BucketObserver,
    BucketView,
    RateLimitBoard,
    bucket_for,
)
from tui_console.ratelimit.transport import (
    IDEMPOTENT_EXTENSION,
    RateLimitedTransport,
    is_idempotent,
)

__all__ = [
    "DEVICE_CREDENTIALS_WRITE",
    "IDEMPOTENT_EXTENSION",
    "MANAGEMENT_READ",
    "MANAGEMENT_WRITE",
    "MY_ACCOUNT_READ",
    "MY_ACCOUNT_WRITE",
    "OTHER",
    "TOKEN",
    "USERINFO",
    "BucketObserver",
    "BucketView",
    "RateLimitBoard",
    "RateLimitState",
    "RateLimitedTransport",
    "bucket_for",
    "is_idempotent",
    "parse_rate_limit",
    "parse_retry_after",
    "wait_after_429",
]
