"""Which sign-in flow suits this machine, and why, in words: pure functions, no widgets.

Over SSH or without a display a browser would open on the wrong machine (or not at all), so
the device flow comes first there (ux-notes.md §3.4); on a desktop the browser flow does. The
demo tenant starts with the device flow, which it approves by itself.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["Flow", "first_flow", "flow_advice"]

Flow = Literal["device", "browser"]


def first_flow(*, browser_usable: bool, demo: bool) -> Flow:
    """The flow the sign-in screen starts with."""
    return "browser" if browser_usable and not demo else "device"


def flow_advice(flow: Flow, *, browser_usable: bool, reason: str, demo: bool) -> str:
    """The line above the flow: whether it is the one to use here, and the key for the other.

    ``reason`` is why a browser is (or is not) usable here, e.g. "no display (SSH session)".
    """
    if demo:
        if flow == "device":
            return (
                "Demo tenant: it approves this code by itself in a few seconds, as Ada "
                "Lovelace. b for the browser flow instead."
            )
        return (
            "Demo tenant: sign in on its page as Ada (ada@example.com, password lovelace). "
            "d for the device flow, which it approves by itself."
        )
    if flow == "device":
        if browser_usable:
            return (
                f"Device flow: approve the code on any device. The browser flow would also "
                f"work here ({reason}): b."
            )
        return f"Device flow recommended: {reason}. b for the browser flow anyway."
    if browser_usable:
        return f"Browser flow recommended: {reason}. d for a code to approve on another device."
    return (
        f"Browser flow, although {reason}: open the address on your own machine and paste "
        "the address it lands on. d for the device flow (recommended here)."
    )
