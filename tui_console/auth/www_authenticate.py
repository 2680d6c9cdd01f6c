"""Reading ``WWW-Authenticate`` challenges (RFC 9110 §11.6.1, RFC 6750 §3).

Auth0's ``/userinfo`` answers a bad token with the plain-text body ``Unauthorized``; the
reason is only in ``WWW-Authenticate: Bearer realm="Users", error="invalid_token",
error_description="..."``. The grammar is awkward (commas separate both challenges and
their parameters, quoted strings carry backslash escapes, a scheme may carry a token68
instead of parameters), so this parser is tolerant: it never raises and skips what it
cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Challenge", "bearer_challenge", "dpop_challenge", "parse_www_authenticate"]

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
# An unterminated quoted string runs to the end: better a partial description than none.
_QUOTED = r'"(?:[^"\\]|\\.)*(?:"|\\?$)'
_QUOTED_BODY = re.compile(r'"((?:[^"\\]|\\.)*)')
_SCHEME = re.compile(_TOKEN)
_PARAM = re.compile(rf"[ \t]*({_TOKEN})[ \t]*=[ \t]*({_QUOTED}|{_TOKEN})[ \t]*")
_TOKEN68 = re.compile(r"[ \t]*([A-Za-z0-9\-._~+/]+=*)[ \t]*(?=,|$)")
_NEXT_IS_PARAM = re.compile(rf"[ \t]*,[ \t]*{_TOKEN}[ \t]*=")
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Challenge:
    """One authentication challenge: its scheme and either parameters or a token68.

    Parameter names are lower-cased (they are case-insensitive); values are unquoted.
    """

    scheme: str
    params: Mapping[str, str] = field(default_factory=dict)
    token68: str | None = None


def _unquote(value: str) -> str:
    """A token as it is, a quoted-string without its quotes and escapes (RFC 9110 §5.6.4)."""
    quoted = _QUOTED_BODY.match(value)
    return _ESCAPE.sub(r"\1", quoted.group(1)) if quoted else value


def _skip_separators(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in ", \t\r\n":
        pos += 1
    return pos


def parse_www_authenticate(header: str) -> list[Challenge]:
    """Every challenge in ``header`` (several header lines may be joined with ", ")."""
    challenges: list[Challenge] = []
    pos = _skip_separators(header, 0)
    while pos < len(header):
        scheme = _SCHEME.match(header, pos)
        if scheme is None:  # not a challenge: skip to the next comma
            comma = header.find(",", pos)
            pos = len(header) if comma < 0 else comma + 1
        else:
            pos = scheme.end()
            params: dict[str, str] = {}
            token68 = None
            if pos < len(header) and header[pos] in " \t":
                param = _PARAM.match(header, pos)
                if param is None and (t68 := _TOKEN68.match(header, pos)) is not None:
                    token68, pos = t68.group(1), t68.end()
                while param is not None:
                    params.setdefault(param.group(1).lower(), _unquote(param.group(2)))
                    pos = param.end()
                    if not _NEXT_IS_PARAM.match(header, pos):
                        break
                    param = _PARAM.match(header, header.index(",", pos) + 1)
            challenges.append(Challenge(scheme.group(0), params, token68))
        pos = _skip_separators(header, pos)
    return challenges


def _first(header: str | None, scheme: str) -> Challenge | None:
    for challenge in parse_www_authenticate(header or ""):
        if challenge.scheme.lower() == scheme:
            return challenge
    return None


def bearer_challenge(header: str | None) -> Challenge | None:
    """The first ``Bearer`` challenge in ``header`` (the scheme is case-insensitive)."""
    return _first(header, "bearer")


def dpop_challenge(header: str | None) -> Challenge | None:
    """The first ``DPoP`` challenge in ``header`` (RFC 9449 §7.1), case-insensitively.

    A resource server may send a ``Bearer`` and a ``DPoP`` challenge in one header; each
    error belongs to its own scheme, so read the one matching the scheme that was used.
    """
    return _first(header, "dpop")
