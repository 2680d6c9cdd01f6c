"""Profiles: which tenant and application a person signs in to.

A profile names an issuer (an Auth0 domain becomes ``https://DOMAIN/``), the native
application's client id, the API audience to ask for and the scopes. Profiles live in a
small TOML file (``paths.config_file()``), never with tokens in it. The file is read with
``tomllib`` and written by :func:`save_profile`, :func:`set_default_profile` and
:func:`remove_profile`, which only have to emit strings, integers and lists of them, so no
TOML-writing dependency is needed. Only a successful sign-in saves a profile: flags on any
other command change :func:`resolve_profile`'s answer for that run alone.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from tui_console.errors import ConfigError
from tui_console.issuer_url import check_issuer_url
from tui_console.paths import config_file

__all__ = [
    "DEFAULT_PROFILE",
    "DEFAULT_REDIRECT_PORTS",
    "MANAGEMENT_SCOPES",
    "ClientAuth",
    "Profile",
    "SecretStoreKind",
    "issuer_for_domain",
    "load_keymap",
    "load_profiles",
    "management_audience",
    "remove_profile",
    "resolve_profile",
    "save_profile",
    "set_default_profile",
    "unknown_profile",
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

ClientAuth = Literal["secret", "private_key_jwt"]
"""How a machine profile's application authenticates (``client_auth`` in the file)."""
_CLIENT_AUTH_METHODS: tuple[ClientAuth, ...] = ("secret", "private_key_jwt")
SecretStoreKind = Literal["file", "keyring"]
"""Where a machine profile's client secret is kept (``secret_store`` in the file)."""
_SECRET_STORES: tuple[SecretStoreKind, ...] = ("file", "keyring")

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
    client_auth: ClientAuth | None = None
    """A machine profile (support staff): how the application authenticates for the
    client-credentials grant, ``"secret"`` (kept in a 0600 file beside the token file, never
    here) or ``"private_key_jwt"``; ``None``: a person signs in (device or browser flow)."""
    private_key_file: str | None = None
    """For ``private_key_jwt``: the path of the PEM key that signs the assertions. The key is
    never copied; only this path is remembered."""
    secret_store: SecretStoreKind = "file"
    """Where a ``client_auth = "secret"`` profile keeps the secret: ``"file"`` (0600, beside
    the token file) or ``"keyring"`` (the OS keyring, the optional ``keyring`` extra)."""
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
        if self.client_auth == "private_key_jwt" and not self.private_key_file:
            raise ConfigError(
                f"Profile {self.name!r} signs in with private_key_jwt but names no key file.",
                hint="Sign in again with --client-credentials --private-key-file FILE.",
            )
        return self

    @property
    def machine(self) -> bool:
        """Whether an application signs in (client credentials), not a person."""
        return self.client_auth is not None

    @property
    def scope(self) -> str:
        """The scopes as the space-separated string OAuth sends."""
        return " ".join(self.scopes)


_FIX_OR_DELETE = (
    "Fix it in an editor, or move it away and sign in again: "
    "tui-console login --domain YOUR-TENANT.auth0.com --client-id YOUR-CLIENT-ID"
)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"The config file {path} is not UTF-8 text (byte {exc.start} cannot be decoded).",
            hint="Save it as UTF-8. " + _FIX_OR_DELETE,
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"The config file {path} is not valid TOML: {exc}.", hint=_FIX_OR_DELETE
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"The config file {path} cannot be read: {exc.strerror or exc}.",
            hint=f"Check the permissions of {path}.",
        ) from None


def _profile_from(name: str, data: Any, path: Path) -> Profile:
    known = {
        "issuer",
        "client_id",
        "audience",
        "scopes",
        "redirect_ports",
        "dpop",
        "client_auth",
        "private_key_file",
        "secret_store",
    }
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: profiles.{name} must be a table ([profiles.{name}]), not a single value.",
            hint=_FIX_OR_DELETE,
        )
    for key in ("issuer", "client_id"):
        if key not in data:
            raise ConfigError(
                f"Profile {name!r} in {path} has no {key}.",
                hint="Add it, or recreate the profile with --domain and --client-id.",
            )
    for key in ("issuer", "client_id", "audience"):
        if key in data and not isinstance(data[key], str):
            raise ConfigError(
                f"Profile {name!r} in {path}: {key} must be a quoted string.", hint=_FIX_OR_DELETE
            )
    issuer, client_id = data["issuer"], data["client_id"]
    scopes = data.get("scopes", list(MANAGEMENT_SCOPES))
    ports = data.get("redirect_ports", list(DEFAULT_REDIRECT_PORTS))
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise ConfigError(
            f"Profile {name!r} in {path}: scopes must be a list of strings.", hint=_FIX_OR_DELETE
        )
    if not isinstance(ports, list) or not all(isinstance(p, int) for p in ports):
        raise ConfigError(
            f"Profile {name!r} in {path}: redirect_ports must be a list of integers.",
            hint=_FIX_OR_DELETE,
        )
    dpop = data.get("dpop", False)
    if not isinstance(dpop, bool):
        raise ConfigError(
            f"Profile {name!r} in {path}: dpop must be true or false.", hint=_FIX_OR_DELETE
        )
    client_auth = data.get("client_auth")
    if client_auth is not None and client_auth not in _CLIENT_AUTH_METHODS:
        raise ConfigError(
            f'Profile {name!r} in {path}: client_auth must be "secret" or '
            f'"private_key_jwt", not {client_auth!r}.',
            hint=_FIX_OR_DELETE,
        )
    key_file = data.get("private_key_file")
    if key_file is not None and not isinstance(key_file, str):
        raise ConfigError(
            f"Profile {name!r} in {path}: private_key_file must be a quoted path.",
            hint=_FIX_OR_DELETE,
        )
    secret_store = data.get("secret_store", "file")
    if secret_store not in _SECRET_STORES:
        raise ConfigError(
            f'Profile {name!r} in {path}: secret_store must be "file" or "keyring", '
            f"not {secret_store!r}.",
            hint=_FIX_OR_DELETE,
        )
    return Profile(
        name=name,
        issuer=issuer,
        client_id=client_id,
        audience=data.get("audience") or None,
        scopes=tuple(scopes),
        redirect_ports=tuple(ports),
        dpop=dpop,
        client_auth=client_auth,
        private_key_file=key_file or None,
        secret_store=secret_store,
        extra={k: v for k, v in data.items() if k not in known},
    ).validate()


def load_profiles(path: Path | None = None) -> tuple[dict[str, Profile], str | None]:
    """Every profile in the config file, and the name of the default one (if any)."""
    path = path or config_file()
    data = _read_file(path)
    tables = data.get("profiles", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{path}: 'profiles' must be a table of profiles.", hint=_FIX_OR_DELETE)
    profiles = {name: _profile_from(name, table, path) for name, table in tables.items()}
    default = data.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise ConfigError(
            f"{path}: default_profile must be a quoted profile name.", hint=_FIX_OR_DELETE
        )
    return profiles, default


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
        if profile.client_auth:
            fields["client_auth"] = profile.client_auth
        if profile.private_key_file:
            fields["private_key_file"] = profile.private_key_file
        if profile.secret_store != "file":
            fields["secret_store"] = profile.secret_store
        fields.update(profile.extra)
        lines += [f"{key} = {_toml_value(value)}" for key, value in fields.items()]
        lines.append("")
    return "\n".join(lines)


def save_profile(profile: Profile, *, make_default: bool = False, path: Path | None = None) -> None:
    """Add or replace ``profile`` in the config file, written atomically."""
    path = path or config_file()
    profiles, default = load_profiles(path)
    profiles[profile.name] = profile.validate()
    if make_default or default is None:
        default = profile.name
    _write_config(path, profiles, default)


def set_default_profile(name: str, *, path: Path | None = None) -> Profile:
    """Make the saved profile ``name`` the default one; :class:`ConfigError` if unknown."""
    path = path or config_file()
    profiles, _ = load_profiles(path)
    if name not in profiles:
        raise unknown_profile(name, profiles, path)
    _write_config(path, profiles, name)
    return profiles[name]


def remove_profile(name: str, *, path: Path | None = None) -> None:
    """Delete the saved profile ``name`` (and the default, if it was the default)."""
    path = path or config_file()
    profiles, default = load_profiles(path)
    if profiles.pop(name, None) is None:
        raise unknown_profile(name, profiles, path)
    _write_config(path, profiles, None if default == name else default)


def _write_config(path: Path, profiles: Mapping[str, Profile], default: str | None) -> None:
    """Rewrite the config file atomically, keeping its ``[keymap]`` table as it was."""
    keymap = load_keymap(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # with shutil and random: only a write needs it, not a read

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


def unknown_profile(name: str, profiles: Mapping[str, Profile], path: Path) -> ConfigError:
    """The error for a profile name that is not saved: it names the ones that are."""
    known = ", ".join(sorted(profiles)) if profiles else "none yet"
    return ConfigError(
        f"There is no profile {name!r} in {path} (saved profiles: {known}).",
        hint=(
            "List them with `tui-console profiles`; a new profile is made by signing in: "
            f"tui-console login --profile {name} --domain YOUR-TENANT.auth0.com "
            "--client-id YOUR-CLIENT-ID"
        ),
    )


def resolve_profile(
    *,
    name: str | None = None,
    issuer: str | None = None,
    domain: str | None = None,
    client_id: str | None = None,
    audience: str | None = None,
    create: bool = False,
    environ: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> tuple[Profile, bool]:
    """The profile for this run, and whether flags or environment changed it from the saved one.

    Precedence: flags, then ``AUTH0_DOMAIN``/``AUTH0_CLIENT_ID``, then the saved profile.
    A new issuer gets the Management API audience of that issuer unless one is given. Nothing
    is saved here: a changed profile is for this run only, until a sign-in saves it.
    A ``name`` that is not saved is a :class:`ConfigError` naming the saved ones, unless
    ``create`` (``login``, which saves it once the sign-in succeeds).
    """
    path = path or config_file()
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

    if saved is None and name is not None and not (create and new_issuer and client_id):
        raise unknown_profile(name, profiles, path)
    if saved is None and not (new_issuer and client_id):
        if profiles and name is None:
            known = ", ".join(sorted(profiles))
            missing = f"The default profile {default!r} is not" if default else "No default is"
            raise ConfigError(
                f"{missing} in {path} (saved profiles: {known}).",
                hint="Choose one: tui-console profiles use NAME (or give --profile NAME).",
            )
        raise ConfigError(
            "There is no profile to use yet.",
            hint=(
                "Sign in once with tui-console login --domain YOUR-TENANT.auth0.com "
                "--client-id YOUR-CLIENT-ID (or set AUTH0_DOMAIN and AUTH0_CLIENT_ID), "
                "or try `tui-console demo`."
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
