"""Your own sign-in methods, for the command line and the console: the My Account API facade.

:class:`SignInMethods` is what :meth:`AccountSession.sign_in_methods
<tui_console.account.AccountSession.sign_in_methods>` returns. It gets the ``/me/`` token the
API needs (auth0-reference.md §8.5): the one stored for that audience (a separate
``tui-console login --audience https://<tenant>/me/``), else one minted from the sign-in's
refresh token by a Multi-Resource Refresh Token exchange. It calls
:class:`~tui_console.my_account.MyAccountClient` through the session's HTTP client, so the
rate-limit board and the call log see every request, and it keeps a started enrollment
(:mod:`tui_console.my_account.pending`) until it is verified or expires.

Without the My Account API, :meth:`SignInMethods.guardian_enrollments` reads the person's
Guardian enrollments with the sign-in's Management API token instead: read-only, and labelled
so wherever it is shown (:mod:`tui_console.my_account.guardian`).

Callers see only :mod:`tui_console.my_account` dataclasses and the error tree: no httpx type
crosses this line, so the UI can use it as it uses the rest of the account facade.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from tui_console.auth.bearer import BearerAuth
from tui_console.auth.multi_resource import AudienceRefused
from tui_console.errors import UsageError
from tui_console.my_account import (
    DASHBOARD_STEPS,
    ENROLLABLE_HERE,
    AuthenticationMethod,
    Enrollment,
    Factor,
    MethodNotRemovable,
    MyAccountClient,
    MyAccountUnavailable,
    Problem,
)
from tui_console.my_account.guardian import GuardianEnrollment, GuardianReader
from tui_console.my_account.models import qr_otpauth
from tui_console.my_account.pending import (
    PENDING_LIFETIME,
    PendingEnrollment,
    PendingEnrollments,
    pending_path,
)

if TYPE_CHECKING:  # pragma: no cover
    from tui_console.account import AccountSession

__all__ = [
    "ENROLLABLE_HERE",
    "GUARDIAN_READ_ONLY",
    "MY_ACCOUNT_SCOPES",
    "PASSKEY_NOTE",
    "AuthenticationMethod",
    "Enrollment",
    "GuardianEnrollment",
    "MethodNotRemovable",
    "MyAccountUnavailable",
    "PendingEnrollment",
    "SignInMethods",
    "qr_otpauth",
]
"""The view types the console's Security tab uses, re-exported: the UI reaches the My Account
package only through this module."""

MY_ACCOUNT_SCOPES = (
    "read:me:authentication_methods",
    "create:me:authentication_methods",
    "update:me:authentication_methods",
    "delete:me:authentication_methods",
    "read:me:factors",
)
"""What the console asks of the My Account API (§8.1 [H1])."""

PASSKEY_NOTE = (
    "Passkeys are created by a browser (WebAuthn), which a terminal cannot do; add one on "
    "the application's own sign-in pages or a browser-based account page. Here you can list "
    "and remove them."
)

GUARDIAN_READ_ONLY = (
    "Read-only: your Guardian enrollments (authenticator apps, SMS, push) as the Management "
    "API shows them to your own sign-in. Email and recovery-code methods are not listed, and "
    "nothing can be added, renamed or removed this way."
)
"""The label the Guardian fallback is shown under."""


class SignInMethods:
    """The signed-in user's authentication methods through the My Account API."""

    def __init__(self, session: AccountSession) -> None:
        self._session = session
        self._client: MyAccountClient | None = None
        self.missing_scopes: tuple[str, ...] = ()
        """Scopes asked for but not granted (Auth0 drops them silently), once connected."""
        self.pending = PendingEnrollments(pending_path(session.store.path), clock=session.clock)
        """Enrollments started and not verified yet."""
        self._started: dict[str, Enrollment] = {}
        # The enrollments this process started, secrets included, in memory only: a console
        # that cancelled the code prompt can draw the same QR code again (the file never holds
        # the TOTP secret).

    async def audience(self) -> str:
        """``https://<tenant>/me/``, on the issuer's own host (§8.4: one host throughout)."""
        issuer = (await self._session.server()).issuer
        return issuer.rstrip("/") + "/me/"

    async def _api(self) -> MyAccountClient:
        if self._client is not None:
            return self._client
        audience = await self.audience()
        manager = await self._session.tokens()
        try:
            token = await manager.token_for_audience(
                audience, MY_ACCOUNT_SCOPES, source=self._session.profile.audience
            )
        except AudienceRefused as refused:
            raise MyAccountUnavailable(
                f"Auth0 would not issue a token for the My Account API ({audience}): "
                f"{refused.description or refused.error}.",
                problem=Problem(refused.error, refused.status or 403, refused.error, ""),
                hint=f"{DASHBOARD_STEPS} Or sign in for it separately: tui-console login "
                f"--audience {audience}",
            ) from None
        self.missing_scopes = token.missing_scopes
        base = audience + "v1"
        self._client = MyAccountClient(self._session.http, base, auth=BearerAuth(manager, audience))
        return self._client

    async def connect(self) -> tuple[str, ...]:
        """Get the ``/me/`` token now; returns the scopes it lacks (empty when all granted)."""
        await self._api()
        return self.missing_scopes

    async def methods(self) -> tuple[AuthenticationMethod, ...]:
        return await (await self._api()).list_methods()

    async def factors(self) -> tuple[Factor, ...]:
        return await (await self._api()).list_factors()

    async def rename(self, method_id: str, name: str) -> AuthenticationMethod:
        if not name.strip():
            raise UsageError("A method's name cannot be empty.", hint="Give a name to show.")
        return await (await self._api()).update_method(method_id, name=name)

    async def remove(self, method_id: str) -> None:
        await (await self._api()).delete_method(method_id)
        self.forget(method_id)

    async def guardian_enrollments(self) -> tuple[GuardianEnrollment, ...]:
        """The fallback without the My Account API: the user's own Guardian enrollments, read
        with the sign-in's Management API token (``read:current_user``). Read-only
        (:data:`GUARDIAN_READ_ONLY`)."""
        management = await self._session.management()
        reader = GuardianReader.sharing(management)
        return await reader.enrollments(self._session.user_id())

    def waiting(self) -> tuple[PendingEnrollment, ...]:
        """Enrollments started and not verified, that have not expired, oldest first."""
        return tuple(sorted(self.pending.all(), key=lambda entry: entry.expires_at))

    def started(self, method_id: str) -> Enrollment | None:
        """The enrollment as this process started it (its QR code and manual code), while it
        is still pending; ``None`` once verified, expired, or started by another process."""
        if self.pending.get(method_id) is None:
            self._started.pop(method_id, None)
            return None
        return self._started.get(method_id)

    def forget(self, method_id: str) -> None:
        """Drop a pending enrollment (the method was removed, or the person gave up)."""
        self._started.pop(method_id, None)
        self.pending.remove(method_id)

    async def enroll(
        self,
        kind: str,
        *,
        name: str | None = None,
        email: str | None = None,
        phone_number: str | None = None,
        preferred: str | None = None,
    ) -> Enrollment:
        """Start enrolling ``kind`` (one of :data:`ENROLLABLE_HERE`); kept until verified.

        ``preferred`` is how a phone gets its code: ``sms`` (Auth0's default) or ``voice``.
        """
        if kind == "passkey":
            raise UsageError("A passkey cannot be created from a terminal.", hint=PASSKEY_NOTE)
        if kind not in ENROLLABLE_HERE:
            raise UsageError(
                f"{kind!r} cannot be enrolled here.",
                hint=f"Choose one of: {', '.join(ENROLLABLE_HERE)}.",
            )
        if kind == "email" and not email:
            raise UsageError("An email method needs the address.", hint="Add --email ADDRESS.")
        if kind == "phone" and not phone_number:
            raise UsageError(
                "A phone method needs the number.", hint="Add --phone +<country><number>."
            )
        if preferred is not None and (kind != "phone" or preferred not in ("sms", "voice")):
            raise UsageError(
                f"{preferred!r} is not a way to send a code here.",
                hint="A phone takes sms or voice; other methods take neither.",
            )
        enrollment = await (await self._api()).enroll(
            kind, email=email, phone_number=phone_number, preferred=preferred
        )
        self._started[enrollment.id] = enrollment
        self.pending.add(
            PendingEnrollment(
                id=enrollment.id,
                type=enrollment.type,
                auth_session=enrollment.auth_session,
                expires_at=self._session.clock() + PENDING_LIFETIME,
                name=name,
            )
        )
        return enrollment

    async def verify(self, method_id: str, code: str | None = None) -> AuthenticationMethod:
        """Finish the pending enrollment ``method_id`` with ``code`` (TOTP, email, phone).

        The name given at :meth:`enroll` is set afterwards (one more write).
        """
        pending = self.pending.get(method_id)
        if pending is None:
            raise UsageError(
                f"There is no pending enrollment {method_id} (it was finished, or it expired).",
                hint="Start it again: tui-console mfa add TYPE",
            )
        needs_code = pending.type in ("totp", "email", "phone")
        if needs_code and not (code and code.strip().isdigit()):
            raise UsageError(
                "This enrollment needs the one-time code (digits).",
                hint=f"tui-console mfa verify {shlex.quote(method_id)} CODE",
            )
        api = await self._api()
        method = await api.verify(
            method_id,
            auth_session=pending.auth_session,
            otp_code=code.strip() if needs_code and code else None,
        )
        self.forget(method_id)
        if pending.name:
            method = await api.update_method(method.id, name=pending.name)
        return method
