"""Running the dev tenant on 127.0.0.1: a context manager for tests, a loop for the CLI.

The issuer contains the port, and tokens contain the issuer, so the socket is bound first
(port 0 picks a free one) and the state is given the resulting issuer before the first request.
uvicorn then serves that socket from a background thread with its own event loop, so the
caller's thread (a test, or an asyncio program) stays free. :func:`serve` always stops the
server on exit, exceptions included.

Auto-approval (``TenantSettings.auto_approve``) needs no timer thread: the state approves a
pending device code as the demo user whenever it is looked at after the delay, which is
exactly when a poll would notice (see :meth:`.device_codes.DeviceCodeBook.poll`).
"""

from __future__ import annotations

import json
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from starlette.applications import Starlette

from tui_console.devtenant import seed
from tui_console.devtenant.app import create_app
from tui_console.devtenant.settings import TenantSettings
from tui_console.devtenant.state import TenantState, write_private_text

__all__ = ["RunningTenant", "run_forever", "serve"]

_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 5.0


@dataclass(frozen=True)
class RunningTenant:
    """A dev tenant that is listening."""

    issuer: str
    """``http://127.0.0.1:PORT/``, trailing slash included, as Auth0 writes issuers."""
    port: int
    client_id: str
    """The native application's client id."""
    management_audience: str
    """``<issuer>api/v2/``."""
    demo_user: dict[str, str] = field(repr=False)
    """``email``, ``user_id``, ``name`` and ``password`` of the demo user."""
    support_client: dict[str, str] = field(repr=False)
    """The support application with a secret: ``client_id``, ``client_secret``."""
    support_jwt_client: dict[str, str] = field(repr=False)
    """The support application with a registered key: ``client_id``, ``private_key_file``
    (a PEM the tenant wrote, mode 0600)."""
    state: TenantState = field(repr=False)
    settings: TenantSettings = field(repr=False)

    def url(self, path: str) -> str:
        """An absolute URL on this tenant: ``url("oauth/token")``."""
        return self.issuer + path.lstrip("/")

    def describe(self) -> dict[str, Any]:
        """What a client needs to know, as printed by :func:`run_forever`."""
        return {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "management_audience": self.management_audience,
            "demo_user": dict(self.demo_user),
            "callback_urls": list(self.settings.callback_urls),
            "activate_url": self.url("activate"),
            "support_client": dict(self.support_client),
            "support_jwt_client": dict(self.support_jwt_client),
            "plan": self.settings.plan,
        }


def demo_user_info() -> dict[str, str]:
    return {
        "email": seed.DEMO_EMAIL,
        "user_id": seed.DEMO_USER_ID,
        "name": seed.DEMO_NAME,
        "password": seed.DEMO_PASSWORD,
    }


def _support_key_file(state: TenantState, state_file: str | Path | None, stack: ExitStack) -> Path:
    """Write the JWT support client's private key (0600): beside the state file, which keeps
    the key across runs, or in a temporary directory removed when the tenant stops."""
    if state_file is not None:
        target = Path(state_file).with_name(Path(state_file).name + ".support-client.pem")
    else:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="devtenant-")))
        target = folder / "support-client.pem"
    write_private_text(target, state.machine.private_key_pem())
    return target


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted sockets inherit this. Without it a keep-alive client waits ~40 ms per
        # response: uvicorn writes headers and body separately, and Nagle holds the body
        # back until the client's delayed ACK of the headers.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    return sock


class _ServerThread:
    """uvicorn on an already-bound socket, in a daemon thread with its own event loop."""

    def __init__(self, app: Starlette, sock: socket.socket) -> None:
        config = uvicorn.Config(
            app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            http="h11",
            ws="none",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._sock = sock
        self._error: BaseException | None = None
        port = sock.getsockname()[1]
        self._thread = threading.Thread(target=self._run, name=f"devtenant:{port}", daemon=True)

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as exc:  # reported by start()
            self._error = exc

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the dev tenant failed to start") from self._error
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError("the dev tenant did not start listening in time")
            time.sleep(0.005)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(_STOP_TIMEOUT)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(_STOP_TIMEOUT)


@contextmanager
def serve(
    settings: TenantSettings | None = None,
    *,
    port: int = 0,
    state: TenantState | None = None,
    state_file: str | Path | None = None,
) -> Iterator[RunningTenant]:
    """Run a dev tenant on ``127.0.0.1:port`` (0: any free port) for the ``with`` block.

    ``state`` reuses an existing tenant state (its issuer is updated to the new port);
    otherwise ``state_file`` is loaded when it exists, or a freshly seeded tenant is made.
    With ``state_file`` the state is saved there at start and again on exit.
    """
    if settings is None:
        settings = state.settings if state is not None else TenantSettings()
    cleanup = ExitStack()
    sock = _bind(port)
    try:
        bound_port = sock.getsockname()[1]
        issuer = f"http://127.0.0.1:{bound_port}/"
        if state is None:
            if state_file is not None and Path(state_file).exists():
                state = TenantState.load(state_file, settings, issuer=issuer)
            else:
                state = TenantState(settings, issuer=issuer)
        state.issuer = issuer
        if state_file is not None:
            state.state_file = Path(state_file)
            state.persist()
        key_file = _support_key_file(state, state_file, cleanup)
        server = _ServerThread(create_app(state, settings), sock)
        server.start()
    except BaseException:
        sock.close()
        cleanup.close()
        raise
    try:
        yield RunningTenant(
            issuer=issuer,
            port=bound_port,
            client_id=seed.CLIENT_ID,
            management_audience=state.management_audience,
            demo_user=demo_user_info(),
            support_client={
                "client_id": seed.SUPPORT_CLIENT_ID,
                "client_secret": seed.SUPPORT_CLIENT_SECRET,
            },
            support_jwt_client={
                "client_id": seed.SUPPORT_JWT_CLIENT_ID,
                "private_key_file": str(key_file),
            },
            state=state,
            settings=settings,
        )
    finally:
        server.stop()
        sock.close()
        state.persist()
        cleanup.close()


def run_forever(
    settings: TenantSettings | None = None,
    *,
    port: int = 0,
    state_file: str | Path | None = None,
) -> None:
    """Serve until Ctrl+C or SIGTERM (the ``dev-tenant`` command).

    The first line on stdout is one JSON object (``issuer``, ``client_id``,
    ``management_audience``, ``demo_user``...) so scripts can read where to connect; narration
    goes to stderr. A port that cannot be bound ends the process with status 1 and a message.
    """
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        with ExitStack() as stack:
            try:
                tenant = stack.enter_context(serve(settings, port=port, state_file=state_file))
            except OSError as exc:
                reason = exc.strerror or str(exc)
                print(f"error: cannot listen on 127.0.0.1:{port}: {reason}", file=sys.stderr)
                raise SystemExit(1) from None
            print(json.dumps(tenant.describe()), flush=True)
            print(
                f"Dev tenant at {tenant.issuer} (sign in as {seed.DEMO_EMAIL} / "
                f"{seed.DEMO_PASSWORD}). Press Ctrl+C to stop.",
                file=sys.stderr,
                flush=True,
            )
            while not stop.wait(0.25):
                pass
        print("Dev tenant stopped.", file=sys.stderr, flush=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
