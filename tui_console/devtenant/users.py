"""The tenant's users and their device credentials: the directory the Management API edits.

The only aggregate that survives a restart (with the signing key: :mod:`.state_file`), so
every change that succeeds is saved through :meth:`TenantState.persist
<tui_console.devtenant.state.TenantState.persist>`. Who the seeded people are and how a
support person searches them is :mod:`.directory`; the Management API's rules (errors, PATCH
semantics) are :mod:`.management_rules`. The rules kept here:

* **Sign-in** (Auth0's login bookkeeping): a successful password check moves ``last_login``,
  ``updated_at``, ``logins_count`` and ``last_ip``. Credentials of a database account that was
  linked into another user sign in as that (primary) user, as on Auth0.
* **Account linking** (auth0-reference.md §6.4-6.5; NOTES.md §3): linking moves the secondary
  user's identities into the primary's (the secondary's own identity now carrying its
  ``profileData``) and the secondary stops existing as a user. Unlinking turns the identity
  back into a standalone ``provider|user_id`` user with no metadata; an unlink that matches
  nothing changes nothing.
* **Device credentials** (§6.6; NOTES.md §4): one ``public_key`` per device and user; deleting
  one that is already gone is not an error.
* ``updated_at`` moves on every PATCH, even twice within one millisecond.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tui_console.devtenant.management_rules import (
    ManagementApiError,
    apply_user_patch,
    new_credential_id,
    subject_mismatch,
    user_not_found,
)
from tui_console.devtenant.models import (
    NO_PASSWORD,
    DeviceCredential,
    Identity,
    User,
    iso_timestamp,
    verify_password,
)

if TYPE_CHECKING:
    from tui_console.devtenant.state import TenantState

__all__ = ["UserDirectory"]

#: Profile attributes an unlinked identity's ``profileData`` hands to its standalone user.
_PROFILE_KEYS = (
    "email",
    "email_verified",
    "name",
    "nickname",
    "picture",
    "given_name",
    "family_name",
    "username",
)


class UserDirectory:
    """Users by id and device credentials by id, under the tenant's lock."""

    def __init__(
        self,
        state: TenantState,
        users: Iterable[User],
        device_credentials: Iterable[DeviceCredential],
    ) -> None:
        self._state = state
        self.users: dict[str, User] = {}
        self.device_credentials: dict[str, DeviceCredential] = {}
        self.replace(users, device_credentials)

    def replace(
        self,
        users: Iterable[User] = (),
        device_credentials: Iterable[DeviceCredential] = (),
    ) -> None:
        """Replace every user and device credential (a reset, or a test seeding a recorded
        state)."""
        with self._state.lock:
            self.users = {u.user_id: u for u in users}
            self.device_credentials = {c.id: c for c in device_credentials}

    def add_user(self, data: dict[str, Any]) -> User:
        """Add (or replace) a user from a Management API user object, e.g. a recorded one;
        missing attributes get Auth0's defaults (:meth:`User.from_management_json`)."""
        user = User.from_management_json(copy.deepcopy(data), now=self._stamp())
        with self._state.lock:
            self.users[user.user_id] = user
        return user

    def _stamp(self, previous: str | None = None) -> str:
        """An ISO timestamp for now, strictly after ``previous`` (so every PATCH moves
        ``updated_at``, even twice within one millisecond)."""
        stamp = iso_timestamp(self._state.now())
        if previous is not None and stamp <= previous:
            moment = datetime.fromisoformat(previous) + timedelta(milliseconds=1)
            stamp = iso_timestamp(moment.timestamp())
        return stamp

    # -- sign-in ------------------------------------------------------------------------------

    def get_user(self, user_id: str) -> User | None:
        with self._state.lock:
            return self.users.get(user_id)

    def find_user_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        with self._state.lock:
            return next((u for u in self.users.values() if u.email.lower() == wanted), None)

    def authenticate(self, email: str, password: str, *, ip: str | None = None) -> User | None:
        """The user with these credentials, with Auth0's login bookkeeping done; else None."""
        state = self._state
        wanted = email.strip().lower()
        with state.lock:
            candidates = [u for u in self.users.values() if u.email.lower() == wanted]
        # Several users may share an e-mail (a database user and an unlinked social one).
        user = next((u for u in candidates if u.check_password(password)), None)
        if user is None:
            user = self._linked_account_owner(wanted, password)
        if user is None:
            return None
        with state.lock:
            stamp = iso_timestamp(state.now())
            user.last_login = stamp
            user.updated_at = stamp
            user.logins_count = (user.logins_count or 0) + 1
            if ip:
                user.last_ip = ip
            state.stats.logins += 1
        return user

    def _linked_account_owner(self, wanted: str, password: str) -> User | None:
        with self._state.lock:
            for user in self.users.values():
                for identity in user.identities[1:]:
                    profile_email = str((identity.profile_data or {}).get("email", ""))
                    if (
                        identity.password_hash is not None
                        and profile_email.lower() == wanted
                        and verify_password(password, identity.password_hash)
                    ):
                        return user
        return None

    # -- Management API: users and identities --------------------------------------------------

    def management_user(self, user_id: str) -> dict[str, Any]:
        """``GET /api/v2/users/{id}``: the user's Management shape, or 404."""
        with self._state.lock:
            user = self.users.get(user_id)
            if user is None:
                raise user_not_found()
            return user.to_management_json()

    def management_users(self) -> list[dict[str, Any]]:
        """Every user's Management shape (what ``GET /api/v2/users`` searches)."""
        with self._state.lock:
            return [u.to_management_json() for u in self.users.values()]

    def patch_user(self, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Apply a validated, authorised PATCH (:func:`.management_rules.apply_user_patch`),
        save, and return the updated user."""
        with self._state.lock:
            user = self.users.get(user_id)
            if user is None:
                raise user_not_found()
            apply_user_patch(user, body, now=self._stamp(user.updated_at))
            result = user.to_management_json()
        self._state.persist()
        return result

    def _identity_owner(self, qualified_id: str) -> User | None:
        for user in self.users.values():
            if any(i.qualified_id == qualified_id for i in user.identities):
                return user
        return None

    def link_identity(self, primary_id: str, secondary_id: str) -> list[dict[str, Any]]:
        """Link the user ``secondary_id`` into ``primary_id``; returns the primary's identities.

        400 "Main identity and the new one are the same." for the same user; 409 "Specified
        identity already exists." when the secondary's identity is already linked to a user;
        400 when there is no such user (UNCONFIRMED wording: not recorded).
        """
        with self._state.lock:
            primary = self.users.get(primary_id)
            if primary is None:
                raise user_not_found()
            if secondary_id == primary_id:
                raise ManagementApiError(
                    400, "Main identity and the new one are the same.", "invalid_body"
                )
            owner = self._identity_owner(secondary_id)
            if owner is not None and owner.user_id != secondary_id:
                raise ManagementApiError(409, "Specified identity already exists.")
            secondary = self.users.get(secondary_id)
            if secondary is None:
                raise ManagementApiError(400, "The user to link does not exist.", "invalid_body")
            moved = [copy.deepcopy(i) for i in secondary.identities]
            if moved:
                moved[0].profile_data = secondary.profile_data()
                if secondary.password_hash != NO_PASSWORD:
                    moved[0].password_hash = secondary.password_hash
            primary.identities.extend(moved)
            del self.users[secondary_id]
            result = primary.identities_json()
        self._state.persist()
        return result

    def unlink_identity(
        self, user_id: str, provider: str, identity_user_id: str
    ) -> list[dict[str, Any]]:
        """Unlink ``provider``/``identity_user_id`` (the bare id) from ``user_id``.

        A match leaves as a standalone ``provider|user_id`` user with no metadata; no match
        changes nothing and still answers the identities (identities-unlink.json). The primary
        identity cannot be unlinked: 400 (UNCONFIRMED wording).
        """
        with self._state.lock:
            user = self.users.get(user_id)
            if user is None:
                raise user_not_found()
            index = next(
                (
                    n
                    for n, i in enumerate(user.identities)
                    if i.provider == provider and str(i.user_id) == identity_user_id
                ),
                None,
            )
            if index == 0:
                raise ManagementApiError(400, "Main identity cannot be removed.")
            if index is not None:
                standalone = self._standalone_user(user.identities.pop(index))
                self.users[standalone.user_id] = standalone
            result = user.identities_json()
        if index is not None:
            self._state.persist()
        return result

    def _standalone_user(self, identity: Identity) -> User:
        """The account an unlinked identity becomes: its profile, no metadata (§6.5 [F5])."""
        profile = identity.profile_data or {}
        stamp = self._stamp()
        data: dict[str, Any] = {key: profile[key] for key in _PROFILE_KEYS if key in profile}
        data.update(
            user_id=identity.qualified_id,
            created_at=stamp,
            updated_at=stamp,
            identities=[identity.to_state_json()],
        )
        user = User.from_management_json(data, now=stamp)
        user.password_hash = identity.password_hash or NO_PASSWORD
        user.identities[0].password_hash = None
        return user

    # -- Management API: device credentials ---------------------------------------------------

    def list_device_credentials(
        self,
        *,
        user_id: str | None = None,
        client_id: str | None = None,
        type: str | None = None,
    ) -> list[DeviceCredential]:
        """Credentials matching every filter given (Auth0 returns at most 1000)."""
        with self._state.lock:
            return [
                c
                for c in self.device_credentials.values()
                if (user_id is None or c.user_id == user_id)
                and (client_id is None or c.client_id == client_id)
                and (type is None or c.type == type)
            ][:1000]

    def create_device_credential(
        self, *, user_id: str, client_id: str, device_name: str, device_id: str, value: str
    ) -> str:
        """A new ``public_key`` credential for ``user_id``; 409 when the device has one."""
        with self._state.lock:
            if user_id not in self.users:
                raise user_not_found()
            if any(
                c.user_id == user_id and c.device_id == device_id and c.type == "public_key"
                for c in self.device_credentials.values()
            ):
                raise ManagementApiError(409, "A public key already exists for the device.")
            credential = DeviceCredential(
                id=new_credential_id(),
                device_name=device_name,
                device_id=device_id,
                type="public_key",
                user_id=user_id,
                client_id=client_id,
                value=value,
            )
            self.device_credentials[credential.id] = credential
        self._state.persist()
        return credential.id

    def delete_device_credential(self, credential_id: str, *, acting_user: str | None) -> None:
        """Delete a credential; one already gone is fine. ``acting_user`` (a current-user
        token's ``sub``) may delete only its own: 403 otherwise (UNCONFIRMED wording)."""
        with self._state.lock:
            credential = self.device_credentials.get(credential_id)
            if credential is None:
                return
            if acting_user is not None and credential.user_id != acting_user:
                raise subject_mismatch()
            del self.device_credentials[credential_id]
        self._state.persist()
