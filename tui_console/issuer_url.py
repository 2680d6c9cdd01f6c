"""Which issuer URLs are acceptable: https, or plain http on a loopback host only.

An ``http://`` issuer is accepted only on a loopback host (the dev tenant, oidc-provider in
tests); everything else must be ``https://``: openid-client's ``allowInsecureRequests`` idea
made automatic and narrow, so no real deployment can be talked into plain HTTP. Its own
module, without httpx, because every profile is checked with it as it is read
(:mod:`tui_console.config`), on the fast path of ``tui-console token`` too; discovery
(:mod:`tui_console.auth.discovery`) re-exports it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tui_console.errors import ConfigError

__all__ = ["check_issuer_url", "is_loopback_host"]


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    import ipaddress  # only for an http:// issuer (the dev tenant, tests)

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_issuer_url(url: str, *, what: str = "issuer") -> str:
    """``url`` if it is absolute https, or http on a loopback host; else :class:`ConfigError`."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(
            f"The {what} {url!r} is not an absolute http(s) URL.",
            hint="Give an issuer like https://YOUR-TENANT.auth0.com/ or use --domain.",
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"The {what} {url!r} must not have a query or fragment.")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigError(
            f"The {what} {url!r} uses plain http on a non-loopback host.",
            hint="Use https; plain http is allowed only for 127.0.0.1 (the dev tenant).",
        )
    return url
