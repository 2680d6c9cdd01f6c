"""retry_wait and read_patiently: how a log tail waits out a refused or lost read, for the CLI
and the UI alike."""

from __future__ import annotations

import pytest

from tui_console.errors import NetworkError, RateLimited, TuiConsoleError
from tui_console.management.log_tail import LONGEST_RETRY_WAIT, read_patiently, retry_wait


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


async def test_read_patiently_waits_out_each_failure_then_says_it_resumed() -> None:
    answers: list[Exception | str] = [
        RateLimited("429", retry_after=3.0),
        NetworkError("reset"),
        "ok",
    ]
    waits: list[tuple[float, str]] = []
    resumed: list[bool] = []

    async def read() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def wait(seconds: float, why: str) -> None:
        waits.append((seconds, why))

    result = await read_patiently(read, wait=wait, resumed=lambda: resumed.append(True))
    assert result == "ok" and resumed == [True]
    assert [seconds for seconds, _ in waits] == [3.0, 4.0]  # Retry-After, then 2**2


async def test_read_patiently_lets_other_errors_through() -> None:
    async def read() -> str:
        raise TuiConsoleError("refused")

    async def wait(seconds: float, why: str) -> None:
        raise AssertionError("no wait for an error that waiting cannot fix")

    with pytest.raises(TuiConsoleError, match="refused"):
        await read_patiently(read, wait=wait, resumed=lambda: None)
