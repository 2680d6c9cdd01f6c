"""The Logs tab's rows and detail view from log entries shaped as the recordings: codes in words
(an unknown one shown as it is), the ``type:`` filter words, and secrets masked in the detail
exactly as the facade masks them."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from tui_console.redact import MASK
from tui_console.support import LogEvent
from tui_console.ui.support.logs_tab import LogTable, event_cells, event_rows, split_type_filter


def _event(**fields: Any) -> LogEvent:
    entry = {
        "log_id": "90020240313140518" + "0" * 38 + "7",
        "date": "2024-03-13T14:05:18.123Z",
        "type": "fp",
        "description": "Wrong email or password.",
        "client_id": "Tc9qL2vXn7RbW4kHs8YdJ3mFa6PeZ1Ug",
        "client_name": "tui-console",
        "connection": "Username-Password-Authentication",
        "ip": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "user_id": "auth0|65f1c0de5a1b2c3d4e5f6a7b",
    }
    entry.update(fields)
    return LogEvent.from_json(entry)


def test_a_row_says_the_event_in_words_and_the_device_in_words() -> None:
    cells = event_cells(_event())
    assert cells == (
        "2024-03-13 14:05:18",
        "fp",
        "Sign-in failed: wrong password",
        "Wrong email or password.",
        "tui-console",
        "Username-Password-Authentication",
        "203.0.113.7",
        "Firefox 128 on Linux",
    )


def test_an_unknown_code_is_shown_as_it_is_never_guessed() -> None:
    cells = event_cells(_event(type="x_brand_new", user_agent=None, client_name=None))
    assert cells[1] == "x_brand_new" and "does not know" in (cells[2] or "")
    assert cells[4] == "Tc9qL2vXn7RbW4kHs8YdJ3mFa6PeZ1Ug" and cells[7] is None
    assert dict(event_rows(_event(type="x_brand_new")))["Event"] == "x_brand_new"


def test_the_detail_masks_secrets_as_the_facade_does() -> None:
    event = _event(details={"body": {"password": "hunter2", "client_secret": "s3cr3t"}})
    rows = dict(event_rows(event))
    assert "hunter2" not in rows["details"] and "s3cr3t" not in rows["details"]
    assert MASK in rows["details"]
    assert rows["log_id"] == event.log_id and rows["Event"].endswith("(fp)")


def test_type_words_in_the_filter_keep_only_those_codes() -> None:
    assert split_type_filter("type:fp,limit_wc wrong  password") == (
        frozenset({"fp", "limit_wc"}),
        "wrong password",
    )
    assert split_type_filter("Type:s") == (frozenset({"s"}), "")
    table = LogTable()
    row = [Text(c or "—") for c in event_cells(_event())]
    for text, shown in (("type:fp", True), ("type:s", False), ("type:s,fp firefox", True),
                        ("type:fp chrome", False), ("FIREFOX", True)):  # fmt: skip
        table.filter_text = text
        assert table.matches(row) is shown, text
