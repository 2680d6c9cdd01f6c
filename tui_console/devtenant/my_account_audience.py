"""The My Account API as a token audience: its scopes, its resource server, and MRRT.

What Auth0 documents (auth0-reference.md §3.6, §8.1, §8.4) is followed; what it does not is
chosen here and marked **UNRECORDED** (no recording of any ``/me/v1`` call exists, NOTES.md §12):

* the API's audience is ``<issuer>me/``; it exists only while ``TenantSettings.my_account_active``
  is on (the dashboard's "Activate"), and a token for it needs a client grant
  (``my_account_client_grant``, ``subject_type: "user"``): effective scopes = grant ∩ asked;
* a Multi-Resource Refresh Token exchange (§3.6) mints a ``/me/`` token from a sign-in for
  another API when the demo client's refresh-token policy (``my_account_refresh_policy``) names
  it; disallowed scopes are dropped silently. UNRECORDED: without a policy Auth0's answer is
  not documented; here it is 403 ``access_denied``.

The methods behind the API are :mod:`.my_account`'s, its endpoints :mod:`.my_account_routes`'.
"""

from __future__ import annotations

from dataclasses import replace

from tui_console.devtenant.models import ResourceServer
from tui_console.devtenant.records import Grant

__all__ = [
    "MY_ACCOUNT_SCOPES",
    "RefreshPolicyRefused",
    "my_account_api",
    "my_account_audience",
    "refresh_policy_grant",
]

MY_ACCOUNT_SCOPES: tuple[str, ...] = (
    "read:me:authentication_methods",
    "create:me:authentication_methods",
    "update:me:authentication_methods",
    "delete:me:authentication_methods",
    "read:me:factors",
)
"""The authentication-method and factor scopes (§8.1 [H1, YO])."""


def my_account_audience(issuer: str) -> str:
    """``<issuer>me/``: the audience (with its trailing slash, §8.4)."""
    return f"{issuer}me/"


def my_account_api(
    issuer: str, *, active: bool, client_grant: tuple[str, ...] | None
) -> ResourceServer | None:
    """The My Account API as a token audience: ``None`` while it is not activated.

    Its scopes are those of the application's client grant (``None``: all of them): Auth0's
    default policy for it is ``require_client_grant`` (§8.1 [H1]), so a scope outside the grant
    is never issued. UNRECORDED: with no grant at all Auth0 refuses the audience; here the API
    then grants nothing, and :func:`refresh_policy_grant` refuses it.
    """
    if not active:
        return None
    scopes = MY_ACCOUNT_SCOPES if client_grant is None else client_grant
    return ResourceServer(
        identifier=my_account_audience(issuer),
        name="My Account API",
        scopes=frozenset(scopes) & frozenset(MY_ACCOUNT_SCOPES),
        allow_offline_access=True,
    )


class RefreshPolicyRefused(Exception):
    """An MRRT exchange for an audience the client may not have: ``str()`` is the description."""


def refresh_policy_grant(
    grant: Grant,
    audience: str,
    requested: str | None,
    *,
    api: ResourceServer | None,
    policy: tuple[str, ...] | None,
    has_client_grant: bool,
) -> Grant:
    """The grant an MRRT exchange from ``grant`` to ``audience`` yields (§3.6 [C7]).

    ``policy`` is the client's ``refresh_token.policies`` entry for ``audience`` (``None``: no
    entry). Requested scopes outside policy ∩ API are dropped silently; no ``scope`` asks for
    all the policy allows. Raises :class:`RefreshPolicyRefused` (UNRECORDED wording).
    """
    if api is None:
        raise RefreshPolicyRefused(f"Service not found: {audience}")
    if not has_client_grant:
        raise RefreshPolicyRefused(
            f'Client is not authorized to access "{audience}". You need to create a '
            '"client-grant" associated to this API.'
        )
    if policy is None:
        raise RefreshPolicyRefused(
            f"The refresh token cannot be used for {audience}: the application has no "
            "refresh token policy for it"
        )
    allowed = [scope for scope in policy if scope in api.scopes]
    wanted = requested.split() if requested else allowed
    scopes = tuple(scope for scope in wanted if scope in allowed)
    return replace(grant, audience=audience, scopes=scopes, nonce=None)
