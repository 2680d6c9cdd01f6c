"""The browser sign-in for a native app: authorization code + PKCE over a loopback redirect.

RFC 8252 (OAuth 2.0 for Native Apps) §7.3 and §8, composed from the pure pieces in
:mod:`~tui_console.auth.authorization_code` and the listener in
:mod:`~tui_console.auth.loopback`. When the browser runs on another machine (a desktop
browser for an SSH session), its redirect to 127.0.0.1 cannot reach us; the person pastes
that redirect URL instead, and whichever arrives first wins.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import httpx

from tui_console.auth._http import send
from tui_console.auth.authorization_code import (
    build_authorization_request,
    build_code_exchange_request,
    parse_authorization_redirect,
)
from tui_console.auth.discovery import ServerMetadata
from tui_console.auth.dpop import DPoP
from tui_console.auth.loopback import LoopbackListener
from tui_console.auth.tokens import TokenSet, parse_token_response

__all__ = ["run_browser_flow"]


async def _read_paste(pasted_redirect: Callable[[], Awaitable[str]]) -> str | None:
    """The pasted URL, or ``None`` for an empty line (or end of input): keep waiting then."""
    return (await pasted_redirect()).strip() or None


async def _tick(on_progress: Callable[[float], None], timeout: float) -> None:
    """Report the seconds left every second until the wait times out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (left := deadline - loop.time()) > 0:
        on_progress(left)
        await asyncio.sleep(min(1.0, left))


async def _first_redirect(
    listener: LoopbackListener,
    state: str,
    *,
    pasted_redirect: Callable[[], Awaitable[str]] | None,
    timeout: float,
    on_progress: Callable[[float], None] | None,
) -> str:
    """The redirect URL from the listener or the paste, whichever comes first.

    The losers are cancelled and awaited before returning, also when this task itself is
    cancelled, so no listener or stdin reader outlives the sign-in.
    """
    waiting: set[asyncio.Task[str | None]] = {
        asyncio.create_task(listener.wait(expected_state=state, timeout=timeout))
    }
    if pasted_redirect is not None:
        waiting.add(asyncio.create_task(_read_paste(pasted_redirect)))
    if on_progress is not None:
        waiting.add(asyncio.create_task(_tick(on_progress, timeout)))
    try:
        while True:
            done, waiting = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                url = task.result()  # the listener's LoginTimedOut surfaces here
                if url is not None:
                    return url
    finally:
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)


async def run_browser_flow(
    client: httpx.AsyncClient,
    metadata: ServerMetadata,
    *,
    client_id: str,
    scope: str,
    audience: str | None,
    ports: Sequence[int],
    open_url: Callable[[str], bool],
    pasted_redirect: Callable[[], Awaitable[str]] | None = None,
    timeout: float = 300,
    on_progress: Callable[[float], None] | None = None,
    validate: Callable[[TokenSet, str], Awaitable[None]] | None = None,
    prompt: str | None = None,
    dpop: DPoP | None = None,
) -> TokenSet:
    """Sign in through the browser and return the tokens (RFC 8252 §7.3, RFC 7636).

    Binds a redirect port, builds the ``/authorize`` URL and hands it to ``open_url``,
    which opens a browser or shows the URL (returning ``False`` when it could not open
    one; the wait goes on either way, the person may open it by hand). Then waits for the
    redirect or for ``pasted_redirect()`` (an empty answer means "no paste"), checks the
    state, exchanges the code and calls ``validate(tokens, nonce)`` so the caller can check
    the ID token before storing anything. ``on_progress`` gets the seconds left each second.
    ``prompt`` is passed to ``/authorize``: ``consent`` is what OIDC Core §11 asks for before
    a provider may grant ``offline_access`` (oidc-provider insists; Auth0 does not).
    With ``dpop`` the authorization request carries ``dpop_jkt`` (RFC 9449 §10), so the
    code itself is bound to the key, and the exchange carries a proof signed with it.
    """
    async with LoopbackListener(ports) as listener:
        request = build_authorization_request(
            metadata,
            client_id=client_id,
            redirect_uri=listener.redirect_uri,
            scope=scope,
            audience=audience,
            prompt=prompt,
            dpop_jkt=dpop.thumbprint if dpop else None,
        )
        open_url(request.url)
        redirect = await _first_redirect(
            listener,
            request.state,
            pasted_redirect=pasted_redirect,
            timeout=timeout,
            on_progress=on_progress,
        )
    code = parse_authorization_redirect(redirect, expected_state=request.state)
    exchange = build_code_exchange_request(
        metadata,
        client_id=client_id,
        code=code,
        redirect_uri=request.redirect_uri,
        verifier=request.pkce.verifier,
    )
    response = await send(client, exchange, auth=dpop.auth() if dpop else None)
    tokens = parse_token_response(
        response, audience=audience, dpop_jkt=dpop.thumbprint if dpop else None
    )
    if validate is not None:
        await validate(tokens, request.nonce)
    return tokens
