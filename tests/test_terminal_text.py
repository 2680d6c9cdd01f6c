"""Untrusted text reaches the terminal with its control characters made visible."""

from __future__ import annotations

from tui_console.terminal_text import printable


def test_escape_sequences_become_visible() -> None:
    assert printable("bad\x1b[2Jthing") == "bad\\x1b[2Jthing"
    assert printable("title\x1b]0;pwned\x07") == "title\\x1b]0;pwned\\x07"
    assert printable("c1\x9bcsi") == "c1\\x9bcsi"


def test_bidi_overrides_become_visible() -> None:
    assert printable("evil\u202eelpmaxe") == "evil\\u202eelpmaxe"
    assert printable("a\u2066b\u2069") == "a\\u2066b\\u2069"


def test_tabs_and_newlines_kept_unless_one_line() -> None:
    assert printable("a\tb\nc") == "a\tb\nc"
    assert printable("a\tb\nc\rd", one_line=True) == "a\\x09b\\x0ac\\x0dd"


def test_ordinary_text_is_unchanged() -> None:
    text = "Ada Lovelace <ada@example.com> — ünïcödé ✓ 日本"
    assert printable(text) == text
    assert printable(text, one_line=True) == text
