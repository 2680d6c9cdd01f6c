"""How long the command line takes to start, as ratios against bare Python measured alongside.

Run: ``.venv/bin/python benchmarks/startup.py [--runs N]``. Each command runs N times,
interleaved with the baseline (``python -c pass``) so machine noise hits both; the table
gives medians and the ratio to the baseline. Nothing asserts a time: this is a measurement
for people (a regression shows as a ratio that grew), never a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS: dict[str, list[str]] = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "tui-console --version": [sys.executable, "-m", "tui_console", "--version"],
    "tui-console status (signed out)": [sys.executable, "-m", "tui_console", "status"],
    "import the Textual console": [sys.executable, "-c", "import tui_console.ui.app"],
    "import the dev tenant server": [sys.executable, "-c", "import tui_console.devtenant.server"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "XDG_CONFIG_HOME": home, "XDG_STATE_HOME": home}
        env["AUTH0_DOMAIN"], env["AUTH0_CLIENT_ID"] = "bench.example.com", "bench"
        timings: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(runs):
            for name, command in COMMANDS.items():
                started = time.perf_counter()
                subprocess.run(command, env=env, capture_output=True, check=False)
                timings[name].append(time.perf_counter() - started)
    baseline = statistics.median(timings["python -c pass (baseline)"])
    print(f"{'command':<34} {'median':>9} {'vs baseline':>12}   (n={runs})")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"{name:<34} {median * 1000:>7.0f}ms {median / baseline:>11.1f}x")


if __name__ == "__main__":
    main()
