"""The session strip, the rate-limit gauge, the countdown and the QR code."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from textual.app import App, ComposeResult

from tests.ui.fakes import NOW, FakeDeviceLogin, FakeSession
from tests.ui.helpers import NO_BROWSER, Opener, wait_for
from tui_console.durations import clock_text, words
from tui_console.ratelimit import BucketView, RateLimitBoard
from tui_console.ratelimit.headers import RateLimitState
from tui_console.ui.app import ConsoleApp
from tui_console.ui.screens.sign_in import SignInScreen
from tui_console.ui.widgets.qr_code import QrCode
from tui_console.ui.widgets.rate_limit_gauge import RateLimitGauge, bucket_line
from tui_console.ui.widgets.session_strip import SessionStrip, describe_session


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class TestWords:
    def test_durations_read_as_a_person_says_them(self) -> None:
        """Short waits in seconds, longer ones in minutes and hours; rounded up."""
        assert words(0.2) == "1 s"
        assert words(42) == "42 s"
        assert words(187) == "3 min 07 s"
        assert words(7500) == "2 h 05 min"
        assert words(5 * 86400) == "5 days"
        assert clock_text(872) == "14:32"
        assert clock_text(3723) == "1:02:03"
        assert clock_text(-5) == "0:00"


class TestSessionStrip:
    def test_states_are_words(self) -> None:
        """fresh, refreshing, expired (with what happens next) and signed out, in words."""
        [details] = FakeSession().token_details()
        user = {"name": "Ada Lovelace", "email": "ada@example.com"}
        audience = details.audience
        who, token = describe_session("acme", user, [details], audience, NOW)
        assert who == "Profile acme · Ada Lovelace <ada@example.com>"
        assert token == "token 23:50:00 left · fresh"
        refreshing = replace(details, refresh_state="refreshing")
        assert describe_session("acme", user, [refreshing], audience, NOW)[1].endswith(
            "refreshing…"
        )
        expired = replace(details, refresh_state="expired", expires_at=NOW - 1)
        assert describe_session("acme", user, [expired], audience, NOW)[1] == (
            "token expired — will refresh on next call"
        )
        no_refresh = replace(expired, has_refresh_token=False)
        assert "sign in again" in describe_session("acme", user, [no_refresh], audience, NOW)[1]
        assert describe_session("acme", {}, [], audience, NOW)[1] == "signed out"

    async def test_strip_counts_down_every_second(self) -> None:
        """The token countdown moves with the clock, re-read each second."""
        clock = Clock()
        session = FakeSession()

        class StripApp(App[None]):
            def compose(self) -> ComposeResult:
                yield SessionStrip(session, clock=clock)

        app = StripApp()
        async with app.run_test() as pilot:
            strip = app.query_one(SessionStrip)
            assert "23:50:00 left" in strip.text
            clock.now += 5
            await wait_for(pilot, lambda: "23:49:55 left" in strip.text, timeout=3)
            session.signed_in = False  # e.g. another tui-console signed out
            await wait_for(pilot, lambda: strip.text.endswith("signed out"), timeout=3)


class TestRateLimitGauge:
    def test_lines_carry_numbers_bars_and_words(self) -> None:
        """Remaining/limit, a glyph bar and the reset in words; 'empty' and 'waiting' too."""
        view = BucketView(limit=10, remaining=4, reset=NOW + 30, waiting_until=None)
        text, level = bucket_line("userinfo", view, NOW)
        assert "   4/10" in text and "████░░░░░░" in text and "full in 30 s" in text
        assert level == "ok"
        empty = replace(view, remaining=0, waiting_until=NOW + 3)
        text, level = bucket_line("management-write", empty, NOW)
        assert text.startswith("mgmt write")
        assert "empty" in text and "waiting 3 s" in text and "░" * 10 in text
        assert level == "empty"
        held = replace(view, remaining=1, reset=NOW + 754, waiting_until=NOW + 12)
        text, level = bucket_line("device-credentials-write", held, NOW)
        columns = 80 - 2 - len("Rate limits  ")  # the gauge's padding and heading at 80x24
        assert "waiting 12 s" in text[:columns]
        assert level == "empty"
        after_reset = bucket_line("userinfo", view, NOW + 31)[0]
        assert "10/10" in after_reset and "full" in after_reset

    async def test_gauge_follows_the_board_and_unsubscribes(self) -> None:
        """Each report redraws the gauge; unmounting it stops listening to the board."""
        clock = Clock()
        board = RateLimitBoard(clock=clock)

        class GaugeApp(App[None]):
            def compose(self) -> ComposeResult:
                yield RateLimitGauge(board, clock=clock)

        app = GaugeApp()
        async with app.run_test() as pilot:
            gauge = app.query_one(RateLimitGauge)
            assert gauge.lines == ["Rate limits  none reported yet"]
            assert len(board._observers) == 1
            board.record("userinfo", RateLimitState(10, 9, NOW + 12, NOW))
            await wait_for(pilot, lambda: "9/10" in gauge.lines[0])
            assert "full in 12 s" in gauge.lines[0]
            clock.now += 2
            await wait_for(pilot, lambda: "full in 10 s" in gauge.lines[0], timeout=3)
            board.mark_waiting("userinfo", NOW + 7)
            await wait_for(pilot, lambda: "waiting 5 s" in gauge.lines[0])
            board.clear_waiting("userinfo")
            board.record("management-read", RateLimitState(50, 50, NOW + 1, NOW))
            await wait_for(pilot, lambda: len(gauge.lines) == 2)
            await gauge.remove()
            assert board._observers == []


class TestQrCode:
    @pytest.mark.parametrize(("size", "shown"), [((80, 24), True), ((70, 20), False)])
    async def test_qr_code_only_when_it_fits_whole(
        self, size: tuple[int, int], shown: bool
    ) -> None:
        """At 80x24 the QR code shows; in a smaller terminal the URL alone, with the reason."""
        app = ConsoleApp(
            FakeSession(signed_in=False),
            opener=Opener(),
            browser_check=lambda: NO_BROWSER,
            clock=Clock(),
        )
        async with app.run_test(size=size) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
            screen: Any = app.screen
            await wait_for(pilot, lambda: screen.phase == "waiting")
            qr = screen.query_one(QrCode)
            assert qr.display is shown
            note = str(screen.query_one("#qr-note").content)
            assert ("scan" in note) is shown
            if shown:
                assert qr.region.bottom <= 23 and qr.region.right <= 80
                assert qr.data == FakeDeviceLogin().prompt.verification_uri_complete
            else:
                assert "open the URL above instead" in note
