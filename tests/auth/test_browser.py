"""Deciding whether a browser would open in front of the person, and opening one."""

from __future__ import annotations

import webbrowser

import pytest

from tui_console.auth.browser import browser_is_usable, open_in_browser

SSH = {"SSH_CONNECTION": "192.0.2.1 51000 192.0.2.2 22"}


@pytest.mark.parametrize(
    ("env", "platform", "usable", "reason"),
    [
        ({}, "darwin", True, "desktop"),
        ({}, "win32", True, "desktop"),
        ({"DISPLAY": ":0"}, "linux", True, "display"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True, "display"),
        ({"BROWSER": "firefox"}, "linux", True, "BROWSER"),
        ({}, "linux", False, "no graphical display"),
        (SSH, "linux", False, "SSH"),
        (SSH, "darwin", False, "SSH"),
        ({"SSH_TTY": "/dev/pts/3", "BROWSER": "firefox"}, "linux", False, "SSH"),
        ({**SSH, "DISPLAY": "localhost:10.0"}, "linux", True, "display"),
    ],
)
def test_browser_is_usable(env: dict[str, str], platform: str, usable: bool, reason: str) -> None:
    """Remote sessions never launch a browser; local desktops do; bare Linux needs a display."""
    result, why = browser_is_usable(env, platform)
    assert result is usable
    assert reason in why


def test_the_defaults_read_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without arguments the real environment and platform are used."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSH_TTY", "/dev/pts/0")
    assert browser_is_usable() == (False, browser_is_usable({"SSH_TTY": "x"}, "linux")[1])


def test_open_in_browser_reports_success(monkeypatch: pytest.MonkeyPatch) -> None:
    """The URL goes to webbrowser.open in a new tab."""
    opened: list[tuple[str, int]] = []

    def fake_open(url: str, new: int = 0) -> bool:
        opened.append((url, new))
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    assert open_in_browser("https://tenant.example/authorize") is True
    assert opened == [("https://tenant.example/authorize", 2)]


@pytest.mark.parametrize("outcome", [False, webbrowser.Error("no runnable browser"), OSError()])
def test_open_in_browser_never_raises(
    monkeypatch: pytest.MonkeyPatch, outcome: bool | Exception
) -> None:
    """A missing or broken browser is False, so the caller shows the URL instead."""

    def fake_open(url: str, new: int = 0) -> bool:
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(webbrowser, "open", fake_open)
    assert open_in_browser("https://tenant.example/authorize") is False
