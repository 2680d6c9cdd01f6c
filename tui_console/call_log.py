"""A log of every HTTP exchange, for the Calls screen and for support staff.

:class:`CallLogTransport` sits innermost (under the rate-limit gate), so it sees each request
that really went on the wire, retries included, with its latency and rate-limit headers. It
keeps the method, the host, the *path* and a redacted query, the status and the timing, and
the request and response headers with every credential masked (``Authorization``, ``DPoP``,
cookies, and any value that looks like a token); never a body, so no token reaches the log.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import httpx

from tui_console.ratelimit.headers import RateLimitState, parse_rate_limit
from tui_console.redact import MASK, redact

__all__ = ["CallLog", "CallLogTransport", "CallRecord"]

#: Headers whose whole value is a credential (a proof, a cookie): always masked.
_CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "dpop", "cookie", "set-cookie", "x-api-key"}
)

Headers = tuple[tuple[str, str], ...]

#: Query parameters that are safe to show; every other value is masked.
_SHOWN_PARAMETERS = frozenset(
    {"page", "per_page", "include_totals", "type", "fields", "include_fields", "user_id"}
)


@dataclass(frozen=True)
class CallRecord:
    """One request and what came back (``status`` is ``None`` when no answer came)."""

    at: float
    method: str
    host: str
    path: str
    status: int | None
    latency_ms: float
    rate_limit: RateLimitState | None
    error: str | None = None
    request_headers: Headers = ()
    """As sent, credentials masked."""
    response_headers: Headers = ()
    """As received (none when no answer came), credentials masked."""


def safe_headers(headers: httpx.Headers) -> Headers:
    """``headers`` with credential headers masked and anything token-like in others too."""
    return tuple(
        (name, MASK if name.lower() in _CREDENTIAL_HEADERS else redact(value))
        for name, value in headers.multi_items()
    )


def _safe_query(url: httpx.URL) -> str:
    pairs = parse_qsl(url.query.decode(), keep_blank_values=True)
    shown = [(k, v if k in _SHOWN_PARAMETERS else MASK) for k, v in pairs]
    return f"?{urlencode(shown, safe=MASK)}" if shown else ""


class CallLog:
    """The most recent calls (bounded), with observers for a live view."""

    def __init__(self, *, capacity: int = 500) -> None:
        self._records: deque[CallRecord] = deque(maxlen=capacity)
        self._observers: list[Callable[[CallRecord], None]] = []

    def __iter__(self) -> Iterator[CallRecord]:
        return iter(list(self._records))

    def __len__(self) -> int:
        return len(self._records)

    def subscribe(self, observer: Callable[[CallRecord], None]) -> Callable[[], None]:
        """Call ``observer`` with each new record; returns the function that unsubscribes."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer) if observer in self._observers else None

    def add(self, record: CallRecord) -> None:
        self._records.append(record)
        for observer in list(self._observers):
            observer(record)


class CallLogTransport(httpx.AsyncBaseTransport):
    """Records every exchange through ``inner`` into ``log``."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        log: CallLog,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._inner = inner
        self._log = log
        self._clock = clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        at = self._clock()
        path = request.url.path + _safe_query(request.url)

        def record(response: httpx.Response | None, error: str | None = None) -> None:
            """The call, answered (``response``) or not (``error``: the exception's name)."""
            self._log.add(
                CallRecord(
                    at,
                    request.method,
                    request.url.host,
                    path,
                    None if response is None else response.status_code,
                    (time.perf_counter() - started) * 1000,
                    None if response is None else parse_rate_limit(response.headers, now=at),
                    error,
                    request_headers=safe_headers(request.headers),
                    response_headers=() if response is None else safe_headers(response.headers),
                )
            )

        try:
            response = await self._inner.handle_async_request(request)
        except httpx.TransportError as exc:
            record(None, type(exc).__name__)
            raise
        record(response)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
