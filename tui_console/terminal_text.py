"""Making untrusted text safe to write to a terminal.

Text from servers (error descriptions, claims, names, metadata values), from token files and
from people can carry escape sequences: an ``ESC [ 2 J`` in an Auth0 error message would clear
the screen, an OSC sequence could set the window title or the clipboard, and a bidi override
can make ``evil.example`` read as something else. :func:`printable` turns every such code point
into a visible escape (``\\x1b``, ``\\u202e``) before the text reaches stdout, stderr or a
widget. JSON output does not need it: ``json.dumps`` already escapes control characters.
"""

from __future__ import annotations

import re

__all__ = ["printable"]

# C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings, overrides and
# isolates (Unicode TR9) that reorder what a person reads. Pattern texts, compiled by ``re``
# on first use (and cached there), so that importing this module costs no compilation.
_UNSAFE = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
_UNSAFE_ONE_LINE = r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, one_line: bool = False) -> str:
    """``text`` with control and bidi-override characters shown as escapes.

    Tabs and newlines are kept unless ``one_line`` is set (for a table cell, a status line, a
    notification title), in which case they are escaped too.
    """
    return re.sub(_UNSAFE_ONE_LINE if one_line else _UNSAFE, _escape, text)
