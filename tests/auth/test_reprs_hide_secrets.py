"""No repr of an auth or storage record shows a secret, whatever the record and wherever it goes.

Textual's crash screen prints locals, and any ``f"{x!r}"`` in a log line or error would carry
what a repr shows, so every dataclass and named tuple of ``tui_console.auth`` and
``tui_console.storage`` is built here with real-looking values and its repr searched for them.
A field whose name says it holds a credential gets one even when it is typed ``str``: a
``device_code: str`` would then fail this test, as it should.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
import pkgutil
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import tui_console.auth
import tui_console.storage
from tui_console.auth.client_assertion import ClientAssertionSigner
from tui_console.redact import Secret

CREDENTIAL_FIELDS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "device_code",
        "verifier",
        "code_verifier",
        "client_secret",
        "code",
        "token",
        "data",  # storage.PrivateFile: the token file's bytes
    }
)


#: Modules below both packages that hold their records (the token type, the status).
BELOW = ("tui_console.token_set", "tui_console.session_status")


def _modules() -> Iterator[types.ModuleType]:
    for package in (tui_console.auth, tui_console.storage):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            yield importlib.import_module(info.name)
    for name in BELOW:
        yield importlib.import_module(name)


def _records() -> Iterator[type]:
    """Every dataclass and named tuple defined in the two packages and the modules below."""
    for module in _modules():
        for value in vars(module).values():
            if not isinstance(value, type) or value.__module__ != module.__name__:
                continue
            if dataclasses.is_dataclass(value) or (
                issubclass(value, tuple) and hasattr(value, "_fields")
            ):
                yield value


RECORDS = sorted(_records(), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


class Builder:
    """Builds a record with a distinct value per field; remembers the secret ones."""

    def __init__(self) -> None:
        self.secrets: list[str] = []

    def secret_text(self, name: str) -> str:
        text = f"s3cr3t-{name}-{len(self.secrets)}-eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln"
        self.secrets.append(text)
        return text

    def build(self, cls: type) -> Any:
        hints = typing.get_type_hints(cls)
        names = (
            [f.name for f in dataclasses.fields(cls)]
            if dataclasses.is_dataclass(cls)
            else list(cls._fields)  # type: ignore[attr-defined]
        )
        return cls(**{name: self.value(name, hints[name]) for name in names})

    def value(self, name: str, annotation: Any) -> Any:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            first = next(a for a in typing.get_args(annotation) if a is not type(None))
            return self.value(name, first)
        credential = name in CREDENTIAL_FIELDS
        if origin is typing.Literal:
            return typing.get_args(annotation)[0]
        if annotation is Secret:
            return Secret(self.secret_text(name))
        if annotation is str:
            return self.secret_text(name) if credential else f"{name}-value"
        if annotation is bytes:
            return f'{{"{name}": "{self.secret_text(name)}"}}'.encode() if credential else b"bytes"
        if annotation is bool:
            return True
        if annotation is int:
            return 7
        if annotation is float:
            return 1_700_000_000.0
        if annotation is datetime.datetime:
            return datetime.datetime(2024, 3, 13, tzinfo=datetime.UTC)
        if origin is tuple:
            args = typing.get_args(annotation)
            if len(args) == 2 and args[1] is Ellipsis:
                return (self.value(name, args[0]),)
            return tuple(self.value(name, arg) for arg in args)
        if origin in (dict, Mapping) or annotation in (dict, Mapping):
            return {"key": "value"}
        if annotation is ClientAssertionSigner:
            return ClientAssertionSigner(client_id="c", audience="https://t/", key_file=Path("k"))
        if isinstance(annotation, type) and (
            dataclasses.is_dataclass(annotation) or hasattr(annotation, "_fields")
        ):
            return self.build(annotation)
        raise AssertionError(f"no test value for {name}: {annotation!r}; teach Builder.value")


def test_the_walk_finds_the_records_that_hold_secrets() -> None:
    names = {cls.__qualname__ for cls in RECORDS}
    assert {"TokenSet", "DeviceAuthorization", "PkcePair", "AuthorizationRequest"} <= names
    assert "PrivateFile" in names


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__qualname__)
def test_no_repr_shows_a_secret(cls: type) -> None:
    builder = Builder()
    record = builder.build(cls)
    shown = repr(record) + str(record)
    for secret in builder.secrets:
        assert secret not in shown, f"{cls.__qualname__} shows a secret in its repr"
        assert secret.split("-eyJ")[0] not in shown
