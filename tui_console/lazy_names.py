"""A package's public names, imported from their modules when first asked for (PEP 562).

Python runs a package's ``__init__`` before any of its modules, so re-exporting every name
there makes whoever imports one module pay for all of them. The three packages that sit on
a startup path (:mod:`tui_console.auth`, :mod:`tui_console.storage`,
:mod:`tui_console.ui.panes`) keep their public names this way instead, and list them under
``TYPE_CHECKING`` for the type checker::

    __getattr__, __dir__ = lazy_names(__name__, {"FileTokenStore": ".token_store"})
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, homes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__`` and ``__dir__`` for ``package``.

    ``homes`` maps each public name to the module that defines it, absolute or relative to
    ``package`` (``".token_store"``). A name is imported once, then kept as a plain attribute.
    """

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *homes})

    return __getattr__, __dir__
