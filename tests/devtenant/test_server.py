"""serve() always stops; run_forever() prints where it is and exits cleanly on a signal."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tui_console.devtenant import TenantSettings, serve


def _port_is_closed(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_serve_stops_the_server_even_when_the_block_raises() -> None:
    """An exception in the ``with`` block still stops uvicorn and frees the port."""
    with pytest.raises(RuntimeError, match="boom"):
        with serve(TenantSettings()) as tenant:
            port = tenant.port
            assert httpx.get(tenant.url(".well-known/jwks.json")).status_code == 200
            raise RuntimeError("boom")
    assert _port_is_closed(port)


def test_serve_on_a_taken_port_raises_oserror() -> None:
    """The requested port is bound exactly, never silently replaced."""
    with serve(TenantSettings()) as tenant:
        with pytest.raises(OSError):
            with serve(TenantSettings(), port=tenant.port):
                pass  # pragma: no cover


def _start(tmp_path: Path) -> subprocess.Popen[str]:
    state_file = str(tmp_path / "s.json")
    code = (
        "from tui_console.devtenant import TenantSettings, run_forever; "
        f"run_forever(TenantSettings(device_interval=1), port=0, state_file={state_file!r})"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_forever_prints_json_first_and_stops_cleanly(tmp_path: Path, sig: int) -> None:
    """First stdout line is the tenant's JSON; a signal ends it with status 0, no traceback."""
    process = _start(tmp_path)
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        assert info["issuer"].startswith("http://127.0.0.1:") and info["issuer"].endswith("/")
        assert info["management_audience"] == info["issuer"] + "api/v2/"
        assert len(info["client_id"]) == 32
        assert info["demo_user"]["email"] == "ada@example.com"
        assert info["demo_user"]["password"] == "lovelace"
        assert info["demo_user"]["user_id"].startswith("auth0|")
        doc = httpx.get(info["issuer"] + ".well-known/openid-configuration").json()
        assert doc["issuer"] == info["issuer"]
        process.send_signal(sig)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert stdout == ""
    assert (tmp_path / "s.json").exists()


def test_importing_the_package_stays_cheap() -> None:
    """``import tui_console.devtenant`` loads no server stack or crypto until used."""
    code = (
        "import sys, tui_console.devtenant as d; d.TenantSettings(); d.DEMO_PASSWORD; "
        "print(sorted({'starlette', 'uvicorn', 'cryptography', 'jwt'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
