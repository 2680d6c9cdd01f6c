"""What a failed HTTP exchange tells a person: nothing was sent, or it was sent and the answer lost.

The two need different words and different next steps. A connection that never opened sent
nothing: try again when the network is back. A request that left (the connection reset or
timed out while waiting, the answer was cut short, a 5xx, a body that is not the JSON Auth0
sends) may have been carried out: a write may have applied, and the next step is to look
before trying again, or a second try could apply it twice. Auth0 (or a proxy in front of it)
answering a 5xx or an HTML page on a good day is a passing fault, not a sign that the domain
is wrong.

Every exchange of the core is sent through :func:`send` (the auth flows, discovery, the
device poll, the Management API client), which turns an httpx failure into our error with
:func:`transport_error`, and the places that find an answer unreadable go through
:func:`answer_lost`, so the distinction is made once and no httpx exception type leaks past
the core. Messages name the host, method and path, never a body: bodies carry tokens.
"""

from __future__ import annotations

import httpx

from tui_console.errors import NetworkError, ResponseLost

__all__ = [
    "answer_lost",
    "is_read",
    "nothing_sent",
    "request_of",
    "send",
    "server_failed",
    "status_reason",
    "transport_error",
    "unreadable_reason",
]

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_CHECK_FIRST = "Check the current state before trying again: a blind retry could apply it twice."

# The connection never carried the request: no server saw it.
_NOTHING_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)

_REASONS: tuple[tuple[type[httpx.TransportError], str], ...] = (
    (httpx.ReadTimeout, "no answer came within the timeout"),
    (httpx.WriteTimeout, "sending timed out"),
    (httpx.RemoteProtocolError, "the connection closed before the whole answer arrived"),
    (httpx.ReadError, "the connection was reset while waiting for the answer"),
    (httpx.WriteError, "the connection broke while sending"),
)


def is_read(request: httpx.Request) -> bool:
    """Whether ``request`` only reads (GET, HEAD, OPTIONS): repeating it changes nothing."""
    return request.method in _READ_METHODS


def nothing_sent(request: httpx.Request, exc: httpx.TransportError) -> NetworkError:
    """The :class:`NetworkError` for a connection to ``request``'s host that never opened."""
    return NetworkError(
        f"Could not reach {request.url.host} ({type(exc).__name__}); nothing was sent.",
        hint="Check the network connection, then try again.",
    )


def answer_lost(
    request: httpx.Request | None,
    reason: str,
    *,
    check: str = "",
    effect: str = "The change may have applied.",
) -> ResponseLost:
    """The :class:`ResponseLost` for ``request``, sent, whose answer was lost for ``reason``.

    ``check`` says how to see whether a write applied ("Run `tui-console metadata` ..."); a
    read needs none, since trying it again is safe. ``effect`` says what may have happened
    at the server. ``request`` ``None``: a response built without one (recordings), worded as
    a write.
    """
    if request is None:
        where = "to the server"
    else:
        where = f"{request.method} {request.url.host}{request.url.path}"
    if request is not None and is_read(request):
        return ResponseLost(
            f"The request {where} was sent, but its answer was lost: {reason}.",
            hint="This is usually a passing fault at the server or on the way; nothing was "
            "changed, so try again in a moment.",
        )
    return ResponseLost(
        f"The request {where} was sent, but its answer was lost: {reason}. {effect}",
        hint=check or _CHECK_FIRST,
    )


def server_failed(response: httpx.Response, *, check: str = "") -> ResponseLost:
    """A 5xx (JSON or an HTML error page): the server took the request and failed with it."""
    return answer_lost(request_of(response), status_reason(response), check=check)


def request_of(response: httpx.Response) -> httpx.Request | None:
    """The request ``response`` answers, or ``None`` for one built without (recordings)."""
    try:
        return response.request
    except RuntimeError:
        return None


def unreadable_reason(response: httpx.Response) -> str:
    """Why a success's body cannot be used: an HTML page, or not the JSON expected."""
    if _is_html(response):
        return f"HTTP {response.status_code} came with an HTML page instead of JSON"
    if not response.content:
        return f"HTTP {response.status_code} came with an empty body"
    return f"HTTP {response.status_code} came with a body that is not the expected JSON"


def status_reason(response: httpx.Response) -> str:
    """Why a 5xx gave no answer: "the server had a problem and answered HTTP 503"."""
    page = " (an HTML error page)" if _is_html(response) else ""
    return f"the server had a problem and answered HTTP {response.status_code}{page}"


def _is_html(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "").lower()
    return "html" in content_type or response.content.lstrip()[:1] == b"<"


def transport_error(
    request: httpx.Request,
    exc: httpx.TransportError,
    *,
    check: str = "",
    effect: str = "The change may have applied.",
) -> NetworkError:
    """``request`` failing with ``exc``, as :func:`nothing_sent` or :func:`answer_lost`."""
    if isinstance(exc, _NOTHING_SENT):
        return nothing_sent(request, exc)
    reason = next(
        (text for kind, text in _REASONS if isinstance(exc, kind)),
        f"the exchange failed ({type(exc).__name__})",
    )
    return answer_lost(request, reason, check=check, effect=effect)


async def send(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    auth: httpx.Auth | None = None,
    check: str = "",
    effect: str = "The change may have applied.",
) -> httpx.Response:
    """``client.send(request)`` with the body read; a transport failure is our error.

    ``auth=None`` keeps the client's own auth (httpx would read ``None`` as "no auth").
    ``check`` and ``effect`` word a lost answer (see :func:`answer_lost`).
    """
    try:
        if auth is None:
            return await client.send(request)
        return await client.send(request, auth=auth)
    except httpx.TransportError as exc:
        raise transport_error(request, exc, check=check, effect=effect) from None
