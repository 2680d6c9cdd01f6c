"""``tui_console.ratelimit.__all__`` is exactly its public names (as httpx checks its own)."""

from __future__ import annotations

import types

import tui_console.ratelimit as package


def test_all_lists_every_public_name() -> None:
    public = {
        name
        for name, value in vars(package).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(package.__all__) == public - {"annotations"}
