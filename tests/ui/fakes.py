"""A deterministic stand-in for AccountSession, for snapshots: fixed clock, codes, users.

Everything a screen or pane asks for is answered from constants (no network, no disk), with
the clock frozen at :data:`NOW`, so every countdown, "ago" and expiry in a snapshot reads the
same on every run. Device sign-ins show :data:`USER_CODE` and then wait forever.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from tui_console.account import (
    REQUIRED_SCOPES,
    DevicePrompt,
    SessionStatus,
    TokenDetails,
    TokenStatus,
    UserProfile,
)
from tui_console.auth.device import PollProgress
from tui_console.auth.inspect import TokenView
from tui_console.call_log import CallLog, CallRecord
from tui_console.config import MANAGEMENT_SCOPES, Profile
from tui_console.errors import NotSignedIn, TuiConsoleError
from tui_console.management import (
    DeviceCredential,
    DeviceCredentialPage,
    Identity,
    MetadataUpdate,
    User,
)
from tui_console.my_account.models import parse_methods
from tui_console.my_account.pending import PendingEnrollments
from tui_console.ratelimit import RateLimitBoard
from tui_console.ratelimit.headers import RateLimitState
from tui_console.self_service import AuthenticationMethod, SignInMethods

NOW = 1_726_000_000.0
"""The frozen "now": 2024-09-10 20:26:40 UTC."""

ISSUER = "https://acme.eu.auth0.com/"
CLIENT_ID = "Tc9qL2vXn7RbW4kHs8YdJ3mFa6PeZ1Ug"
USER_ID = "auth0|65f1c0de5a1b2c3d4e5f6a7b"
USER_CODE = "BCDF-GHJK"


def frozen_clock() -> float:
    return NOW


PROFILE = Profile(
    name="acme",
    issuer=ISSUER,
    client_id=CLIENT_ID,
    audience=ISSUER + "api/v2/",
)

USER_JSON: dict[str, Any] = {
    "user_id": USER_ID,
    "email": "ada@example.com",
    "email_verified": True,
    "name": "Ada Lovelace",
    "nickname": "ada",
    "picture": "https://s.gravatar.com/avatar/ada.png",
    "created_at": "2024-03-13T14:05:18.421Z",
    "updated_at": "2024-09-10T19:00:00.000Z",
    "last_login": "2024-09-10T20:00:00.000Z",
    "logins_count": 42,
    "identities": [
        {
            "connection": "Username-Password-Authentication",
            "provider": "auth0",
            "user_id": "65f1c0de5a1b2c3d4e5f6a7b",
            "isSocial": False,
        },
        {
            "connection": "github",
            "provider": "github",
            "user_id": "1842",
            "isSocial": True,
            "profileData": {"name": "Ada L.", "nickname": "countess"},
        },
    ],
    "user_metadata": {"theme": "dark", "language": "en", "notify": {"email": True}},
    "app_metadata": {"plan": "analytical-engine"},
}

DEVICES = (
    DeviceCredential(
        id="dcr_0123456789abcdef",
        device_name="Ada's laptop",
        device_id="laptop-1",
        type="public_key",
        user_id=USER_ID,
        client_id=CLIENT_ID,
    ),
    DeviceCredential(
        id="dcr_fedcba9876543210",
        device_name="Difference Engine",
        device_id="engine-2",
        type="refresh_token",
        user_id=USER_ID,
        client_id=CLIENT_ID,
    ),
)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


ACCESS_CLAIMS: dict[str, Any] = {
    "iss": ISSUER,
    "sub": USER_ID,
    "aud": [ISSUER + "api/v2/", ISSUER + "userinfo"],
    "iat": int(NOW - 600),
    "exp": int(NOW + 86400 - 600),
    "scope": " ".join(MANAGEMENT_SCOPES),
    "azp": CLIENT_ID,
}
ID_CLAIMS: dict[str, Any] = {
    "iss": ISSUER,
    "sub": USER_ID,
    "aud": CLIENT_ID,
    "iat": int(NOW - 600),
    "exp": int(NOW + 36000 - 600),
    "name": "Ada Lovelace",
    "email": "ada@example.com",
}


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
    """Answers like AccountSession for Ada on acme.eu.auth0.com, frozen at :data:`NOW`."""

    def __init__(self, *, signed_in: bool = True, scopes: Iterable[str] = MANAGEMENT_SCOPES):
        self.profile = PROFILE
        self.signed_in = signed_in
        self.scopes = tuple(scopes)
        self.rate_limits = RateLimitBoard(clock=frozen_clock)
        self.calls = CallLog()
        self.metadata: dict[str, Any] = dict(USER_JSON["user_metadata"])
        self.devices = list(DEVICES)
        self._sign_in_methods = FakeSignInMethods()
        self._record_traffic()

    def _record_traffic(self) -> None:
        """A few calls and rate-limit reports, as after loading the profile tab."""
        host = "acme.eu.auth0.com"
        entries = [
            ("GET", "/userinfo", 200, 84.0, "userinfo", RateLimitState(10, 9, NOW + 12, NOW - 5)),
            ("GET", f"/api/v2/users/{USER_ID}", 200, 121.0, "management-read", None),
        ]
        read_state = RateLimitState(50, 49, NOW + 1, NOW - 5)
        for method, path, status, latency, bucket, state in entries:
            state = state or read_state
            self.calls.add(CallRecord(NOW - 5, method, host, path, status, latency, state))
            self.rate_limits.record(bucket, state)

    # -- sign-in -------------------------------------------------------------------------------

    def status(self) -> SessionStatus:
        tokens: tuple[TokenStatus, ...] = ()
        user: dict[str, Any] = {}
        if self.signed_in:
            tokens = (
                TokenStatus(
                    audience=self.profile.audience,
                    scopes=self.scopes,
                    expires_at=NOW + 86400 - 600,
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
                issued_at=NOW - 600,
                expires_at=NOW + 86400 - 600,
                has_refresh_token=True,
                refresh_state="fresh",
                access_token=TokenView(
                    opaque=False,
                    header={"alg": "RS256", "typ": "JWT", "kid": "demo-key-1"},
                    claims=ACCESS_CLAIMS,
                ),
                id_token=TokenView(
                    opaque=False, header={"alg": "RS256", "kid": "demo-key-1"}, claims=ID_CLAIMS
                ),
            )
        ]

    def granted_scopes(self, audience: str | None = None) -> frozenset[str]:
        return frozenset(self.scopes) if self.signed_in else frozenset()

    def missing_scope(self, action: str) -> str | None:
        needed = REQUIRED_SCOPES[action]
        return None if needed in self.granted_scopes() else needed

    async def check_signature(self, audience: str | None, *, which: str = "access") -> str:
        return "signature valid (RS256, key demo-key-1 from the tenant's JWKS)"

    def reveal_token(self, audience: str | None, *, which: str = "access") -> str:
        return "eyJhbGciOiJSUzI1NiJ9." + _b64(ACCESS_CLAIMS) + ".c2lnbmF0dXJl"

    def user_id(self) -> str:
        if not self.signed_in:
            raise NotSignedIn("No one is signed in.")
        return USER_ID

    async def logout(self) -> Any:
        from tui_console.account import LogoutReport, Revocation

        self.signed_in = False
        return LogoutReport(wiped=True, revocations=(Revocation(None, revoked=True),))

    async def aclose(self) -> None:
        pass

    # -- the account ---------------------------------------------------------------------------

    def _user(self) -> User:
        return User.from_json({**USER_JSON, "user_metadata": self.metadata})

    async def userinfo(self) -> UserProfile:
        user = self._user()
        return UserProfile(
            sub=USER_ID,
            name=user.name,
            nickname=user.nickname,
            email=user.email,
            email_verified=user.email_verified,
            picture=user.picture,
            updated_at=user.updated_at,
            claims={"sub": USER_ID, "name": user.name, "email": user.email},
        )

    async def get_user(self) -> User:
        return self._user()

    async def update_metadata(
        self, *, set: Mapping[str, Any] | None = None, unset: Iterable[str] = ()
    ) -> MetadataUpdate:
        self.metadata.update(set or {})
        for key in unset:
            self.metadata.pop(key, None)
        return MetadataUpdate(user=self._user(), warnings=())

    async def link_identity(
        self,
        *,
        open_url: Callable[[str], bool],
        pasted_redirect: Callable[[], Awaitable[str]] | None = None,
        on_progress: Callable[[float], None] | None = None,
        timeout: float = 300,
        on_bad_paste: Callable[[TuiConsoleError], None] | None = None,
    ) -> tuple[Identity, ...]:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def unlink_identity(self, provider: str, identity_user_id: str) -> tuple[Identity, ...]:
        return self._user().identities[:1]

    async def list_devices(self, *, page: int = 0, per_page: int = 50) -> DeviceCredentialPage:
        return DeviceCredentialPage(
            credentials=tuple(self.devices), start=0, limit=per_page, total=len(self.devices)
        )

    async def add_device(self, *, name: str, public_key: bytes, device_id: str) -> str:
        return "dcr_new0000000000000"

    async def revoke_device(self, credential_id: str) -> None:
        self.devices = [d for d in self.devices if d.id != credential_id]

    def sign_in_methods(self) -> SignInMethods:
        return self._sign_in_methods
