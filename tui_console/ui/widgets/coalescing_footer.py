"""Textual's footer, rebuilt only when the keys it shows change.

Textual's :class:`~textual.widgets.Footer` recomposes (every key widget removed, new ones
mounted and styled) each time its screen publishes ``bindings_updated``, which a screen does
for every focus change, screen-stack change and terminal focus event, whether or not a key
changed. Right after the main screen's first frame three of them arrive, and each rebuild of
its footer (nine keys) cost about 30 ms of CPU here (cProfile of an instrumented start) while
the session's imports, in a thread, waited for the same interpreter. This footer compares what
it would show with what it shows and rebuilds only on a difference.

It relies on what Textual 8.2.8's ``Footer.compose`` reads (``screen.active_bindings``, the
key display, ``compact``, ``show_command_palette``); Textual is pinned exactly, and
``tests/ui/test_coalescing_footer.py`` fails if a change of keys stops showing.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.widgets import Footer

__all__ = ["CoalescingFooter"]


class CoalescingFooter(Footer):
    """A :class:`~textual.widgets.Footer` that skips rebuilds which would show the same keys."""

    _shown: Hashable = None
    """What the last compose showed (:meth:`_keys` then), or ``None`` if it showed nothing."""

    def _keys(self) -> Hashable:
        """Everything the footer's compose reads: the screen's bindings and their state, the key
        names as displayed (a keymap changes them), and the footer's own switches."""
        display = self.app.get_key_display
        bindings = tuple(
            (key, binding.key, display(binding), binding.description, binding.action)
            + (binding.show, binding.group, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
        )
        return (self.compact, self.show_command_palette, bindings)

    def compose(self) -> ComposeResult:
        showed_keys = False
        for widget in super().compose():  # one at a time: its ``with KeyGroup()`` nests keys
            showed_keys = True
            yield widget
        # Nothing is shown until Textual has the screen's bindings (its first bindings_updated).
        self._shown = self._keys() if showed_keys else None

    async def recompose(self) -> None:
        # Detached (its screen gone), Textual's recompose does nothing: let it.
        if self.is_attached and self._shown is not None and self._shown == self._keys():
            return
        await super().recompose()
