"""The support console's tables with 1,000 and 10,000 rows: frames while scrolling and filtering.

Run: ``.venv/bin/python benchmarks/support_tables.py [--rows 1000 --rows 10000] [--small 10]
[--runs 5]``

Each of the three tables (a user's sessions, their refresh tokens, search results) is mounted
headless at 80x24 in the console's own pane, filled with ``--small`` records and with each
``--rows``, and driven by keys: ``down`` a row at a time, ``pagedown``, ``/`` and a filter
typed one character at a time, Escape (the filter cleared), and the countdowns' re-draw that
runs every 30 s. A "frame" is one key (or re-draw) until the app is idle again and the screen
drawn: what a person waits for between pressing and seeing. The figure per action is its
**worst frame** in a run, as a **ratio against the small table's worst frame in the same run**,
interleaved (small, 1,000, 10,000, small, ...) so machine noise hits them alike: the median
ratio over the runs and its spread, and what the rows add to the worst frame, held against the
issue's 50 ms. Nothing here asserts a time: it is a measurement for people, never a test.
``benchmarks/README.md`` says how to read it.

The records are made up (shaped like the recordings: the fields of auth0-recordings
sessions.json and refresh-tokens.json, with varied user agents); no tenant is started.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Footer  # noqa: E402

from tui_console.support import (  # noqa: E402
    RefreshToken,
    Session,
    SupportUser,
    UserSearch,
)
from tui_console.ui.support._pane import SupportPane  # noqa: E402
from tui_console.ui.support.records_pane import RecordsPane  # noqa: E402
from tui_console.ui.support.search import UserSearchPane  # noqa: E402
from tui_console.ui.support.sessions_tab import SessionsTab  # noqa: E402
from tui_console.ui.support.tokens_tab import RefreshTokensTab  # noqa: E402

NOW = 1_764_590_400.0  # 2025-12-01T12:00:00Z: every countdown is the same on every run
AGENTS = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36",
    "curl/8.5.0",
)
FILTER = "safari"


def _iso(offset_hours: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(NOW + offset_hours * 3600))


def sessions(count: int) -> list[Session]:
    return [
        Session.from_json(
            {
                "id": f"sess_{n:06d}",
                "user_id": "auth0|65f1c0de5a1b2c3d4e5f6a7b",
                "created_at": _iso(-n),
                "updated_at": _iso(-n / 2),
                "authenticated_at": _iso(-n),
                "last_interacted_at": _iso(-n / 3),
                "idle_expires_at": _iso(72 - n / 3),
                "expires_at": _iso(168 - n),
                "device": {
                    "initial_user_agent": AGENTS[n % len(AGENTS)],
                    "initial_ip": f"203.0.113.{n % 250}",
                    "initial_asn": str(1000 + n % 50),
                    "last_user_agent": AGENTS[(n + 1) % len(AGENTS)],
                    "last_ip": f"198.51.100.{n % 250}",
                    "last_asn": str(2000 + n % 50),
                },
                "clients": [{"client_id": "Tc9qL2vXn7RbW4kHs8YdJ3mFa6PeZ1Ug"}],
                "authentication": {"methods": [{"name": "pwd", "timestamp": _iso(-n)}]},
            }
        )
        for n in range(count)
    ]


def tokens(count: int) -> list[RefreshToken]:
    return [
        RefreshToken.from_json(
            {
                "id": f"rt_{n:06d}",
                "user_id": "auth0|65f1c0de5a1b2c3d4e5f6a7b",
                "created_at": _iso(-n),
                "idle_expires_at": None if n % 3 else _iso(360 - n),
                "expires_at": None if n % 2 else _iso(720 - n),
                "client_id": "Tc9qL2vXn7RbW4kHs8YdJ3mFa6PeZ1Ug",
                "session_id": f"sess_{n:06d}" if n % 4 else None,
                "rotating": True,
                "resource_servers": [
                    {
                        "audience": "https://ada-demo.eu.auth0.com/api/v2/",
                        "scopes": "openid profile email offline_access read:current_user",
                    }
                ],
            }
        )
        for n in range(count)
    ]


def users(count: int) -> list[SupportUser]:
    return [
        SupportUser.from_json(
            {
                "user_id": f"auth0|{n:024x}",
                "email": f"person{n}@{'example.com' if n % 2 else 'safari.example'}",
                "email_verified": n % 3 != 0,
                "name": f"Person {n}",
                "last_login": _iso(-n),
                "logins_count": n,
                "blocked": n % 17 == 0,
                "identities": [
                    {"provider": "auth0", "user_id": f"{n:024x}", "connection": "Username-"
                     "Password-Authentication", "isSocial": False}
                ],
            }
        )
        for n in range(count)
    ]  # fmt: skip


class _Desk:
    """Stands in for :class:`~tui_console.support.SupportSession`: every scope granted, and
    the records already at hand (the benchmark measures the table, not the network)."""

    account: Any = None

    def unavailable_reason(self, action: str) -> str | None:
        return None


class TableApp(App[None]):
    """One support pane and a footer at 80x24."""

    def __init__(self, pane: SupportPane) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        yield self.pane
        yield Footer()


def _records_pane(kind: type[RecordsPane[Any]], records: list[Any]) -> RecordsPane[Any]:
    user = users(1)[0]
    pane = kind(_Desk(), user, clock=lambda: NOW, id="pane")  # type: ignore[arg-type]
    pane.load = lambda: None  # type: ignore[method-assign]  # filled below, no fetch
    pane.records = list(records)
    return pane


Timed = Callable[[Pilot[Any]], Awaitable[None]]


async def _frame(pilot: Pilot[Any], act: Timed) -> float:
    started = time.perf_counter()
    await act(pilot)
    await pilot.pause()
    return (time.perf_counter() - started) * 1000


def _press(*keys: str) -> Timed:
    async def act(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)

    return act


async def _drive(pane: SupportPane, fill: Callable[[], None]) -> dict[str, list[float]]:
    """Fill ``pane``'s table, then scroll, filter and re-draw it; each frame in ms."""
    app = TableApp(pane)
    frames: dict[str, list[float]] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

        async def load(_: Pilot[Any]) -> None:
            fill()

        frames["fill the table"] = [await _frame(pilot, load)]
        table = pane.query_one("FilterTable")
        table.focus()
        await pilot.pause()
        frames["down (a row)"] = [await _frame(pilot, _press("down")) for _ in range(40)]
        frames["pagedown"] = [await _frame(pilot, _press("pagedown")) for _ in range(10)]
        await pilot.press("slash")
        frames["filter, per key typed"] = [await _frame(pilot, _press(c)) for c in FILTER]
        frames["filter cleared (escape)"] = [await _frame(pilot, _press("escape"))]
        if isinstance(pane, RecordsPane):

            async def tick(_: Pilot[Any]) -> None:
                pane.redraw()

            frames["countdowns re-drawn"] = [await _frame(pilot, tick) for _ in range(3)]
    return frames


def _cases(rows: int) -> list[tuple[str, Callable[[int], Awaitable[dict[str, list[float]]]]]]:
    session_list, token_list, user_list = sessions(rows), tokens(rows), users(rows)

    async def of_sessions(count: int) -> dict[str, list[float]]:
        pane = _records_pane(SessionsTab, session_list[:count])
        return await _drive(pane, pane.redraw)

    async def of_tokens(count: int) -> dict[str, list[float]]:
        pane = _records_pane(RefreshTokensTab, token_list[:count])
        return await _drive(pane, pane.redraw)

    async def of_users(count: int) -> dict[str, list[float]]:
        pane = UserSearchPane(_Desk(), clock=lambda: NOW, id="pane")  # type: ignore[arg-type]
        found = UserSearch("email:*", "query", tuple(user_list[:count]), total=count)
        return await _drive(pane, lambda: pane.show_found(found))

    return [("sessions", of_sessions), ("refresh tokens", of_tokens), ("search results", of_users)]


@dataclass
class Worst:
    """The worst frame (ms) of one action in each run, for the small table and a big one."""

    small: list[float] = field(default_factory=list)
    big: list[float] = field(default_factory=list)

    def ratios(self) -> list[float]:
        return [big / small for small, big in zip(self.small, self.big, strict=True) if small]

    def extras(self) -> list[float]:
        return [big - small for small, big in zip(self.small, self.big, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--rows", type=int, action="append", help="records in a big table (repeat; 1000, 10000)"
    )
    parser.add_argument("--small", type=int, default=10, help="records in the small table")
    parser.add_argument("--runs", type=int, default=5, help="runs of each table, interleaved")
    parser.add_argument("--only", help="only the table whose name starts so (sessions...)")
    args = parser.parse_args()
    sizes: list[int] = args.rows or [1000, 10000]
    print(
        f"{'table / action (worst frame of a run)':<44} {'rows':>6} {'small':>8} {'big':>8} "
        f"{'ratio':>7} {'spread':>11} {'extra':>8}  "
        f"(vs {args.small} rows, median of n={args.runs})"
    )
    for name, case in _cases(max(sizes)):
        if args.only and not name.startswith(args.only):
            continue
        worst: dict[tuple[str, int], Worst] = {}
        for _ in range(args.runs):
            small = asyncio.run(case(args.small))
            for size in sizes:
                for action, frames in asyncio.run(case(size)).items():
                    figures = worst.setdefault((action, size), Worst())
                    figures.small.append(max(small[action]))
                    figures.big.append(max(frames))
        for (action, size), figures in sorted(worst.items(), key=lambda item: item[0][1]):
            ratios, extra = figures.ratios(), statistics.median(figures.extras())
            # "extra" is what the rows add to the worst frame of the small table (Pilot's own
            # round trip and the screen drawn), the figure to hold against the 50 ms.
            flag = "  over 50 ms" if extra > 50 else ""
            print(
                f"{name + ': ' + action:<44} {size:>6} {statistics.median(figures.small):>6.1f}ms "
                f"{statistics.median(figures.big):>6.1f}ms {statistics.median(ratios):>6.2f}x "
                f"{min(ratios):>5.2f}–{max(ratios):<5.2f} {extra:>6.1f}ms{flag}"
            )


if __name__ == "__main__":
    main()
