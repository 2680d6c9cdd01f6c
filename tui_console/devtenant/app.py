"""The dev tenant as one Starlette application.

Routes are grouped the way Auth0 documents its APIs: OpenID Connect (discovery, JWKS,
``/authorize``, ``/userinfo``), the token endpoints (``/oauth/*``), the hosted pages a
person clicks through (``/u/*``, ``/activate``), the Management API (one ``Mount`` at
``/api/v2``: the support endpoints, the account endpoints, then Hapi's 404 for anything else)
and the My Account API (``/me/v1``). The :class:`TenantState` rides on ``app.state.tenant``,
so handlers are plain module functions that reach it through :func:`.http.tenant`.

An :class:`~.http.AuthApiError` a handler raises is rendered here, once, as Auth0's
``{error, error_description}`` body at its status. The one route that renders its own is
``/oauth/token``: it logs the refusal and adds ``DPoP-Nonce`` (:mod:`.token_routes`). The
Management API renders its errors in its pipeline (:func:`.management_pipeline.endpoint_for`),
because they carry the caller's rate-limit headers.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from tui_console.devtenant import (
    login_routes,
    management_pipeline,
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
    """Auth0's error body for an :class:`AuthApiError` a handler raised."""
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
            Mount(
                "/api/v2",
                routes=[
                    *support_routes.routes(),
                    *sign_in_support_routes.routes(),
                    *management_routes.routes(),
                    management_pipeline.not_found_route,
                ],
            ),
            *my_account_routes.routes(),
        ],
        exception_handlers={AuthApiError: _auth_api_error},
    )
    app.state.tenant = state
    return app
