"""The single-use redirect listener, over real loopback sockets (127.0.0.1 only)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tui_console.auth.loopback import LoopbackListener
from tui_console.errors import ConfigError, LoginTimedOut


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port with someone else listening on it for the whole test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client standing in for the browser (no proxies from the environment)."""
    async with httpx.AsyncClient(trust_env=False, timeout=5) as client:
        yield client


async def test_the_redirect_with_the_right_state_completes_the_wait(
    browser: httpx.AsyncClient,
) -> None:
    """The full redirect URL comes back and the browser gets the "signed in" page."""
    async with LoopbackListener([0]) as listener:
        assert listener.redirect_uri.startswith("http://127.0.0.1:")
        assert listener.redirect_uri.endswith("/callback")
        waiting = asyncio.create_task(listener.wait(expected_state="s1", timeout=5))
        page = await browser.get(listener.redirect_uri, params={"code": "c1", "state": "s1"})
        url = await waiting
    assert url == f"{listener.redirect_uri}?code=c1&state=s1"
    assert page.status_code == 200
    assert "you can close this tab and return to the terminal" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"


async def test_other_paths_and_wrong_states_do_not_end_the_wait(
    browser: httpx.AsyncClient,
) -> None:
    """404 for another path, 400 for a wrong or missing state; the right one still works."""
    async with LoopbackListener([0]) as listener:
        waiting = asyncio.create_task(listener.wait(expected_state="s1", timeout=5))
        base = listener.redirect_uri.removesuffix("/callback")
        assert (await browser.get(base + "/favicon.ico")).status_code == 404
        wrong = await browser.get(listener.redirect_uri, params={"code": "c", "state": "other"})
        assert wrong.status_code == 400
        assert "not belong to the sign-in" in wrong.text
        missing = await browser.get(listener.redirect_uri, params={"code": "c"})
        assert missing.status_code == 400
        assert not waiting.done()
        good = await browser.get(listener.redirect_uri, params={"code": "c2", "state": "s1"})
        assert good.status_code == 200
        assert (await waiting).endswith("?code=c2&state=s1")


async def test_an_error_redirect_shows_the_error_escaped(browser: httpx.AsyncClient) -> None:
    """The error text is shown to the person, HTML-escaped, and the URL still comes back."""
    async with LoopbackListener([0]) as listener:
        waiting = asyncio.create_task(listener.wait(expected_state="s1", timeout=5))
        query = {"error": "access_denied", "error_description": "<script>x</script>", "state": "s1"}
        page = await browser.get(listener.redirect_uri, params=query)
        url = await waiting
    assert "error=access_denied" in url
    assert "access_denied" in page.text
    assert "&lt;script&gt;x&lt;/script&gt;" in page.text
    assert "<script>" not in page.text


async def test_a_request_before_wait_is_held_until_wait(browser: httpx.AsyncClient) -> None:
    """A browser faster than the caller is answered once the expected state is known."""
    async with LoopbackListener([0]) as listener:
        early = asyncio.create_task(
            browser.get(listener.redirect_uri, params={"code": "c", "state": "s1"})
        )
        await asyncio.sleep(0.05)
        assert not early.done()
        url = await listener.wait(expected_state="s1", timeout=5)
        assert (await early).status_code == 200
    assert url.endswith("state=s1")


async def test_it_stops_listening_after_the_redirect(browser: httpx.AsyncClient) -> None:
    """Single use: once the redirect arrived, nothing else can connect."""
    async with LoopbackListener([0]) as listener:
        waiting = asyncio.create_task(listener.wait(expected_state="s1", timeout=5))
        await browser.get(listener.redirect_uri, params={"code": "c", "state": "s1"})
        await waiting
        with pytest.raises(httpx.ConnectError):
            await browser.get(listener.redirect_uri, params={"code": "c", "state": "s1"})


async def test_leaving_closes_the_server(browser: httpx.AsyncClient) -> None:
    """After the block the port is free again."""
    async with LoopbackListener([0]) as listener:
        uri = listener.redirect_uri
    with pytest.raises(httpx.ConnectError):
        await browser.get(uri)


async def test_the_first_free_port_of_the_list_is_used(taken_port: int) -> None:
    """Auth0 matches ports exactly, so the next registered one is tried, in order."""
    spare = free_port()
    async with LoopbackListener([taken_port, spare]) as listener:
        assert listener.redirect_uri == f"http://127.0.0.1:{spare}/callback"


async def test_all_ports_taken_is_a_config_error_naming_them(taken_port: int) -> None:
    """The person learns which ports were tried and how to free or register one."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        other_port = other.getsockname()[1]
        with pytest.raises(ConfigError) as caught:
            async with LoopbackListener([taken_port, other_port]):
                pass
    message = str(caught.value)
    assert f"{taken_port}, {other_port}" in message
    assert "register" in message and "callback" in message


async def test_no_ports_is_a_config_error() -> None:
    """An empty port list cannot work."""
    with pytest.raises(ConfigError, match="no redirect ports"):
        async with LoopbackListener([]):
            pass


async def test_the_wait_times_out() -> None:
    """No redirect within the timeout: LoginTimedOut, and the port is released."""
    async with LoopbackListener([0]) as listener:
        with pytest.raises(LoginTimedOut, match="No sign-in came back"):
            await listener.wait(expected_state="s1", timeout=0.05)


async def test_garbage_on_the_socket_gets_a_400() -> None:
    """Something that is not HTTP does not end or break the wait."""
    async with LoopbackListener([0]) as listener:
        waiting = asyncio.create_task(listener.wait(expected_state="s1", timeout=5))
        port = httpx.URL(listener.redirect_uri).port
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"hello\r\n\r\n")
        answer = await reader.read()
        writer.close()
        await writer.wait_closed()
        assert answer.startswith(b"HTTP/1.1 400")
        assert not waiting.done()
        waiting.cancel()


async def _idle_connections(port: int, count: int) -> list[asyncio.StreamWriter]:
    """What a browser does: open spare connections to the origin and send nothing on them."""
    writers = []
    for _ in range(count):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writers.append(writer)
    await asyncio.sleep(0.05)  # let the listener accept them
    return writers


async def test_idle_spare_connections_are_closed_without_noise(
    browser: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Two idle connections at the redirect: no CancelledError is logged or printed (3.11)."""
    loop = asyncio.get_running_loop()
    reported: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        async with LoopbackListener([0]) as listener:
            port = httpx.URL(listener.redirect_uri).port
            assert port is not None
            spares = await _idle_connections(port, 2)
            waiting = asyncio.create_task(listener.wait(expected_state="s1", timeout=5))
            page = await browser.get(listener.redirect_uri, params={"code": "c", "state": "s1"})
            assert page.status_code == 200
            await waiting
        for _ in range(5):  # asyncio reports a failed handler in a later callback
            await asyncio.sleep(0)
        for writer in spares:
            writer.close()
    finally:
        loop.set_exception_handler(None)
    assert reported == []
    assert not [r for r in caplog.records if r.name == "asyncio"]
    out, err = capfd.readouterr()
    assert "CancelledError" not in out + err and "Traceback" not in out + err


async def test_a_request_still_held_when_leaving_gets_an_answer(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A request that arrived before wait() and was never awaited: closed with 410, quietly."""
    async with LoopbackListener([0]) as listener:
        port = httpx.URL(listener.redirect_uri).port
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /callback?state=x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(0.05)
    answer = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    await writer.wait_closed()
    assert answer == b"" or answer.startswith(b"HTTP/1.1 410")
    assert not [r for r in caplog.records if r.name == "asyncio"]
