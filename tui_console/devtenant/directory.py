"""The users a support person searches, and the search itself (``GET /api/v2/users``).

Who is seeded and how a query matches; the users the tenant holds, and the rules that change
them, are :mod:`.users`.

**Seed.** Besides Ada and Charles (:mod:`.seed`), the tenant holds a few dozen deterministic
users with varied connections (database, Google, GitHub, Microsoft, passwordless e-mail),
login counts, last logins and IPs, and some with the ``blocked`` flag, plus the people of the
support demo's story:

* **Grace Hopper** is locked out: brute-force protection blocked her from one IP after ten
  wrong passwords (her block and ``f`` events are seeded by :mod:`.attack_protection` and
  :mod:`.logs`);
* **Alan Turing** lost his phone: an SMS number, a TOTP app and a recovery code (:mod:`.mfa`);
* **Katherine Johnson** signs in everywhere: 30 sessions (:mod:`.sessions`);
* **Edsger Dijkstra** was blocked by an administrator (``blocked: true``).

**Search** follows auth0-reference.md §8.6 [U1] with a small subset of Lucene: ``field:value``,
``field:"quoted phrase"``, ``field:prefix*``, ranges ``field:[a TO b]`` / ``{a TO b}`` (``*``
open), ``AND``, ``OR``, ``NOT``, parentheses, and a bare term (matched against ``email``,
``name``, ``nickname``, ``username`` and ``user_id``). Terms side by side are joined by ``OR``,
as in Lucene. Values are case-sensitive except for the normalized fields (``email``, ``name``,
``given_name``, ``family_name``, ``nickname``) [U1]. Fields: the user's attributes,
``identities.connection`` / ``.provider`` / ``.user_id`` (``connection`` and ``provider`` as
short forms), ``app_metadata.*`` and ``user_metadata.*`` (no wildcards there [U1]).

Guesses:

* UNRECORDED: a query that does not parse answers 400 ``invalid_query_string`` "Query
  validation error: ...".
* UNRECORDED: results are ordered by ``created_at`` then ``user_id`` without ``sort``; Auth0
  promises no order.
* UNRECORDED: paging past the first 1,000 results answers 400 "You can only page through the
  first 1000 records." (the cap is in the docs [U1]; the exact wording is from memory).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tui_console.devtenant.management_rules import ManagementApiError
from tui_console.devtenant.models import NO_PASSWORD, Identity, User
from tui_console.devtenant.seed import DATABASE_CONNECTION, gravatar_url, seed_password_hash

__all__ = [
    "ALAN_USER_ID",
    "EDSGER_USER_ID",
    "GRACE_USER_ID",
    "KATHERINE_USER_ID",
    "SEARCH_RESULT_CAP",
    "STORY_PASSWORDS",
    "UserQuery",
    "directory_users",
    "parse_query",
    "sort_users",
]

#: Auth0's cap on the results reachable by paging through a search [U1].
SEARCH_RESULT_CAP = 1000
_NORMALIZED = frozenset({"email", "name", "given_name", "family_name", "nickname"})
_BARE_FIELDS = ("email", "name", "nickname", "username", "user_id")
_SHORT_FIELDS = {"connection": "identities.connection", "provider": "identities.provider"}


def _db_id(email: str) -> str:
    return "auth0|" + hashlib.sha1(email.encode(), usedforsecurity=False).hexdigest()[:24]


GRACE_USER_ID = _db_id("grace@example.com")
ALAN_USER_ID = _db_id("alan@example.com")
KATHERINE_USER_ID = _db_id("katherine@example.com")
EDSGER_USER_ID = _db_id("edsger@example.com")
#: The story users' passwords (database connection), printed nowhere but the docs and tests.
STORY_PASSWORDS = {
    "grace@example.com": "hopper",
    "alan@example.com": "turing",
    "katherine@example.com": "johnson",
    "edsger@example.com": "dijkstra",
}
#: Everyone else on the database connection signs in with this.
_CROWD_PASSWORD = "support-demo"

_STORY = (
    ("Grace", "Hopper", "grace@example.com", 212, None),
    ("Alan", "Turing", "alan@example.com", 54, None),
    ("Katherine", "Johnson", "katherine@example.com", 1318, None),
    ("Edsger", "Dijkstra", "edsger@example.com", 7, True),
)
_CROWD = (
    ("Barbara", "Liskov"),
    ("Donald", "Knuth"),
    ("Frances", "Allen"),
    ("John", "McCarthy"),
    ("Margaret", "Hamilton"),
    ("Dennis", "Ritchie"),
    ("Radia", "Perlman"),
    ("Ken", "Thompson"),
    ("Adele", "Goldberg"),
    ("Tony", "Hoare"),
    ("Shafi", "Goldwasser"),
    ("Niklaus", "Wirth"),
    ("Jean", "Sammet"),
    ("Leslie", "Lamport"),
    ("Mary", "Keller"),
    ("Claude", "Shannon"),
    ("Hedy", "Lamarr"),
    ("Edgar", "Codd"),
    ("Annie", "Easley"),
    ("Vint", "Cerf"),
    ("Sophie", "Wilson"),
    ("Guido", "Rossum"),
    ("Evelyn", "Boyd"),
    ("Linus", "Torvalds"),
    ("Kathleen", "Booth"),
    ("Robin", "Milner"),
    ("Joan", "Clarke"),
    ("Bjarne", "Stroustrup"),
    ("Lynn", "Conway"),
    ("Alonzo", "Church"),
)
_CONNECTIONS = ("database", "google-oauth2", "database", "github", "windowslive", "email")


def _stamp(day: int, second: int) -> str:
    """A deterministic ISO date in 2024-2026 with milliseconds, as Auth0 writes them."""
    year, day_of_year = 2024 + day // 360, day % 360
    month, mday = day_of_year // 30 + 1, day_of_year % 30 + 1
    mday = min(mday, 28)
    hh, mm, ss = (second // 3600) % 24, (second // 60) % 60, second % 60
    return f"{year}-{month:02d}-{mday:02d}T{hh:02d}:{mm:02d}:{ss:02d}.{(second * 7) % 1000:03d}Z"


def _user(
    given: str,
    family: str,
    email: str,
    connection: str,
    *,
    number: int,
    logins: int,
    blocked: bool | None,
    password: str,
) -> User:
    name = f"{given} {family}"
    created = _stamp(number * 11, 3600 * 9 + number * 97)
    identity: Identity
    if connection == "database":
        user_id = _db_id(email)
        identity = Identity("auth0", user_id.split("|", 1)[1], DATABASE_CONNECTION, False)
        password_hash = seed_password_hash(password)
    elif connection == "email":
        user_id = "email|" + hashlib.sha1(email.encode(), usedforsecurity=False).hexdigest()[:24]
        identity = Identity("email", user_id.split("|", 1)[1], "email", False)
        password_hash = NO_PASSWORD
    else:
        digits = int(hashlib.sha1(email.encode(), usedforsecurity=False).hexdigest()[:12], 16)
        social_id: str | int = digits if connection == "github" else str(10**20 + digits)
        user_id = f"{connection}|{social_id}"
        identity = Identity(connection, social_id, connection, True)
        password_hash = NO_PASSWORD
    user = User(
        user_id=user_id,
        email=email,
        email_verified=number % 5 != 3,
        name=name,
        nickname=email.split("@", 1)[0],
        picture=gravatar_url(email, name),
        created_at=created,
        updated_at=created,
        password_hash=password_hash,
        identities=[identity],
        given_name=given,
        family_name=family,
        blocked=blocked,
    )
    if logins:
        user.logins_count = logins
        user.last_login = _stamp(700 + number * 3, 3600 * 14 + number * 131)
        user.last_ip = f"198.51.100.{10 + number}"
    return user


def directory_users() -> list[User]:
    """The story users and the crowd (fresh objects; about 34 users)."""
    users = [
        _user(g, f, e, "database", number=n, logins=lc, blocked=b, password=STORY_PASSWORDS[e])
        for n, (g, f, e, lc, b) in enumerate(_STORY)
    ]
    for n, (given, family) in enumerate(_CROWD, start=len(_STORY)):
        connection = _CONNECTIONS[n % len(_CONNECTIONS)]
        domain = "example.org" if n % 3 else "example.net"
        email = f"{given.lower()}.{family.lower()}@{domain}"
        logins = (n * 37) % 250 if n % 7 else 0
        blocked = True if n % 11 == 0 else (False if n % 4 == 0 else None)
        users.append(
            _user(
                given,
                family,
                email,
                connection,
                number=n,
                logins=logins,
                blocked=blocked,
                password=_CROWD_PASSWORD,
            )
        )
    return users


# -- the query language -------------------------------------------------------------------------


def _invalid(reason: str) -> ManagementApiError:
    return ManagementApiError(400, f"Query validation error: {reason}", "invalid_query_string")


_TOKEN = re.compile(
    r'\s*(?:(?P<open>\()|(?P<close>\))|(?P<range>[\[{][^\]}]*[\]}])|"(?P<phrase>(?:[^"\\]|\\.)*)"'
    r'|(?P<word>[^\s()"\[{]+))'
)

Predicate = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class UserQuery:
    """A parsed ``q``: :meth:`matches` tests one user's Management JSON."""

    predicate: Predicate
    text: str

    def matches(self, user: dict[str, Any]) -> bool:
        return self.predicate(user)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise _invalid(f"unexpected character at {position + 1}")
        kind = match.lastgroup or "word"
        value = match.group(kind)
        if kind == "word" and value.endswith(":") and text[match.end() : match.end() + 1] in '"[{':
            # field:"phrase" or field:[range]: keep the field with what follows.
            following = _TOKEN.match(text, match.end())
            if following is None or following.lastgroup not in ("phrase", "range"):
                raise _invalid(f"no value after {value}")
            tokens.append((f"field-{following.lastgroup}", value[:-1] + "\0" + following.group(0)))
            position = following.end()
            continue
        tokens.append((kind, value))
        position = match.end()
    return tokens


def _values(user: dict[str, Any], field: str) -> list[Any]:
    field = _SHORT_FIELDS.get(field, field)
    if field.startswith("identities."):
        key = field.split(".", 1)[1]
        return [i.get(key) for i in user.get("identities", []) if key in i]
    current: Any = user
    for part in field.split("."):
        if not isinstance(current, dict) or part not in current:
            return []
        current = current[part]
    return current if isinstance(current, list) else [current]


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _term(field: str | None, value: str, *, phrase: bool) -> Predicate:
    fields = _BARE_FIELDS if field is None else (field,)
    wildcard = not phrase and value.endswith("*") and value != "*"
    if (
        field is not None
        and field.split(".")[0] in ("app_metadata", "user_metadata")
        and (wildcard)
    ):
        raise _invalid(f"wildcards are not allowed on {field}")
    stem = value[:-1] if wildcard else value

    def test(user: dict[str, Any]) -> bool:
        for name in fields:
            fold = name in _NORMALIZED
            wanted = stem.lower() if fold else stem
            for found in _values(user, name):
                text = _as_text(found).lower() if fold else _as_text(found)
                if value == "*" and not phrase:
                    return True
                if text.startswith(wanted) if wildcard else text == wanted:
                    return True
        return False

    return test


def _range(field: str, text: str) -> Predicate:
    inclusive_low, inclusive_high = text[0] == "[", text[-1] == "]"
    parts = text[1:-1].split(" TO ")
    if len(parts) != 2:
        raise _invalid(f"a range needs 'TO': {text}")
    low, high = (p.strip().strip('"') for p in parts)

    def test(user: dict[str, Any]) -> bool:
        for found in _values(user, field):
            numeric = isinstance(found, int | float) and not isinstance(found, bool)
            try:
                value: Any = found if numeric else _as_text(found)
                lo: Any = float(low) if numeric and low != "*" else low
                hi: Any = float(high) if numeric and high != "*" else high
            except ValueError:
                continue
            ok_low = low == "*" or (value >= lo if inclusive_low else value > lo)
            ok_high = high == "*" or (value <= hi if inclusive_high else value < hi)
            if ok_low and ok_high:
                return True
        return False

    return test


class _Parser:
    """``or := and (OR? and)*``; ``and := not (AND not)*``; ``not := NOT? atom``."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def parse(self) -> Predicate:
        predicate = self.either()
        if self.peek() is not None:
            raise _invalid(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return predicate

    def either(self) -> Predicate:
        parts = [self.both()]
        while (token := self.peek()) is not None and token[0] != "close":
            if token == ("word", "OR"):
                self.take()
            parts.append(self.both())
        if len(parts) == 1:
            return parts[0]
        return lambda user: any(p(user) for p in parts)

    def both(self) -> Predicate:
        parts = [self.negation()]
        while self.peek() == ("word", "AND"):
            self.take()
            parts.append(self.negation())
        if len(parts) == 1:
            return parts[0]
        return lambda user: all(p(user) for p in parts)

    def negation(self) -> Predicate:
        if self.peek() == ("word", "NOT"):
            self.take()
            inner = self.atom()
            return lambda user: not inner(user)
        return self.atom()

    def atom(self) -> Predicate:
        if self.peek() is None:
            raise _invalid("the query ends too early")
        kind, value = self.take()
        if kind == "open":
            inner = self.either()
            if self.peek() is None or self.take()[0] != "close":
                raise _invalid("a '(' is not closed")
            return inner
        if kind == "close" or value in ("AND", "OR"):
            raise _invalid(f"unexpected {value!r}")
        if kind == "phrase":
            return _term(None, value.replace('\\"', '"'), phrase=True)
        if kind == "field-phrase":
            field, _, raw = value.partition("\0")
            return _term(field, raw.strip()[1:-1].replace('\\"', '"'), phrase=True)
        if kind == "field-range":
            field, _, raw = value.partition("\0")
            return _range(field, raw.strip())
        if kind == "range":
            raise _invalid(f"a range needs a field: {value}")
        field, sep, rest = value.partition(":")
        if not sep:
            return _term(None, value, phrase=False)
        if not field or not rest:
            raise _invalid(f"{value!r} needs a field and a value")
        return _term(field, rest, phrase=False)


def parse_query(text: str) -> UserQuery:
    """``q`` as a predicate over users' Management JSON; 400 when it does not parse."""
    tokens = _tokens(text)
    if not tokens:
        return UserQuery(lambda user: True, text)
    return UserQuery(_Parser(tokens).parse(), text)


def sort_users(users: Iterable[dict[str, Any]], sort: str | None) -> list[dict[str, Any]]:
    """``sort=field:1`` (ascending) or ``field:-1``; default ``created_at``, then ``user_id``."""
    items = list(users)
    items.sort(key=lambda u: (str(u.get("created_at", "")), str(u.get("user_id", ""))))
    if not sort:
        return items
    field, _, direction = sort.partition(":")
    if direction not in ("1", "-1") or not field:
        raise _invalid(f"sort must be field:1 or field:-1, not {sort!r}")

    def key(user: dict[str, Any]) -> tuple[bool, str]:
        values = _values(user, field)
        return (not values, _as_text(values[0]) if values else "")

    items.sort(key=key, reverse=direction == "-1")
    if direction == "-1":  # users without the field stay last either way
        items.sort(key=lambda u: not _values(u, field))
    return items
