"""The signed-in person's own user at Auth0, through the Management API.

:class:`OwnUserVerbs` is the part of :class:`~tui_console.account.AccountSession` that reads
and changes the person's user record: the full user, top-level ``user_metadata``, linked
identities and device credentials. Each verb is one call of the session's Management API
client (:meth:`AccountSession.management <tui_console.account.AccountSession.management>`)
with the signed-in user's id filled in; nothing here discovers, holds a token or stores
anything. Linking is the one verb that also signs in: a second browser sign-in whose ID token
Auth0 takes as ``link_with``, run by the session's own browser flow.

The verbs are inherited, so the command line and the console call them on the session as
before; what they need of it is :class:`_OwnUserSession`, checked by mypy wherever they are
called.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Protocol

from tui_console.account.sign_in import _SigningInSession
from tui_console.errors import AuthError, TuiConsoleError
from tui_console.management import (
    DeviceCredentialPage,
    Identity,
    ManagementClient,
    MetadataUpdate,
    User,
)

__all__ = ["OwnUserVerbs"]


class _OwnUserSession(_SigningInSession, Protocol):
    """What the verbs need of the session they belong to: linking signs in (in the browser)."""

    def user_id(self) -> str: ...

    async def management(self) -> ManagementClient: ...


class OwnUserVerbs:
    """The person's own user record: read it, change its metadata, identities and devices."""

    async def get_user(self: _OwnUserSession) -> User:
        """The full user from ``GET /api/v2/users/{id}`` (needs ``read:current_user``)."""
        return await (await self.management()).get_user(self.user_id())

    async def update_metadata(
        self: _OwnUserSession,
        *,
        set: Mapping[str, Any] | None = None,
        unset: Iterable[str] = (),
    ) -> MetadataUpdate:
        """Set and unset top-level ``user_metadata`` keys; see :func:`metadata_patch`."""
        client = await self.management()
        return await client.update_user_metadata(self.user_id(), set=set or {}, unset=unset)

    async def link_identity(
        self: _OwnUserSession,
        *,
        open_url: Callable[[str], bool],
        pasted_redirect: Callable[[], Awaitable[str]] | None = None,
        on_progress: Callable[[float], None] | None = None,
        timeout: float = 300,
        on_bad_paste: Callable[[TuiConsoleError], None] | None = None,
    ) -> tuple[Identity, ...]:
        """Sign in to the other account in the browser, then link it to this one.

        Auth0 takes the second account's ID token as ``link_with``; it must come from this
        same application (its ``aud`` equals our ``azp``) and Auth0 does not allow linking
        through the device flow (auth0-reference.md §1.4, §6.4). The second sign-in's tokens
        are used for this one call and never stored.
        """
        client = await self.management()
        user_id = self.user_id()
        second = await self._browser_sign_in(
            open_url=open_url,
            pasted_redirect=pasted_redirect,
            on_progress=on_progress,
            scope="openid profile email",
            audience=None,
            timeout=timeout,
            prompt="login",
            on_bad_paste=on_bad_paste,
        )
        if second.id_token is None:
            raise AuthError("The second sign-in returned no ID token, so nothing can be linked.")
        return await client.link_identity(user_id, id_token=second.id_token)

    async def unlink_identity(
        self: _OwnUserSession, provider: str, identity_user_id: str
    ) -> tuple[Identity, ...]:
        """Detach a secondary identity; it becomes a standalone user with no metadata."""
        client = await self.management()
        return await client.unlink_identity(
            self.user_id(), provider=provider, identity_user_id=identity_user_id
        )

    async def list_devices(
        self: _OwnUserSession, *, page: int = 0, per_page: int = 50
    ) -> DeviceCredentialPage:
        """The user's device credentials (Auth0 lets only admin tokens list them)."""
        client = await self.management()
        return await client.list_device_credentials(
            self.user_id(), page=page, per_page=per_page, include_totals=True
        )

    async def add_device(
        self: _OwnUserSession, *, name: str, public_key: bytes, device_id: str
    ) -> str:
        """Register a public key for a device; returns the new credential id (``dcr_...``)."""
        client = await self.management()
        return await client.create_device_credential(
            device_name=name,
            device_id=device_id,
            public_key=public_key,
            client_id=self.profile.client_id,
        )

    async def revoke_device(self: _OwnUserSession, credential_id: str) -> None:
        """Revoke a device credential by id (done also when it was already gone)."""
        await (await self.management()).revoke_device_credential(credential_id)
