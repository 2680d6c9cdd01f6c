"""QR codes as terminal text, so a phone can open the device-flow URL over SSH.

Two modules per character cell with the upper/lower half-block glyphs halve the height, so
a ``verification_uri_complete`` of about 60 characters fits in 80x24 beside the code. The
colours are not used at all: dark modules are drawn as glyphs and light ones as spaces, so it
reads under ``NO_COLOR`` too, provided the terminal draws light text on a dark background
(``invert=True`` flips it for light themes).
"""

from __future__ import annotations

import segno

__all__ = ["qr_lines"]

_GLYPHS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def qr_lines(data: str, *, border: int = 1, invert: bool = False) -> list[str]:
    """``data`` as QR-code text lines, two modules per line.

    Scanners need light modules around the code; on a dark terminal the glyphs *are* the
    light modules, so by default the code is drawn inverted (light = glyph).
    """
    code = segno.make(data, error="l", boost_error=False)
    rows = [[bool(cell) for cell in row] for row in code.matrix_iter(scale=1, border=border)]
    if not invert:
        rows = [[not cell for cell in row] for row in rows]
    if len(rows) % 2:
        rows.append([not invert] * len(rows[0]))  # one more row of light modules
    return [
        "".join(_GLYPHS[(top, bottom)] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(rows[::2], rows[1::2], strict=True)
    ]
