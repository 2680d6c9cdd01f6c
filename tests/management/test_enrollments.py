"""parse_enrollments: one reader of ``GET /users/{id}/enrollments`` for support and the
person's own Security tab, tolerant of what is not recorded (only ``[]`` is)."""

from __future__ import annotations

import pytest

from tui_console.management.sign_in_trouble_models import parse_enrollments


def test_an_entry_that_cannot_be_acted_on_is_left_out_not_the_whole_list() -> None:
    data = [
        {"id": "dev_1", "status": "confirmed", "auth_method": "authenticator", "name": "Pixel"},
        {"status": "pending"},  # no id
        "not an object",
        {"id": "dev_2", "status": 7, "phone_number": "XXXXXXXXXXX5044", "auth_method": "sms"},
    ]
    first, second = parse_enrollments(data)
    assert (first.id, first.label, first.detail, first.confirmed) == (
        "dev_1",
        "authenticator app",
        "Pixel",
        True,
    )
    assert (second.label, second.detail, second.confirmed) == (
        "phone (SMS)",
        "XXXXXXXXXXX5044",
        None,
    )
    assert second.to_json() == data[3]


def test_an_answer_that_is_not_a_list_is_refused() -> None:
    with pytest.raises(ValueError, match="not a JSON array"):
        parse_enrollments({"enrollments": []})
