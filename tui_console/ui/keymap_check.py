"""Checking the ``[keymap]`` table of config.toml against the console's bindings.

Textual's ``App.set_keymap`` accepts any id silently: a typo (``metadata.sav``) does nothing,
and a key given to two actions that are active together leaves one of them unreachable.
:func:`keymap_problems` names both, so the console can say so at start (issue 10 §3) and
``tui-console doctor`` can check the same way (it imports this module lazily). Only clashes a
remap takes part in count: the console's own deliberate pairs are not the person's doing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType

__all__ = ["KeymapProblems", "binding_scopes", "keymap_problems"]


@dataclass(frozen=True)
class KeymapProblems:
    """What is wrong with a ``[keymap]`` table: ids no binding has, and keys taken twice."""

    unknown_ids: tuple[str, ...] = ()
    clashes: tuple[str, ...] = ()
    """One sentence per clash: the key, the binding ids that share it, and where."""

    def __bool__(self) -> bool:
        return bool(self.unknown_ids or self.clashes)

    def sentences(self) -> list[str]:
        """Every problem as a sentence, unknown ids first."""
        unknown = []
        if self.unknown_ids:
            plural = "s" if len(self.unknown_ids) > 1 else ""
            unknown.append(
                f"Unknown binding id{plural} in [keymap]: {', '.join(self.unknown_ids)} "
                "(F1 lists every id)."
            )
        return [*unknown, *self.clashes]


def binding_scopes() -> dict[str, list[BindingType]]:
    """Each place keys are read together, with the bindings active there.

    The main screen's scopes are one per tab (the app's, the screen's, the shared pane keys and
    that tab's); every other screen is its own scope with the app's keys.
    """
    from tui_console.ui.app import ConsoleApp
    from tui_console.ui.panes import Pane
    from tui_console.ui.screens.help import HelpScreen
    from tui_console.ui.screens.main import TABS, MainScreen
    from tui_console.ui.screens.setup import SetupScreen
    from tui_console.ui.screens.sign_in import SignInScreen

    everywhere = list(ConsoleApp.BINDINGS)
    scopes: dict[str, list[BindingType]] = {
        f"{tab.title} tab": [*everywhere, *MainScreen.BINDINGS, *Pane.BINDINGS, *tab.pane.BINDINGS]
        for tab in TABS
    }
    for name, screen in (
        ("sign-in screen", SignInScreen),
        ("setup screen", SetupScreen),
        ("help", HelpScreen),
    ):
        scopes[name] = [*everywhere, *screen.BINDINGS]
    return scopes


def _keys(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return [key.strip() for key in keys.split(",") if key.strip()]


def keymap_problems(
    keymap: Mapping[str, str], scopes: Mapping[str, Iterable[BindingType]] | None = None
) -> KeymapProblems:
    """The binding ids in ``keymap`` that do not exist, and the keys two actions share in one
    scope after the remap."""
    scopes = binding_scopes() if scopes is None else scopes
    resolved = {name: list(Binding.make_bindings(bindings)) for name, bindings in scopes.items()}
    known = {binding.id for bindings in resolved.values() for binding in bindings if binding.id}
    clashes: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for scope, bindings in resolved.items():
        owners: dict[str, dict[str, str]] = {}
        for binding in bindings:
            for key in _keys(binding, keymap):
                owners.setdefault(key, {})[binding.action] = binding.id or binding.action
        for key, actions in owners.items():
            ids = tuple(sorted(actions.values()))
            if len(ids) > 1 and any(i in keymap for i in ids):
                clashes.setdefault((key, ids), []).append(scope)
    return KeymapProblems(
        unknown_ids=tuple(sorted(set(keymap) - known)),
        clashes=tuple(
            f"Key {key!r} is bound to both {' and '.join(ids)} ({', '.join(where)})."
            for (key, ids), where in clashes.items()
        ),
    )
