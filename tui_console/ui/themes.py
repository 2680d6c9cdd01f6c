"""The console's themes: a dark theme for colour terminals and a readable one for NO_COLOR.

Textual reads ``NO_COLOR`` once, in ``App.__init__``, and then passes every frame through a
monochrome filter that maps colours to greys by luminance. Themes tuned for colour can collapse
there (an orange accent and a blue panel become the same grey), so under ``NO_COLOR`` the app
selects :data:`CONSOLE_MONO`, whose colours are chosen *by luminance*: black background, a
clearly lighter panel, near-white text and highlights. Meaning never rides on colour alone
anyway: states are words ("fresh", "expired"), gauges are glyph bars with numbers.
"""

from __future__ import annotations

from textual.theme import Theme

__all__ = ["CONSOLE_DARK", "CONSOLE_MONO", "THEMES"]

CONSOLE_DARK = Theme(
    name="console-dark",
    primary="#EB5424",
    secondary="#3B82F6",
    accent="#F59E0B",
    warning="#F59E0B",
    error="#EF4444",
    success="#22C55E",
    foreground="#E6E6E6",
    background="#111318",
    surface="#1A1D24",
    panel="#232733",
    dark=True,
)
"""The default theme: Auth0's orange as primary on a dark background."""

CONSOLE_MONO = Theme(
    name="console-mono",
    primary="#FFFFFF",
    secondary="#C0C0C0",
    accent="#E0E0E0",
    warning="#FFFFFF",
    error="#FFFFFF",
    success="#D0D0D0",
    foreground="#F0F0F0",
    background="#000000",
    surface="#121212",
    panel="#3A3A3A",
    boost="#262626",
    dark=True,
)
"""Greys only, picked for contrast after Textual's monochrome filter (``NO_COLOR``)."""

THEMES: tuple[Theme, ...] = (CONSOLE_DARK, CONSOLE_MONO)
