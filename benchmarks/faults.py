"""The fault soak's figures (counts, never timings), with and without a rotation reuse interval.

Run: ``.venv/bin/python benchmarks/faults.py [--operations N] [--rate R] [--seed S]
[--reuse-interval SECONDS ...]``. Each run signs in to a fresh dev tenant through a loopback
proxy that fails ``rate`` of the HTTP exchanges (:mod:`tests.faults.proxy`), then runs N mixed
commands (status, token, userinfo, user, metadata show/set/unset, identities, devices
add/revoke) in this process and counts what a person would notice
(:mod:`tests.faults.soak`). The default compares Auth0's default reuse interval (0 s) with the
README's recommendation (30 s): the difference is the sessions lost to reuse detection after a
refresh whose answer was lost. This is a measurement for people; the suite's
``tests/faults/test_soak.py`` asserts the zeros.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.faults.soak import run_soak  # noqa: E402  (the repository root is on the path now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=200)
    parser.add_argument("--rate", type=float, default=0.2, help="share of exchanges that fail")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument(
        "--reuse-interval", type=float, action="append", metavar="SECONDS", dest="intervals"
    )
    args = parser.parse_args()
    for interval in args.intervals or [0.0, 30.0]:
        with tempfile.TemporaryDirectory() as home:
            report = run_soak(
                Path(home),
                operations=args.operations,
                rate=args.rate,
                reuse_interval=interval,
                seed=args.seed,
            )
        print("\n".join(report.lines()))
        print()


if __name__ == "__main__":
    main()
