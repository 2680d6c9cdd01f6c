"""``tui-console demo`` in a real terminal: tmux at 80x24, keys sent, screen and clipboard read.

The walk-through is a list of steps run in order against one demo console; each step is a
function taking the :class:`TmuxSession`, so more steps (editing metadata, revoking a device)
slot in before :func:`quit_says_the_draft_is_kept` without touching the others.

The console runs in :mod:`tests.e2e.tmux` (the ``demo_console`` fixture of ``conftest.py``): a
private tmux server with the XDG directories under ``tmp_path``, so the demo tenant's state and
tokens never touch the person's own; it is always killed at the end, pass or fail.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.tmux import TmuxSession

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

USER_CODE = re.compile(r"\b([B-Z]{4}-[B-Z]{4})\b")


# -- the steps ---------------------------------------------------------------------------------


def device_screen_shows_the_code(tmux: TmuxSession) -> None:
    """The real device-flow screen comes first, with the user code and where to enter it."""
    screen = tmux.wait_for(USER_CODE)
    assert "and enter the code" in screen
    assert "/activate" in screen
    match = USER_CODE.search(screen)
    assert match is not None
    tmux.user_code = match.group(1)


def c_copies_the_code(tmux: TmuxSession) -> None:
    """``c`` copies the user code through OSC 52: tmux's buffer holds it."""
    tmux.send("c")
    deadline = time.monotonic() + 3
    while tmux.clipboard() != tmux.user_code and time.monotonic() < deadline:
        time.sleep(0.05)
    assert tmux.clipboard() == tmux.user_code


def console_shows_the_demo_user(tmux: TmuxSession) -> None:
    """The tenant approves after a few seconds; the console shows Ada's profile."""
    tmux.wait_for("1 Profile", timeout=30)
    screen = tmux.wait_for(re.compile(r"name +Ada Lovelace"))  # the Profile tab's first row
    assert "Profile demo · Ada Lovelace" in screen  # the session strip
    assert "token" in screen and "fresh" in screen  # the session strip
    assert "Rate limits" in screen  # the gauge


def _tenant(tmux: TmuxSession) -> dict[str, Any]:
    assert tmux.tenant_file is not None
    data: dict[str, Any] = json.loads(tmux.tenant_file.read_text())
    return data


def _ada_metadata(tmux: TmuxSession) -> dict[str, Any]:
    [ada] = [u for u in _tenant(tmux)["users"] if u["email"] == "ada@example.com"]
    metadata: dict[str, Any] = ada["user_metadata"]
    return metadata


def metadata_tab_then_3_reaches_identities_untouched(tmux: TmuxSession) -> None:
    """Entering Metadata does not give the editor the keys: `3` shows Identities, and the
    JSON is as loaded ("No changes." when back)."""
    before = _ada_metadata(tmux)
    tmux.press("2")
    tmux.wait_for("Loaded from Auth0")
    tmux.press("3")
    tmux.wait_for("★ primary")
    tmux.press("2")
    tmux.wait_for("No changes.")
    tmux.wait_for("⏎ Edit")  # the footer says how to start editing
    assert _ada_metadata(tmux) == before


def metadata_edit_is_saved_at_the_tenant(tmux: TmuxSession) -> None:
    """Tab 2, Enter to edit, change "dark" to "darkX", ctrl+s, Save: the tenant has it."""
    tmux.press("2")
    tmux.wait_for("Loaded from Auth0")
    tmux.press("Enter")
    tmux.wait_for("esc Leave field")  # the footer says how to leave the editor
    tmux.press("Down", "End", "Left", "Left")
    tmux.send("-l", "X")
    tmux.wait_for("To send: set theme")
    tmux.press("C-s")
    tmux.wait_for("Save these metadata changes?")
    assert '"theme": "darkX"' in tmux.screen()  # the request body shown before sending
    tmux.press("Enter")
    tmux.wait_for("Saved: set theme")
    assert _ada_metadata(tmux)["theme"] == "darkX"


def add_key_dialog_shows_its_buttons(tmux: TmuxSession) -> None:
    """Devices, `a`: at 80x24 the dialog's Cancel and Add key buttons are on screen."""
    tmux.press("Escape", "4")
    tmux.wait_for("needs an admin scope")
    tmux.press("a")
    screen = tmux.wait_for("Device name")
    buttons = [line for line in screen.splitlines() if "Cancel" in line]
    assert buttons and "Add key" in buttons[0]  # the dialog's row, not the footer
    tmux.press("Escape")
    tmux.wait_for("needs an admin scope")


def device_credential_is_revoked_by_id(tmux: TmuxSession) -> None:
    """Tab 4 explains the admin-only list; revoking by id, after confirming, works."""
    before = {c["id"] for c in _tenant(tmux)["device_credentials"]}
    target = "dcr_Ad4L0v3lac3K3y01"
    assert target in before
    tmux.press("4")
    tmux.wait_for("needs an admin scope")
    tmux.press("Tab", "Tab")
    tmux.send("-l", target)
    tmux.press("Enter")
    tmux.wait_for(f"Revoke {target}?")
    tmux.press("Tab", "Enter")  # Cancel has the focus on a dangerous question
    deadline = time.monotonic() + 10
    while target in {c["id"] for c in _tenant(tmux)["device_credentials"]}:
        assert time.monotonic() < deadline, tmux.screen()
        time.sleep(0.1)


def palette_finds_revoke(tmux: TmuxSession) -> None:
    """ctrl+p, "revoke": the Devices action is offered by name."""
    tmux.press("Escape", "1")
    tmux.press("C-p")
    time.sleep(0.5)
    tmux.send("-l", "revoke")
    tmux.wait_for("devices: revoke")
    tmux.press("Escape")
    tmux.wait_for(re.compile(r"name +Ada Lovelace"))


def help_shows_binding_ids(tmux: TmuxSession) -> None:
    """F1, then "save": the key with its binding id, the name [keymap] rebinds it by."""
    tmux.press("F1")
    tmux.wait_for("Keys")
    tmux.send("-l", "save")
    tmux.wait_for("[metadata.save]")
    tmux.press("Escape")
    tmux.wait_for(re.compile(r"name +Ada Lovelace"))


JWT = re.compile(r"eyJ[A-Za-z0-9_-]{10,}")


def v_reveals_the_token_and_leaving_hides_it(tmux: TmuxSession) -> None:
    """Session, `v`: the raw token is on screen; another tab and back: it is hidden."""
    tmux.press("5")
    tmux.wait_for("Signature: valid")
    assert not JWT.search(tmux.screen())
    tmux.press("v")
    tmux.wait_for(JWT)  # scrolled into view at 80x24
    tmux.press("1", "5")
    tmux.wait_for("v Reveal")
    time.sleep(0.5)
    assert not JWT.search(tmux.screen())
    tmux.press("v")  # hidden on leaving: `v` reveals it again (it would hide a shown one)
    tmux.wait_for(JWT)
    tmux.press("v")


def slash_filters_the_calls(tmux: TmuxSession) -> None:
    """Calls, `/`, "userinfo": a visible filter, and only /userinfo rows stay."""
    tmux.press("6")
    screen = tmux.wait_for("/api/v2/users")
    assert "/userinfo" in screen
    tmux.press("/")
    tmux.wait_for("filter:")
    tmux.send("-l", "userinfo")
    time.sleep(0.8)
    screen = tmux.screen()
    assert "/userinfo" in screen, screen
    assert "/api/v2/users" not in screen, screen
    tmux.press("Escape")
    tmux.wait_for("/api/v2/users")


MANUAL_CODE = re.compile(r"\b[A-Z2-7]{4}(?: [A-Z2-7]{4})+\b")


def security_tab_enrolls_an_authenticator_app_and_removes_it(tmux: TmuxSession) -> None:
    """Tab 7 lists the methods and the gauge shows the My Account bucket; `a`, Enter, a name:
    the QR code and the manual code; the code computed from that secret (as the phone would)
    verifies; the app is listed; `d` and Remove take it away."""
    import pyotp

    tmux.press("7")
    screen = tmux.wait_for("MacBook Touch ID")
    assert "my acct read" in screen  # the gauge
    tmux.press("a")
    tmux.wait_for("Add a sign-in method")
    tmux.press("Enter")
    tmux.wait_for("Name to show in your list")
    tmux.send("-l", "Pixel")
    tmux.press("Enter")
    screen = tmux.wait_for("code into it:")
    assert "▀" in screen and "▄" in screen  # the QR code, drawn beside the code
    secret = "".join(
        match.replace(" ", "")
        for line in screen.splitlines()
        for match in MANUAL_CODE.findall(line[44:])
    )
    assert len(secret) == 32, screen
    tmux.send("-l", pyotp.TOTP(secret).now())
    tmux.press("Enter")
    tmux.wait_for("Added the authenticator app (Pixel)")
    screen = tmux.wait_for(re.compile(r"authenticator app +Pixel"))  # listed again after it
    assert "my acct write" in screen
    tmux.press("Down", "Down", "Down", "d")
    tmux.wait_for("Remove the authenticator app Pixel?")
    tmux.press("Tab", "Enter")  # Cancel has the focus on a dangerous question
    screen = tmux.wait_for("Removed the authenticator app")
    assert "Pixel" not in screen


def quit_says_the_draft_is_kept(tmux: TmuxSession) -> None:
    """An unsaved edit, then ctrl+q: the question says the draft is kept (it is), and `y`
    quits, ending the tmux window."""
    tmux.press("2")
    tmux.wait_for("⏎ Edit")
    tmux.press("Enter", "Down", "End", "Left", "Left")
    tmux.send("-l", "Y")
    tmux.wait_for("To send: set theme")
    tmux.press("Escape", "C-q")
    screen = tmux.wait_for("Quit with unsaved metadata edits?")
    assert "kept" in screen and "draft" in screen and "lose" not in screen
    tmux.press("y")
    tmux.wait_for_exit()
    assert not tmux.alive()


STEPS: list[Callable[[TmuxSession], None]] = [
    device_screen_shows_the_code,
    c_copies_the_code,
    console_shows_the_demo_user,
    metadata_tab_then_3_reaches_identities_untouched,
    metadata_edit_is_saved_at_the_tenant,
    add_key_dialog_shows_its_buttons,
    device_credential_is_revoked_by_id,
    palette_finds_revoke,
    help_shows_binding_ids,
    v_reveals_the_token_and_leaving_hides_it,
    slash_filters_the_calls,
    security_tab_enrolls_an_authenticator_app_and_removes_it,
    quit_says_the_draft_is_kept,
]


def test_demo_walk_through(demo_console: TmuxSession, tmp_path: Path) -> None:
    """The demo from a real terminal at 80x24: code, copy, approval, console, keys that do not
    type into the editor, edit, add-key buttons, revoke, palette, help ids, reveal, filter, an
    authenticator app enrolled and removed on the Security tab (issue 13), and a quit question
    that tells the truth about the draft (issue 10, "Done when")."""
    for step in STEPS:
        step(demo_console)
    demo_console.wait_for_exit()
    assert not demo_console.alive()
    assert (tmp_path / "data" / "tui-console" / "demo-tenant.json").exists()
    drafts = list((tmp_path / "state").rglob("drafts/*.json"))
    assert drafts and "darkXY" in drafts[0].read_text()  # the unsaved edit, kept
