"""A user agent in words: "Firefox 128 on Linux", for the support console's sessions.

Auth0 records the raw ``User-Agent`` of a session's first and last request (auth0-reference.md
§8.2). A support person needs two facts from it, the browser and the operating system, not a
device database: so this is a small parser of our own, in the order browsers are known to
masquerade (Edge and Opera say "Chrome", Chrome says "Safari", every browser says
"Mozilla"), instead of a dependency. ``ua-parser`` needs its regex data kept current and
``user-agents`` is unmaintained; both would be a large install for two words. A string that
fits no rule keeps its first product token ("curl 8.5", "tui-console 1.2"), never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["UserAgent", "describe_user_agent"]

#: (name, pattern whose group 1 is the version), first match wins: masqueraders first.
_BROWSERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("Edge", r"\bEdg(?:e|A|iOS)?/(\d+)"),
        ("Opera", r"\b(?:OPR|Opera)/(\d+)"),
        ("Samsung Internet", r"\bSamsungBrowser/(\d+)"),
        ("Firefox", r"\b(?:Firefox|FxiOS)/(\d+)"),
        ("Chrome", r"\b(?:Chrome|CriOS)/(\d+)"),
        ("Safari", r"\bVersion/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/"),
    )
)
#: (name, pattern), first match wins: iOS and Android before the desktop systems they mimic.
_SYSTEMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("iOS", r"\b(?:iPhone|iPad|iPod)\b"),
        ("Android", r"\bAndroid\b"),
        ("ChromeOS", r"\bCrOS\b"),
        ("Windows", r"\bWindows\b"),
        ("macOS", r"\bMac OS X\b|\bMacintosh\b"),
        ("Linux", r"\bLinux\b"),
    )
)
_PRODUCT = re.compile(r"^([A-Za-z][\w.+-]*)(?:/(\d[\w.]*))?")


@dataclass(frozen=True)
class UserAgent:
    """The browser (or program) and operating system a ``User-Agent`` names, as far as known."""

    browser: str | None
    """"Firefox 128", "curl 8.5.0"; ``None`` when the string names nothing recognisable."""
    system: str | None
    """"Linux", "macOS", "iOS"...; ``None`` when it does not say."""

    @property
    def words(self) -> str:
        """ "Firefox 128 on Linux", "curl 8.5.0", or "unknown"."""
        if self.browser and self.system:
            return f"{self.browser} on {self.system}"
        return self.browser or (f"a browser on {self.system}" if self.system else "unknown")


def describe_user_agent(header: str | None) -> UserAgent:
    """The :class:`UserAgent` of a raw header value (``None`` or empty: nothing known)."""
    text = (header or "").strip()
    if not text:
        return UserAgent(None, None)
    system = next((name for name, pattern in _SYSTEMS if pattern.search(text)), None)
    for name, pattern in _BROWSERS:
        found = pattern.search(text)
        if found:
            return UserAgent(f"{name} {found.group(1)}", system)
    product = _PRODUCT.match(text)
    if product is None or product.group(1) in ("Mozilla", "Other"):  # Other: Auth0 for "none"
        return UserAgent(None, system)
    version = product.group(2)
    return UserAgent(f"{product.group(1)} {version}" if version else product.group(1), system)
