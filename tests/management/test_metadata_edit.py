"""The rules of a ``user_metadata`` edit: the editor's text, the checks, the change to send."""

from __future__ import annotations

import json

from tui_console.management.metadata_edit import (
    check_metadata_text,
    format_metadata,
    metadata_changes,
    reverted_keys,
)

BASE = {"theme": "dark", "language": "en-GB"}


class TestFormat:
    def test_indented_json_in_auths_order_with_a_final_newline(self) -> None:
        assert format_metadata({"b": 1, "a": [1]}) == '{\n  "b": 1,\n  "a": [\n    1\n  ]\n}\n'

    def test_terminal_controls_are_escaped_and_still_parse_the_same(self) -> None:
        value = {"note": "a\u202eb\x9bc", "name": "Ada Lovelace é"}
        text = format_metadata(value)
        assert "\u202e" not in text and "\x9b" not in text
        assert "\\u202e" in text and "\\u009b" in text and "é" in text
        assert json.loads(text) == value


class TestCheck:
    def test_a_syntax_error_names_line_and_column(self) -> None:
        check = check_metadata_text('{\n  "theme": \n}', BASE)
        assert not check.ok
        assert (check.line, check.column) == (3, 1)
        assert check.message.startswith("Line 3, column 1: ")

    def test_the_top_level_must_be_an_object(self) -> None:
        check = check_metadata_text("[1, 2]", BASE)
        assert not check.ok
        assert check.message.endswith("not a list.")

    def test_a_forbidden_key_is_refused_with_the_next_step(self) -> None:
        check = check_metadata_text('{"a.b": 1}', {})
        assert not check.ok
        assert "'a.b'" in check.message and "\n" in check.message  # the hint on its own line

    def test_text_equal_to_the_base_is_unchanged(self) -> None:
        check = check_metadata_text(format_metadata(BASE), BASE)
        assert check.unchanged and check.body is None

    def test_a_valid_change_says_what_is_sent_and_the_size(self) -> None:
        check = check_metadata_text('{"theme": "light"}', BASE)
        assert check.ok
        assert check.body == {"user_metadata": {"theme": "light", "language": None}}
        assert check.message == "Valid. To send: set theme; delete language. Size 0.0 KB of 10 KB."

    def test_over_ten_kilobytes_is_a_warning_not_a_refusal(self) -> None:
        check = check_metadata_text(json.dumps({"big": "x" * 11_000}), {})
        assert check.ok and len(check.warnings) == 1


class TestChanges:
    def test_set_unset_and_added(self) -> None:
        changes = metadata_changes(BASE, {"theme": "light", "new": 1})
        assert changes.set == {"theme": "light", "new": 1}
        assert changes.unset == ("language",)
        assert changes.added == ("new",)
        assert changes.describe() == "set theme, new; delete language"

    def test_keys_only_the_other_side_changed_are_named(self) -> None:
        theirs = {"theme": "dark", "language": "fr"}
        yours = {"theme": "light", "language": "en-GB"}
        assert reverted_keys(BASE, theirs, yours) == ("language",)
