"""The call log keeps headers for the Calls detail, with every credential masked."""

from __future__ import annotations

import httpx

from tui_console.call_log import CallLog, CallLogTransport
from tui_console.redact import MASK
from tui_console.ui.panes.call_detail import describe_call

TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl"
PROOF = "eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJodG0iOiJHRVQifQ.cHJvb2Y"


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        headers={
            "x-ratelimit-limit": "10",
            "x-ratelimit-remaining": "9",
            "x-ratelimit-reset": "1726000060",
            "set-cookie": "did=s%3Av0%3Asecret; Path=/; HttpOnly",
            "x-echo": f"Bearer {TOKEN}",
        },
        json={"ok": True},
    )


async def test_headers_are_recorded_with_credentials_masked() -> None:
    log = CallLog()
    transport = CallLogTransport(httpx.MockTransport(_answer), log, clock=lambda: 1_726_000_000.0)
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get(
            "https://acme.eu.auth0.com/userinfo",
            headers={"Authorization": f"DPoP {TOKEN}", "DPoP": PROOF, "X-Trace": "abc123"},
        )
    [record] = list(log)
    sent = dict(record.request_headers)
    received = dict(record.response_headers)
    assert sent["authorization"] == MASK and sent["dpop"] == MASK
    assert sent["x-trace"] == "abc123"
    assert received["set-cookie"] == MASK
    assert received["x-ratelimit-remaining"] == "9"
    assert TOKEN not in received["x-echo"] and MASK in received["x-echo"]
    for secret in (TOKEN, PROOF, "s%3Av0%3Asecret"):
        assert secret not in repr(record)

    shown = describe_call(record)
    assert "Request headers:" in shown and "  x-trace: abc123" in shown
    assert "Response headers:" in shown and "  x-ratelimit-limit: 10" in shown
    assert f"  authorization: {MASK}" in shown
    assert TOKEN not in shown and PROOF not in shown


async def test_a_failed_exchange_keeps_the_request_headers_only() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    log = CallLog()
    transport = CallLogTransport(httpx.MockTransport(refuse), log)
    async with httpx.AsyncClient(transport=transport) as client:
        try:
            await client.get("https://acme.eu.auth0.com/userinfo", headers={"X-Trace": "t1"})
        except httpx.ConnectError:
            pass
    [record] = list(log)
    assert record.status is None and record.error == "ConnectError"
    assert ("x-trace", "t1") in record.request_headers
    assert record.response_headers == ()
