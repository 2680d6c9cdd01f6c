"""The pages a person clicks through: login, consent, device activation and confirmation.

Auth0 hosts these as Universal Login (``/u/login?state=…``, ``/u/consent?state=…``) and the
device activation page at ``verification_uri`` (``/activate``, auth0-reference.md §1.1 [A1]).
Both ``/authorize`` and ``/activate`` open a :class:`LoginTransaction` and send the browser
here; once the person has signed in (or already had a session cookie), :func:`advance` moves
the transaction on:

* an ``/authorize`` transaction shows consent unless the person already consented to these
  scopes (or ``prompt=consent``), then redirects to ``redirect_uri`` with ``code`` and ``state``;
  declining redirects with ``error=access_denied`` (auth0-reference.md §2.5 [B6]);
* a device transaction asks the person to confirm the code, then approves or denies it
  (§1.4 [A1]: "user enters/confirms code, logs in, then sees consent").

Forms are plain HTML posts; no JavaScript. The session cookie (``auth0``, as Auth0 names it)
lets a second ``/authorize`` or ``/activate`` skip the password.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from tui_console.devtenant import seed
from tui_console.devtenant.attack_protection import BLOCKED_IP_MESSAGE, BLOCKED_USER_MESSAGE
from tui_console.devtenant.http import read_params, redirect_with_params, tenant
from tui_console.devtenant.pages import (
    activate_page,
    consent_page,
    device_confirm_page,
    error_page,
    login_page,
    message_page,
)
from tui_console.devtenant.records import Grant, LoginTransaction, Session, SignInContext
from tui_console.devtenant.state import TenantState

__all__ = [
    "SESSION_COOKIE",
    "advance",
    "current_session",
    "finish_authorize",
    "reuse_session",
    "routes",
    "sign_in_context",
]

SESSION_COOKIE = "auth0"
_DEMO_HINT = (
    f"{seed.DEMO_EMAIL} / {seed.DEMO_PASSWORD}, {seed.SECOND_EMAIL} / {seed.SECOND_PASSWORD}"
)


def current_session(request: Request) -> Session | None:
    return tenant(request).sessions.get(request.cookies.get(SESSION_COOKIE))


def sign_in_context(request: Request, client_id: str, method: str | None) -> SignInContext:
    """Where this request comes from, for the session it starts or reuses."""
    return SignInContext(
        client_id=client_id,
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        method=method,
    )


def reuse_session(request: Request, session: Session, txn: LoginTransaction) -> None:
    """A sign-in rides on an existing session (its cookie): record the application and
    the request on the session and tie the transaction to it."""
    tenant(request).sessions.touch(session, sign_in_context(request, txn.client_id, None))
    txn.user_id = session.user_id
    txn.session_id = session.id


def _client_name(state: TenantState, client_id: str) -> str:
    client = state.get_client(client_id)
    return client.name if client else client_id


def _user_name(state: TenantState, user_id: str | None) -> str:
    user = state.get_user(user_id) if user_id else None
    return user.name if user else ""


def _expired_transaction(state: TenantState) -> Response:
    return error_page(
        issuer=state.issuer,
        error="invalid_request",
        description="This sign-in has expired or is unknown. Start the sign-in again.",
    )


def finish_authorize(state: TenantState, txn: LoginTransaction) -> Response:
    """Issue the authorization code and send the browser back to the application."""
    assert txn.user_id is not None
    grant = Grant(
        user_id=txn.user_id,
        client_id=txn.client_id,
        scopes=txn.scopes,
        audience=txn.audience,
        session_id=txn.session_id,
        nonce=txn.nonce,
        dpop_jkt=txn.dpop_jkt,
    )
    code = state.authorizations.create_code(
        grant,
        redirect_uri=txn.redirect_uri,
        redirect_uri_sent=txn.redirect_uri_sent,
        code_challenge=txn.code_challenge,
    )
    state.authorizations.finish_transaction(txn.id)
    return redirect_with_params(txn.redirect_uri, {"code": code, "state": txn.state})


def advance(state: TenantState, txn: LoginTransaction) -> Response:
    """The next step for a transaction whose user is known."""
    if txn.kind == "device":
        return RedirectResponse(f"/u/device-confirm?state={txn.id}", status_code=302)
    assert txn.user_id is not None
    if "consent" in txn.prompt or not state.authorizations.has_consent(
        txn.user_id, txn.client_id, txn.audience, txn.scopes
    ):
        return RedirectResponse(f"/u/consent?state={txn.id}", status_code=302)
    return finish_authorize(state, txn)


async def login_form(request: Request) -> Response:
    state = tenant(request)
    txn = state.authorizations.transaction(request.query_params.get("state"))
    if txn is None:
        return _expired_transaction(state)
    return login_page(
        issuer=state.issuer,
        txn_id=txn.id,
        client_name=_client_name(state, txn.client_id),
        username=txn.login_hint,
        demo_hint=_DEMO_HINT,
    )


async def login_submit(request: Request) -> Response:
    """Check the password, with Auth0's bookkeeping: ``s``/``fp``/``fu``/``f`` log events, and
    brute-force protection per account and IP (:mod:`.attack_protection`)."""
    state = tenant(request)
    form = await read_params(request)
    txn = state.authorizations.transaction(form.get("state"))
    if txn is None:
        return _expired_transaction(state)
    username = form.get("username", "")
    ip = request.client.host if request.client else ""
    context = sign_in_context(request, txn.client_id, "pwd")
    known = state.directory.find_user_by_email(username)

    def log(
        kind: str,
        user_id: str | None,
        *,
        description: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        """A log event of this attempt: its application, username, IP and browser."""
        state.logs.record(
            kind,
            description=description,
            client_id=txn.client_id,
            user_id=user_id,
            user_name=username,
            database=True,
            ip=ip,
            user_agent=context.user_agent,
            details=details,
        )

    def refuse(kind: str, message: str, user_id: str | None) -> Response:
        log(kind, user_id, description=message, details={"error": {"message": message}})
        return login_page(
            issuer=state.issuer,
            txn_id=txn.id,
            client_name=_client_name(state, txn.client_id),
            username=username,
            error=message,
            demo_hint=_DEMO_HINT,
            status=400 if kind in ("fp", "fu") else 401,
        )

    password = form.get("password", "")
    if known is not None and state.brute_force.is_blocked(known.user_id, ip):
        return refuse("f", BLOCKED_IP_MESSAGE, known.user_id)
    if known is not None and known.blocked and known.check_password(password):
        # Refused before the sign-in is counted (no logins_count, no last_login).
        return refuse("f", BLOCKED_USER_MESSAGE, known.user_id)
    user = state.directory.authenticate(username, password, ip=ip or None)
    if user is None:
        if known is None:
            return refuse("fu", "Wrong email or password.", None)
        if state.brute_force.failed(known.user_id, username, ip):
            log(
                "limit_wc",
                known.user_id,
                description="An IP address is blocked because it reached the maximum failed "
                "login attempts into a single account.",
            )
            return refuse("f", BLOCKED_IP_MESSAGE, known.user_id)
        return refuse("fp", "Wrong email or password.", known.user_id)
    if user.blocked:
        return refuse("f", BLOCKED_USER_MESSAGE, user.user_id)
    state.brute_force.succeeded(user.user_id, ip)
    log("s", user.user_id, details={"authentication_methods": ["pwd"]})
    session = state.create_session(user.user_id, context)
    txn.user_id = user.user_id
    txn.session_id = session.id
    response = advance(state, txn)
    response.set_cookie(SESSION_COOKIE, session.id, httponly=True, samesite="lax", path="/")
    return response


def _signed_in_transaction(
    state: TenantState, request: Request, txn_id: str | None, kind: str
) -> LoginTransaction | Response:
    txn = state.authorizations.transaction(txn_id)
    if txn is None or txn.kind != kind:
        return _expired_transaction(state)
    if txn.user_id is None:
        return RedirectResponse(f"/u/login?state={txn.id}", status_code=302)
    return txn


async def consent_form(request: Request) -> Response:
    state = tenant(request)
    txn = _signed_in_transaction(state, request, request.query_params.get("state"), "authorize")
    if isinstance(txn, Response):
        return txn
    api = state.resource_server(txn.audience) if txn.audience else None
    return consent_page(
        issuer=state.issuer,
        txn_id=txn.id,
        client_name=_client_name(state, txn.client_id),
        user_name=_user_name(state, txn.user_id),
        resource=api.name if api else state.issuer,
        scopes=txn.scopes,
    )


async def consent_submit(request: Request) -> Response:
    state = tenant(request)
    form = await read_params(request)
    txn = _signed_in_transaction(state, request, form.get("state"), "authorize")
    if isinstance(txn, Response):
        return txn
    assert txn.user_id is not None
    if form.get("action") != "accept":
        state.authorizations.finish_transaction(txn.id)
        return redirect_with_params(
            txn.redirect_uri,
            {
                "error": "access_denied",
                "error_description": "User did not authorize the request",
                "state": txn.state,
            },
        )
    state.authorizations.record_consent(txn.user_id, txn.client_id, txn.audience, txn.scopes)
    return finish_authorize(state, txn)


async def activate_form(request: Request) -> Response:
    state = tenant(request)
    return activate_page(issuer=state.issuer, user_code=request.query_params.get("user_code", ""))


async def activate_submit(request: Request) -> Response:
    state = tenant(request)
    form = await read_params(request)
    typed = form.get("user_code", "")
    code = state.device_codes.pending(typed)
    if code is None:
        return activate_page(
            issuer=state.issuer,
            user_code=typed,
            error="That code is invalid or has expired. Check the code on your device.",
            status=400,
        )
    txn = state.authorizations.create_transaction(
        kind="device",
        client_id=code.client_id,
        scopes=code.scopes,
        audience=code.audience,
        user_code=code.user_code,
    )
    session = current_session(request)
    if session is not None:
        reuse_session(request, session, txn)
        return advance(state, txn)
    return RedirectResponse(f"/u/login?state={txn.id}", status_code=302)


async def device_confirm_form(request: Request) -> Response:
    state = tenant(request)
    txn = _signed_in_transaction(state, request, request.query_params.get("state"), "device")
    if isinstance(txn, Response):
        return txn
    assert txn.user_code is not None
    if state.device_codes.pending(txn.user_code) is None:
        return _code_gone(state)
    return device_confirm_page(
        issuer=state.issuer,
        txn_id=txn.id,
        client_name=_client_name(state, txn.client_id),
        user_name=_user_name(state, txn.user_id),
        user_code=txn.user_code,
        scopes=txn.scopes,
    )


def _code_gone(state: TenantState) -> Response:
    return message_page(
        issuer=state.issuer,
        title="Code expired",
        message="This code has expired or was already used.",
        detail="Start the sign-in on your device again to get a new code.",
        status=400,
    )


async def device_confirm_submit(request: Request) -> Response:
    state = tenant(request)
    form = await read_params(request)
    txn = _signed_in_transaction(state, request, form.get("state"), "device")
    if isinstance(txn, Response):
        return txn
    assert txn.user_code is not None and txn.user_id is not None
    approve = form.get("action") == "approve"
    decided = state.device_codes.decide(
        txn.user_code, approve=approve, user_id=txn.user_id, session_id=txn.session_id
    )
    state.authorizations.finish_transaction(txn.id)
    if not decided:
        return _code_gone(state)
    if not approve:
        state.logs.record(
            "fdeaz",
            description="User cancelled the confirmation prompt.",
            client_id=txn.client_id,
            user_id=txn.user_id,
            ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        )
    if approve:
        return message_page(
            issuer=state.issuer,
            title="Congratulations, you're all set!",
            message="Your device is now connected.",
            detail="You can close this window and return to your device.",
        )
    return message_page(
        issuer=state.issuer,
        title="Device access denied",
        message="You denied access to your account. The device will not be signed in.",
        detail="You can close this window.",
    )


def routes() -> list[Route]:
    return [
        Route("/u/login", login_form, methods=["GET"]),
        Route("/u/login", login_submit, methods=["POST"]),
        Route("/u/consent", consent_form, methods=["GET"]),
        Route("/u/consent", consent_submit, methods=["POST"]),
        Route("/activate", activate_form, methods=["GET"]),
        Route("/activate", activate_submit, methods=["POST"]),
        Route("/u/device-confirm", device_confirm_form, methods=["GET"]),
        Route("/u/device-confirm", device_confirm_submit, methods=["POST"]),
    ]
