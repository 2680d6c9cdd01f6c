"""The HTML pages a person sees: login, consent, device activation, results and errors.

Small ``string.Template`` files in ``templates/`` (no Jinja dependency), loaded with
``importlib.resources`` so they ship in the wheel. Every value is HTML-escaped on the way in
unless it is :class:`Safe` (already-rendered markup), so echoed input such as a typed user
code or a rejected ``redirect_uri`` cannot inject markup.

Texts follow Auth0's Universal Login where the references quote them: "Wrong email or
password." (recorded, NOTES.md §6) and "Callback URL mismatch. <uri> is not in the list of
allowed callback URLs" (auth0-reference.md §2.4).
"""

from __future__ import annotations

import functools
import html
import string
from importlib import resources

from starlette.responses import HTMLResponse

__all__ = [
    "Safe",
    "activate_page",
    "consent_page",
    "device_confirm_page",
    "error_page",
    "login_page",
    "message_page",
    "render",
]

_HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "deny"}

_SCOPE_TEXT = {
    "openid": "Sign you in with your account",
    "profile": "Your profile: name, nickname and picture",
    "email": "Your email address",
    "offline_access": "Stay signed in (keep access while you are away)",
    "read:current_user": "Read your user profile, identities and metadata",
    "update:current_user_metadata": "Change your user metadata",
    "create:current_user_metadata": "Add to your user metadata",
    "delete:current_user_metadata": "Reset your multi-factor enrolment",
    "update:current_user_identities": "Link and unlink your other accounts",
    "create:current_user_device_credentials": "Register device credentials",
    "delete:current_user_device_credentials": "Remove device credentials",
    "delete:current_user": "Delete your account",
}


class Safe(str):
    """Markup that is already escaped; :func:`render` inserts it as is."""


@functools.cache
def _template(name: str) -> string.Template:
    source = resources.files("tui_console.devtenant").joinpath("templates", name)
    return string.Template(source.read_text(encoding="utf-8"))


def render(name: str, **values: str) -> Safe:
    """Template ``name`` with ``values`` escaped (except :class:`Safe` ones)."""
    escaped = {
        key: value if isinstance(value, Safe) else html.escape(str(value), quote=True)
        for key, value in values.items()
    }
    return Safe(_template(name).substitute(escaped))


def _page(title: str, body: Safe, *, issuer: str, status: int = 200) -> HTMLResponse:
    text = render("layout.html", title=title, heading=title, body=body, issuer=issuer)
    return HTMLResponse(text, status_code=status, headers=dict(_HEADERS))


def _error_line(message: str) -> Safe:
    if not message:
        return Safe("")
    return Safe(f'<p class="error" role="alert">{html.escape(message)}</p>')


def _scope_items(scopes: tuple[str, ...]) -> Safe:
    items = [
        f"<li>{html.escape(_SCOPE_TEXT.get(scope, scope))} <code>{html.escape(scope)}</code></li>"
        for scope in scopes
    ]
    return Safe("\n".join(items))


def login_page(
    *,
    issuer: str,
    txn_id: str,
    client_name: str,
    username: str = "",
    error: str = "",
    demo_hint: str = "",
    status: int = 200,
) -> HTMLResponse:
    body = render(
        "login.html",
        tenant=issuer,
        client_name=client_name,
        state=txn_id,
        username=username,
        error=_error_line(error),
        demo_hint=demo_hint,
    )
    return _page("Log in", body, issuer=issuer, status=status)


def consent_page(
    *,
    issuer: str,
    txn_id: str,
    client_name: str,
    user_name: str,
    resource: str,
    scopes: tuple[str, ...],
) -> HTMLResponse:
    body = render(
        "consent.html",
        state=txn_id,
        client_name=client_name,
        user_name=user_name,
        resource=resource,
        scope_items=_scope_items(scopes),
    )
    return _page("Authorize App", body, issuer=issuer)


def activate_page(
    *, issuer: str, user_code: str = "", error: str = "", status: int = 200
) -> HTMLResponse:
    body = render("activate.html", user_code=user_code, error=_error_line(error))
    return _page("Device Activation", body, issuer=issuer, status=status)


def device_confirm_page(
    *,
    issuer: str,
    txn_id: str,
    client_name: str,
    user_name: str,
    user_code: str,
    scopes: tuple[str, ...],
) -> HTMLResponse:
    scope_list = Safe(f"<ul>\n{_scope_items(scopes)}\n</ul>") if scopes else Safe("")
    body = render(
        "device_confirm.html",
        state=txn_id,
        client_name=client_name,
        user_name=user_name,
        user_code=user_code,
        scope_list=scope_list,
    )
    return _page("Device Confirmation", body, issuer=issuer)


def message_page(
    *, issuer: str, title: str, message: str, detail: str = "", status: int = 200
) -> HTMLResponse:
    body = render("message.html", message=message, detail=detail)
    return _page(title, body, issuer=issuer, status=status)


def error_page(*, issuer: str, error: str, description: str, status: int = 400) -> HTMLResponse:
    """Auth0's error page, for requests that must not be redirected (bad client or
    ``redirect_uri``)."""
    body = render("error.html", error=error, description=description)
    return _page("Oops!, something went wrong", body, issuer=issuer, status=status)
