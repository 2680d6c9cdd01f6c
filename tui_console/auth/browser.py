"""Whether a browser can be opened *in front of the person*, and opening one.

Over SSH a browser would start on the remote host (or fail noisily), and on a Linux box
without a display there is none to start. Then the device flow, or a printed URL, is the
right choice (RFC 8252 §7 assumes the browser runs where the person is).
"""

from __future__ import annotations

import os
import sys
import webbrowser
from collections.abc import Mapping

__all__ = ["browser_is_usable", "open_in_browser"]


def browser_is_usable(
    env: Mapping[str, str] | None = None, platform: str | None = None
) -> tuple[bool, str]:
    """``(usable, reason)``: can :func:`open_in_browser` reach a browser the person sees?

    ``reason`` says why in words fit for a status line. An SSH session counts as remote
    unless it forwards a display; macOS and Windows always have a browser locally; other
    systems need ``DISPLAY``/``WAYLAND_DISPLAY``, or a ``BROWSER`` the person chose.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    display = env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")
    if (env.get("SSH_CONNECTION") or env.get("SSH_TTY")) and not display:
        return False, "this is an SSH session without a display, so a browser would open remotely"
    if platform == "darwin" or platform.startswith(("win32", "cygwin")):
        return True, "a desktop browser is available"
    if display:
        return True, "a graphical display is available"
    if env.get("BROWSER"):
        return True, "BROWSER is set"
    return False, "there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)"


def open_in_browser(url: str) -> bool:
    """Open ``url`` in a new browser tab; ``False`` on any failure, never an exception.

    The caller shows the URL either way, so a failure here only means "open it yourself".
    """
    try:
        return webbrowser.open(url, new=2)
    except Exception:  # webbrowser raises whatever the platform launcher raises
        return False
