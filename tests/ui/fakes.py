"""One frozen world for the UI tests: Ada Lovelace on acme.eu.auth0.com, at one "now".

:class:`FakeSession` answers like :class:`~tui_console.account.AccountSession` from constants
(no network, no disk), with the clock frozen at :data:`NOW`, so every countdown, "ago" and
expiry in a snapshot reads the same on every run. The console's screens (``ConsoleApp``) and
the single-pane harness (:mod:`tests.ui.panes.harness`) both run on it, so a pane shows the
same Ada, the same tokens and the same recorded calls in either.

It is a real class checked by mypy against the panes' protocol
(:class:`~tui_console.ui.panes.security.SecuritySession`, which extends
:class:`~tui_console.ui.panes.PaneSession`), not a mock: a method the panes call that it
lacks, or one with another signature, is a type error (see :func:`_conforms`). Device
sign-ins show :data:`USER_CODE` and then wait forever, as do browser sign-ins and linking.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_console.account import (
    REQUIRED_SCOPES,
    CallLog,
    CallRecord,
    DeviceCredentialPage,
    DevicePrompt,
    Identity,
    InsufficientScope,
    LogoutReport,
    MetadataUpdate,
    PollProgress,
    RateLimitBoard,
    Revocation,
    SessionStatus,
    TokenDetails,
    TokenStatus,
    TokenView,
    User,
    UserProfile,
    metadata_patch,
)
from tui_console.config import MANAGEMENT_SCOPES, Profile
from tui_console.errors import NotSignedIn, TuiConsoleError
from tui_console.management import metadata_size_warnings
from tui_console.my_account.models import parse_methods
from tui_console.my_account.pending import PendingEnrollments
from tui_console.ratelimit.headers import RateLimitState
from tui_console.self_service import AuthenticationMethod, SignInMethods

if TYPE_CHECKING:
    from tui_console.ui.panes.security import SecuritySession

NOW = 1710339000.0
"""The frozen "now": 2024-03-13 14:10:00 UTC, five minutes after Ada's account was created."""

HOST = "acme.eu.auth0.com"
ISSUER = f"https://{HOST}/"
CLIENT_ID = "Tc9qL2vXn7RbW4kHs8YdJ3mFa6PeZ1Ug"
AUDIENCE = ISSUER + "api/v2/"
USER_ID = "auth0|65f1c0de5a1b2c3d4e5f6a7b"
USER_CODE = "BCDF-GHJK"


def frozen_clock() -> float:
    return NOW


PROFILE = Profile(name="acme", issuer=ISSUER, client_id=CLIENT_ID, audience=AUDIENCE)

# -- Ada, as the Management API returns her ----------------------------------------------------

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

DEVICES_JSON: list[dict[str, Any]] = [
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
]

# -- her tokens: issued ten minutes ago, the access token for a day, the ID token for ten hours -

ISSUED_AT = int(NOW - 600)
ACCESS_HEADER: dict[str, Any] = {"alg": "RS256", "typ": "JWT", "kid": "devtenant-1"}
ACCESS_CLAIMS: dict[str, Any] = {
    "iss": ISSUER,
    "sub": USER_ID,
    "aud": [AUDIENCE, ISSUER + "userinfo"],
    "iat": ISSUED_AT,
    "exp": ISSUED_AT + 86400,
    "azp": CLIENT_ID,
    "scope": " ".join(MANAGEMENT_SCOPES),
}
ID_CLAIMS: dict[str, Any] = {
    "iss": ISSUER,
    "sub": USER_ID,
    "aud": CLIENT_ID,
    "iat": ISSUED_AT,
    "exp": ISSUED_AT + 36000,
    "name": "Ada Lovelace",
    "email": "ada@example.com",
}


def _segment(data: Mapping[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def fake_jwt(header: Mapping[str, Any], claims: Mapping[str, Any]) -> str:
    """A JWT-shaped string with a fake signature (nothing here checks it)."""
    return f"{_segment(header)}.{_segment(claims)}.c2lnbmF0dXJl"


# -- the last half minute's traffic --------------------------------------------------------------

_ADA = "/api/v2/users/auth0%7C65f1c0de5a1b2c3d4e5f6a7b"
_SINCE = NOW - 30

CALLS: tuple[tuple[float, str, str, int | None, float, str | None, RateLimitState | None], ...] = (
    (0, "GET", "/userinfo", 200, 41.0, "userinfo", RateLimitState(10, 9, NOW + 12, _SINCE)),
    (5, "GET", _ADA, 429, 9.0, "management-read", RateLimitState(50, 0, NOW - 24, NOW - 25)),
    (10, "GET", _ADA, 200, 57.0, "management-read", RateLimitState(50, 49, NOW + 1, NOW - 20)),
    (15, "GET", "/api/v2/device-credentials?user_id=auth0...&page=0", 403, 23.0, None, None),
    (20, "GET", "/.well-known/jwks.json", 200, 12.0, None, None),
    (27, "PATCH", _ADA, None, 15000.0, None, None),
)
"""(seconds after :data:`NOW` - 30 s, method, path, status, ms, rate-limit bucket, its state):
the profile loaded, Ada's user read after one 429, the device list refused to a personal
sign-in, the signing keys fetched for a signature check, and a save whose answer never came."""


def _record_traffic(calls: CallLog, board: RateLimitBoard) -> None:
    """:data:`CALLS` in the log, and their rate-limit reports on the board."""
    for offset, method, path, status, latency, bucket, state in CALLS:
        error = "ReadTimeout" if status is None else None
        at = _SINCE + offset
        calls.add(CallRecord(at, method, HOST, path, status, latency, state, error=error))
        if bucket is not None and state is not None:
            board.record(bucket, state)


# -- sign-in -------------------------------------------------------------------------------------


class FakeDeviceLogin:
    """A device sign-in that shows the fixed code and never completes."""

    def __init__(self, interval: int = 5) -> None:
        self.prompt = DevicePrompt(
            user_code=USER_CODE,
            verification_uri=ISSUER + "activate",
            verification_uri_complete=f"{ISSUER}activate?user_code={USER_CODE}",
            expires_at=NOW + 900,
            interval=interval,
        )

    async def complete(
        self, on_progress: Callable[[PollProgress], None] | None = None
    ) -> SessionStatus:
        if on_progress is not None:
            on_progress(PollProgress(900, float(self.prompt.interval), 0, None))
        await asyncio.Event().wait()  # until cancelled
        raise AssertionError("unreachable")


SIGN_IN_METHODS = parse_methods(
    [
        {"id": "password|dev_Pw8Lq2Rt6Yx1Vb3N", "type": "password", "usage": ["primary"],
         "created_at": "2024-03-13T09:41:22.000Z"},
        {"id": "passkey|dev_Pk4Hs7Jd2Wq9Zc5M", "type": "passkey", "usage": ["primary"],
         "name": "MacBook Touch ID", "created_at": "2024-06-02T18:12:05.000Z",
         "last_auth_at": "2024-09-09T08:03:51.000Z"},
        {"id": "totp|dev_Tp5Gs1Kd8Wq3Zc7N", "type": "totp", "usage": ["secondary"],
         "name": "Pixel 8", "confirmed": True, "created_at": "2024-07-20T11:30:00.000Z",
         "last_auth_at": "2024-09-10T07:58:12.000Z"},
    ]
)  # fmt: skip


class FakeSignInMethods(SignInMethods):
    """The My Account facade answering :data:`SIGN_IN_METHODS`, with nothing pending."""

    def __init__(self) -> None:  # no session: nothing here reaches the network or the disk
        self._started = {}
        self.missing_scopes = ()
        nowhere = Path("/nonexistent/fake.pending.json")
        self.pending = PendingEnrollments(nowhere, clock=frozen_clock)

    async def methods(self) -> tuple[AuthenticationMethod, ...]:
        return SIGN_IN_METHODS


class FakeSession:
    """Answers like AccountSession for Ada on acme.eu.auth0.com, frozen at :data:`NOW`.

    ``signed_in=False``: no tokens (the sign-in screen comes first). ``granted``: the scopes
    her token holds (the panes disable what the others would allow). ``list_fails``: listing
    device credentials is refused, as Auth0 refuses it to a personal sign-in.
    """

    def __init__(
        self,
        *,
        signed_in: bool = True,
        granted: Iterable[str] = MANAGEMENT_SCOPES,
        list_fails: bool = False,
    ) -> None:
        self.profile = PROFILE
        self.signed_in = signed_in
        self.scopes = tuple(granted)
        self.list_fails = list_fails
        self.rate_limits = RateLimitBoard(clock=frozen_clock)
        self.calls = CallLog()
        _record_traffic(self.calls, self.rate_limits)
        self.user = User.from_json(USER_JSON)
        self.devices = [dict(device) for device in DEVICES_JSON]
        self._sign_in_methods = FakeSignInMethods()

    # -- sign-in -------------------------------------------------------------------------------

    def status(self) -> SessionStatus:
        tokens: tuple[TokenStatus, ...] = ()
        user: dict[str, Any] = {}
        if self.signed_in:
            tokens = (
                TokenStatus(
                    audience=self.profile.audience,
                    scopes=self.scopes,
                    expires_at=float(ACCESS_CLAIMS["exp"]),
                    has_refresh_token=True,
                    token_type="Bearer",
                ),
            )
            user = {"sub": USER_ID, "name": "Ada Lovelace", "email": "ada@example.com"}
        return SessionStatus(
            profile=self.profile.name,
            issuer=self.profile.issuer,
            client_id=self.profile.client_id,
            token_file="/home/ada/.local/state/tui-console/tokens/acme.json",
            tokens=tokens,
            user=user,
        )

    async def start_device_login(
        self, *, scopes: tuple[str, ...] | None = None, audience: str | None = None
    ) -> FakeDeviceLogin:
        return FakeDeviceLogin()

    async def login_with_browser(self, **kwargs: Any) -> SessionStatus:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    def token_details(self) -> list[TokenDetails]:
        if not self.signed_in:
            return []
        return [
            TokenDetails(
                audience=self.profile.audience,
                token_type="Bearer",
                scopes=self.scopes,
                issued_at=float(ACCESS_CLAIMS["iat"]),
                expires_at=float(ACCESS_CLAIMS["exp"]),
                has_refresh_token=True,
                refresh_state="fresh",
                access_token=TokenView(opaque=False, header=ACCESS_HEADER, claims=ACCESS_CLAIMS),
                id_token=TokenView(opaque=False, header=ACCESS_HEADER, claims=ID_CLAIMS),
            )
        ]

    def granted_scopes(self, audience: str | None = None) -> frozenset[str]:
        return frozenset(self.scopes) if self.signed_in else frozenset()

    def missing_scope(self, action: str) -> str | None:
        needed = REQUIRED_SCOPES[action]
        return None if needed in self.granted_scopes() else needed

    async def check_signature(self, audience: str | None, *, which: str = "access") -> str:
        return "valid: signed with the issuer's key devtenant-1"

    def reveal_token(self, audience: str | None, *, which: str = "access") -> str:
        if not self.signed_in or audience != self.profile.audience:
            raise NotSignedIn("There is no such token stored.")
        return fake_jwt(ACCESS_HEADER, ACCESS_CLAIMS if which == "access" else ID_CLAIMS)

    def user_id(self) -> str:
        if not self.signed_in:
            raise NotSignedIn("No one is signed in.")
        return USER_ID

    async def logout(self) -> LogoutReport:
        self.signed_in = False
        return LogoutReport(wiped=True, revocations=(Revocation(None, revoked=True),))

    async def aclose(self) -> None:
        pass

    # -- the account ---------------------------------------------------------------------------

    async def userinfo(self) -> UserProfile:
        return UserProfile(
            sub=USER_ID,
            name=self.user.name,
            nickname=self.user.nickname,
            email=self.user.email,
            email_verified=self.user.email_verified,
            picture=self.user.picture,
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
        kept = {key: value for key, value in merged.items() if value is not None}
        self.user = User.from_json({**USER_JSON, "user_metadata": kept})
        return MetadataUpdate(user=self.user, warnings=metadata_size_warnings(kept))

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
        await asyncio.Event().wait()  # the person never finishes in the browser
        raise AssertionError("unreachable")

    async def unlink_identity(self, provider: str, identity_user_id: str) -> tuple[Identity, ...]:
        return tuple(
            identity
            for identity in self.user.identities
            if (identity.provider, identity.user_id) != (provider, identity_user_id)
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
        listed = {"start": 0, "limit": per_page, "total": len(self.devices)}
        body = {**listed, "device_credentials": self.devices}
        return DeviceCredentialPage.from_json(body, page=page, per_page=per_page)

    async def add_device(self, *, name: str, public_key: bytes, device_id: str) -> str:
        return "dcr_N3wK3yFr0mT3st01"

    async def revoke_device(self, credential_id: str) -> None:
        self.devices = [device for device in self.devices if device["id"] != credential_id]

    def sign_in_methods(self) -> SignInMethods:
        return self._sign_in_methods


def _conforms(session: FakeSession) -> SecuritySession:
    """mypy checks that FakeSession has every method the panes use, with their types."""
    return session
