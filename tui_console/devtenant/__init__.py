"""A local, Auth0-compatible tenant for the demo and the tests.

It speaks the HTTP Auth0 speaks (status codes, error bodies, rate-limit headers, token shapes;
see ``shared/auth0-reference.md`` and ``shared/auth0-recordings/NOTES.md``) on 127.0.0.1, so
the client has no special path for it beyond accepting an ``http://`` loopback issuer.

Only ``tui_console.cli`` (the ``demo`` and ``dev-tenant`` commands) and the tests import this
package. Importing it is cheap: starlette, uvicorn and cryptography load on first use of
:func:`serve`, :func:`run_forever` or :class:`TenantState`.

    from tui_console.devtenant import TenantSettings, serve

    with serve(TenantSettings(device_interval=1, auto_approve=1)) as tenant:
        print(tenant.issuer, tenant.client_id, tenant.demo_user["email"])

Besides the Authentication API it serves the Management API endpoints the console uses at
``<issuer>api/v2/`` (:mod:`.management_routes`, run by :mod:`.management_pipeline`), with
Auth0's scope checks, error bodies and rate limits. Tests can make those requests fail on cue with
``tenant.state.inject_failure("users", 429, times=2)`` (:mod:`.faults`), drain a bucket with
``tenant.state.limits.drain("global")``, and mint admin tokens a person's sign-in never
gets with ``tenant.state.mint_access_token(["read:device_credentials"])``.

For the support console it also has two machine applications (``tenant.support_client`` with a
secret, ``tenant.support_jwt_client`` with a private key file; :mod:`.machine_clients`), a
searchable directory (:mod:`.directory`), sessions (:mod:`.sessions`), log events
(:mod:`.logs`), brute-force blocks (:mod:`.attack_protection`), MFA factors (:mod:`.mfa`) and
a seeded story (:mod:`.story`), served by :mod:`.support_routes` and
:mod:`.sign_in_support_routes`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tui_console.devtenant.seed import DEMO_PASSWORD
from tui_console.devtenant.settings import TenantSettings

if TYPE_CHECKING:
    from tui_console.devtenant.server import RunningTenant, run_forever, serve
    from tui_console.devtenant.state import TenantState

__all__ = [
    "DEMO_PASSWORD",
    "RunningTenant",
    "TenantSettings",
    "TenantState",
    "run_forever",
    "serve",
]

_LAZY = {
    "RunningTenant": "tui_console.devtenant.server",
    "run_forever": "tui_console.devtenant.server",
    "serve": "tui_console.devtenant.server",
    "TenantState": "tui_console.devtenant.state",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
