"""A QR code drawn with half-block characters, for phones to open the device-flow page.

Two QR modules per character cell (``▀``/``▄``/``█``), so a ~60-character URL takes about
35x18 cells and fits beside the user code in 80x24. The modules are glyphs, not colours, so the
code survives ``NO_COLOR``; light themes get the inverted drawing. :meth:`QrCode.fits` lets
the screen fall back to the plain URL when the terminal is too small to draw it whole (a
clipped QR code does not scan).
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from tui_console.qr import qr_lines

__all__ = ["QrCode"]


class QrCode(Widget):
    """The QR code of :attr:`data`, sized to its content."""

    DEFAULT_CSS = """
    QrCode {
        width: auto;
        height: auto;
        color: $foreground;
        background: $background;
    }
    """

    data: reactive[str] = reactive("", layout=True)
    """The text to encode (the ``verification_uri_complete``)."""

    def __init__(self, data: str = "", *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.set_reactive(QrCode.data, data)
        self._cache: tuple[str, bool, list[str]] | None = None

    @property
    def lines(self) -> list[str]:
        """The drawing, one string per row (empty when there is no data)."""
        if not self.data:
            return []
        dark = self.app.current_theme.dark
        if self._cache is None or self._cache[:2] != (self.data, dark):
            self._cache = (self.data, dark, qr_lines(self.data, invert=not dark))
        return self._cache[2]

    @staticmethod
    def size_for(data: str) -> Size:
        """Cells the code of ``data`` needs (width, height)."""
        lines = qr_lines(data)
        return Size(len(lines[0]), len(lines)) if lines else Size(0, 0)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        lines = self.lines
        return len(lines[0]) if lines else 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines)

    def render(self) -> Content:
        return Content("\n".join(self.lines))
