"""Keeping secrets out of reprs, tracebacks, logs and screenshots.

Textual's crash screen prints a traceback *with locals* (textual-notes.md §9), so a token
held in a plain ``str`` local can end up on screen. Tokens therefore travel as
:class:`Secret`, whose ``repr`` and ``str`` are redacted; code that must send one calls
:meth:`Secret.reveal` at the last moment. :func:`redact` scrubs free text (log lines,
error bodies) of anything that looks like a JWT or bearer credential.
"""

from __future__ import annotations

import re

__all__ = ["MASK", "Secret", "redact"]

MASK = "•••"

# Pattern texts, compiled by ``re`` on first use (and cached there): most runs never redact.
_JWT = r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*"
# A scheme followed by an English word is prose ("the DPoP proof", "a Bearer token"), not a
# credential: masking it would turn error messages into "the DPoP ••• htu does not match".
_AUTH_HEADER = (
    r"(?i)\b(bearer|dpop|basic)\s+"
    r"(?!(?:proofs?|nonces?|keys?|headers?|scheme|challenges?|tokens?|realm|error|"
    r"authentication)(?!\.?[A-Za-z0-9_~+/=-]))[A-Za-z0-9._~+/=-]+"
)
_SECRET_FIELDS = (
    r"(?i)((?<![A-Za-z0-9_])\"?(?:access_token|refresh_token|id_token|device_code|code_verifier|code|"
    r"client_secret|token|link_with|password)\"?\s*[:=]\s*\"?)([^\"&\s,}]+)"
)


class Secret:
    """A string that never shows itself by accident.

    ``repr()`` and ``str()`` give a mask; ``reveal()`` gives the value. Two secrets are equal
    when their values are, so they can be compared without revealing them.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret wraps a str")
        self._value = value

    def reveal(self) -> str:
        """The secret value. Call this only where the value leaves for the server or disk."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    def __str__(self) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[type, tuple[str]]:
        # Pickling would be a way around the mask; refuse to make it silent.
        raise TypeError("Secrets are not picklable")


def redact(text: str, *secrets: Secret | str | None) -> str:
    """``text`` with JWTs, Authorization credentials, secret form fields and ``secrets`` masked."""
    for secret in secrets:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if value:
            text = text.replace(value, MASK)
    text = re.sub(_JWT, MASK, text)
    text = re.sub(_AUTH_HEADER, lambda m: f"{m.group(1)} {MASK}", text)
    return re.sub(_SECRET_FIELDS, lambda m: f"{m.group(1)}{MASK}", text)
