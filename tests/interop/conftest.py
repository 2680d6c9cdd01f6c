"""panva's oidc-provider, a certified OpenID Provider, running in Node on 127.0.0.1.

``oidc_provider`` starts ``node provider.mjs`` once per session on a free loopback port and
stops it at teardown. It needs ``node`` (20 or later) and ``npm ci --prefix tests/interop``.
Without them the tests are skipped on a developer machine, and **fail** in CI (``CI`` set),
because CI must run them.

Device approval drives oidc-provider's own verification pages with httpx, as a person with a
browser would: GET ``/device`` (session cookie and xsrf token), POST the user code with
``confirm=yes``, then follow the redirects through ``/interaction/:uid`` (provider.mjs signs
in "alice" and consents) and ``/device/:uid`` to the "Sign-in Success" page. That exercises
the provider's real verification path rather than writing into its storage, and depends only
on the form that oidc-provider's pinned version renders (one hidden ``xsrf`` input).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

HERE = Path(__file__).resolve().parent
PROVIDER_SCRIPT = HERE / "provider.mjs"
PACKAGE_DIR = HERE / "node_modules" / "oidc-provider"
MIN_NODE_MAJOR = 20
START_TIMEOUT = 20.0

_XSRF = re.compile(r'name="xsrf" value="([^"]+)"')
_TITLE = re.compile(r"<title>([^<]*)</title>")


def _unavailable(reason: str) -> None:
    """Skip on a developer machine; fail in CI, which must run the interop tests."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"interop tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed (Node.js >= 20 runs panva's oidc-provider)")
        raise AssertionError("unreachable")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, timeout=30, check=False
    ).stdout.strip()
    match = re.match(r"v(\d+)\.", version)
    if match is None or int(match.group(1)) < MIN_NODE_MAJOR:
        _unavailable(f"node {version or '(unknown version)'} is too old; need >= {MIN_NODE_MAJOR}")
    if not (PACKAGE_DIR / "package.json").is_file():
        _unavailable("oidc-provider is not installed; run: npm ci --prefix tests/interop")
    return node


def free_loopback_ports(count: int) -> list[int]:
    """``count`` distinct ports that were free on 127.0.0.1 a moment ago."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _read_first_line(process: subprocess.Popen[bytes], timeout: float) -> bytes:
    """The first stdout line of ``process``, or ``b""`` if it exits or ``timeout`` passes."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    deadline = time.monotonic() + timeout
    buffer = b""
    while b"\n" not in buffer:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return b""
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return b""
        chunk = os.read(fd, 4096)
        if not chunk:  # EOF: the process died
            return b""
        buffer += chunk
    return buffer.split(b"\n", 1)[0]


class DeviceApprovalError(AssertionError):
    """oidc-provider did not end the device verification where the test expected."""


@dataclass
class OidcProvider:
    """A running oidc-provider: its issuer, the public native client, and device helpers."""

    issuer: str
    client_id: str
    port: int
    callback_ports: list[int]
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    @property
    def redirect_uris(self) -> list[str]:
        return [f"http://127.0.0.1:{p}/callback" for p in self.callback_ports]

    @property
    def verification_uri(self) -> str:
        return f"{self.issuer}/device"

    def log(self) -> str:
        """What the provider wrote to stderr so far (for assertion messages)."""
        return self.log_path.read_text(errors="replace")

    async def _submit_user_code(self, user_code: str, decision: dict[str, str]) -> httpx.Response:
        # A fresh client per call is a fresh browser: its own oidc-provider session cookie.
        async with httpx.AsyncClient(follow_redirects=True, timeout=10) as browser:
            page = await browser.get(self.verification_uri)
            match = _XSRF.search(page.text)
            if page.status_code != 200 or match is None:
                raise DeviceApprovalError(
                    f"GET {self.verification_uri} gave HTTP {page.status_code} with no xsrf input"
                )
            return await browser.post(
                self.verification_uri,
                data={"xsrf": match.group(1), "user_code": user_code, **decision},
            )

    async def approve_device(self, user_code: str) -> None:
        """Enter ``user_code`` at /device and confirm it; alice signs in and consents."""
        response = await self._submit_user_code(user_code, {"confirm": "yes"})
        title = _TITLE.search(response.text)
        if response.status_code != 200 or title is None or title.group(1) != "Sign-in Success":
            raise DeviceApprovalError(
                f"approving {user_code} ended at {response.url} with HTTP "
                f"{response.status_code}: {response.text[:300]}"
            )

    async def deny_device(self, user_code: str) -> None:
        """Enter ``user_code`` at /device and press Abort (the device then gets access_denied)."""
        response = await self._submit_user_code(user_code, {"abort": "yes"})
        if "The Sign-in request was interrupted" not in response.text:
            raise DeviceApprovalError(
                f"denying {user_code} ended at {response.url} with HTTP "
                f"{response.status_code}: {response.text[:300]}"
            )

    def stats(self) -> dict[str, int]:
        """provider.mjs's request counters (``requests``, ``interactions``)."""
        data: dict[str, int] = httpx.get(f"{self.issuer}/test/stats", timeout=5).json()
        return data


@contextlib.contextmanager
def run_provider(**settings: str) -> Iterator[OidcProvider]:
    """Start ``node provider.mjs`` (``INTEROP_*`` ``settings``), yield it, always stop it."""
    node = _node()
    callback_ports = free_loopback_ports(2)
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as tmp:
        log_path = Path(tmp) / "stderr.log"
        env = {
            **os.environ,
            "INTEROP_CALLBACK_PORTS": ",".join(map(str, callback_ports)),
            "INTEROP_ACCESS_TOKEN_TTL": "60",
            "INTEROP_DEVICE_CODE_TTL": "60",
            **settings,
            "NO_COLOR": "1",
        }
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [node, str(PROVIDER_SCRIPT), "0"],
                cwd=HERE,
                env=env,
                stdin=subprocess.PIPE,  # provider.mjs exits when this pipe closes
                stdout=subprocess.PIPE,
                stderr=log,
            )
        try:
            line = _read_first_line(process, START_TIMEOUT)
            if not line:
                process.kill()
                process.wait(timeout=10)
                pytest.fail(
                    f"provider.mjs printed no JSON line within {START_TIMEOUT:.0f} s "
                    f"(exit code {process.returncode}). stderr:\n{log_path.read_text()}",
                    pytrace=False,
                )
            info = json.loads(line)
            yield OidcProvider(
                issuer=info["issuer"],
                client_id=info["client_id"],
                port=info["port"],
                callback_ports=callback_ports,
                log_path=log_path,
                process=process,
            )
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """oidc-provider on 127.0.0.1 (free port) with 2 registered loopback callback ports.

    Access tokens and device codes live 60 s. One provider serves the whole session: every
    test signs in afresh, so each works on its own grant.
    """
    with run_provider() as provider:
        yield provider


@pytest.fixture(scope="session")
def dpop_provider() -> Iterator[OidcProvider]:
    """oidc-provider with DPoP nonces required of every proof (token endpoint and userinfo),
    as Auth0 requires them of public clients at ``/oauth/token`` (auth0-reference.md §4.4).

    Access tokens live 60 s, as on the default provider.
    """
    with run_provider(INTEROP_DPOP_NONCE="1") as provider:
        yield provider


@pytest.fixture(scope="module")
def quick_device_code_provider() -> Iterator[OidcProvider]:
    """A second oidc-provider whose device codes expire after 1 s.

    It keeps the library's 15 s clock tolerance, so for 15 s after expiry it still knows the
    code and answers ``expired_token`` (later: ``invalid_grant``, the code is gone).
    """
    with run_provider(INTEROP_DEVICE_CODE_TTL="1") as provider:
        yield provider


@pytest.fixture(scope="module")
def quick_access_token_provider() -> Iterator[OidcProvider]:
    """A second oidc-provider whose access tokens expire after 2 s, with no clock tolerance.

    With the library's 15 s tolerance, oidc-provider keeps accepting an opaque access token
    for 15 s after its ``expires_in`` ran out.
    """
    with run_provider(INTEROP_ACCESS_TOKEN_TTL="2", INTEROP_CLOCK_TOLERANCE="0") as provider:
        yield provider
