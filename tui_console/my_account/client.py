"""The My Account API calls (``https://{domain}/me/v1``): the signed-in user's sign-in methods.

One method per endpoint of auth0-reference.md §8.4, answered with :mod:`.models` or raised as
:mod:`.errors`. Like :class:`~tui_console.management.client.ManagementClient`, it handles no
token and no rate limit: the ``httpx.Auth`` adds the ``/me/`` token, and the session's
:class:`~tui_console.ratelimit.RateLimitedTransport` gates, records (bucket ``my-account-read``
/ ``my-account-write``) and retries. Requests are JSON (the API answers 415 otherwise); ids go
percent-encoded (``totp|dev_…`` as ``totp%7Cdev_…``).

A write whose answer is lost (a reset, a timeout after sending) is
:class:`~tui_console.errors.ResponseLost`: an enrollment may have started, a method may be gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from tui_console.exchange_failures import is_read, server_failed, transport_error
from tui_console.management.client import parse_body
from tui_console.my_account.errors import Action, error_from_problem
from tui_console.my_account.models import (
    AuthenticationMethod,
    Enrollment,
    Factor,
    parse_enrollment,
    parse_factors,
    parse_method,
    parse_methods,
)
from tui_console.ratelimit.transport import IDEMPOTENT_EXTENSION
from tui_console.redact import Secret

__all__ = ["MyAccountClient"]

_CHECK_METHODS = "List your methods (tui-console mfa) to see whether it did, then try again if not."


class MyAccountClient:
    """Calls ``base_url`` (``https://<tenant>/me/v1``) with ``auth`` (the ``/me/`` token)."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, *, auth: httpx.Auth) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/") + "/"
        self._auth = auth

    async def list_methods(self, *, type: str | None = None) -> tuple[AuthenticationMethod, ...]:
        """``GET /authentication-methods[?type=]`` (``read:me:authentication_methods``)."""
        params = {"type": type} if type else None
        response = await self._request("GET", ("authentication-methods",), "list", params=params)
        return parse_body(response, parse_methods)

    async def list_factors(self) -> tuple[Factor, ...]:
        """``GET /factors``: what this user may enroll (``read:me:factors``; EA at Auth0)."""
        response = await self._request("GET", ("factors",), "list")
        return parse_body(response, parse_factors)

    async def get_method(self, method_id: str) -> AuthenticationMethod:
        response = await self._request("GET", ("authentication-methods", method_id), "read")
        return parse_body(response, parse_method)

    async def update_method(
        self, method_id: str, *, name: str | None = None, preferred: str | None = None
    ) -> AuthenticationMethod:
        """``PATCH`` a method's ``name`` (and a phone's ``preferred_authentication_method``).

        Marked idempotent: the same PATCH twice leaves the same method, so a 429 may replay it.
        """
        body: dict[str, Any] = {}
        if name is not None:
            body["name"] = name
        if preferred is not None:
            body["preferred_authentication_method"] = preferred
        response = await self._request(
            "PATCH",
            ("authentication-methods", method_id),
            "update",
            body=body,
            extensions={IDEMPOTENT_EXTENSION: True},
        )
        return parse_body(response, parse_method, check=_CHECK_METHODS)

    async def delete_method(self, method_id: str) -> None:
        """``DELETE`` (204). A 409 is :class:`~.errors.MethodNotRemovable`."""
        await self._request("DELETE", ("authentication-methods", method_id), "delete")

    async def enroll(
        self,
        kind: str,
        *,
        email: str | None = None,
        phone_number: str | None = None,
        preferred: str | None = None,
    ) -> Enrollment:
        """``POST /authentication-methods`` (202 + ``Location``): start enrolling ``kind``.

        Email and phone get a code sent to them; TOTP answers its ``otpauth://`` URI and
        manual code; a recovery code answers the code itself, once.
        """
        body: dict[str, Any] = {"type": kind}
        if email is not None:
            body["email"] = email
        if phone_number is not None:
            body["phone_number"] = phone_number
        if preferred is not None:
            body["preferred_authentication_method"] = preferred
        response = await self._request("POST", ("authentication-methods",), "create", body=body)
        location = response.headers.get("location")
        return parse_body(
            response, lambda data: parse_enrollment(kind, data, location), check=_CHECK_METHODS
        )

    async def verify(
        self, method_id: str, *, auth_session: Secret, otp_code: str | None = None
    ) -> AuthenticationMethod:
        """``POST /authentication-methods/{id}/verify`` (201): confirm an enrollment."""
        body: dict[str, Any] = {"auth_session": auth_session.reveal()}
        if otp_code is not None:
            body["otp_code"] = otp_code
        response = await self._request(
            "POST", ("authentication-methods", method_id, "verify"), "verify", body=body
        )
        return parse_body(response, parse_method, check=_CHECK_METHODS)

    async def _request(
        self,
        method: str,
        segments: tuple[str, ...],
        action: Action,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> httpx.Response:
        url = self._base_url + "/".join(quote(segment, safe="") for segment in segments)
        request = self._http.build_request(
            method,
            url,
            json=body,
            params=params,
            extensions=extensions,
            headers={"Accept": "application/json"},
        )
        try:
            response = await self._http.send(request, auth=self._auth)
        except httpx.TransportError as exc:
            raise transport_error(request, exc, check=_CHECK_METHODS) from None
        if response.is_server_error and not is_read(request):
            raise server_failed(response, check=_CHECK_METHODS)
        if not response.is_success:
            raise error_from_problem(response, action)
        return response
