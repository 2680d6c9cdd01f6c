"""The two paging shapes of the Management API, read once for every list (NOTES.md §5)."""

from __future__ import annotations

import pytest

from tui_console.management.paging import checkpoint_page, more_after, offset_page


def test_a_bare_array_starts_at_page_times_per_page_with_no_total() -> None:
    window = offset_page([{"id": 1}, {"id": 2}], "users", "the users", page=2, per_page=2)
    assert (window.items, window.start, window.limit, window.total) == (
        [{"id": 1}, {"id": 2}],
        4,
        2,
        None,
    )
    assert window.has_more()  # a full page, no total: another may follow


def test_an_envelope_gives_its_start_limit_and_total() -> None:
    body = {"start": 0, "limit": 50, "length": 1, "total": 1, "logs": [{"log_id": "9" * 56}]}
    window = offset_page(body, "logs", "the log events", page=0, per_page=50)
    assert (window.start, window.limit, window.total) == (0, 50, 1)
    assert not window.has_more()


def test_an_envelope_without_start_or_with_a_zero_limit_falls_back_to_the_request() -> None:
    window = offset_page(
        {"authenticators": [], "limit": 0}, "authenticators", "x", page=3, per_page=10
    )
    assert (window.start, window.limit, window.total) == (
        30,
        10,
        None,
    )  # empty: no total (recorded)
    assert not window.has_more()


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"users": {"id": 1}}, "the users are not a JSON array"),
        ("oops", "the users page is not a JSON object"),
    ],
)
def test_a_body_of_neither_shape_is_named(body: object, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        offset_page(body, "users", "the users", page=0, per_page=50)


def test_a_checkpoint_page_has_next_only_when_another_follows() -> None:
    first = checkpoint_page({"sessions": [{"id": "a"}], "next": "cp1"}, "sessions", "the sessions")
    last = checkpoint_page({"sessions": []}, "sessions", "the sessions")
    assert (first.items, first.next, first.total) == ([{"id": "a"}], "cp1", None)
    assert last.next is None and last.items == []
    assert checkpoint_page({"tokens": [], "next": ""}, "tokens", "the refresh tokens").next is None


@pytest.mark.parametrize(
    ("start", "count", "limit", "total", "more"),
    [
        (0, 50, 50, None, True),
        (0, 49, 50, None, False),
        (50, 50, 50, 100, False),
        (0, 50, 50, 120, True),
    ],
)
def test_more_after(start: int, count: int, limit: int, total: int | None, more: bool) -> None:
    assert more_after(start, count, limit, total) is more
