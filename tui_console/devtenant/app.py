"""The dev tenant as one Starlette application.

Routes are grouped the way Auth0 documents its APIs: OpenID Connect (discovery, JWKS,
``/authorize``, ``/userinfo``), the token endpoints (``/oauth/*``), the hosted pages a
person clicks through (``/u/*``, ``/activate``) and the Management API (``/api/v2/*``). The
:class:`TenantState` rides on ``app.state.tenant``, so handlers are plain module functions.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tui_console.devtenant import (
    login_routes,
    management_routes,
    my_account_routes,
    oidc_routes,
    sign_in_support_routes,
    support_routes,
    token_routes,
)
from tui_console.devtenant.http import AuthApiError, auth_error_response, json_response, tenant
from tui_console.devtenant.settings import TenantSettings
from tui_console.devtenant.state import TenantState

__all__ = ["create_app"]


async def _auth_api_error(request: Request, exc: Exception) -> Response:
    """An :class:`AuthApiError` that escaped a handler (a malformed body, say)."""
    assert isinstance(exc, AuthApiError)
    return auth_error_response(exc)


async def _index(request: Request) -> Response:
    """Where things are, for a person who opens the issuer URL in a browser."""
    state = tenant(request)
    return json_response(
        {
            "issuer": state.issuer,
            "discovery": f"{state.issuer}.well-known/openid-configuration",
            "activate": f"{state.issuer}activate",
        },
        media_type="application/json; charset=utf-8",
    )


def create_app(state: TenantState, settings: TenantSettings | None = None) -> Starlette:
    """The ASGI app serving ``state``. ``settings``, when given, replace the state's."""
    if settings is not None:
        state.settings = settings
    app = Starlette(
        routes=[
            Route("/", _index, methods=["GET"]),
            *oidc_routes.routes(),
            *token_routes.routes(),
            *login_routes.routes(),
            *support_routes.routes(),
            *sign_in_support_routes.routes(),
            *management_routes.routes(),
            *my_account_routes.routes(),
        ],
        exception_handlers={AuthApiError: _auth_api_error},
    )
    app.state.tenant = state
    return app
