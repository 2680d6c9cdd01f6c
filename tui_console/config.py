"""Profiles: which tenant and application a person signs in to.

A profile names an issuer (an Auth0 domain becomes ``https://DOMAIN/``), the native
application's client id, the API audience to ask for and the scopes. Profiles live in a
small TOML file (``paths.config_file()``), never with tokens in it. The file is read with
``tomllib`` and written by :func:`save_profile`, which only has to emit strings, integers
and lists of them, so no TOML-writing dependency is needed.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tui_console.auth.discovery import check_issuer_url
from tui_console.errors import ConfigError
from tui_console.paths import config_file

__all__ = [
    "DEFAULT_PROFILE",
    "DEFAULT_REDIRECT_PORTS",
    "MANAGEMENT_SCOPES",
    "Profile",
    "issuer_for_domain",
    "load_keymap",
    "load_profiles",
    "management_audience",
    "resolve_profile",
    "save_profile",
]

DEFAULT_PROFILE = "default"

#: Loopback ports the browser flow may bind, in order. Auth0 matches callback URLs port and
#: all (auth0-reference.md §2.4), so each must be listed in the application's Allowed
#: Callback URLs as ``http://127.0.0.1:PORT/callback``.
DEFAULT_REDIRECT_PORTS: tuple[int, ...] = (8484, 8485, 8486)

#: The sign-in scopes: OIDC identity, a refresh token, and what the console does with the
#: Management API on the person's own account (auth0-reference.md §6.1).
MANAGEMENT_SCOPES: tuple[str, ...] = (
    "openid",
    "profile",
    "email",
    "offline_access",
    "read:current_user",
    "update:current_user_metadata",
    "create:current_user_metadata",
    "update:current_user_identities",
    "create:current_user_device_credentials",
    "delete:current_user_device_credentials",
)

_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*(?::\d{{1,5}})?$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.~-]{1,128}$")


def issuer_for_domain(domain: str) -> str:
    """``https://DOMAIN/``: the issuer Auth0 uses for a tenant or custom domain (with the slash)."""
    host = domain.strip()
    for prefix in ("https://", "http://"):
        if host.lower().startswith(prefix):
            host = host[len(prefix) :]
    host = host.rstrip("/")
    if not _DOMAIN.match(host):
        raise ConfigError(
            f"{domain!r} is not a domain name.",
            hint="Give the tenant's domain, such as your-tenant.eu.auth0.com.",
        )
    return f"https://{host}/"


def management_audience(issuer: str) -> str:
    """The Management API audience of an Auth0 issuer: ``https://DOMAIN/api/v2/``."""
    return issuer.rstrip("/") + "/api/v2/"


@dataclass(frozen=True)
class Profile:
    """One tenant + application pairing, as saved in the config file."""

    name: str
    """The profile's name (``--profile``); also names its token file."""
    issuer: str
    """The OpenID issuer URL; for Auth0 ``https://DOMAIN/``."""
    client_id: str
    """The native application's client id (Token Endpoint Authentication Method: None)."""
    audience: str | None = None
    """The API to ask tokens for; ``None`` gives a token good for ``/userinfo`` only."""
    scopes: tuple[str, ...] = MANAGEMENT_SCOPES
    """Scopes asked at sign-in."""
    redirect_ports: tuple[int, ...] = DEFAULT_REDIRECT_PORTS
    """Loopback ports registered as callbacks, tried in order by the browser flow."""
    dpop: bool = False
    """Sign in with DPoP (RFC 9449): tokens bound to a key kept beside the token file
    (``dpop = true`` in the file; ``tui-console login --dpop`` for one sign-in)."""
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)
    """Unknown keys read from the file, kept so that saving does not lose them."""

    def validate(self) -> Profile:
        """Return ``self`` if every field is usable, else raise a :class:`ConfigError` naming it."""
        if not _PROFILE_NAME.match(self.name):
            raise ConfigError(
                f"The profile name {self.name!r} is not allowed.",
                hint="Use letters, digits, '-', '_' or '.', starting with a letter or digit.",
            )
        check_issuer_url(self.issuer)
        if not _CLIENT_ID.match(self.client_id):
            raise ConfigError(
                f"The client id {self.client_id!r} is not a valid client id.",
                hint="Copy it from the Auth0 application's Settings tab (Client ID).",
            )
        if self.audience is not None:
            check_issuer_url(self.audience, what="audience")
        if not self.scopes:
            raise ConfigError("The profile asks for no scopes.", hint="Add at least 'openid'.")
        if not self.redirect_ports or not all(0 < p < 65536 for p in self.redirect_ports):
            raise ConfigError(
                f"The redirect ports {list(self.redirect_ports)} are not valid port numbers.",
                hint="List ports between 1024 and 65535 registered as callback URLs.",
            )
        return self

    @property
    def scope(self) -> str:
        """The scopes as the space-separated string OAuth sends."""
        return " ".join(self.scopes)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"The config file {path} cannot be read: {exc}.",
            hint="Fix or delete it; profiles can be recreated with --domain and --client-id.",
        ) from None


def _profile_from(name: str, data: Mapping[str, Any], path: Path) -> Profile:
    known = {"issuer", "client_id", "audience", "scopes", "redirect_ports", "dpop"}
    try:
        issuer = str(data["issuer"])
        client_id = str(data["client_id"])
    except KeyError as missing:
        raise ConfigError(
            f"Profile {name!r} in {path} has no {missing.args[0]}.",
            hint="Add it, or recreate the profile with --domain and --client-id.",
        ) from None
    scopes = data.get("scopes", list(MANAGEMENT_SCOPES))
    ports = data.get("redirect_ports", list(DEFAULT_REDIRECT_PORTS))
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise ConfigError(f"Profile {name!r} in {path}: scopes must be a list of strings.")
    if not isinstance(ports, list) or not all(isinstance(p, int) for p in ports):
        raise ConfigError(f"Profile {name!r} in {path}: redirect_ports must be a list of integers.")
    dpop = data.get("dpop", False)
    if not isinstance(dpop, bool):
        raise ConfigError(f"Profile {name!r} in {path}: dpop must be true or false.")
    audience = data.get("audience") or None
    return Profile(
        name=name,
        issuer=issuer,
        client_id=client_id,
        audience=str(audience) if audience else None,
        scopes=tuple(scopes),
        redirect_ports=tuple(ports),
        dpop=dpop,
        extra={k: v for k, v in data.items() if k not in known},
    ).validate()


def load_profiles(path: Path | None = None) -> tuple[dict[str, Profile], str | None]:
    """Every profile in the config file, and the name of the default one (if any)."""
    path = path or config_file()
    data = _read_file(path)
    tables = data.get("profiles", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{path}: 'profiles' must be a table of profiles.")
    profiles = {name: _profile_from(name, table, path) for name, table in tables.items()}
    default = data.get("default_profile")
    return profiles, str(default) if isinstance(default, str) else None


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """The ``[keymap]`` table: binding id -> keys, e.g. ``"tabs.metadata" = "m"``.

    Every console binding has an id (the help screen lists them), so a person can move any
    key that clashes with their terminal or habits; Textual applies the map by id.
    """
    path = path or config_file()
    table = _read_file(path).get("keymap", {})
    if not isinstance(table, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in table.items()
    ):
        raise ConfigError(f'{path}: [keymap] must map binding ids to keys, e.g. "app.help" = "f2".')
    return dict(table)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # JSON string escapes (\" \\ \n \uXXXX ...) are all valid TOML basic-string escapes.
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise ConfigError(f"Cannot write {type(value).__name__} values to the config file.")


def _dump(profiles: Mapping[str, Profile], default: str | None, keymap: Mapping[str, str]) -> str:
    lines = ["# tui-console profiles. Tokens are not kept here.", ""]
    if default:
        lines += [f"default_profile = {_toml_value(default)}", ""]
    if keymap:
        lines.append("[keymap]")
        lines += [f"{_toml_value(key)} = {_toml_value(keys)}" for key, keys in keymap.items()]
        lines.append("")
    for profile in profiles.values():
        lines.append(f"[profiles.{_toml_value(profile.name)}]")
        fields: dict[str, Any] = {
            "issuer": profile.issuer,
            "client_id": profile.client_id,
            "scopes": list(profile.scopes),
            "redirect_ports": list(profile.redirect_ports),
        }
        if profile.audience:
            fields["audience"] = profile.audience
        if profile.dpop:
            fields["dpop"] = True
        fields.update(profile.extra)
        lines += [f"{key} = {_toml_value(value)}" for key, value in fields.items()]
        lines.append("")
    return "\n".join(lines)


def save_profile(profile: Profile, *, make_default: bool = False, path: Path | None = None) -> None:
    """Add or replace ``profile`` in the config file, written atomically."""
    path = path or config_file()
    profiles, default = load_profiles(path)
    keymap = load_keymap(path)  # rewritten as it was: saving a profile must not drop it
    profiles[profile.name] = profile.validate()
    if make_default or default is None:
        default = profile.name
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(_dump(profiles, default, keymap))
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def resolve_profile(
    *,
    name: str | None = None,
    issuer: str | None = None,
    domain: str | None = None,
    client_id: str | None = None,
    audience: str | None = None,
    environ: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> tuple[Profile, bool]:
    """The profile to use, and whether it was (re)defined by flags or environment.

    Precedence: flags, then ``AUTH0_DOMAIN``/``AUTH0_CLIENT_ID``, then the saved profile.
    A new issuer gets the Management API audience of that issuer unless one is given.
    """
    env = os.environ if environ is None else environ
    profiles, default = load_profiles(path)
    profile_name = name or default or DEFAULT_PROFILE
    saved = profiles.get(profile_name)

    if issuer and domain:
        raise ConfigError("Give either --issuer or --domain, not both.")
    if domain is None and issuer is None and env.get("AUTH0_DOMAIN"):
        domain = env["AUTH0_DOMAIN"]
    client_id = client_id or env.get("AUTH0_CLIENT_ID") or None
    new_issuer = issuer_for_domain(domain) if domain else issuer

    if saved is None and not (new_issuer and client_id):
        where = f"profile {profile_name!r}" if name else "a profile"
        raise ConfigError(
            f"There is no {where} to use yet.",
            hint=(
                "Give --domain YOUR-TENANT.auth0.com --client-id YOUR-CLIENT-ID once "
                "(or set AUTH0_DOMAIN and AUTH0_CLIENT_ID), or try `tui-console demo`."
            ),
        )
    if saved is None:
        assert new_issuer and client_id
        profile = Profile(
            name=profile_name,
            issuer=new_issuer,
            client_id=client_id,
            audience=audience or management_audience(new_issuer),
        )
        return profile.validate(), True

    changes: dict[str, Any] = {}
    if new_issuer and new_issuer != saved.issuer:
        changes["issuer"] = new_issuer
        changes["audience"] = audience or management_audience(new_issuer)
    if client_id and client_id != saved.client_id:
        changes["client_id"] = client_id
    if audience and audience != saved.audience:
        changes["audience"] = audience
    if not changes:
        return saved, False
    return replace(saved, **changes).validate(), True
