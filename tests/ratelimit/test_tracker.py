"""The board: bucket names, the delay before the next request, observers and the summary."""

from __future__ import annotations

import pytest

from tests.clocks import Clock
from tui_console.ratelimit import (
    DEVICE_CREDENTIALS_WRITE,
    MANAGEMENT_READ,
    MANAGEMENT_WRITE,
    OTHER,
    TOKEN,
    USERINFO,
    BucketView,
    RateLimitBoard,
    RateLimitState,
    bucket_for,
)

from .fakes import NOW


def empty(limit: int = 10, refill: float = 6.0, at: float = NOW) -> RateLimitState:
    """A bucket just emptied at ``at``: full again after ``limit * refill`` seconds."""
    return RateLimitState(limit=limit, remaining=0, reset=at + limit * refill, observed_at=at)


@pytest.mark.parametrize(
    ("method", "path", "bucket"),
    [
        ("GET", "/userinfo", USERINFO),
        ("POST", "/oauth/token", TOKEN),
        ("POST", "/oauth/revoke", TOKEN),
        ("GET", "/api/v2/users/auth0|1", MANAGEMENT_READ),
        ("get", "/api/v2/device-credentials", MANAGEMENT_READ),
        ("PATCH", "/api/v2/users/auth0|1", MANAGEMENT_WRITE),
        ("POST", "/api/v2/users/auth0|1/identities", MANAGEMENT_WRITE),
        ("DELETE", "/api/v2/users/auth0|1/identities/google-oauth2/1", MANAGEMENT_WRITE),
        ("PUT", "/api/v2/guardian/factors/sms", MANAGEMENT_WRITE),
        ("POST", "/api/v2/device-credentials", DEVICE_CREDENTIALS_WRITE),
        ("DELETE", "/api/v2/device-credentials/dcr_1", DEVICE_CREDENTIALS_WRITE),
        ("GET", "/.well-known/openid-configuration", OTHER),
        ("GET", "/api/v2", OTHER),
    ],
)
def test_bucket_for(method: str, path: str, bucket: str) -> None:
    """Requests fall into Auth0's endpoint groups (docs D2)."""
    assert bucket_for(method, path) == bucket


class TestDelay:
    def test_unknown_bucket_sends_at_once(self) -> None:
        assert RateLimitBoard().delay_before_next(MANAGEMENT_READ, NOW) == 0

    def test_tokens_left_send_at_once(self) -> None:
        board = RateLimitBoard()
        board.record(MANAGEMENT_READ, RateLimitState(10, 1, NOW + 54, NOW))
        assert board.delay_before_next(MANAGEMENT_READ, NOW) == 0

    def test_empty_bucket_waits_for_one_token_not_for_reset(self) -> None:
        """Reset is 60 s away but one token is back after 6 s (NOTES.md §7)."""
        board = RateLimitBoard()
        board.record(MANAGEMENT_READ, empty())
        assert board.delay_before_next(MANAGEMENT_READ, NOW) == 6
        assert board.delay_before_next(MANAGEMENT_READ, NOW + 4) == 2

    def test_never_negative_and_zero_after_reset(self) -> None:
        board = RateLimitBoard()
        board.record(MANAGEMENT_READ, empty())
        assert board.delay_before_next(MANAGEMENT_READ, NOW + 10) == 0
        assert board.delay_before_next(MANAGEMENT_READ, NOW + 600) == 0

    def test_requests_in_flight_hold_their_tokens(self) -> None:
        """With one token left and one request out, the next waits for a refill."""
        board = RateLimitBoard()
        board.record(MANAGEMENT_READ, RateLimitState(10, 1, NOW + 54, NOW))
        board.started(MANAGEMENT_READ)
        assert board.delay_before_next(MANAGEMENT_READ, NOW) == 6
        board.started(MANAGEMENT_READ)
        assert board.delay_before_next(MANAGEMENT_READ, NOW) == 12
        board.finished(MANAGEMENT_READ)
        board.finished(MANAGEMENT_READ)
        assert board.delay_before_next(MANAGEMENT_READ, NOW) == 0

    def test_buckets_are_independent(self) -> None:
        board = RateLimitBoard()
        board.record(USERINFO, empty())
        assert board.delay_before_next(MANAGEMENT_READ, NOW) == 0

    def test_clock_is_the_default_now(self) -> None:
        clock = Clock(NOW)
        board = RateLimitBoard(clock=clock)
        board.record(USERINFO, empty())
        clock.now += 5
        assert board.delay_before_next(USERINFO) == pytest.approx(1)


class TestObservers:
    def test_subscribers_hear_every_change_until_they_unsubscribe(self) -> None:
        board = RateLimitBoard()
        seen: list[tuple[str, BucketView]] = []
        unsubscribe = board.subscribe(lambda name, view: seen.append((name, view)))
        board.record(USERINFO, RateLimitState(10, 9, NOW + 13, NOW))
        board.mark_waiting(USERINFO, NOW + 3)
        board.clear_waiting(USERINFO)
        unsubscribe()
        board.record(USERINFO, RateLimitState(10, 8, NOW + 26, NOW))
        assert seen == [
            (USERINFO, BucketView(limit=10, remaining=9, reset=NOW + 13, waiting_until=None)),
            (USERINFO, BucketView(limit=10, remaining=9, reset=NOW + 13, waiting_until=NOW + 3)),
            (USERINFO, BucketView(limit=10, remaining=9, reset=NOW + 13, waiting_until=None)),
        ]
        unsubscribe()  # a second call is harmless

    def test_waiting_mark_stays_until_the_last_waiter_leaves(self) -> None:
        board = RateLimitBoard()
        board.mark_waiting(MANAGEMENT_READ, NOW + 3)
        board.mark_waiting(MANAGEMENT_READ, NOW + 5)
        board.clear_waiting(MANAGEMENT_READ)
        assert board.snapshot()[MANAGEMENT_READ].waiting_until == NOW + 5
        board.clear_waiting(MANAGEMENT_READ)
        assert board.snapshot() == {}

    def test_snapshot_lists_reported_buckets(self) -> None:
        board = RateLimitBoard()
        board.record(TOKEN, RateLimitState(100, 97, NOW + 2592, NOW))
        board.started(USERINFO)  # in flight, nothing reported: not shown
        assert board.snapshot() == {
            TOKEN: BucketView(limit=100, remaining=97, reset=NOW + 2592, waiting_until=None)
        }


class TestSummary:
    def test_nothing_reported(self) -> None:
        assert RateLimitBoard().summary_line(NOW) == "rate limits: none reported yet"

    def test_plain_words_sorted_by_bucket(self) -> None:
        board = RateLimitBoard()
        board.record(USERINFO, RateLimitState(10, 10, NOW, NOW))
        board.record(MANAGEMENT_READ, RateLimitState(10, 8, NOW + 12, NOW))
        board.record(TOKEN, RateLimitState(100, 97, NOW + 2592, NOW))
        assert board.summary_line(NOW) == (
            "rate limits: management-read 8/10 (full in 12 s) · token 97/100 (full in 44 min)"
            " · userinfo 10/10"
        )

    def test_counts_refill_with_time_and_waits_are_shown(self) -> None:
        board = RateLimitBoard()
        board.record(MANAGEMENT_READ, empty())
        board.mark_waiting(MANAGEMENT_READ, NOW + 6)
        assert board.summary_line(NOW + 3) == (
            "rate limits: management-read 0/10 (full in 57 s, waiting 3 s)"
        )
        assert board.summary_line(NOW + 12.5) == "rate limits: management-read 2/10 (full in 48 s)"

    def test_a_wait_without_headers_is_shown(self) -> None:
        board = RateLimitBoard()
        board.mark_waiting(MANAGEMENT_WRITE, NOW + 2)
        assert board.summary_line(NOW) == "rate limits: management-write (waiting 2 s)"

    def test_long_waits_in_hours(self) -> None:
        board = RateLimitBoard()
        board.record(TOKEN, RateLimitState(100, 0, NOW + 86_400, NOW))
        assert board.summary_line(NOW) == "rate limits: token 0/100 (full in 24 h)"
