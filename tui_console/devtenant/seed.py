"""The demo tenant's contents: two users, one application, the Management API.

Constants are deterministic so docs, screenshots and tests can name them. Shapes follow the
recordings (``auth0-recordings/NOTES.md`` §1, §3, §4): a database user id is ``auth0|`` + 24
hex digits, ``picture`` is a gravatar URL with Auth0's fallback avatar, dates carry three
fractional digits and ``Z``, only secondary identities carry ``profileData``, device credential
ids are ``dcr_`` + 16 alphanumerics. The application is what Auth0 requires for the device flow
(auth0-reference.md §1.4 [A1]): Native, Token Endpoint Authentication Method ``none``.

This module stays import-light (no cryptography, no starlette) because
``tui_console.devtenant`` re-exports :data:`DEMO_PASSWORD`.
"""

from __future__ import annotations

import functools
import hashlib
from urllib.parse import quote

from tui_console.devtenant.models import (
    Client,
    DeviceCredential,
    Identity,
    ResourceServer,
    User,
    hash_password,
)

__all__ = [
    "CLIENT_ID",
    "CLIENT_NAME",
    "DATABASE_CONNECTION",
    "DEMO_EMAIL",
    "DEMO_NAME",
    "DEMO_PASSWORD",
    "DEMO_USER_ID",
    "MANAGEMENT_API_SCOPES",
    "SECOND_EMAIL",
    "SECOND_NAME",
    "SECOND_PASSWORD",
    "SECOND_USER_ID",
    "SUPPORT_CLIENT_GRANTS",
    "SUPPORT_CLIENT_ID",
    "SUPPORT_CLIENT_NAME",
    "SUPPORT_CLIENT_SECRET",
    "SUPPORT_CLIENT_SECRETS",
    "SUPPORT_JWT_CLIENT_ID",
    "SUPPORT_JWT_CLIENT_NAME",
    "SUPPORT_SCOPES",
    "demo_client",
    "demo_device_credentials",
    "demo_users",
    "gravatar_url",
    "seed_password_hash",
    "management_api",
    "support_clients",
]

#: The native application's client id: 32 alphanumerics, like Auth0's.
CLIENT_ID = "Tc9qL2vXn7RbW4kHs8YdJ3mFa6PeZ1Ug"
CLIENT_NAME = "tui-console"
DATABASE_CONNECTION = "Username-Password-Authentication"

DEMO_USER_ID = "auth0|65f1c0de5a1b2c3d4e5f6a7b"
DEMO_EMAIL = "ada@example.com"
DEMO_NAME = "Ada Lovelace"
DEMO_PASSWORD = "lovelace"

SECOND_USER_ID = "auth0|65f1c0de5a1b2c3d4e5f6a7c"
SECOND_EMAIL = "charles@example.com"
SECOND_NAME = "Charles Babbage"
SECOND_PASSWORD = "babbage"

_SEED_DATE = "2024-03-13T14:05:18.421Z"

#: What a user's token may carry for the Management API: the ``current_user`` scopes
#: (auth0-reference.md §6.1 [F1, F7]). Admin scopes such as ``read:users`` are not granted to a
#: native app's user token.
MANAGEMENT_API_SCOPES = frozenset(
    {
        "read:current_user",
        "update:current_user_metadata",
        "create:current_user_metadata",
        "delete:current_user_metadata",
        "update:current_user_identities",
        "create:current_user_device_credentials",
        "delete:current_user_device_credentials",
        "delete:current_user",
    }
)


#: The support applications (Machine to Machine): one authenticates with a client secret, the
#: other with a registered public key (``private_key_jwt``), auth0-reference.md §8.7.
SUPPORT_CLIENT_ID = "Sp7RtQ4mWx9KcB2nLh6VdF3jYa8GeZ5u"
SUPPORT_CLIENT_NAME = "Support desk"
#: A fixed, printed secret: the dev tenant is a local demo, like :data:`DEMO_PASSWORD`.
SUPPORT_CLIENT_SECRET = "dev-tenant-support-secret-9aB4xQ2mZ7kL1pR8tW3vY6nC0dF5hJ"
SUPPORT_JWT_CLIENT_ID = "Jw3KpZ8qRm5TxV1bNc7HdL4gFs9YaE2u"
SUPPORT_JWT_CLIENT_NAME = "Support desk (private key JWT)"

#: The admin scopes the support applications' client grant names on the Management API: what
#: the support console reads and changes (auth0-reference.md §6.6, §8.2, §8.3, §8.6).
SUPPORT_SCOPES: tuple[str, ...] = (
    "read:users",
    "update:users",
    "read:sessions",
    "delete:sessions",
    "read:refresh_tokens",
    "delete:refresh_tokens",
    "read:logs",
    "read:logs_users",
    "read:device_credentials",
    "delete:device_credentials",
    "read:authentication_methods",
    "delete:authentication_methods",
    "read:guardian_enrollments",
    "delete:guardian_enrollments",
)
#: client id → the scopes of its client grant on the Management API.
SUPPORT_CLIENT_GRANTS: dict[str, tuple[str, ...]] = {
    SUPPORT_CLIENT_ID: SUPPORT_SCOPES,
    SUPPORT_JWT_CLIENT_ID: SUPPORT_SCOPES,
}
SUPPORT_CLIENT_SECRETS: dict[str, str] = {SUPPORT_CLIENT_ID: SUPPORT_CLIENT_SECRET}


@functools.cache
def seed_password_hash(password: str) -> str:
    """Hashed once per process: every test tenant would otherwise pay for PBKDF2 again."""
    return hash_password(password)


def gravatar_url(email: str, name: str) -> str:
    """Auth0's default ``picture``: gravatar with the two-letter avatar as fallback."""
    digest = hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()
    initials = "".join(part[0] for part in name.split()[:2]).lower() or email[:2].lower()
    fallback = quote(f"https://cdn.auth0.com/avatars/{initials}.png", safe="")
    return f"https://s.gravatar.com/avatar/{digest}?s=480&r=pg&d={fallback}"


def demo_client() -> Client:
    """The one application: Native, public, device code + authorization code + refresh."""
    return Client(
        client_id=CLIENT_ID,
        name=CLIENT_NAME,
        app_type="native",
        token_endpoint_auth_method="none",
        grant_types=(
            "urn:ietf:params:oauth:grant-type:device_code",
            "authorization_code",
            "refresh_token",
        ),
    )


def support_clients() -> list[Client]:
    """The two Machine to Machine applications support staff sign in with."""
    return [
        Client(
            client_id=SUPPORT_CLIENT_ID,
            name=SUPPORT_CLIENT_NAME,
            app_type="non_interactive",
            token_endpoint_auth_method="client_secret_post",
            grant_types=("client_credentials",),
        ),
        Client(
            client_id=SUPPORT_JWT_CLIENT_ID,
            name=SUPPORT_JWT_CLIENT_NAME,
            app_type="non_interactive",
            token_endpoint_auth_method="private_key_jwt",
            grant_types=("client_credentials",),
        ),
    ]


def management_api(issuer: str) -> ResourceServer:
    """The Management API of the tenant at ``issuer``: audience ``<issuer>api/v2/``."""
    return ResourceServer(
        identifier=f"{issuer}api/v2/",
        name="Auth0 Management API",
        scopes=MANAGEMENT_API_SCOPES,
        allow_offline_access=True,
    )


def demo_users() -> list[User]:
    """Ada (the demo user, with linked Google and GitHub identities and metadata) and Charles
    (a plain database user to link later). Fresh objects on each call."""
    ada = User(
        user_id=DEMO_USER_ID,
        email=DEMO_EMAIL,
        email_verified=True,
        name=DEMO_NAME,
        nickname="ada",
        picture=gravatar_url(DEMO_EMAIL, DEMO_NAME),
        created_at=_SEED_DATE,
        updated_at=_SEED_DATE,
        password_hash=seed_password_hash(DEMO_PASSWORD),
        given_name="Ada",
        family_name="Lovelace",
        identities=[
            Identity(
                provider="auth0",
                user_id=DEMO_USER_ID.split("|", 1)[1],
                connection=DATABASE_CONNECTION,
                is_social=False,
            ),
            Identity(
                provider="google-oauth2",
                user_id="104817261815121012345",
                connection="google-oauth2",
                is_social=True,
                profile_data={
                    "email": "ada.lovelace@gmail.com",
                    "email_verified": True,
                    "name": DEMO_NAME,
                    "given_name": "Ada",
                    "family_name": "Lovelace",
                    "picture": "https://lh3.googleusercontent.com/a/ACg8ocAdaLovelace=s96-c",
                },
            ),
            Identity(
                provider="github",
                user_id=1815,
                connection="github",
                is_social=True,
                profile_data={
                    "name": DEMO_NAME,
                    "nickname": "countess-of-lovelace",
                    "picture": "https://avatars.githubusercontent.com/u/1815?v=4",
                    "email": DEMO_EMAIL,
                    "email_verified": True,
                },
            ),
        ],
        user_metadata={
            "theme": "dark",
            "language": "en-GB",
            "favourite_machine": "Analytical Engine",
            "preferences": {
                "notifications": {"email": True, "sms": False},
                "timezone": "Europe/London",
            },
        },
        app_metadata={"plan": "pioneer", "roles": ["mathematician"]},
    )
    charles = User(
        user_id=SECOND_USER_ID,
        email=SECOND_EMAIL,
        email_verified=True,
        name=SECOND_NAME,
        nickname="charles",
        picture=gravatar_url(SECOND_EMAIL, SECOND_NAME),
        created_at=_SEED_DATE,
        updated_at=_SEED_DATE,
        password_hash=seed_password_hash(SECOND_PASSWORD),
        identities=[
            Identity(
                provider="auth0",
                user_id=SECOND_USER_ID.split("|", 1)[1],
                connection=DATABASE_CONNECTION,
                is_social=False,
            )
        ],
    )
    return [ada, charles]


def demo_device_credentials() -> list[DeviceCredential]:
    """Ada's device credentials: a public key and two refresh-token records."""
    return [
        DeviceCredential(
            id="dcr_Ad4L0v3lac3K3y01",
            device_name="Ada's laptop",
            device_id="7F9C2BA4-E88F-4A1B-9C3D-5E6F7A8B9C0D",
            type="public_key",
            user_id=DEMO_USER_ID,
            client_id=CLIENT_ID,
            value="MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=",
        ),
        DeviceCredential(
            id="dcr_Ad4R3fr3shT0k3n2",
            device_name="tui-console/0.1.0 (Linux x86_64)",
            device_id="",
            type="refresh_token",
            user_id=DEMO_USER_ID,
            client_id=CLIENT_ID,
        ),
        DeviceCredential(
            id="dcr_Ad4R0t4t1ngT0k3n",
            device_name="tui-console/0.1.0 (Darwin arm64)",
            device_id="",
            type="rotating_refresh_token",
            user_id=DEMO_USER_ID,
            client_id=CLIENT_ID,
        ),
    ]
