"""Test helpers that act like a browser and like a client app, using httpx only.

Nothing here imports ``tui_console.auth``: the dev tenant is tested on its own terms, so a bug
in the client cannot hide a bug in the tenant (or the other way round).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from tui_console.devtenant import RunningTenant

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
FULL_SCOPE = "openid profile email offline_access read:current_user"


@dataclass
class Form:
    """One ``<form>``: where it posts, its fields (hidden ones filled in), its buttons."""

    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(action=a.get("action", ""), method=a.get("method", "get")))
        elif tag == "input" and self.forms and "name" in a:
            self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif tag == "button" and self.forms and "name" in a:
            self.forms[-1].buttons.append((a["name"], a.get("value", "")))


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def query_of(url: str) -> dict[str, str]:
    """The query parameters of ``url`` (first value of each)."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


class Browser:
    """A cookie-keeping client that follows redirects only while they stay on the tenant.

    A redirect leaving the tenant (to the app's callback URL, where nothing listens) is
    returned as is, so a test can read ``Location``.
    """

    def __init__(self, tenant: RunningTenant) -> None:
        self.tenant = tenant
        self.client = httpx.AsyncClient(base_url=tenant.issuer, follow_redirects=False)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _follow(self, response: httpx.Response) -> httpx.Response:
        for _ in range(10):
            if not response.is_redirect:
                return response
            target = urljoin(str(response.url), response.headers["location"])
            if not target.startswith(self.tenant.issuer):
                return response
            response = await self.client.get(target)
        raise AssertionError("redirect loop")

    async def open(self, url: str, params: dict[str, str] | None = None) -> httpx.Response:
        return await self._follow(await self.client.get(url, params=params))

    async def submit(
        self, page: httpx.Response, button: str | None = None, **values: str
    ) -> httpx.Response:
        """Fill the page's form with ``values`` and press ``button`` (a button's value)."""
        [form] = forms(page.text)
        data = {**form.fields, **values}
        if button is not None:
            name = next(n for n, v in form.buttons if v == button)
            data[name] = button
        target = urljoin(str(page.url), form.action)
        return await self._follow(await self.client.post(target, data=data))

    async def log_in(
        self, page: httpx.Response, email: str = "ada@example.com", password: str = "lovelace"
    ) -> httpx.Response:
        return await self.submit(page, username=email, password=password)


def pkce_pair() -> tuple[str, str]:
    """``(verifier, S256 challenge)`` per RFC 7636."""
    verifier = secrets.token_urlsafe(32)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_params(
    tenant: RunningTenant, challenge: str, *, port: int = 8484, **extra: str
) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": tenant.client_id,
        "redirect_uri": f"http://127.0.0.1:{port}/callback",
        "scope": FULL_SCOPE,
        "audience": tenant.management_audience,
        "state": "st-" + secrets.token_hex(4),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(extra)
    return params


async def start_device(
    client: httpx.AsyncClient,
    tenant: RunningTenant,
    *,
    scope: str = FULL_SCOPE,
    audience: str | None = "",
) -> dict[str, Any]:
    """``POST /oauth/device/code``; ``audience=""`` means the Management API, None none."""
    data = {"client_id": tenant.client_id, "scope": scope}
    if audience is not None:
        data["audience"] = audience or tenant.management_audience
    response = await client.post(tenant.url("oauth/device/code"), data=data)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def poll(
    client: httpx.AsyncClient, tenant: RunningTenant, device_code: str
) -> httpx.Response:
    return await client.post(
        tenant.url("oauth/token"),
        data={
            "grant_type": DEVICE_GRANT,
            "device_code": device_code,
            "client_id": tenant.client_id,
        },
    )


async def device_tokens(
    client: httpx.AsyncClient,
    tenant: RunningTenant,
    *,
    scope: str = FULL_SCOPE,
    audience: str | None = "",
) -> dict[str, Any]:
    """Tokens through the device flow, approved at the tenant as Ada (one poll, no waiting)."""
    started = await start_device(client, tenant, scope=scope, audience=audience)
    assert tenant.state.approve_pending_device_codes() == 1
    response = await poll(client, tenant, started["device_code"])
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def refresh(
    client: httpx.AsyncClient, tenant: RunningTenant, refresh_token: str, **extra: str
) -> httpx.Response:
    return await client.post(
        tenant.url("oauth/token"),
        data={
            "grant_type": "refresh_token",
            "client_id": tenant.client_id,
            "refresh_token": refresh_token,
            **extra,
        },
    )
