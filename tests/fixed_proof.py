"""An ``httpx.Auth`` that sends exactly the ``Authorization`` and ``DPoP`` headers it is given.

The client's own auth (:class:`~tui_console.auth.bearer.BearerAuth`) always builds a correct
request; to see what a server does with a wrong one (a bound token sent as Bearer, a proof
from another key, a replayed proof) a test sends it through this instead. Used against the
dev tenant (``tests/auth``) and the reference OIDC provider (``tests/interop``).
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

__all__ = ["FixedProof"]


class FixedProof(httpx.Auth):
    """One fixed ``Authorization`` header and, when given, one fixed ``DPoP`` proof."""

    def __init__(self, authorization: str, proof: str | None = None) -> None:
        self.authorization = authorization
        self.proof = proof

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self.authorization
        if self.proof is not None:
            request.headers["DPoP"] = self.proof
        yield request
