"""The support demo's story, seeded next to the directory (:mod:`.directory`).

A support person opening the demo finds, besides Ada:

* **Grace Hopper** locked out: ten wrong passwords from 203.0.113.7 this morning tripped
  brute-force protection (``fp`` ×9, ``limit_wc``, then ``f`` for her next try), and the block
  is still there;
* **Alan Turing**, who lost his phone: a TOTP app, an SMS number and a recovery code;
* **Katherine Johnson**, signed in everywhere: 30 live sessions from browsers, phones and the
  console over the last days, a third of them with a refresh token;
* **Edsger Dijkstra**, blocked by an administrator, whose sign-in was refused (``f``);
* **Ada** herself with a TOTP app and a recovery code.

Times are relative to the tenant's clock when it is seeded (or reset), so the story always
happened "recently". Nothing here is persisted: a restart tells it again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_console.devtenant import seed
from tui_console.devtenant.attack_protection import BLOCKED_IP_MESSAGE, Block
from tui_console.devtenant.directory import (
    ALAN_USER_ID,
    EDSGER_USER_ID,
    GRACE_USER_ID,
    KATHERINE_USER_ID,
)
from tui_console.devtenant.mfa import AuthenticationMethod
from tui_console.devtenant.records import Grant, Session

if TYPE_CHECKING:
    from tui_console.devtenant.state import TenantState

__all__ = ["GRACE_BLOCKED_IP", "KATHERINE_SESSIONS", "tell_story"]

GRACE_BLOCKED_IP = "203.0.113.7"
KATHERINE_SESSIONS = 30
_HOUR = 3600.0
_USER_AGENTS = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.6478.71 Mobile Safari/537.36",
)


def tell_story(state: TenantState) -> None:
    """Seed blocks, MFA factors, sessions and log events for the story users present."""
    now = state.now()
    users = state.users
    if seed.DEMO_USER_ID in users:
        _mfa(state, seed.DEMO_USER_ID, now, phone=None, totp="1Password")
    if ALAN_USER_ID in users:
        _mfa(state, ALAN_USER_ID, now, phone="+447700900461", totp="Google Authenticator")
    if GRACE_USER_ID in users:
        _grace(state, now)
    if KATHERINE_USER_ID in users:
        _katherine(state, now)
    if EDSGER_USER_ID in users:
        state.logs.record(
            "f",
            description="user is blocked",
            client_id=seed.CLIENT_ID,
            user_id=EDSGER_USER_ID,
            user_name=users[EDSGER_USER_ID].email,
            database=True,
            ip="198.51.100.77",
            user_agent=_USER_AGENTS[0],
            details={"error": {"message": "user is blocked"}},
            at=now - 2 * _HOUR,
        )


def _mfa(state: TenantState, user_id: str, now: float, *, phone: str | None, totp: str) -> None:
    stable = user_id[-16:].replace("|", "0")
    enrolled = now - 90 * 24 * _HOUR
    state.mfa.add(
        user_id,
        AuthenticationMethod(
            f"totp|dev_{stable}", "totp", enrolled, name=totp, last_auth_at=now - 30 * _HOUR
        ),
    )
    if phone is not None:
        state.mfa.add(
            user_id,
            AuthenticationMethod(
                f"phone|dev_{stable[::-1]}",
                "phone",
                enrolled + 60,
                name="Phone",
                phone_number=phone,
                last_auth_at=now - 50 * _HOUR,
            ),
        )
    state.mfa.add(
        user_id,
        AuthenticationMethod(f"recovery-code|dev_{stable.upper()}", "recovery-code", enrolled),
    )


def _grace(state: TenantState, now: float) -> None:
    email = state.users[GRACE_USER_ID].email
    start = now - 3 * _HOUR
    common = {
        "client_id": seed.CLIENT_ID,
        "user_id": GRACE_USER_ID,
        "user_name": email,
        "database": True,
        "ip": GRACE_BLOCKED_IP,
        "user_agent": _USER_AGENTS[1],
    }
    wrong = "Wrong email or password."
    for n in range(state.settings.brute_force_threshold - 1):
        state.logs.record(
            "fp",
            description=wrong,
            details={"error": {"message": wrong}},
            at=start + n * 40,
            **common,  # type: ignore[arg-type]
        )
    state.logs.record(
        "limit_wc",
        description="An IP address is blocked because it reached the maximum failed login "
        "attempts into a single account.",
        at=start + 400,
        **common,  # type: ignore[arg-type]
    )
    state.logs.record(
        "f",
        description=BLOCKED_IP_MESSAGE,
        details={"error": {"message": BLOCKED_IP_MESSAGE}},
        at=start + 460,
        **common,  # type: ignore[arg-type]
    )
    state.brute_force.block(Block(GRACE_USER_ID, email, GRACE_BLOCKED_IP))


def _katherine(state: TenantState, now: float) -> None:
    for n in range(KATHERINE_SESSIONS):
        began = now - (n * 5 + 1) * _HOUR
        last = max(began, now - (n % 12) * _HOUR - 600)
        agent = _USER_AGENTS[n % len(_USER_AGENTS)]
        first_ip = f"198.51.100.{20 + n}"
        session = Session(
            id=f"ktj{n:02d}" + "Sx" * 6 + f"{n * 7919 % 100000:05d}" + "Kj0hnS0n",
            user_id=KATHERINE_USER_ID,
            created_at=began,
            authenticated_at=began,
            updated_at=last,
            last_interacted_at=last,
            client_ids=[seed.CLIENT_ID],
            initial_ip=first_ip,
            initial_user_agent=agent,
            initial_asn=str(64496 + n % 16),
            last_ip=first_ip if n % 3 else f"203.0.113.{40 + n}",
            last_user_agent=agent,
            last_asn=str(64496 + (n + n % 3) % 16),
            methods=[("pwd", began, None)],
        )
        if n % 4 == 0:
            session.methods.append(("mfa", began + 20, "otp"))
        state.sessions.add(session)
        if n % 3 == 0:
            state.refresh_tokens.issue(
                Grant(
                    user_id=KATHERINE_USER_ID,
                    client_id=seed.CLIENT_ID,
                    scopes=("openid", "profile", "email", "offline_access"),
                    audience=state.management_audience,
                    session_id=session.id,
                )
            )
