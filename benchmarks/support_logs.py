"""The support console's Logs tab with 10,000 log events against 10: frame times while scrolling,
filtering and following.

Run: ``.venv/bin/python benchmarks/support_logs.py [--rows 10000] [--few 10] [--runs 3]``

The user page's Logs tab (:class:`~tui_console.ui.support.logs_tab.LogsTab`, its table the
console's :class:`~tui_console.ui.widgets.filter_table.FilterTable`) is mounted headless at
80x24, filled once with ``--rows`` events and once with ``--few``, interleaved in the same run,
and driven by keys as :mod:`benchmarks.support_tables` drives the other tables: ``down``,
``pagedown``, ``/`` and a text filter typed a key at a time, then a ``type:`` filter, then
Escape; and one event arriving in follow mode. Each figure is a ratio against the few-events
table of the same run; the worst frame is printed against the issue's 50 ms. Nothing asserts a
time. The events are made up in the shape of auth0-recordings logs.json; no tenant is started.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.pilot import Pilot  # noqa: E402

from benchmarks.support_tables import (  # noqa: E402
    AGENTS,
    NOW,
    TableApp,
    Worst,
    _Desk,
    _frame,
    _press,
    users,
)
from tui_console.support import LogEvent  # noqa: E402
from tui_console.ui.support.logs_tab import LogsTab  # noqa: E402

TYPES = ("s", "f", "fp", "fu", "limit_wc", "seccft", "sapi", "gd_auth_failed", "x_new_code")
TEXT_FILTER = "safari"
TYPE_FILTER = "type:fp"


def events(count: int, *, first: int = 0) -> list[LogEvent]:
    """``count`` events, oldest first, their 56-digit ``log_id``\\ s growing."""
    user = users(1)[0].user_id
    return [
        LogEvent.from_json(
            {
                "log_id": f"9002025{n:049d}",
                "date": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(NOW - 10_000 + n)),
                "type": TYPES[n % len(TYPES)],
                "description": "Wrong email or password." if n % 3 else None,
                "client_id": "Tc9qL2vXn7RbW4kHs8YdJ3mFa6PeZ1Ug",
                "client_name": "tui-console",
                "connection": "Username-Password-Authentication",
                "ip": f"203.0.113.{n % 250}",
                "user_agent": AGENTS[n % len(AGENTS)],
                "user_id": user,
                "user_name": "person0@safari.example",
                "details": {"error": {"message": "Wrong email or password."}},
            }
        )
        for n in range(first, first + count)
    ]


async def _drive(count: int, stock: list[LogEvent]) -> dict[str, list[float]]:
    pane = LogsTab(_Desk(), users(1)[0], clock=lambda: NOW, id="pane")  # type: ignore[arg-type]
    pane.load = lambda: None  # type: ignore[method-assign]  # filled below, no fetch
    app = TableApp(pane)
    frames: dict[str, list[float]] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

        async def fill(_: Pilot[Any]) -> None:
            pane.show_events(stock[:count])

        frames["fill the table"] = [await _frame(pilot, fill)]
        pane.table.focus()
        await pilot.pause()
        frames["down (a row)"] = [await _frame(pilot, _press("down")) for _ in range(40)]
        frames["pagedown"] = [await _frame(pilot, _press("pagedown")) for _ in range(10)]
        await pilot.press("slash")
        frames["text filter, per key"] = [await _frame(pilot, _press(c)) for c in TEXT_FILTER]
        field = pane.query_one("TableFilter Input")
        field.value = ""  # type: ignore[attr-defined]
        await pilot.pause()
        frames["type: filter, per key"] = [
            await _frame(pilot, _press(c if c != ":" else "colon")) for c in TYPE_FILTER
        ]
        frames["filter cleared (escape)"] = [await _frame(pilot, _press("escape"))]
        arriving = events(5, first=len(stock) + 1)

        async def arrive(_: Pilot[Any]) -> None:
            pane.add_event(arriving.pop(0))

        frames["follow: one event arrives"] = [await _frame(pilot, arrive) for _ in range(5)]
    return frames


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="events in the big table")
    parser.add_argument("--few", type=int, default=10, help="events in the small table")
    parser.add_argument("--runs", type=int, default=3, help="runs of each size, interleaved")
    args = parser.parse_args()
    stock = events(args.rows)
    print(
        f"{'logs / action (worst frame of a run)':<40} {'few':>8} {'big':>8} {'ratio':>7} "
        f"{'spread':>11} {'extra':>8}  ({args.rows} events vs {args.few}, median of n={args.runs})"
    )
    worst: dict[str, Worst] = {}
    for _ in range(args.runs):
        few = asyncio.run(_drive(args.few, stock))
        for action, frames in asyncio.run(_drive(args.rows, stock)).items():
            figures = worst.setdefault(action, Worst())
            figures.small.append(max(few[action]))
            figures.big.append(max(frames))
    for action, figures in worst.items():
        ratios, extra = figures.ratios(), statistics.median(figures.extras())
        flag = "  over 50 ms" if extra > 50 else ""  # as support_tables.py holds it
        print(
            f"{action:<40} {statistics.median(figures.small):>6.1f}ms "
            f"{statistics.median(figures.big):>6.1f}ms {statistics.median(ratios):>6.2f}x "
            f"{min(ratios):>5.2f}–{max(ratios):<5.2f} {extra:>6.1f}ms{flag}"
        )


if __name__ == "__main__":
    main()
