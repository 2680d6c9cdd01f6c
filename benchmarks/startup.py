"""Where people wait: start-up of the command line and of the console, as ratios.

Run: ``.venv/bin/python benchmarks/startup.py [--runs N]`` (needs tmux for the console rows).

Every figure is a **ratio against a baseline measured in the same run, interleaved** with it,
so machine noise (another process on the other core) hits both sides alike:

* command rows: wall time of the command against ``python -c pass`` from the same venv;
* console rows: start → the first frame that names the signed-in user (polled in a real tmux
  pane at 80x24), against a hello-world Textual app (Header, Static, Footer) started the same
  way; and the profile from ``/userinfo`` on screen, shown both as the time it took after the
  first frame (the issue's goal: one round trip plus 50 ms) and from the start, against the
  same hello-world baseline;
* memory: the console's resident set size right after that first frame, against the
  hello-world app's at its first frame.

The benchmark starts its own dev tenant on 127.0.0.1 (and stops it), signs in with the device
flow, and keeps everything in a temporary directory. It prints medians and the spread
(lowest–highest ratio over the runs); nothing here asserts a time: it is a measurement for
people, never a test. ``benchmarks/README.md`` says how to read it.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PYTHON = sys.executable
CLI = [PYTHON, "-m", "tui_console"]
HELLO_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Hello(App[None]):
    def compose(self):
        yield Header()
        yield Static("Hello, Ada Lovelace")
        yield Footer()

Hello().run()
"""
TMUX_SOCKETS = (f"tui-console-bench-{os.getpid()}-{n}" for n in itertools.count())
POLL_SECONDS = 0.005
FRAME_TIMEOUT = 30.0


@dataclass
class Samples:
    """One row of the table: its measurements and what they are compared with."""

    label: str
    baseline: str
    unit: str = "ms"
    values: list[float] = field(default_factory=list)


def run_timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, check=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - started


def _tmux(socket: str, *args: str) -> str:
    result = subprocess.run(
        ["tmux", "-L", socket, *args], capture_output=True, text=True, check=False
    )
    return result.stdout


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def time_console(
    command: list[str], env: dict[str, str], first: str, later: str | None
) -> tuple[float, float | None, int]:
    """Seconds to a pane showing ``first``, to one showing ``later``, and RSS (KiB) at ``first``."""
    exports = " ".join(f"{k}={v}" for k, v in env.items() if k.startswith(("XDG_", "TUI_")))
    shell_command = f"{exports} exec {' '.join(command)}"
    socket = next(TMUX_SOCKETS)  # a fresh server each time: a dying one can swallow the next
    started = time.perf_counter()
    _tmux(socket, "new-session", "-d", "-x", "80", "-y", "24", shell_command)
    try:
        pid = int(_tmux(socket, "display-message", "-p", "#{pane_pid}").strip())
        first_at = later_at = None
        rss = 0
        deadline = started + FRAME_TIMEOUT
        while time.perf_counter() < deadline:
            screen = _tmux(socket, "capture-pane", "-p")
            now = time.perf_counter()
            if first_at is None and first in screen:
                first_at = now - started
                rss = _rss_kib(pid)
            if first_at is not None and (later is None or later in screen):
                later_at = now - started if later else None
                return first_at, later_at, rss
            time.sleep(POLL_SECONDS)
        raise RuntimeError(f"the pane never showed {first!r} / {later!r}:\n{screen}")
    finally:
        _tmux(socket, "kill-server")


@contextlib.contextmanager
def signed_in_home() -> Iterator[dict[str, str]]:
    """A temporary home with a dev tenant running and a profile signed in to it."""
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "XDG_CONFIG_HOME": f"{home}/config",
            "XDG_STATE_HOME": f"{home}/state",
            "XDG_DATA_HOME": f"{home}/data",
            "XDG_CACHE_HOME": f"{home}/cache",
        }
        env.pop("AUTH0_DOMAIN", None)
        env.pop("AUTH0_CLIENT_ID", None)
        tenant = subprocess.Popen(
            [*CLI, "dev-tenant", "--auto-approve", "0.1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert tenant.stdout is not None
            described = json.loads(tenant.stdout.readline())
            login = [*CLI, "--issuer", described["issuer"], "--client-id", described["client_id"]]
            subprocess.run(
                [*login, "login", "--device", "--no-open"],
                env=env,
                check=True,
                capture_output=True,
                stdin=subprocess.DEVNULL,
                timeout=60,
            )
            yield env
        finally:
            tenant.terminate()
            tenant.wait(timeout=10)


def measure(runs: int) -> list[tuple[Samples, Samples | None]]:
    base = Samples("python -c pass", "")
    version = Samples("tui-console --version", "python -c pass")
    token = Samples("tui-console token (valid cached token)", "python -c pass")
    status = Samples("tui-console status --json (signed in)", "python -c pass")
    hello = Samples("hello-world Textual app, first frame", "")
    frame = Samples("console start → first frame naming the user", "hello-world first frame")
    profile = Samples("first frame → /userinfo profile shown", "")
    profile_total = Samples("console start → /userinfo profile shown", "hello-world first frame")
    hello_rss = Samples("hello-world RSS at first frame", "", unit="MiB")
    rss = Samples("console RSS after the first frame", "hello-world RSS", unit="MiB")
    with signed_in_home() as env, tempfile.NamedTemporaryFile("w", suffix=".py") as hello_file:
        hello_file.write(HELLO_APP)
        hello_file.flush()
        have_tmux = shutil.which("tmux") is not None
        for _ in range(runs):
            base.values.append(run_timed([PYTHON, "-c", "pass"], env))
            version.values.append(run_timed([*CLI, "--version"], env))
            base.values.append(run_timed([PYTHON, "-c", "pass"], env))
            token.values.append(run_timed([*CLI, "token"], env))
            base.values.append(run_timed([PYTHON, "-c", "pass"], env))
            status.values.append(run_timed([*CLI, "status", "--json"], env))
            if have_tmux:
                first, _, kib = time_console([PYTHON, hello_file.name], env, "Ada Lovelace", None)
                hello.values.append(first)
                hello_rss.values.append(kib / 1024)
                first, later, kib = time_console(CLI, env, "Ada Lovelace", "From /userinfo")
                frame.values.append(first)
                assert later is not None
                profile.values.append(later - first)
                profile_total.values.append(later)
                rss.values.append(kib / 1024)
    return [
        (version, base),
        (token, base),
        (status, base),
        (frame, hello),
        (profile, None),
        (profile_total, hello),
        (rss, hello_rss),
    ]


def _ratios(row: Samples, baseline: Samples) -> list[float]:
    """Each run's value against the median of the baseline's runs."""
    reference = statistics.median(baseline.values)
    return [value / reference for value in row.values]


def report(rows: list[tuple[Samples, Samples | None]], runs: int) -> None:
    print(f"{'what':<46} {'median':>10} {'ratio':>7} {'spread':>13}   (n={runs})")
    for row, baseline in rows:
        if not row.values:
            print(f"{row.label:<46} {'(no tmux)':>10}")
            continue
        scale = 1000 if row.unit.startswith("ms") else 1
        median = statistics.median(row.values) * scale
        if baseline is None:
            low, high = min(row.values) * scale, max(row.values) * scale
            spread = f"{low:.0f}–{high:.0f}ms"
            print(f"{row.label:<46} {median:>8.0f}ms {'':>7} {spread:>13}   (no baseline)")
            continue
        ratios = _ratios(row, baseline)
        spread = f"{min(ratios):.1f}–{max(ratios):.1f}x"
        reference = statistics.median(baseline.values) * scale
        print(
            f"{row.label:<46} {median:>8.0f}{row.unit[:3]:>3} {statistics.median(ratios):>6.2f}x"
            f" {spread:>13}   vs {baseline.label} ({reference:.0f})"
        )


def compile_package() -> None:
    """Write the package's bytecode first, as every installed copy has it.

    Under ``PYTHONDONTWRITEBYTECODE`` (set in some CI and agent shells) an editable install
    never gets its ``__pycache__``, and each run would compile every module it imports from
    source: a cost no person's installed copy pays after its first run, which would swamp
    the figures being measured."""
    where = subprocess.run(
        [PYTHON, "-c", "import os, tui_console; print(os.path.dirname(tui_console.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    compileall.compile_dir(where, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    compile_package()
    report(measure(runs), runs)


if __name__ == "__main__":
    main()
