"""A single-use redirect listener on 127.0.0.1 for native apps (RFC 8252 §7.3, §8.3).

The browser leg of a sign-in ends with a redirect to ``http://127.0.0.1:PORT/callback``.
:class:`LoopbackListener` binds the first free port of a *fixed* list (Auth0 matches
callback ports exactly, so the profile registers a few and we try them in order), answers
the one redirect whose ``state`` matches with a small page, and stops listening. Other
paths get 404 and a wrong or missing ``state`` gets 400; neither ends the wait, so a stray
request (a favicon, a stale tab) cannot break a sign-in. Standard library only
(:func:`asyncio.start_server`).
"""

from __future__ import annotations

import asyncio
import hmac
import html
from collections.abc import Sequence
from types import TracebackType
from typing import Self
from urllib.parse import parse_qs, urlsplit

from tui_console.errors import ConfigError, LoginTimedOut

__all__ = ["LoopbackListener"]

HOST = "127.0.0.1"
"""The loopback literal, not ``localhost`` (RFC 8252 §8.3: no resolver, no IPv6 surprise)."""
READ_TIMEOUT = 10.0
"""Seconds a connection may take to send its request line and headers."""
MAX_HEADER_LINES = 100
CLOSE_TIMEOUT = 2.0
"""Seconds leaving the listener waits for dropped connections' handlers to finish."""


def _page(title: str, message: str) -> bytes:
    """A tiny self-contained HTML page; both strings are escaped here."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>"
        "<body style='font-family: sans-serif; margin: 3em'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    ).encode()


def _http_response(status: int, reason: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n"
        "Referrer-Policy: no-referrer\r\n"
        "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


async def _read_request_line(reader: asyncio.StreamReader) -> tuple[str, str] | None:
    """``(method, target)`` of an HTTP/1.x request, with its headers read and dropped."""
    parts = (await reader.readline()).decode("latin-1").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        return None
    for _ in range(MAX_HEADER_LINES):
        if (await reader.readline()).strip() == b"":
            break
    return parts[0], parts[1]


class LoopbackListener:
    """Receives one OAuth redirect on ``127.0.0.1``.

    Usage::

        async with LoopbackListener([8400, 8401, 8402]) as listener:
            ...  # send the person to /authorize with redirect_uri=listener.redirect_uri
            url = await listener.wait(expected_state=state, timeout=300)

    Entering binds the first free port of ``ports`` or raises :class:`ConfigError`;
    leaving always closes the server and any connection still open.
    """

    def __init__(self, ports: Sequence[int], path: str = "/callback") -> None:
        self._ports = tuple(ports)
        self._path = path
        self._server: asyncio.Server | None = None
        self._port: int | None = None
        self._expected_state = ""
        self._armed = asyncio.Event()
        self._result: asyncio.Future[str] | None = None
        self._connections: dict[asyncio.Task[object], asyncio.StreamWriter] = {}
        self._closing = False

    async def __aenter__(self) -> Self:
        for port in self._ports:
            try:
                self._server = await asyncio.start_server(self._handle, HOST, port)
            except OSError:
                continue
            self._port = self._server.sockets[0].getsockname()[1]
            self._result = asyncio.get_running_loop().create_future()
            return self
        raise self._no_free_port()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Browsers open spare connections to a page's origin and leave them idle. Cancelling
        # their handlers would make asyncio (3.11) log each CancelledError with a traceback, so
        # they are ended the quiet way: drop the socket, let the handler read EOF and return.
        self._closing = True
        if self._server is not None:
            self._server.close()
        self._armed.set()  # a request held for wait() gets the "already finished" page
        for writer in self._connections.values():
            writer.transport.abort()
        pending = set(self._connections)
        if pending:
            _, stuck = await asyncio.wait(pending, timeout=CLOSE_TIMEOUT)
            for task in stuck:  # not expected: every await in _handle ends at EOF
                task.cancel()
            if stuck:
                await asyncio.wait(stuck)
        if self._server is not None:
            await self._server.wait_closed()

    def _no_free_port(self) -> ConfigError:
        if not self._ports:
            return ConfigError(
                "The profile lists no redirect ports for the browser sign-in.",
                hint="Add the registered callback ports to the profile, or use the device flow.",
            )
        tried = ", ".join(str(port) for port in self._ports)
        first = self._ports[0]
        return ConfigError(
            f"None of the redirect ports {tried} on {HOST} could be opened (in use or not "
            "permitted).",
            hint=(
                f"Stop the program holding one (`lsof -iTCP:{first} -sTCP:LISTEN` shows it), or "
                f"register another http://{HOST}:PORT{self._path} as an allowed callback URL "
                "and add PORT to the profile; or sign in with the device flow."
            ),
        )

    @property
    def redirect_uri(self) -> str:
        """``http://127.0.0.1:{port}{path}``; the exact value to register and to send."""
        if self._port is None:
            raise RuntimeError("LoopbackListener is not started: use `async with`")
        return f"http://{HOST}:{self._port}{self._path}"

    async def wait(self, *, expected_state: str, timeout: float) -> str:
        """The full redirect URL whose ``state`` is ``expected_state``.

        Requests that arrive before this is called are held until it is, so a fast
        browser cannot race the caller. Raises :class:`LoginTimedOut` after ``timeout`` s.
        """
        if self._result is None:
            raise RuntimeError("LoopbackListener is not started: use `async with`")
        self._expected_state = expected_state
        self._armed.set()
        try:
            return await asyncio.wait_for(self._result, timeout)
        except TimeoutError:
            raise LoginTimedOut(
                f"No sign-in came back to {self.redirect_uri} within {timeout:g} s.",
                hint="Start the sign-in again. If the browser showed an error page, it says why.",
            ) from None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer one connection; a malformed or dropped one is simply closed.

        The wait completes only after the page has been handed to the socket, so the
        browser gets its answer even when the caller leaves the listener at once.
        """
        task = asyncio.current_task()
        if task is not None:
            self._connections[task] = writer
        try:
            request = await asyncio.wait_for(_read_request_line(reader), READ_TIMEOUT)
            redirect = None
            if request is None:
                if self._closing:
                    return  # an idle spare connection, dropped by __aexit__
                writer.write(_http_response(400, "Bad Request", _page("Bad request", "")))
            else:
                await self._armed.wait()
                answer, redirect = self._answer(*request)
                writer.write(answer)
            await writer.drain()
            if redirect is not None:
                self._complete(redirect)
        except (OSError, TimeoutError, ValueError):
            pass  # the browser went away or sent garbage; nothing to tell it
        except asyncio.CancelledError:
            # Only leaving the listener cancels a handler (one stuck past CLOSE_TIMEOUT): end
            # quietly, as if the peer had hung up, so asyncio has no error to log.
            if not self._closing:
                raise
        finally:
            writer.close()
            if task is not None:
                self._connections.pop(task, None)

    def _complete(self, redirect: str) -> None:
        """Hand ``redirect`` to :meth:`wait` and stop accepting connections (single use)."""
        assert self._result is not None and self._server is not None
        if not self._result.done():
            self._result.set_result(redirect)
        self._server.close()

    def _answer(self, method: str, target: str) -> tuple[bytes, str | None]:
        """The response to one request, and the redirect URL when it is the one awaited."""
        assert self._result is not None
        if self._result.done() or self._closing:
            page = _page("Sign-in finished", "This sign-in is already complete or was stopped.")
            return _http_response(410, "Gone", page), None
        parts = urlsplit(target)
        if parts.path != self._path:
            return _http_response(404, "Not Found", _page("Not found", "Nothing here.")), None
        if method != "GET":
            page = _page("Method not allowed", "The sign-in redirect is a GET request.")
            return _http_response(405, "Method Not Allowed", page), None
        query = parse_qs(parts.query, keep_blank_values=True)
        states = query.get("state", [])
        if len(states) != 1 or not hmac.compare_digest(
            states[0].encode(), self._expected_state.encode()
        ):
            page = _page(
                "Not the sign-in in progress",
                "This link does not belong to the sign-in the terminal is waiting for. "
                "Go back to the terminal and use the link it shows.",
            )
            return _http_response(400, "Bad Request", page), None
        redirect = f"http://{HOST}:{self._port}{target}"
        if "error" in query:
            error = query["error"][0]
            description = query.get("error_description", [""])[0]
            message = f"{error}: {description}" if description else error
            page = _page("Sign-in failed", f"{message}. Return to the terminal for details.")
            return _http_response(200, "OK", page), redirect
        page = _page("Signed in", "Signed in — you can close this tab and return to the terminal.")
        return _http_response(200, "OK", page), redirect
