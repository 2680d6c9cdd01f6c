"""The layers stay apart: the core never imports the UI or the dev tenant, the UI never httpx.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``); this test runs them so
that a crossing fails the suite, not just a linter someone may forget to run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    """Every import-linter contract in pyproject.toml is kept."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_importing_the_package_is_cheap() -> None:
    """``import tui_console`` loads neither Textual, httpx nor the dev tenant's server stack."""
    code = (
        "import sys, tui_console, tui_console.cli; "
        "heavy = {'textual', 'httpx', 'starlette', 'uvicorn', 'jwt'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_httpx_loads_without_its_command_line_client() -> None:
    """``import httpx`` skips ``httpx._main`` (click, rich, pygments: about 100 ms) under us.

    ``tui_console/__init__.py`` relies on httpx's ``try: from ._main import main`` /
    ``except ImportError`` fallback; if an httpx upgrade changes that, this fails.
    """
    code = (
        "import sys, tui_console.account, httpx; "
        "names = ('httpx._main', 'click', 'rich', 'pygments'); "
        "loaded = [name for name in names if sys.modules.get(name) is not None]; "
        "print(sorted(loaded), httpx.main.__module__, httpx.Client.__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["[]", "httpx", "Client"]
