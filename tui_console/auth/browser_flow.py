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

from tui_console.auth.authorization_code import (
    build_authorization_request,
    build_code_exchange_request,
    parse_authorization_redirect,
)
from tui_console.auth.discovery import ServerMetadata
from tui_console.auth.dpop import DPoP
from tui_console.auth.loopback import LoopbackListener
from tui_console.auth.tokens import TokenSet, parse_token_response
from tui_console.errors import AuthError, LoginCancelled, OAuthError
from tui_console.exchange_failures import send

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


def _paste_mistake(url: str, state: str) -> AuthError | None:
    """Why a pasted address cannot be this sign-in's redirect, when pasting again could help.

    A wrong or partial paste (another sign-in's link, no state, no code) is a mistake to
    correct while the sign-in is still valid; an error redirect of this very sign-in (denied,
    ``login_required``) is its real answer, so it is not a mistake: it ends the sign-in.
    """
    try:
        parse_authorization_redirect(url, expected_state=state)
    except (LoginCancelled, OAuthError):
        return None
    except AuthError as error:
        return error
    return None


async def _first_redirect(
    listener: LoopbackListener,
    state: str,
    *,
    pasted_redirect: Callable[[], Awaitable[str]] | None,
    timeout: float,
    on_progress: Callable[[float], None] | None,
    on_bad_paste: Callable[[AuthError], None] | None,
) -> str:
    """The redirect URL from the listener or the paste, whichever comes first.

    With ``on_bad_paste``, a pasted address that is a mistake (:func:`_paste_mistake`) is
    handed to it and the wait goes on for another paste or the browser; without it, the
    mistake ends the sign-in as before. The losers are cancelled and awaited before
    returning, also when this task itself is cancelled, so no listener or stdin reader
    outlives the sign-in.
    """
    paste: asyncio.Task[str | None] | None = None
    waiting: set[asyncio.Task[str | None]] = {
        asyncio.create_task(listener.wait(expected_state=state, timeout=timeout))
    }
    if pasted_redirect is not None:
        paste = asyncio.create_task(_read_paste(pasted_redirect))
        waiting.add(paste)
    if on_progress is not None:
        waiting.add(asyncio.create_task(_tick(on_progress, timeout)))
    try:
        while True:
            done, waiting = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                url = task.result()  # the listener's LoginTimedOut surfaces here
                if task is paste and url is not None and on_bad_paste is not None:
                    mistake = _paste_mistake(url, state)
                    if mistake is not None and pasted_redirect is not None:
                        on_bad_paste(mistake)  # and read the next paste: the wait goes on
                        paste = asyncio.create_task(_read_paste(pasted_redirect))
                        waiting.add(paste)
                        continue
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
    on_bad_paste: Callable[[AuthError], None] | None = None,
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
    ``on_bad_paste`` hears of a pasted address that cannot be this sign-in's (another link, a
    cut-off one) and the person may paste again while the sign-in lasts.
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
            on_bad_paste=on_bad_paste,
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
