"""A tiny app that mounts one pane, and a frozen session for snapshots.

:class:`PaneHarness` shows one pane with a footer, records the step-up requests the pane
posts, and can stand in for the console's browser opener. :class:`FrozenSession` answers every
:class:`~tui_console.ui.panes.PaneSession` method from fixed data (Ada Lovelace, three
identities, device credentials, a token set, a few recorded calls), so snapshots are the same
on every run. It is a real class checked against the protocol by mypy, not a mock: a method the
panes call that it lacks is a type error.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Footer

from tui_console.account import REQUIRED_SCOPES, TokenDetails
from tui_console.auth.inspect import TokenView
from tui_console.auth.userinfo import UserProfile
from tui_console.call_log import CallLog, CallRecord
from tui_console.config import MANAGEMENT_SCOPES, Profile
from tui_console.errors import NotSignedIn, TuiConsoleError
from tui_console.management import (
    DeviceCredentialPage,
    Identity,
    InsufficientScope,
    MetadataUpdate,
    User,
    metadata_patch,
    size_warnings,
)
from tui_console.ratelimit.headers import RateLimitState
from tui_console.ui.messages import StepUpRequested
from tui_console.ui.panes import MetadataPane, Pane, PaneSession

#: The moment every snapshot is taken at: 2024-03-13 14:10:00 UTC.
FROZEN_NOW = 1710339000.0
ISSUER = "https://ada-demo.eu.auth0.com/"
CLIENT_ID = "Tc9qL2vXn7RbW4kHs8YdJ3mFa6PeZ1Ug"
AUDIENCE = ISSUER + "api/v2/"
USER_ID = "auth0|65f1c0de5a1b2c3d4e5f6a7b"


def frozen_clock() -> float:
    return FROZEN_NOW


class PaneHarness(App[None]):
    """One pane and a footer; ``step_ups`` collects the pane's sign-in requests."""

    CSS = """
    Screen { layout: vertical; }
    """

    def __init__(
        self, make_pane: Callable[[], Pane], *, opener: Callable[[str], bool] | None = None
    ) -> None:
        super().__init__()
        self._make_pane = make_pane
        self._opener = opener
        self.step_ups: list[StepUpRequested] = []

    def compose(self) -> ComposeResult:
        yield self._make_pane()
        yield Footer()

    def on_mount(self) -> None:
        pane = self.query_one(Pane)
        if isinstance(pane, MetadataPane):
            pane.editor.focus()  # these tests type into the editor straight away
        else:
            pane.focus_home()  # as the main screen does on showing a tab

    @property
    def pane(self) -> Pane:
        return self.query_one(Pane)

    def on_step_up_requested(self, message: StepUpRequested) -> None:
        self.step_ups.append(message)

    def open_url_in_browser(self, url: str) -> bool:
        """The console's opener, when the test gave one (otherwise: no browser here)."""
        return self._opener(url) if self._opener is not None else False


def _segment(data: Mapping[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def fake_jwt(header: Mapping[str, Any], claims: Mapping[str, Any]) -> str:
    """A JWT-shaped string with a fake signature (the snapshot never checks it)."""
    return f"{_segment(header)}.{_segment(claims)}.c2lnbmF0dXJl"


ACCESS_HEADER = {"alg": "RS256", "typ": "JWT", "kid": "devtenant-1"}
ACCESS_CLAIMS = {
    "iss": ISSUER,
    "sub": USER_ID,
    "aud": [AUDIENCE, ISSUER + "userinfo"],
    "iat": 1710338400,
    "exp": 1710424800,
    "azp": CLIENT_ID,
    "scope": " ".join(MANAGEMENT_SCOPES),
}
ID_CLAIMS = {
    "iss": ISSUER,
    "sub": USER_ID,
    "aud": CLIENT_ID,
    "iat": 1710338400,
    "exp": 1710374400,
    "name": "Ada Lovelace",
    "email": "ada@example.com",
}
GRANTED = tuple(str(ACCESS_CLAIMS["scope"]).split())

USER_JSON: dict[str, Any] = {
    "user_id": USER_ID,
    "email": "ada@example.com",
    "email_verified": True,
    "name": "Ada Lovelace",
    "nickname": "ada",
    "picture": "https://s.gravatar.com/avatar/0f1e2d?s=480&r=pg&d=al.png",
    "created_at": "2024-03-13T14:05:18.421Z",
    "updated_at": "2024-03-13T14:05:18.421Z",
    "identities": [
        {
            "provider": "auth0",
            "user_id": "65f1c0de5a1b2c3d4e5f6a7b",
            "connection": "Username-Password-Authentication",
            "isSocial": False,
        },
        {
            "provider": "google-oauth2",
            "user_id": "104817261815121012345",
            "connection": "google-oauth2",
            "isSocial": True,
            "profileData": {"name": "Ada Lovelace", "email": "ada.lovelace@gmail.com"},
        },
        {
            "provider": "github",
            "user_id": 1815,
            "connection": "github",
            "isSocial": True,
            "profileData": {"nickname": "countess-of-lovelace", "email": "ada@example.com"},
        },
    ],
    "user_metadata": {
        "theme": "dark",
        "language": "en-GB",
        "favourite_machine": "Analytical Engine",
        "preferences": {"notifications": {"email": True, "sms": False}},
    },
}

DEVICES_JSON: dict[str, Any] = {
    "start": 0,
    "limit": 50,
    "total": 3,
    "device_credentials": [
        {
            "id": "dcr_Ad4L0v3lac3K3y01",
            "device_name": "Ada's laptop",
            "device_id": "7F9C2BA4",
            "type": "public_key",
            "user_id": USER_ID,
            "client_id": CLIENT_ID,
        },
        {
            "id": "dcr_Ad4R3fr3shT0k3n2",
            "device_name": "tui-console/0.1.0 (Linux x86_64)",
            "type": "refresh_token",
            "user_id": USER_ID,
            "client_id": CLIENT_ID,
        },
        {
            "id": "dcr_Ad4R0t4t1ngT0k3n",
            "device_name": "Mobile app [beta]",
            "type": "rotating_refresh_token",
            "user_id": USER_ID,
            "client_id": "OtherClient0000000000000000000001",
        },
    ],
}


def _calls() -> CallLog:
    log = CallLog()
    at = FROZEN_NOW - 30
    records = [
        ("GET", "/.well-known/openid-configuration", 200, 12.0, None),
        ("GET", "/userinfo", 200, 41.0, RateLimitState(10, 9, at + 12, at)),
        ("GET", "/api/v2/users/auth0%7C65f1c0de5a1b2c3d4e5f6a7b", 200, 57.0, None),
        ("GET", "/api/v2/device-credentials?user_id=auth0...&page=0", 403, 23.0, None),
        ("GET", "/userinfo", 429, 9.0, RateLimitState(10, 0, at + 120, at)),
    ]
    for offset, (method, path, status, latency, limit) in enumerate(records):
        log.add(
            CallRecord(
                at=at + offset * 5,
                method=method,
                host="ada-demo.eu.auth0.com",
                path=path,
                status=status,
                latency_ms=latency,
                rate_limit=limit,
            )
        )
    log.add(
        CallRecord(
            at=at + 27,
            method="PATCH",
            host="ada-demo.eu.auth0.com",
            path="/api/v2/users/auth0%7C65f1c0de5a1b2c3d4e5f6a7b",
            status=None,
            latency_ms=15000.0,
            rate_limit=None,
            error="ReadTimeout",
        )
    )
    return log


class FrozenSession:
    """Fixed answers for every pane call; ``list_fails`` makes the device list need admin."""

    def __init__(self, *, list_fails: bool = False, granted: Iterable[str] = GRANTED) -> None:
        self.profile = Profile(
            name="snapshot", issuer=ISSUER, client_id=CLIENT_ID, audience=AUDIENCE
        )
        self.calls = _calls()
        self.list_fails = list_fails
        self.granted = frozenset(granted)
        self.user = User.from_json(USER_JSON)

    def user_id(self) -> str:
        return USER_ID

    def granted_scopes(self, audience: str | None = None) -> frozenset[str]:
        return self.granted

    def missing_scope(self, action: str) -> str | None:
        needed = REQUIRED_SCOPES[action]
        return None if needed in self.granted else needed

    async def userinfo(self) -> UserProfile:
        return UserProfile(
            sub=USER_ID,
            name="Ada Lovelace",
            nickname="ada",
            email="ada@example.com",
            email_verified=True,
            picture=USER_JSON["picture"],
            updated_at=self.user.updated_at,
            claims={"sub": USER_ID},
        )

    async def get_user(self) -> User:
        return self.user

    async def update_metadata(
        self, *, set: Mapping[str, Any] | None = None, unset: Iterable[str] = ()
    ) -> MetadataUpdate:
        body = metadata_patch(set or {}, unset)
        merged = {**self.user.user_metadata, **body["user_metadata"]}
        data = {**USER_JSON, "user_metadata": {k: v for k, v in merged.items() if v is not None}}
        self.user = User.from_json(data)
        return MetadataUpdate(user=self.user, warnings=size_warnings(self.user))

    async def link_identity(
        self,
        *,
        open_url: Callable[[str], bool],
        pasted_redirect: Callable[[], Awaitable[str]] | None = None,
        on_progress: Callable[[float], None] | None = None,
        timeout: float = 300,
        on_bad_paste: Callable[[TuiConsoleError], None] | None = None,
    ) -> tuple[Identity, ...]:
        open_url(ISSUER + "authorize?client_id=" + CLIENT_ID)
        return self.user.identities

    async def unlink_identity(self, provider: str, identity_user_id: str) -> tuple[Identity, ...]:
        return tuple(
            i
            for i in self.user.identities
            if (i.provider, i.user_id) != (provider, identity_user_id)
        )

    async def list_devices(self, *, page: int = 0, per_page: int = 50) -> DeviceCredentialPage:
        if self.list_fails:
            raise InsufficientScope(
                "Listing device credentials needs an admin scope (read:device_credentials), "
                "which Auth0 does not grant to a personal sign-in.",
                status=403,
                required_scopes=("read:device_credentials",),
                hint="Revoking a credential by its id and adding a device key still work.",
            )
        return DeviceCredentialPage.from_json(DEVICES_JSON, page=page, per_page=per_page)

    async def add_device(self, *, name: str, public_key: bytes, device_id: str) -> str:
        return "dcr_N3wK3yFr0mT3st01"

    async def revoke_device(self, credential_id: str) -> None:
        return None

    def token_details(self) -> list[TokenDetails]:
        return [
            TokenDetails(
                audience=AUDIENCE,
                token_type="Bearer",
                scopes=GRANTED,
                issued_at=float(ACCESS_CLAIMS["iat"]),  # type: ignore[arg-type]
                expires_at=float(ACCESS_CLAIMS["exp"]),  # type: ignore[arg-type]
                has_refresh_token=True,
                refresh_state="fresh",
                access_token=TokenView(opaque=False, header=ACCESS_HEADER, claims=ACCESS_CLAIMS),
                id_token=TokenView(opaque=False, header=ACCESS_HEADER, claims=ID_CLAIMS),
            )
        ]

    async def check_signature(self, audience: str | None, *, which: str = "access") -> str:
        return "valid: signed with the issuer's key devtenant-1"

    def reveal_token(self, audience: str | None, *, which: str = "access") -> str:
        if audience != AUDIENCE:
            raise NotSignedIn("There is no such token stored.")
        claims = ACCESS_CLAIMS if which == "access" else ID_CLAIMS
        return fake_jwt(ACCESS_HEADER, claims)


def _conforms(session: FrozenSession) -> PaneSession:
    """mypy checks that FrozenSession has every method the panes use, with their types."""
    return session
