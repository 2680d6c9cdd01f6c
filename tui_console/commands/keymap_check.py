"""Checking the config's ``[keymap]`` against the console's real bindings, for ``doctor``.

The binding ids are defined where the bindings are: in the UI's ``BINDINGS``. The core must
not import Textual, so this check lives in the command-line layer, which imports the UI
lazily, walks every class under :mod:`tui_console.ui` that declares ``BINDINGS``, and applies
the keymap as Textual does (a binding whose id is mapped gets the mapped keys instead of its
own, comma-separated keys meaning alternatives).

Two kinds of problem:

* an **unknown id**: Textual ignores it silently, so the person believes a key moved when it
  did not (a typo, or an id from an older version);
* a **clash**: after the remap two bindings of the same screen or widget share a key, so one
  of them can no longer be reached. Only clashes a remap causes count (the console's own
  deliberate pairs, such as ``f1`` opening and closing the help, are not the person's doing).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

__all__ = ["BindingInfo", "KeymapProblems", "check_keymap", "console_bindings"]


@dataclass(frozen=True)
class BindingInfo:
    """One binding of the console: where it is declared, its id (if any) and its keys."""

    scope: str
    """The class whose bindings it is part of (``MainScreen``, ``MetadataPane``...)."""
    binding_id: str | None
    keys: tuple[str, ...]


@dataclass(frozen=True)
class KeymapProblems:
    unknown_ids: tuple[str, ...]
    clashes: tuple[str, ...]
    """One sentence per clash: the key, the scope and the binding ids that share it."""


def _keys(text: str) -> tuple[str, ...]:
    return tuple(key.strip() for key in text.split(",") if key.strip())


def _ui_classes() -> Iterator[type]:
    """Every class defined in a :mod:`tui_console.ui` module that declares ``BINDINGS``."""
    import tui_console.ui as ui  # Textual: imported only when the keymap is checked

    for module_info in pkgutil.walk_packages(ui.__path__, prefix="tui_console.ui."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == module.__name__
                and "BINDINGS" in vars(value)
            ):
                yield value


def _declared(cls: type) -> Iterator[tuple[str | None, tuple[str, ...]]]:
    """``(id, keys)`` of every binding ``cls`` and its UI base classes declare."""
    from textual.binding import Binding

    for klass in cls.__mro__:
        if not klass.__module__.startswith("tui_console.ui") or "BINDINGS" not in vars(klass):
            continue
        for binding in vars(klass)["BINDINGS"]:
            if isinstance(binding, Binding):
                yield binding.id, _keys(binding.key)
            else:  # a (key, action[, description]) tuple: no id, cannot be remapped
                yield None, _keys(binding[0])
        if not getattr(klass, "inherit_bindings", True):
            break


def console_bindings() -> list[BindingInfo]:
    """Every binding of the console, by the class that owns it (inherited ones included)."""
    return [
        BindingInfo(scope=cls.__name__, binding_id=binding_id, keys=keys)
        for cls in _ui_classes()
        for binding_id, keys in _declared(cls)
    ]


def check_keymap(keymap: Mapping[str, str], bindings: list[BindingInfo]) -> KeymapProblems:
    """The ids in ``keymap`` no binding has, and the clashes the remap makes."""
    known = {b.binding_id for b in bindings if b.binding_id}
    unknown = tuple(sorted(set(keymap) - known))
    clashes: list[str] = []
    scopes = sorted({b.scope for b in bindings})
    for scope in scopes:
        holders: dict[str, list[tuple[str, bool]]] = {}
        for binding in (b for b in bindings if b.scope == scope):
            mapped = keymap.get(binding.binding_id) if binding.binding_id else None
            remapped = mapped is not None
            keys = _keys(mapped) if mapped is not None else binding.keys
            for key in keys:
                holders.setdefault(key, []).append((binding.binding_id or "(unnamed)", remapped))
        for key, sharing in sorted(holders.items()):
            ids = sorted({name for name, _ in sharing})
            if len(ids) > 1 and any(remapped for _, remapped in sharing):
                clashes.append(f"{key!r} in {scope} is bound to {', '.join(ids)}")
    return KeymapProblems(unknown_ids=unknown, clashes=tuple(clashes))
