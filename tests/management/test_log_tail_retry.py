"""retry_wait: how long a log tail waits after a refused or lost read, for the CLI and the UI."""

from __future__ import annotations

import pytest

from tui_console.errors import NetworkError, RateLimited
from tui_console.management.log_tail import LONGEST_RETRY_WAIT, retry_wait


def test_auth0s_retry_after_is_taken_when_it_says_one() -> None:
    wait, why = retry_wait(RateLimited("429", retry_after=7.0), failures=3)
    assert wait == 7.0 and "rate limited" in why


@pytest.mark.parametrize(
    ("failures", "wait"), [(1, 2.0), (2, 4.0), (3, 8.0), (9, LONGEST_RETRY_WAIT)]
)
def test_without_one_the_wait_doubles_up_to_the_longest(failures: int, wait: float) -> None:
    assert retry_wait(RateLimited("429"), failures)[0] == wait
    assert retry_wait(NetworkError("reset"), failures)[0] == wait


def test_never_under_a_second_nor_over_the_longest() -> None:
    assert retry_wait(RateLimited("429", retry_after=0.0), failures=1)[0] == 1.0
    assert retry_wait(RateLimited("429", retry_after=3600.0), failures=1)[0] == LONGEST_RETRY_WAIT


def test_a_lost_connection_says_what_failed() -> None:
    _, why = retry_wait(NetworkError("connection reset by peer"), failures=1)
    assert why == "Auth0 could not be reached (connection reset by peer)"
