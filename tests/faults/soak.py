"""The fault soak: hundreds of mixed CLI commands against the dev tenant through a faulty proxy.

Shared by the test (``tests/faults/test_soak.py``, which asserts the figures) and the
benchmark (``benchmarks/faults.py``, which prints them). Each command runs in this process
through :func:`tui_console.cli.main` with its stdout and stderr captured, on a worker thread
with a deadline so a hang is counted instead of waited for. After each one the soak checks
what a person would: no traceback, a failure that names a cause and a next step, a session
that survives transient faults, a write that is never applied twice, and a write reported
as failed that did apply is worded "may have applied".

The console's 15 s read timeout is shortened to :data:`CLIENT_TIMEOUT` for the run (the
proxy's stall is longer), and the transport's retry backoff tenfold, so a few hundred
commands fit in under a minute; nothing else of the client is changed.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import io
import os
import random
import re
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.faults.proxy import FaultProxy, running_proxy
from tui_console.cli import main
from tui_console.devtenant import RunningTenant, TenantSettings, serve
from tui_console.ratelimit.transport import RateLimitedTransport

__all__ = ["CLIENT_TIMEOUT", "SoakReport", "run_soak"]

CLIENT_TIMEOUT = 0.6
"""Seconds the client waits for an answer during the soak (the console's default is 15)."""
STALL = 1.0
"""Seconds the proxy's "stall" fault holds an answer: longer than :data:`CLIENT_TIMEOUT`."""
HANG_LIMIT = 30.0
"""A command still running after this long counts as a hang."""

_HINTED_ERROR = re.compile(r"^error: (?P<message>.+)\n  (?P<hint>\S.*)$", re.M)
_SESSION_ENDED = "The session for this profile has ended"


@dataclass
class SoakReport:
    """The figures of one soak: counts, never timings."""

    reuse_interval: float
    operations: int = 0
    succeeded: int = 0
    failed: int = 0
    tracebacks: list[str] = field(default_factory=list)
    hangs: int = 0
    failures_without_next_step: list[str] = field(default_factory=list)
    tokens_dropped_on_transient_fault: list[str] = field(default_factory=list)
    sessions_lost: int = 0
    sessions_lost_explained: int = 0
    logins: int = 0
    writes_failed_but_applied: int = 0
    writes_failed_but_applied_unsaid: list[str] = field(default_factory=list)
    writes_applied_twice: int = 0
    requests: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    failure_kinds: Counter[str] = field(default_factory=Counter)
    failure_samples: dict[str, str] = field(default_factory=dict)
    """One message per kind of failure, for people reading the report."""
    reuse_detections: int = 0

    def lines(self) -> list[str]:
        """The report as aligned text lines, for the benchmark and a failing test."""
        rows = [
            ("reuse interval (s)", f"{self.reuse_interval:g}"),
            ("CLI operations", self.operations),
            ("  succeeded / failed", f"{self.succeeded} / {self.failed}"),
            ("HTTP requests through the proxy", self.requests),
            ("  faults injected", sum(self.faults.values())),
            ("tracebacks", len(self.tracebacks)),
            ("hangs", self.hangs),
            ("failures without a cause and next step", len(self.failures_without_next_step)),
            ("tokens dropped on a transient fault", len(self.tokens_dropped_on_transient_fault)),
            ("writes applied twice", self.writes_applied_twice),
            ("writes reported failed that applied", self.writes_failed_but_applied),
            (
                "  ... without saying it may have applied",
                len(self.writes_failed_but_applied_unsaid),
            ),
            ("sessions lost (refresh reuse detected)", self.sessions_lost),
            ("  ... whose message named the reuse interval", self.sessions_lost_explained),
            ("reuse detections at the tenant", self.reuse_detections),
            ("sign-in commands run (recovery, not counted above)", self.logins),
        ]
        width = max(len(name) for name, _ in rows)
        out = [f"{name:<{width}}  {value}" for name, value in rows]
        out.append(
            "faults by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(self.faults.items()))
        )
        out.append(
            "failures by kind: "
            + ", ".join(f"{k} {n}" for k, n in sorted(self.failure_kinds.items()))
        )
        return out


@dataclass(frozen=True)
class Outcome:
    code: int | None
    stdout: str
    stderr: str
    crashed: str = ""


def _failure_kind(stderr: str) -> str:
    """A short name for the kind of failure message (for the report)."""
    text = stderr.lower()
    for needle, kind in (
        (_SESSION_ENDED.lower(), "session ended"),
        ("nothing was sent", "nothing sent"),
        ("may have applied", "sent, answer lost: may have applied"),
        ("status says the change applied", "applied, answer unreadable"),
        ("answer was lost", "read, answer lost: try again"),
        ("no usable answer", "token endpoint trouble: try again"),
        ("rate limit", "rate limited"),
        ("too many requests", "rate limited"),
        ("failed to handle the request", "server error: try again"),
        ("something other than json", "unreadable read: try again"),
    ):
        if needle in text:
            return kind
    return "other"


class _Cli:
    """Runs ``tui-console ARGS`` in this process with captured output and a deadline."""

    def __init__(self) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def run(self, *args: str) -> Outcome | None:
        """The outcome, or ``None`` when the command hung past :data:`HANG_LIMIT`."""
        future = self._pool.submit(self._run, list(args))
        try:
            return future.result(timeout=HANG_LIMIT)
        except concurrent.futures.TimeoutError:
            return None

    @staticmethod
    def _run(argv: list[str]) -> Outcome:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except BaseException:  # noqa: BLE001 - a crash is what the soak counts
                return Outcome(None, out.getvalue(), err.getvalue(), traceback.format_exc())
        return Outcome(code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _environment(home: Path) -> Iterator[None]:
    """XDG dirs under ``home`` and short client timeouts, restored afterwards."""
    names = {f"XDG_{n}_HOME": str(home / n.lower()) for n in ("CONFIG", "STATE", "DATA", "CACHE")}
    cleared = ("AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "TUI_CONSOLE_CONFIG", "BROWSER", "DISPLAY")
    saved = {name: os.environ.get(name) for name in (*names, *cleared)}
    original_timeout = httpx.Timeout
    try:
        os.environ.update(names)
        for name in cleared:
            os.environ.pop(name, None)
        with (
            mock.patch.object(
                httpx, "Timeout", lambda *args, **kwargs: original_timeout(CLIENT_TIMEOUT)
            ),
            mock.patch.object(RateLimitedTransport, "_backoff", staticmethod(_short_backoff)),
        ):
            yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _short_backoff(attempt: int) -> float:
    """The transport's retry backoff, 1 s, 2 s, ... shrunk tenfold for the soak (a Retry-After
    is still honoured in full)."""
    return 0.1 * 2.0 ** (attempt - 1)


def _settings(reuse_interval: float) -> TenantSettings:
    """Short access tokens (refreshes happen often) and limits high enough not to matter."""
    return TenantSettings(
        access_token_ttl=2,
        auto_approve=0.05,
        device_interval=1,
        refresh_reuse_leeway=reuse_interval,
        userinfo_burst=100_000,
        userinfo_refill_per_minute=100_000,
        management_burst=100_000,
        management_refill_per_minute=100_000,
        management_global_burst=100_000,
        management_global_refill_per_second=100_000,
        device_credentials_write_burst=100_000,
        device_credentials_write_refill_per_minute=100_000,
    )


class _Soak:
    def __init__(
        self, tenant: RunningTenant, proxy: FaultProxy, home: Path, report: SoakReport, seed: int
    ) -> None:
        self.tenant = tenant
        self.proxy = proxy
        self.home = home
        self.report = report
        self.random = random.Random(seed)
        self.cli = _Cli()
        self.serial = 0
        self.public_key = home / "device.pub"
        key = ec.generate_private_key(ec.SECP256R1()).public_key()
        self.public_key.write_bytes(
            key.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        self.user_id = tenant.demo_user["user_id"]
        self.audience = tenant.state.management_audience

    # -- tenant state -----------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        user = self.tenant.state.get_user(self.user_id)
        assert user is not None
        return dict(user.user_metadata or {})

    def credentials(self, prefix: str = "soak-dev-") -> dict[str, str]:
        """device_id → credential id of the soak's device keys."""
        return {
            c.device_id: c.id
            for c in self.tenant.state.device_credentials.values()
            if c.device_id.startswith(prefix)
        }

    def signed_in(self) -> bool:
        path = self.home / "state" / "tui-console" / "tokens" / "default.json"
        return path.exists() and b"refresh_token" in path.read_bytes()

    # -- the run ----------------------------------------------------------------------------

    def login(self) -> None:
        """Sign in (device flow, auto-approved): once under faults, then without until it works.

        A sign-in is a recovery here, not one of the measured operations; the first try still
        goes through the faults so its messages are checked for tracebacks too.
        """
        faults = self.proxy.enabled
        try:
            for _ in range(5):
                self.report.logins += 1
                outcome = self.cli.run("login", "--device")
                if outcome is None:
                    self.report.hangs += 1
                    raise RuntimeError("login hung")
                self.check(("login",), outcome)
                if outcome.code == 0:
                    return
                self.proxy.enabled = False
            raise RuntimeError("5 sign-ins in a row failed")
        finally:
            self.proxy.enabled = faults

    def operations(
        self,
    ) -> list[tuple[Callable[[], tuple[tuple[str, ...], Callable[[], bool]]], int]]:
        return [
            (lambda: (("status",), _never), 1),
            (lambda: (("token",), _never), 3),
            (lambda: (("userinfo",), _never), 2),
            (lambda: (("user",), _never), 2),
            (lambda: (("metadata",), _never), 1),
            (lambda: (("identities",), _never), 1),
            (self.set_metadata, 3),
            (self.unset_metadata, 1),
            (self.add_device, 2),
            (self.revoke_device, 1),
        ]

    def set_metadata(self) -> tuple[tuple[str, ...], Callable[[], bool]]:
        self.serial += 1
        key, value = f"soak{self.serial}", self.serial
        return ("metadata", "set", f"{key}={value}"), lambda: self.metadata().get(key) == value

    def unset_metadata(self) -> tuple[tuple[str, ...], Callable[[], bool]]:
        keys = [k for k in self.metadata() if k.startswith("soak")]
        if not keys:
            return self.set_metadata()
        key = self.random.choice(keys)
        return ("metadata", "unset", key), lambda: key not in self.metadata()

    def add_device(self) -> tuple[tuple[str, ...], Callable[[], bool]]:
        self.serial += 1
        device = f"soak-dev-{self.serial}"
        args = ("devices", "add", f"soak {self.serial}", "--public-key", str(self.public_key))
        return (*args, "--device-id", device), lambda: device in self.credentials()

    def revoke_device(self) -> tuple[tuple[str, ...], Callable[[], bool]]:
        ids = sorted(self.credentials().values())
        if not ids:
            return self.add_device()
        credential = self.random.choice(ids)
        return (
            "devices",
            "revoke",
            credential,
        ), lambda: credential not in self.credentials().values()

    def run(self, count: int) -> None:
        self.login()
        self.proxy.enabled = True
        makers, weights = zip(*self.operations(), strict=True)
        for _ in range(count):
            if not self.signed_in():
                self.login()
            args, applied = self.random.choices(makers, weights)[0]()
            was_signed_in = self.signed_in()
            outcome = self.cli.run(*args)
            self.report.operations += 1
            if outcome is None:
                self.report.hangs += 1
                break
            self.check(args, outcome, applied=applied, was_signed_in=was_signed_in)
        self.proxy.enabled = False
        self.cli.close()

    def check(
        self,
        args: tuple[str, ...],
        outcome: Outcome,
        *,
        applied: Callable[[], bool] = lambda: False,
        was_signed_in: bool = True,
    ) -> None:
        report = self.report
        command = " ".join(args)
        if outcome.crashed or "Traceback" in outcome.stderr:
            report.tracebacks.append(f"{command}: {outcome.crashed or outcome.stderr}")
            return
        if args == ("login",):
            return
        if outcome.code == 0:
            report.succeeded += 1
            return
        report.failed += 1
        kind = _failure_kind(outcome.stderr)
        report.failure_kinds[kind] += 1
        report.failure_samples.setdefault(kind, f"{command}: {outcome.stderr.strip()}")
        errors = list(_HINTED_ERROR.finditer(outcome.stderr))
        if not errors:
            report.failures_without_next_step.append(f"{command}: {outcome.stderr.strip()}")
        if _SESSION_ENDED in outcome.stderr:
            report.sessions_lost += 1
            report.sessions_lost_explained += "reuse interval" in outcome.stderr
        elif was_signed_in and not self.signed_in():
            report.tokens_dropped_on_transient_fault.append(f"{command}: {outcome.stderr.strip()}")
        if args[0] in ("metadata", "devices") and len(args) > 1 and applied():
            report.writes_failed_but_applied += 1
            said = outcome.stderr.lower()
            if "may have applied" not in said and "change applied" not in said:
                report.writes_failed_but_applied_unsaid.append(
                    f"{command}: {outcome.stderr.strip()}"
                )


def _never() -> bool:
    return False


def run_soak(
    home: Path, *, operations: int, rate: float, reuse_interval: float, seed: int
) -> SoakReport:
    """Run ``operations`` mixed commands at ``rate`` faults; the figures of the run."""
    report = SoakReport(reuse_interval=reuse_interval)
    with (
        serve(_settings(reuse_interval)) as tenant,
        running_proxy(tenant.issuer, rate=rate, seed=seed, stall=STALL) as proxy,
        _environment(home),
    ):
        tenant.state.issuer = proxy.url  # discovery now hands out the proxy's URLs
        config = home / "config" / "tui-console" / "config.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(
            'default_profile = "default"\n[profiles.default]\n'
            f'issuer = "{proxy.url}"\nclient_id = "{tenant.client_id}"\n'
            f'audience = "{tenant.state.management_audience}"\n'
        )
        soak = _Soak(tenant, proxy, home, report, seed)
        soak.run(operations)
        time.sleep(0)  # let the proxy's last handlers finish counting
        report.requests = proxy.stats.requests
        report.faults = proxy.stats.faults
        devices = Counter(
            c.device_id
            for c in tenant.state.device_credentials.values()
            if c.device_id.startswith("soak-dev-")
        )
        report.writes_applied_twice = proxy.stats.management_posts_sent_twice() + sum(
            1 for n in devices.values() if n > 1
        )
        report.reuse_detections = tenant.state.stats.reuse_detections
    return report
