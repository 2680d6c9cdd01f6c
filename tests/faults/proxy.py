"""A loopback reverse proxy that makes a share of the requests through it fail, the bad-day ways.

It stands between the command line and the dev tenant (the tenant's issuer is pointed at the
proxy, so every URL discovery hands out goes through it) and, for a seeded ``rate`` of the
requests, does one of :data:`FAULTS` instead of passing the answer on. Half of them happen
*before* the request reaches the tenant (nothing applied); the other half *after* the tenant
handled it (a write applied, its answer lost): the client cannot tell those apart, which is
the point of the exercise.

Raw sockets (``asyncio.start_server``), not an HTTP framework: a reset mid-body, a
Content-Length that promises more than comes, or a stall past the client's timeout are things
a well-behaved server library will not do. The proxy runs its own event loop on a thread, so
the command line under test can run ``asyncio.run`` in the test's thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import socket
import struct
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

__all__ = ["FAULTS", "FaultProxy", "ProxyStats", "running_proxy"]

BEFORE = ("503 json", "502 html page", "429 with Retry-After", "429 without Retry-After")
"""Faults answered by the proxy itself: the tenant never sees the request."""
AFTER = (
    "reset before the answer",
    "reset mid-body",
    "stall past the timeout",
    "truncated body",
    "non-JSON body",
    "500 html page after applying",
)
"""Faults after the tenant handled the request: a write applied, its answer damaged or lost."""
FAULTS = BEFORE + AFTER

_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "host",
    "accept-encoding",
}
_HTML = (
    b"<!doctype html><html><head><title>Error</title></head>"
    b"<body><h1>Bad gateway</h1></body></html>"
)


@dataclass
class ProxyStats:
    """What the proxy did: requests seen, faults by kind, and the writes the tenant received."""

    requests: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    writes_forwarded: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    """``(method, path, sha256 of body)`` of each POST/PATCH/DELETE that reached the tenant."""

    def management_posts_sent_twice(self) -> int:
        """Management API POSTs the tenant received twice with the same body (applied twice).

        The token endpoint is left out: device-code polls repeat by design, and a refresh
        whose answer was lost is resent once on purpose (the reuse interval's job).
        """
        return sum(
            1
            for (method, path, _), n in self.writes_forwarded.items()
            if method == "POST" and path.startswith("/api/v2/") and n > 1
        )


class FaultProxy:
    """Forwards to ``upstream``; fails ``rate`` of the requests (seeded) once ``enabled``."""

    def __init__(self, upstream: str, *, rate: float, seed: int, stall: float) -> None:
        self.upstream = upstream.rstrip("/")
        self.rate = rate
        self.stall = stall
        self.enabled = False
        self.stats = ProxyStats()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._client: httpx.AsyncClient | None = None
        self._handlers: set[asyncio.Task[Any]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _start(self) -> None:
        self._client = httpx.AsyncClient(base_url=self.upstream, timeout=30, trust_env=False)
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        assert self._server is not None and self._client is not None
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()
        await self._client.aclose()

    def _pick(self) -> str | None:
        with self._lock:
            self.stats.requests += 1
            if not self.enabled or self._random.random() >= self.rate:
                return None
            fault = self._random.choice(FAULTS)
            self.stats.faults[fault] += 1
            return fault

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            request = await asyncio.wait_for(_read_request(reader), 10)
            if request is None:
                return
            method, target, headers, body = request
            fault = self._pick()
            if fault in BEFORE:
                writer.write(_before(fault))
                await writer.drain()
                return
            status, answer_headers, content = await self._forward(method, target, headers, body)
            if method in ("POST", "PATCH", "DELETE"):
                digest = hashlib.sha256(body).hexdigest()
                with self._lock:
                    self.stats.writes_forwarded[(method, target.split("?")[0], digest)] += 1
            await self._answer(writer, fault, status, answer_headers, content)
        except (TimeoutError, OSError, ValueError, httpx.HTTPError):
            pass  # the client went away (its timeout) or the tenant did; nothing to tell
        except asyncio.CancelledError:
            pass  # stop() ends a stall still running; end quietly (see auth/loopback.py)
        finally:
            if not writer.is_closing():
                writer.close()
            if task is not None:
                self._handlers.discard(task)

    async def _forward(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        assert self._client is not None
        sent = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
        response = await self._client.request(method, target, headers=sent, content=body)
        kept = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _HOP_BY_HOP]
        return response.status_code, kept, response.content

    async def _answer(
        self,
        writer: asyncio.StreamWriter,
        fault: str | None,
        status: int,
        headers: list[tuple[str, str]],
        content: bytes,
    ) -> None:
        if fault == "reset before the answer":
            _reset(writer)
            return
        if fault == "stall past the timeout":
            await asyncio.sleep(self.stall)
            _reset(writer)
            return
        if fault == "non-JSON body":
            headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
            headers.append(("Content-Type", "text/plain"))
            content = b"upstream answered, but not in JSON"
            status = 200 if status < 300 else status
        if fault == "500 html page after applying":
            status, headers, content = 500, [("Content-Type", "text/html")], _HTML
        whole = _head(status, headers, len(content)) + content
        if fault == "reset mid-body":
            writer.write(whole[: len(whole) - max(1, len(content) // 2)])
            await writer.drain()
            _reset(writer)
            return
        if fault == "truncated body":
            writer.write(whole[: len(whole) - max(1, len(content) // 2)])
            await writer.drain()
            writer.close()
            return
        writer.write(whole)
        await writer.drain()


def _head(status: int, headers: list[tuple[str, str]], length: int) -> bytes:
    lines = [f"HTTP/1.1 {status} {httpx.codes.get_reason_phrase(status) or 'Status'}"]
    lines += [f"{k}: {v}" for k, v in headers]
    lines += [f"Content-Length: {length}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1")


def _before(fault: str | None) -> bytes:
    if fault == "503 json":
        body = json.dumps(
            {"statusCode": 503, "error": "Service Unavailable", "message": "Try again later"}
        ).encode()
        return _head(503, [("Content-Type", "application/json")], len(body)) + body
    if fault == "502 html page":
        return _head(502, [("Content-Type", "text/html")], len(_HTML)) + _HTML
    body = json.dumps(
        {
            "statusCode": 429,
            "error": "Too Many Requests",
            "message": "Global limit has been reached",
        }
    ).encode()
    headers = [("Content-Type", "application/json")]
    if fault == "429 with Retry-After":
        headers.append(("Retry-After", "1"))
    return _head(429, headers, len(body)) + body


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0): the client reads "connection reset by peer"."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _read_request(
    reader: asyncio.StreamReader,
) -> tuple[str, str, list[tuple[str, str]], bytes] | None:
    line = (await reader.readline()).decode("latin-1").split()
    if len(line) != 3:
        return None
    headers: list[tuple[str, str]] = []
    while (raw := await reader.readline()).strip():
        name, _, value = raw.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
    body = await reader.readexactly(length) if length else b""
    return line[0], line[1], headers, body


@contextmanager
def running_proxy(upstream: str, *, rate: float, seed: int, stall: float) -> Iterator[FaultProxy]:
    """A started :class:`FaultProxy` for the ``with`` block; always stopped after."""
    proxy = FaultProxy(upstream, rate=rate, seed=seed, stall=stall)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()
