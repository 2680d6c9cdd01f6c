"""The tenant's log events, shaped as Auth0's (auth0-reference.md §8.6 [L1, L2, L3];
auth0-recordings/NOTES.md §11, logs.json).

What writes an event (type codes from [L2]):

* the login page: ``s`` (signed in), ``fp`` (known user, wrong password), ``fu`` (unknown
  user), ``f`` (a blocked user tried), ``limit_wc`` (the attempt that tripped brute-force
  protection, :mod:`.attack_protection`);
* the device flow: ``fdeaz`` (the person denied the code on the confirm page), ``sede`` /
  ``fede`` (device code exchanged / refused);
* the token endpoint: ``seacft`` / ``feacft`` (authorization code), ``sertft`` / ``fertft``
  (refresh token), ``ferrt`` (a rotated-away refresh token came back: reuse detected),
  ``seccft`` / ``feccft`` (client credentials, with ``audience`` and the granted ``scope``
  string, ``details: null``, ``user_id: ""``, as recorded); ``srrt`` when ``/oauth/revoke``
  ends a refresh token;
* the Management API: ``sapi`` for every change that succeeded, with
  ``details.request{method, path, query, body, userAgent, channel: "api", ip, auth{user,
  strategy: "jwt", credentials{scopes}}}`` and ``details.response{statusCode, body}``
  (recorded); ``ublkdu`` when a brute-force block is released, ``gd_unenroll`` when MFA
  methods are removed.

Shape: the 2023+ style, every key present and ``null`` when empty (NOTES.md §11): ``_id``,
``log_id``, ``date``, ``type``, ``description``, ``connection``, ``connection_id``,
``organization_id``, ``organization_name``, ``client_id``, ``client_name``, ``ip``,
``hostname``, ``details``, ``user_id``, ``user_name``, ``user_agent``, ``audience``, ``scope``,
``strategy``, ``strategy_type``, ``isMobile``, ``location_info``. ``log_id`` (= ``_id``) is a
56-digit string: ``900``, the UTC time as ``yyyymmddHHMMSS``, then a 39-digit sequence, so ids
sort as the events happened.

Reading: ``GET /api/v2/logs`` pages newest first (``page``/``per_page`` ≤ 100, default 50,
``sort``, ``q`` in the Lucene subset of :mod:`.directory`, ``fields``/``include_fields`` which
always add ``_id``); with ``from``/``take`` it is a checkpoint read that ignores the rest and
returns up to ``take`` events with a **higher** ``log_id`` than ``from``, oldest first, so a
tail walks forward (recorded). ``GET /api/v2/users/{id}/logs`` is the page mode for one user.

Guesses:

* UNRECORDED: the descriptions of ``s`` (empty, like the recorded ``ss``), ``f`` ("user is
  blocked"), ``limit_wc``, ``fdeaz`` and the exchange failures (their OAuth error text, as the
  recorded ``fepft``); ``ublkdu``, ``fdeaz`` and ``gd_unenroll`` as the codes for an unblock by
  API, a denied device code and a factor removed by support.
* UNRECORDED: ``user_agent`` is the request's own header for browser events; API and token
  events write ``"Other 0.0.0 / Other 0.0.0"`` as recorded, with the real one in
  ``details.request.userAgent`` for ``sapi``.
* UNRECORDED: 404 "Log not found" / ``inexistent_log`` for an unknown id.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tui_console.devtenant.models import iso_timestamp
from tui_console.devtenant.seed import DATABASE_CONNECTION

if TYPE_CHECKING:
    from tui_console.devtenant.state import TenantState

__all__ = ["API_USER_AGENT", "DATABASE_CONNECTION_ID", "LogStore"]

#: What Auth0 writes as ``user_agent`` for SDK and API calls (recorded).
API_USER_AGENT = "Other 0.0.0 / Other 0.0.0"
DATABASE_CONNECTION_ID = "con_Dv7T3nAnTUs3rDb1"
_SEQUENCE_DIGITS = 39
_LOG_KEYS = (
    "_id",
    "log_id",
    "date",
    "type",
    "description",
    "connection",
    "connection_id",
    "organization_id",
    "organization_name",
    "client_id",
    "client_name",
    "ip",
    "hostname",
    "details",
    "user_id",
    "user_name",
    "user_agent",
    "audience",
    "scope",
    "strategy",
    "strategy_type",
    "isMobile",
    "location_info",
)


class LogStore:
    """Every event the tenant wrote, oldest first, under the tenant's lock."""

    def __init__(self, state: TenantState) -> None:
        self._state = state
        self._events: list[dict[str, Any]] = []
        self._by_id: dict[str, dict[str, Any]] = {}
        self._sequence = 0
        self._last_second = ""

    def clear(self) -> None:
        with self._state.lock:
            self._events.clear()
            self._by_id.clear()
            self._sequence = 0
            self._last_second = ""

    def record(
        self,
        type: str,
        *,
        description: str = "",
        client_id: str | None = None,
        user_id: str | None = None,
        user_name: str | None = None,
        database: bool = False,
        ip: str | None = None,
        user_agent: str | None = API_USER_AGENT,
        details: Mapping[str, Any] | None = None,
        audience: str | None = None,
        scope: str | None = None,
        at: float | None = None,
    ) -> dict[str, Any]:
        """Write one event and return it. ``database``: it happened on the database
        connection (sign-ins), which sets ``connection``, ``strategy`` and their ids."""
        state = self._state
        with state.lock:
            when = state.now() if at is None else at
            second = datetime.fromtimestamp(when, tz=UTC).strftime("%Y%m%d%H%M%S")
            second = max(second, self._last_second)  # ids keep increasing if time steps back
            self._last_second = second
            self._sequence += 1
            log_id = f"900{second}{self._sequence:0{_SEQUENCE_DIGITS}d}"
            client = state.get_client(client_id) if client_id else None
            event: dict[str, Any] = dict.fromkeys(_LOG_KEYS)
            event.update(
                _id=log_id,
                log_id=log_id,
                date=iso_timestamp(when),
                type=type,
                description=description,
                client_id=client_id,
                client_name=client.name if client else None,
                ip=ip,
                hostname=_hostname(state.issuer),
                details=copy.deepcopy(dict(details)) if details is not None else None,
                user_id=user_id if user_id is not None else "",
                user_name=user_name if user_name is not None else "",
                user_agent=user_agent,
                audience=audience,
                scope=scope,
                isMobile=False,
            )
            if database:
                event.update(
                    connection=DATABASE_CONNECTION,
                    connection_id=DATABASE_CONNECTION_ID,
                    strategy="auth0",
                    strategy_type="database",
                )
            self._events.append(event)
            self._by_id[log_id] = event
            return copy.deepcopy(event)

    def newest_first(self) -> list[dict[str, Any]]:
        with self._state.lock:
            return [copy.deepcopy(e) for e in reversed(self._events)]

    def after(self, log_id: str, take: int) -> list[dict[str, Any]]:
        """Up to ``take`` events with a higher id than ``log_id``, oldest first."""
        with self._state.lock:
            newer = [e for e in self._events if e["log_id"] > log_id]
            return [copy.deepcopy(e) for e in newer[:take]]

    def get(self, log_id: str) -> dict[str, Any] | None:
        with self._state.lock:
            event = self._by_id.get(log_id)
            return None if event is None else copy.deepcopy(event)


def _hostname(issuer: str) -> str:
    return issuer.split("://", 1)[-1].rstrip("/")
