"""The dev tenant's Management API against Auth0's recorded answers (issue 3 §3).

For every recorded interaction with an endpoint the console uses, the tenant is seeded to the
state the recording implies, the same request is replayed, and the answer must have the same
status, the same ``Content-Type``, and a body with the same keys and value types all the way
down (values may differ: ids, dates and e-mails are the recording tenant's). Where a recording
carried ``X-RateLimit-*`` headers the replay must carry them too; a recorded 401 had none, so
the replay must have none.

How each recording becomes a starting state (only what the recording itself shows is used):

* a user object in an answer is loaded with :meth:`UserDirectory.add_user` (a filtered GET uses
  the unfiltered answer for the same user);
* a PATCH starts from its own answer *before* the change: keys the PATCH sets are removed,
  keys it deletes are present, an object it wipes has a stale key, ``last_password_reset`` and
  ``blocked`` are absent when the PATCH sets them, so the replay has to do the work;
* a link starts from two standalone users whose attributes are the answer's ``profileData``
  (so the tenant must rebuild ``profileData``, not echo it); an unlink starts from the answer
  of the link recorded for the same primary user;
* device credentials are the listed items plus decoys that the query's filters must drop.

Requests are sent with a token that has the scopes the endpoint needs: an admin
(machine-to-machine) token minted by the tenant, or a user token for the current-user-only
endpoints. Recordings made with legacy Basic credentials that Auth0 now answers with 401 are
replayed with Basic credentials when the recorded answer is that 401.

The recordings are read from ``../shared/auth0-recordings`` (or ``$TUI_CONSOLE_RECORDINGS``)
through :func:`tests.recordings.load`, which skips with the path it looked at when they are
absent. Nothing from them is copied into the project.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

import httpx

from tests import recordings
from tests.devtenant.mgmt import ADMIN_SCOPES, bearer
from tui_console.devtenant import RunningTenant
from tui_console.devtenant.models import DeviceCredential, User

_ROUTES = [
    ("GET", re.compile(r"^/api/v2/users/[^/]+$"), "get_user"),
    ("PATCH", re.compile(r"^/api/v2/users/[^/]+$"), "patch_user"),
    ("POST", re.compile(r"^/api/v2/users/[^/]+/identities$"), "link"),
    ("DELETE", re.compile(r"^/api/v2/users/[^/]+/identities/[^/]+/[^/]+$"), "unlink"),
    ("GET", re.compile(r"^/api/v2/device-credentials$"), "list_device_credentials"),
    ("POST", re.compile(r"^/api/v2/device-credentials$"), "create_device_credential"),
    ("DELETE", re.compile(r"^/api/v2/device-credentials/[^/]+$"), "delete_device_credential"),
]
_RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")
_DEVICE_OWNER = "auth0|5bb7aa92ea4644072b1abe07"
_USER_SCOPES = (
    "read:current_user",
    "create:current_user_device_credentials",
    "delete:current_user_device_credentials",
)


def route_of(record: dict[str, Any]) -> str | None:
    """The endpoint of ours a recorded request went to, or None."""
    method, path = record.get("method"), record.get("url_path") or ""
    return next((name for m, rx, name in _ROUTES if m == method and rx.match(path)), None)


def _segments(record: dict[str, Any]) -> list[str]:
    return [unquote(part) for part in record["url_path"].split("/")]


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def ignored_keys(record: dict[str, Any]) -> set[str]:
    """Keys a record's note says the recorder added (``added "<key>"``): not Auth0's."""
    return set(re.findall(r'added "([^"]+)"', record.get("note") or ""))


def shape_differences(actual: Any, recorded: Any, ignore: set[str], path: str = "$") -> list[str]:
    """Where ``actual`` differs from ``recorded`` in keys, lengths or value types."""
    if _json_type(actual) != _json_type(recorded):
        return [f"{path}: {_json_type(actual)} instead of {_json_type(recorded)}"]
    if isinstance(recorded, dict):
        wanted = set(recorded) - ignore
        found = set(actual) - ignore
        problems = [f"{path}: missing {k!r}" for k in sorted(wanted - found)]
        problems += [f"{path}: unexpected {k!r}" for k in sorted(found - wanted)]
        for key in sorted(wanted & found):
            problems += shape_differences(actual[key], recorded[key], ignore, f"{path}.{key}")
        return problems
    if isinstance(recorded, list):
        if len(actual) != len(recorded):
            return [f"{path}: {len(actual)} items instead of {len(recorded)}"]
        problems = []
        for n, (mine, theirs) in enumerate(zip(actual, recorded, strict=True)):
            problems += shape_differences(mine, theirs, ignore, f"{path}[{n}]")
        return problems
    return []


def _header(record: dict[str, Any], name: str) -> str | None:
    headers = record.get("response_headers") or {}
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def assert_conforms(response: httpx.Response, record: dict[str, Any]) -> None:
    where = f"{record['source']} #{record.get('interaction_index')}"
    assert response.status_code == record["status"], f"{where}: {response.text}"
    recorded_type = _header(record, "content-type")
    if recorded_type is not None:
        assert response.headers.get("content-type") == recorded_type, where
    body = response.json() if response.content else None
    problems = shape_differences(body, record["response_body"], ignored_keys(record))
    assert not problems, f"{where}: " + "; ".join(problems)
    challenge = _header(record, "www-authenticate")
    if challenge is not None:
        assert response.headers.get("www-authenticate") == challenge, where
    if _header(record, "x-ratelimit-limit") is not None:
        values = [response.headers.get(name) for name in _RATE_HEADERS]
        assert all(v is not None and v.isdigit() for v in values), f"{where}: {values}"
    elif record["status"] == 401:
        assert not any(name in response.headers for name in _RATE_HEADERS), where


# -- building the recorded starting state -------------------------------------------------------


def _user(tenant: RunningTenant, body: dict[str, Any]) -> User:
    return User.from_management_json(copy.deepcopy(body), now="2020-01-01T00:00:00.000Z")


def _user_from_identity(tenant: RunningTenant, identity: dict[str, Any]) -> User:
    """A standalone user whose attributes are what a link answer's ``profileData`` shows."""
    bare = {k: v for k, v in identity.items() if k != "profileData"}
    body = {
        **identity.get("profileData", {}),
        "user_id": f"{identity['provider']}|{identity['user_id']}",
        "identities": [bare],
    }
    return _user(tenant, body)


def _before_patch(record: dict[str, Any]) -> dict[str, Any]:
    """The user as it was before the recorded PATCH (see the module docstring)."""
    after = record["response_body"]
    change = record["request_body"]
    before: dict[str, Any] = copy.deepcopy(after)
    for key in ("user_metadata", "app_metadata"):
        if key not in change:
            continue
        if change[key] == {}:
            before[key] = {"stale": "wiped by the PATCH"}
            continue
        previous = dict(after.get(key) or {})
        for name, value in change[key].items():
            if value is None:
                previous[name] = "deleted by the PATCH"
            else:
                previous.pop(name, None)
        if previous:
            before[key] = previous
        else:
            before.pop(key, None)
    if "password" in change:
        before.pop("last_password_reset", None)
    if "blocked" in change:
        before.pop("blocked", None)
    for name in ("name", "given_name", "family_name", "nickname", "picture"):
        if name in change:
            before[name] = f"before-{name}"
    if "email_verified" in change:
        before["email_verified"] = not change["email_verified"]
    before["updated_at"] = before["created_at"]
    return before


class Replayer:
    """Seeds the shared tenant for one recorded interaction and sends it again."""

    def __init__(self, tenant: RunningTenant, client: httpx.AsyncClient) -> None:
        self.tenant = tenant
        self.client = client
        self.full_users = self._full_users()
        self.links = {r["url_path"]: r for r in recordings.load("identities-link")}

    @staticmethod
    def _full_users() -> dict[str, dict[str, Any]]:
        """Unfiltered recorded user objects by url_path (for filtered GETs)."""
        found: dict[str, dict[str, Any]] = {}
        for record in recordings.load("users-get"):
            if record["status"] == 200 and "fields" not in record["query"]:
                found.setdefault(record["url_path"], record["response_body"])
        return found

    def seed(
        self, users: Iterable[User] = (), credentials: Iterable[DeviceCredential] = ()
    ) -> None:
        state = self.tenant.state
        state.directory.replace(users, credentials)
        state.limits.rebuild()
        state.clear_failures()

    async def replay(self, record: dict[str, Any]) -> httpx.Response:
        route = route_of(record)
        assert route is not None, record["url_path"]
        headers = getattr(self, f"_{route}")(record)
        if record["status"] == 401:
            # Recorded with legacy Basic user credentials, which Auth0 refuses since 2021.
            headers = {"Authorization": "Basic dXNlcjpwYXNzd29yZA=="}
        if record["status"] == 429:
            self.tenant.state.limits.drain("global")
        body = record.get("request_body")
        return await self.client.request(
            record["method"],
            self.tenant.issuer.rstrip("/") + record["url_path"],
            params=record.get("query") or None,
            json=body if body is not None else None,
            headers=headers,
        )

    def _admin(self) -> dict[str, str]:
        return bearer(self.tenant.state.mint_access_token(ADMIN_SCOPES))

    def _as_user(self, user_id: str) -> dict[str, str]:
        return bearer(self.tenant.state.mint_access_token(_USER_SCOPES, sub=user_id))

    def _get_user(self, record: dict[str, Any]) -> dict[str, str]:
        full = self.full_users.get(record["url_path"])
        if record["status"] == 200 and ("fields" not in record["query"] or full is None):
            # Unfiltered, or filtered with no unfiltered answer recorded: the filtered answer
            # plus the id, and defaults for the rest (which the filter leaves out anyway).
            full = {"user_id": _segments(record)[-1], **record["response_body"]}
        seeded = [] if record["status"] == 404 or full is None else [_user(self.tenant, full)]
        self.seed(seeded)
        return self._admin()

    def _patch_user(self, record: dict[str, Any]) -> dict[str, str]:
        self.seed([_user(self.tenant, _before_patch(record))])
        return self._admin()

    def _link(self, record: dict[str, Any]) -> dict[str, str]:
        primary, secondary = record["response_body"]
        self.seed(
            [_user_from_identity(self.tenant, primary), _user_from_identity(self.tenant, secondary)]
        )
        return self._admin()

    def _unlink(self, record: dict[str, Any]) -> dict[str, str]:
        primary_path = record["url_path"].split("/identities/")[0] + "/identities"
        linked = self.links.get(primary_path)
        identities = linked["response_body"] if linked else record["response_body"]
        head, *rest = identities
        user = _user_from_identity(self.tenant, head)
        user.identities.extend(
            _user(self.tenant, {"user_id": "x|y", "identities": rest}).identities
        )
        self.seed([user])
        return self._admin()

    def _list_device_credentials(self, record: dict[str, Any]) -> dict[str, str]:
        query = record["query"]
        body = record["response_body"]
        items = body if isinstance(body, list) else body["device_credentials"]
        client_id = query.get("client_id", "test_client")
        credentials = [
            DeviceCredential(
                id=item["id"],
                device_name=item.get("device_name", "device"),
                device_id=item.get("device_id", ""),
                type=item.get("type", query.get("type", "public_key")),
                user_id=item.get("user_id", query.get("user_id", _DEVICE_OWNER)),
                client_id=client_id,
            )
            for item in items
        ]
        if "client_id" in query:  # must be filtered out
            credentials.append(
                DeviceCredential(
                    "dcr_DecoyOtherClient", "decoy", "", "refresh_token", _DEVICE_OWNER, "other"
                )
            )
        if "type" in query:
            other = "public_key" if query["type"] != "public_key" else "refresh_token"
            credentials.append(
                DeviceCredential(
                    "dcr_DecoyOtherType1", "decoy", "", other, _DEVICE_OWNER, client_id
                )
            )
        self.seed(credentials=credentials)
        return self._admin()

    def _create_device_credential(self, record: dict[str, Any]) -> dict[str, str]:
        self.seed([_user(self.tenant, {"user_id": _DEVICE_OWNER})])
        return self._as_user(_DEVICE_OWNER)

    def _delete_device_credential(self, record: dict[str, Any]) -> dict[str, str]:
        credential_id = _segments(record)[-1]
        if "Management API token" in (record.get("note") or ""):
            self.seed()  # deleted before: already gone
            return self._admin()
        credential = DeviceCredential(
            credential_id, "phone", "d", "public_key", _DEVICE_OWNER, "client", value="dmFsdWU="
        )
        self.seed([_user(self.tenant, {"user_id": _DEVICE_OWNER})], [credential])
        return self._as_user(_DEVICE_OWNER)


async def _replay_all(
    tenant: RunningTenant, client: httpx.AsyncClient, name: str
) -> list[tuple[dict[str, Any], httpx.Response]]:
    replayer = Replayer(tenant, client)
    done = []
    for record in recordings.load(name):
        if route_of(record) is None:
            continue
        response = await replayer.replay(record)
        assert_conforms(response, record)
        done.append((record, response))
    return done


async def test_users_get(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    """Full users of every vintage, both filter directions, and the 404 body. A user seeded from
    a recorded body comes back exactly as recorded."""
    done = await _replay_all(tenant, client, "users-get")
    assert len(done) == 19
    for record, response in done:
        if record["status"] == 200 and "fields" not in record["query"]:
            assert response.json() == record["response_body"], record["source"]


async def test_users_patch_metadata(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    """Each PATCH, replayed on the state before it, gives the recorded metadata (merge, null
    deletes, ``{}`` wipes and an emptied app_metadata disappears) and the recorded attributes;
    ``updated_at`` moves."""
    done = await _replay_all(tenant, client, "users-patch-metadata")
    assert len(done) == 12
    for record, response in done:
        mine, theirs = response.json(), record["response_body"]
        for key in ("user_metadata", "app_metadata", "email_verified", "name", "blocked"):
            assert mine.get(key) == theirs.get(key), (record["source"], key)
        assert mine["updated_at"] > mine["created_at"]


async def test_identities_link(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    """201 with every identity carrying the profileData the tenant rebuilt from the users; the
    secondary user is gone afterwards."""
    done = await _replay_all(tenant, client, "identities-link")
    assert len(done) == 4
    record, response = done[-1]
    assert response.json() == record["response_body"]  # go: every attribute was set explicitly
    secondary = record["request_body"]["user_id"]
    assert tenant.state.get_user(secondary) is None


async def test_identities_unlink(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    """The prefixed id (ruby) changes nothing; the bare id (go) unlinks, and the secondary is a
    standalone user again."""
    done = await _replay_all(tenant, client, "identities-unlink")
    assert len(done) == 3
    record, _ = done[-1]
    secondary = f"auth0|{_segments(record)[-1]}"
    user = tenant.state.get_user(secondary)
    assert user is not None and user.user_metadata is None and user.app_metadata is None


async def test_device_credentials(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    """List (bare array and include_totals envelope, filters honoured), create (201 and the
    2021 401 with ``WWW-Authenticate: Bearer``), delete (204, also when already gone)."""
    counts = {}
    for name in (
        "device-credentials-list",
        "device-credentials-create",
        "device-credentials-delete",
    ):
        counts[name] = len(await _replay_all(tenant, client, name))
    assert counts == {
        "device-credentials-list": 4,
        "device-credentials-create": 3,
        "device-credentials-delete": 3,
    }


async def test_errors_on_our_endpoints(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    """errors.json entries for the endpoints the console uses: the 401 "Missing authentication",
    the 404 inexistent_user and the tenant-wide 429."""
    done = await _replay_all(tenant, client, "errors")
    assert sorted(r["status"] for r, _ in done) == [401, 404, 429]


async def test_recorded_error_shapes_elsewhere_match_ours(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Every recorded Management error body with a code our endpoints also produce
    (insufficient_scope, invalid_body, too_many_requests, Hapi's plain 404) has the keys and
    types of ours."""
    state = tenant.state
    user = bearer(state.mint_access_token(["read:current_user"], sub="auth0|nobody"))
    admin = bearer(state.mint_access_token(ADMIN_SCOPES))
    ours: dict[str, httpx.Response] = {
        "insufficient_scope": await client.get(
            tenant.url("api/v2/device-credentials"), headers=user
        ),
        "invalid_body": await client.patch(
            tenant.url("api/v2/users/auth0%7Cnobody"), headers=admin, json={"user_metadata": 1}
        ),
        "Not Found": await client.get(
            tenant.url("api/v2/anomaly/blocks/ips/1.1.1.1"), headers=admin
        ),
    }
    state.limits.drain("global")
    ours["too_many_requests"] = await client.get(
        tenant.url("api/v2/users/auth0%7Cnobody"), headers=admin
    )
    checked = 0
    for record in recordings.load("errors"):
        body = record["response_body"]
        if record.get("kind") == "issue-report" or not isinstance(body, dict):
            continue
        if "statusCode" not in body:
            continue  # an Authentication API error
        key = str(body.get("errorCode") or body.get("message"))
        mine = ours.get(key)
        if mine is None or mine.status_code != record["status"]:
            continue
        problems = shape_differences(mine.json(), body, ignored_keys(record))
        assert not problems, f"{record['source']}: {problems}"
        assert mine.headers["content-type"] == "application/json; charset=utf-8"
        checked += 1
    assert checked >= 10


async def test_ratelimit_headers_on_our_endpoints(
    tenant: RunningTenant, client: httpx.AsyncClient
) -> None:
    """Every ratelimit-headers.json interaction with our endpoints, replayed, carries the three
    headers as decimal strings; ``reset`` is when the bucket is full again (NOTES.md §7)."""
    replayer = Replayer(tenant, client)
    replayed = 0
    for record in recordings.load("ratelimit-headers"):
        if route_of(record) is None or not isinstance(record["response_body"], dict | list):
            continue
        response = await replayer.replay(record)
        assert_conforms(response, record)
        limit, remaining, reset = (int(response.headers[h]) for h in _RATE_HEADERS)
        state = tenant.state
        writes = route_of(record) in ("create_device_credential", "delete_device_credential")
        bucket = state.limits.device_credentials_write if writes else state.limits.management
        assert limit == bucket.capacity
        full_in = (limit - remaining) / bucket.refill_per_second
        assert abs(reset - (state.now() + full_in)) <= 1.5
        replayed += 1
    assert replayed == 7  # GET ×3, PATCH, unlink, link, create


async def test_a_429_then_the_retry(tenant: RunningTenant, client: httpx.AsyncClient) -> None:
    """ratelimit-429-retry.json pairs on our endpoints: the 429 with Auth0's body, then after
    one refill interval the same request succeeds as recorded."""
    replayer = Replayer(tenant, client)
    pairs = [r for r in recordings.load("ratelimit-429-retry") if route_of(r) is not None]
    assert [r["sequence_step"] for r in pairs] == [0, 1]
    limited, retried = pairs
    replayer.full_users[retried["url_path"]] = retried["response_body"]
    response = await replayer.replay(limited)
    assert_conforms(response, limited)
    tenant.state.advance_clock(1 / tenant.state.settings.management_global_refill_per_second)
    headers = replayer._admin()
    again = await client.get(tenant.issuer.rstrip("/") + retried["url_path"], headers=headers)
    assert_conforms(again, retried)
