"""Reading X-RateLimit-* and Retry-After: recorded values, casing, junk, and the refill maths."""

from __future__ import annotations

from email.utils import formatdate, parsedate_to_datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.recordings import load
from tui_console.ratelimit import (
    MANAGEMENT_READ,
    MANAGEMENT_WRITE,
    TOKEN,
    USERINFO,
    RateLimitState,
    bucket_for,
    parse_rate_limit,
    parse_retry_after,
    wait_after_429,
)

NOW = 1_700_000_000.0
NUMBERISH = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(str),
)


def headers(limit: str, remaining: str, reset: str, **extra: str) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": limit,
        "X-RateLimit-Remaining": remaining,
        "X-RateLimit-Reset": reset,
        **extra,
    }


class TestParseRateLimit:
    def test_reads_the_three_headers(self) -> None:
        """Limit, remaining and reset are read as numbers, observed at ``now``."""
        state = parse_rate_limit(headers("10", "7", str(int(NOW) + 6)), now=NOW)
        assert state == RateLimitState(limit=10, remaining=7, reset=NOW + 6, observed_at=NOW)

    @pytest.mark.parametrize(
        "names",
        [
            ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"),
            ("X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"),
            ("X-RATELIMIT-LIMIT", "X-RateLimit-Remaining", "x-RateLimit-reset"),
        ],
    )
    def test_names_match_in_any_casing(self, names: tuple[str, str, str]) -> None:
        """HTTP/2 lowercases, Ruby's recorder capitalises; both are read (NOTES.md §7)."""
        values = dict(zip(names, ("50", "49", str(int(NOW) + 1)), strict=True))
        for source in (values, httpx.Headers(values)):
            state = parse_rate_limit(source, now=NOW)
            assert state is not None and (state.limit, state.remaining) == (50, 49)

    def test_date_header_moves_reset_onto_the_local_clock(self) -> None:
        """A server clock 300 s ahead of ours does not add 300 s to the wait."""
        server_now = NOW + 300
        state = parse_rate_limit(
            headers("10", "0", str(int(server_now) + 20), Date=formatdate(server_now, usegmt=True)),
            now=NOW,
        )
        assert state is not None
        assert state.reset == NOW + 20

    @pytest.mark.parametrize(
        "values",
        [
            {},
            headers("10", "", "1"),
            headers("ten", "9", "1"),
            headers("10", "11", str(int(NOW))),  # more remaining than the limit
            headers("0", "0", str(int(NOW))),
            headers("10", "-1", str(int(NOW))),
            headers("10", "9", "nan"),
            headers("10", "9", "soon"),
            {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "9"},
        ],
    )
    def test_junk_gives_none(self, values: dict[str, str]) -> None:
        """Missing or nonsensical headers say nothing, rather than make the client wait."""
        assert parse_rate_limit(values, now=NOW) is None

    @given(
        st.fixed_dictionaries(
            {
                "x-ratelimit-limit": NUMBERISH,
                "x-ratelimit-remaining": NUMBERISH,
                "x-ratelimit-reset": NUMBERISH,
                "date": st.text(max_size=40),
            }
        )
    )
    def test_never_raises_on_arbitrary_values(self, values: dict[str, str]) -> None:
        """Whatever a server sends, parsing returns None or a consistent state."""
        state = parse_rate_limit(values, now=NOW)
        assert state is None or 0 <= state.remaining <= state.limit

    @given(
        limit=st.integers(min_value=1, max_value=10_000),
        used=st.integers(min_value=0, max_value=10_000),
        ahead=st.integers(min_value=0, max_value=100_000),
        junk_date=st.text(max_size=30),
    )
    def test_well_formed_values_round_trip(
        self, limit: int, used: int, ahead: int, junk_date: str
    ) -> None:
        """Any consistent triple is read back exactly; an unreadable Date is ignored."""
        remaining = max(0, limit - used)
        reset = int(NOW) + ahead
        values = headers(str(limit), str(remaining), str(reset))
        if junk_date and parse_retry_after(junk_date, NOW) is None:
            values["Date"] = junk_date
        state = parse_rate_limit(values, now=NOW)
        assert state == RateLimitState(limit, remaining, float(reset), NOW)


class TestRefill:
    def test_one_token_refills_long_before_reset(self) -> None:
        """Reset is when the bucket is full: 10 used over 60 s is one token every 6 s."""
        state = RateLimitState(limit=10, remaining=0, reset=NOW + 60, observed_at=NOW)
        assert state.refill_interval == 6
        assert state.next_token_at() == NOW + 6

    def test_a_bucket_with_tokens_allows_a_request_now(self) -> None:
        state = RateLimitState(limit=10, remaining=3, reset=NOW + 42, observed_at=NOW)
        assert state.next_token_at() == NOW

    def test_a_full_bucket_has_no_interval(self) -> None:
        state = RateLimitState(limit=10, remaining=10, reset=NOW, observed_at=NOW)
        assert state.refill_interval is None

    def test_remaining_grows_with_time_and_is_full_at_reset(self) -> None:
        state = RateLimitState(limit=10, remaining=0, reset=NOW + 60, observed_at=NOW)
        assert [state.remaining_at(NOW + t) for t in (0, 5.9, 6, 13, 59.9, 60, 600)] == [
            0,
            0,
            1,
            2,
            9,
            10,
            10,
        ]

    def test_several_tokens_never_later_than_reset(self) -> None:
        state = RateLimitState(limit=10, remaining=0, reset=NOW + 60, observed_at=NOW)
        assert state.token_available_at(3) == NOW + 18
        assert state.token_available_at(25) == NOW + 60


class TestRetryAfter:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [("7", 7.0), (" 0 ", 0.0), ("1.5", 1.5), ("-3", 0.0), (None, None), ("", None)],
    )
    def test_seconds(self, value: str | None, expected: float | None) -> None:
        assert parse_retry_after(value, NOW) == expected

    def test_http_date(self) -> None:
        """RFC 9110 §10.2.3 allows a date; the wait is that date minus now."""
        assert parse_retry_after(formatdate(NOW + 30, usegmt=True), NOW) == 30

    def test_a_past_date_means_now(self) -> None:
        assert parse_retry_after(formatdate(NOW - 30, usegmt=True), NOW) == 0

    @given(st.text(max_size=40))
    def test_never_raises(self, value: str) -> None:
        result = parse_retry_after(value, NOW)
        assert result is None or result >= 0


class TestWaitAfter429:
    """What an error says to wait: Retry-After first, else one token's refill, never reset."""

    def test_retry_after_wins_over_the_bucket(self) -> None:
        assert wait_after_429({"Retry-After": "7", **headers("10", "0", str(NOW + 100))}, NOW) == 7

    def test_without_retry_after_it_is_one_tokens_refill(self) -> None:
        """10 tokens full again in 100 s: one comes back every 10 s."""
        assert wait_after_429(headers("10", "0", str(int(NOW) + 100)), NOW) == pytest.approx(10)

    def test_neither_header_says_nothing(self) -> None:
        assert wait_after_429(httpx.Headers({}), NOW) is None


class TestRecordings:
    """ratelimit-headers.json: real responses from 2018-2021 ruby-auth0 runs."""

    def test_every_recorded_state_parses_to_its_values(self) -> None:
        """Each recorded triple is read exactly, with the reset relative to the Date header."""
        records = load("ratelimit-headers")
        assert records
        for record in records:
            raw = {name.lower(): value for name, value in record["response_headers"].items()}
            date = parsedate_to_datetime(raw["date"]).timestamp()
            state = parse_rate_limit(record["response_headers"], now=date)
            assert state is not None, record["url_path"]
            assert state.limit == int(raw["x-ratelimit-limit"])
            assert state.remaining == int(raw["x-ratelimit-remaining"])
            assert state.reset == float(raw["x-ratelimit-reset"])

    @staticmethod
    def intervals(path: str, limit: int) -> list[float]:
        found = []
        for record in load("ratelimit-headers"):
            if record["url_path"] != path:
                continue
            raw = {name.lower(): value for name, value in record["response_headers"].items()}
            date = parsedate_to_datetime(raw["date"]).timestamp()
            state = parse_rate_limit(raw, now=date)
            if state is not None and state.limit == limit and state.refill_interval is not None:
                found.append(state.refill_interval)
        assert found, f"no recorded {path} at limit {limit}"
        return found

    def test_userinfo_refills_about_one_token_in_twelve_seconds(self) -> None:
        """2021 /userinfo at limit 10: reset − Date = 13 s for one used (≈ 5 per minute)."""
        assert all(11 <= interval <= 14 for interval in self.intervals("/userinfo", 10))

    def test_token_endpoint_refills_a_hundred_a_day(self) -> None:
        """/oauth/token at limit 100: ≈ 864 s per request (NOTES.md §7)."""
        assert all(840 <= interval <= 870 for interval in self.intervals("/oauth/token", 100))

    def test_management_refills_within_seconds(self) -> None:
        """Management API at limit 10 and 50: at most a couple of seconds per token."""
        for record in load("ratelimit-headers"):
            if not record["url_path"].startswith("/api/v2/"):
                continue
            raw = {name.lower(): value for name, value in record["response_headers"].items()}
            state = parse_rate_limit(raw, now=parsedate_to_datetime(raw["date"]).timestamp())
            assert state is not None
            assert state.refill_interval is None or state.refill_interval <= 2

    def test_recorded_requests_fall_into_the_expected_buckets(self) -> None:
        expected = {"GET": MANAGEMENT_READ, "PATCH": MANAGEMENT_WRITE}
        for record in load("ratelimit-headers"):
            method, path = record["method"], record["url_path"]
            bucket = bucket_for(method, httpx.URL("https://t.example" + path).path)
            if path == "/userinfo":
                assert bucket == USERINFO
            elif path.startswith("/oauth/"):
                assert bucket == TOKEN
            elif path.startswith("/api/v2/") and method in expected:
                assert bucket == expected[method]
