"""Which flow the sign-in screen starts with, and the line that says why (pure functions)."""

from __future__ import annotations

import pytest

from tui_console.ui.screens.sign_in_advice import Flow, first_flow, flow_advice

SSH = "no display (SSH session)"
DESKTOP = "a graphical display is available"


@pytest.mark.parametrize(
    ("usable", "demo", "flow"),
    [(True, False, "browser"), (False, False, "device"), (True, True, "device")],
)
def test_the_first_flow_is_the_one_that_works_here(usable: bool, demo: bool, flow: Flow) -> None:
    assert first_flow(browser_usable=usable, demo=demo) == flow


def test_over_ssh_the_device_flow_is_recommended_and_the_browser_offered_anyway() -> None:
    device = flow_advice("device", browser_usable=False, reason=SSH, demo=False)
    assert device == f"Device flow recommended: {SSH}. b for the browser flow anyway."
    browser = flow_advice("browser", browser_usable=False, reason=SSH, demo=False)
    assert browser.startswith(f"Browser flow, although {SSH}: open the address on your own")
    assert "d for the device flow (recommended here)" in browser


def test_on_a_desktop_the_browser_flow_is_recommended_and_the_device_flow_offered() -> None:
    browser = flow_advice("browser", browser_usable=True, reason=DESKTOP, demo=False)
    assert (
        browser
        == f"Browser flow recommended: {DESKTOP}. d for a code to approve on another device."
    )
    device = flow_advice("device", browser_usable=True, reason=DESKTOP, demo=False)
    assert f"would also work here ({DESKTOP}): b." in device


@pytest.mark.parametrize("flow", ["device", "browser"])
def test_the_demo_says_how_it_signs_in_whatever_the_machine(flow: Flow) -> None:
    for usable in (True, False):
        advice = flow_advice(flow, browser_usable=usable, reason=SSH, demo=True)
        assert advice.startswith("Demo tenant:")
        assert SSH not in advice
    assert "password lovelace" in flow_advice("browser", browser_usable=True, reason="", demo=True)
