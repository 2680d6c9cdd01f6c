"""Brute-force protection at the login page, and the user blocks the Management API shows.

Auth0's rule (auth0-reference.md §8.6 [L2], ``limit_wc``): after ``brute_force_threshold``
(default 10) failed passwords for one account from one IP, that IP is blocked for that
account; the other IPs still work and a correct password from the blocked IP is refused too.
The block lasts until an administrator releases it (``DELETE /api/v2/user-blocks/{id}`` or
``?identifier=``) or the person resets the password; a successful sign-in from that IP
before the threshold clears its count.

Shapes (recorded, user-blocks.json): ``{"blocked_for": [{identifier, ip, connection}]}``,
``[]`` when nothing is blocked (also for an unknown user or identifier); the deletes answer
204 with no body, idempotently.

Guesses:

* UNRECORDED: the login page's words for a blocked IP, Universal Login's "Your account has been
  blocked after multiple consecutive login attempts. We've sent you an email with instructions
  on how to unblock it." (from Auth0's hosted page, not in the recordings), and "user is
  blocked" for the administrator's ``blocked`` flag;
* UNRECORDED: ``identifier`` in a block is the e-mail the person typed (Auth0: "username, phone
  number or e-mail").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui_console.devtenant.seed import DATABASE_CONNECTION

if TYPE_CHECKING:
    from tui_console.devtenant.state import TenantState

__all__ = ["BLOCKED_IP_MESSAGE", "BLOCKED_USER_MESSAGE", "Block", "BruteForceGuard"]

BLOCKED_IP_MESSAGE = (
    "Your account has been blocked after multiple consecutive login attempts. We've sent you "
    "an email with instructions on how to unblock it."
)
BLOCKED_USER_MESSAGE = "user is blocked"


@dataclass(frozen=True)
class Block:
    """One brute-force block: this account may not sign in from this IP."""

    user_id: str
    identifier: str
    ip: str
    connection: str = DATABASE_CONNECTION

    def to_json(self) -> dict[str, Any]:
        return {"identifier": self.identifier, "ip": self.ip, "connection": self.connection}


class BruteForceGuard:
    """Failed-password counts per (user, IP) and the blocks they led to."""

    def __init__(self, state: TenantState) -> None:
        self._state = state
        self._failures: dict[tuple[str, str], int] = {}
        self._blocks: list[Block] = []

    def clear(self) -> None:
        with self._state.lock:
            self._failures.clear()
            self._blocks.clear()

    def is_blocked(self, user_id: str, ip: str) -> bool:
        with self._state.lock:
            return any(b.user_id == user_id and b.ip == ip for b in self._blocks)

    def failed(self, user_id: str, identifier: str, ip: str) -> bool:
        """Count a wrong password; True when this one trips the threshold (a new block)."""
        with self._state.lock:
            key = (user_id, ip)
            self._failures[key] = self._failures.get(key, 0) + 1
            if self._failures[key] < self._state.settings.brute_force_threshold:
                return False
            if not self.is_blocked(user_id, ip):
                self._blocks.append(Block(user_id, identifier, ip))
                return True
            return False

    def succeeded(self, user_id: str, ip: str) -> None:
        with self._state.lock:
            self._failures.pop((user_id, ip), None)

    def block(self, block: Block) -> None:
        """Add a block directly (the seeded story)."""
        with self._state.lock:
            if block not in self._blocks:
                self._blocks.append(block)

    def blocks_of_user(self, user_id: str) -> list[dict[str, Any]]:
        with self._state.lock:
            return [b.to_json() for b in self._blocks if b.user_id == user_id]

    def blocks_of_identifier(self, identifier: str) -> list[dict[str, Any]]:
        with self._state.lock:
            return [b.to_json() for b in self._blocks if b.identifier == identifier]

    def release_user(self, user_id: str) -> int:
        return self._release(lambda b: b.user_id == user_id)

    def release_identifier(self, identifier: str) -> int:
        return self._release(lambda b: b.identifier == identifier)

    def _release(self, matches: Any) -> int:
        with self._state.lock:
            gone = [b for b in self._blocks if matches(b)]
            self._blocks = [b for b in self._blocks if not matches(b)]
            for block in gone:
                self._failures.pop((block.user_id, block.ip), None)
            return len(gone)
