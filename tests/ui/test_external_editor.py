"""The external editor hand-off: which editor, a private file that goes away, honest failures."""

from __future__ import annotations

import contextlib
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_console.ui.external_editor import edit_externally, editor_command


class Terminal:
    """Stands in for the app: counts the times the terminal was handed over."""

    def __init__(self) -> None:
        self.suspended = 0

    @contextlib.contextmanager
    def suspend(self) -> Iterator[None]:
        self.suspended += 1
        yield


def _script(tmp_path: Path, body: str) -> str:
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\n" + body)
    editor.chmod(0o700)
    return str(editor)


def _edit(command: str, text: str = '{"a": 1}\n') -> tuple[Terminal, str | None, str, str]:
    terminal = Terminal()
    outcome = edit_externally(terminal, command, text, prefix="test-editor-", suffix=".json")
    return terminal, outcome.text, outcome.problem, outcome.tone


class TestWhichEditor:
    def test_visual_comes_before_editor(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("VISUAL", "vim")
        monkeypatch.setenv("EDITOR", "nano")
        assert editor_command() == "vim"

    def test_editor_when_visual_is_unset_or_empty(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("VISUAL", "")
        monkeypatch.setenv("EDITOR", "nano")
        assert editor_command() == "nano"

    def test_none_when_neither_is_set(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("VISUAL", raising=False)
        monkeypatch.delenv("EDITOR", raising=False)
        assert editor_command() is None


class TestTheFile:
    def test_the_editor_gets_a_private_file_which_is_gone_afterwards(self, tmp_path: Path) -> None:
        """The file holds the text, is 0600 while the editor runs, and is removed after."""
        seen = tmp_path / "seen"
        command = _script(
            tmp_path,
            f'cp "$1" {seen}.text; stat -c %a "$1" > {seen}.mode; echo "$1" > {seen}.path\n',
        )
        terminal, text, _, _ = _edit(command)
        assert terminal.suspended == 1
        assert text == '{"a": 1}\n'
        assert Path(f"{seen}.text").read_text() == '{"a": 1}\n'
        assert stat.S_IMODE(int(Path(f"{seen}.mode").read_text(), 8)) == 0o600
        used = Path(Path(f"{seen}.path").read_text().strip())
        assert used.name.startswith("test-editor-") and used.suffix == ".json"
        assert not used.exists()

    def test_arguments_in_the_command_are_kept(self, tmp_path: Path) -> None:
        """``$VISUAL`` may carry arguments (``code --wait``); the file's path comes last."""
        command = _script(tmp_path, 'printf "%s" "$1" > "$2"\n')
        _, text, _, _ = _edit(f"{command} --wait")
        assert text == "--wait"


class TestFailures:
    def test_a_failing_editor_gives_back_nothing(self, tmp_path: Path) -> None:
        command = _script(tmp_path, 'echo junk > "$1"; exit 3\n')
        _, text, problem, tone = _edit(command)
        assert text is None
        assert problem == f"{command} exited with status 3; nothing changed."
        assert tone == "warning"

    def test_an_editor_that_cannot_start_is_named(self, tmp_path: Path) -> None:
        missing = str(tmp_path / "no-such-editor")
        terminal, text, problem, tone = _edit(missing)
        assert text is None
        assert problem.startswith(f"Could not start {missing}: ")
        assert tone == "error"

    def test_text_that_is_not_utf8_is_refused_in_words(self, tmp_path: Path) -> None:
        command = _script(tmp_path, "printf '\\377\\376' > \"$1\"\n")
        _, text, problem, tone = _edit(command)
        assert text is None
        assert problem.startswith("Could not read what the editor wrote: ")
        assert tone == "error"

    def test_an_unbalanced_quote_is_said_not_raised(self) -> None:
        """``$VISUAL='code "--wait'`` cannot be split: said in words, the terminal untouched."""
        terminal, text, problem, tone = _edit('code "--wait')
        assert text is None
        assert problem.startswith("Could not read the editor command 'code \"--wait': ")
        assert tone == "error"
        assert terminal.suspended == 0
