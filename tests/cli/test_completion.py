"""``tui-console completion``: scripts generated from the parser, valid for their shell."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import Cli

VERBS = ("login", "status", "metadata", "devices", "doctor", "completion")


def test_the_bash_script_is_valid_and_knows_the_verbs(cli: Cli, tmp_path: Path) -> None:
    """``bash -n`` accepts it; it names every verb and the sub-verbs' flags."""
    result = cli.run("completion", "bash")
    assert result.returncode == 0, result.stderr
    script = tmp_path / "tui-console.bash"
    script.write_text(result.stdout)
    checked = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    for word in (*VERBS, "--string", "--yes"):
        assert word in result.stdout, word


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_name_the_verbs(cli: Cli, shell: str) -> None:
    """The other shells get their own script; ``zsh -n`` checks it where zsh is installed."""
    result = cli.run("completion", shell)
    assert result.returncode == 0, result.stderr
    assert all(verb in result.stdout for verb in VERBS)
    if shell == "zsh" and shutil.which("zsh"):
        checked = subprocess.run(["zsh", "-n"], input=result.stdout, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr


def test_an_unknown_shell_is_a_usage_error(cli: Cli) -> None:
    """argparse refuses a shell shtab does not generate for, with its usage status."""
    assert cli.run("completion", "tcsh").returncode == 2
