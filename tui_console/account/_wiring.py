"""The account session's private wiring: one HTTP client with its transports, the secret store.

A request leaves through :class:`~tui_console.ratelimit.RateLimitedTransport` (waits while a
bucket is known empty, retries a 429 only when safe), then
:class:`~tui_console.call_log.CallLogTransport` (records every attempt for the Calls tab),
then the network; tokens and DPoP proofs are added above them by each API client's
``httpx.Auth``.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tui_console.call_log import CallLog, CallLogTransport
from tui_console.config import Profile
from tui_console.ratelimit import RateLimitBoard, RateLimitedTransport
from tui_console.storage.client_secrets import ClientSecretStore
from tui_console.storage.keyring_secrets import KeyringSecretStore
from tui_console.storage.token_store import FileTokenStore

__all__ = ["USER_AGENT", "client_secret_store", "http_client"]

USER_AGENT = "tui-console"


def http_client(
    transport: httpx.AsyncBaseTransport | None,
    *,
    calls: CallLog,
    rate_limits: RateLimitBoard,
    clock: Callable[[], float],
) -> httpx.AsyncClient:
    """The session's one client: rate-limit gate over the call log over ``transport``."""
    wire = CallLogTransport(transport or httpx.AsyncHTTPTransport(), calls, clock=clock)
    return httpx.AsyncClient(
        transport=RateLimitedTransport(wire, board=rate_limits),
        timeout=httpx.Timeout(15.0, connect=10.0),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
    )


def client_secret_store(
    profile: Profile, store: FileTokenStore
) -> ClientSecretStore | KeyringSecretStore:
    """Where a machine profile's client secret lives: beside the token file, or the keyring."""
    if profile.secret_store == "keyring":
        return KeyringSecretStore(profile.name, profile.client_id)
    return ClientSecretStore.beside(store.path)
