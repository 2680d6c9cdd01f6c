"""The support facade is what the console's support screens will use: no httpx type may
cross it, in any public signature or field of what it exports."""

from __future__ import annotations

import dataclasses
import inspect
import typing

import tui_console.support as support


def _types(annotation: object) -> typing.Iterator[object]:
    yield annotation
    for argument in typing.get_args(annotation):
        yield from _types(argument)


def _hints(thing: object) -> dict[str, object]:
    return typing.get_type_hints(thing)


def test_no_public_signature_or_field_names_an_httpx_type() -> None:
    seen = []
    for name in support.__all__:
        exported = getattr(support, name)
        if not callable(exported):
            continue  # SUPPORT_SCOPES: plain data
        targets = [exported]
        if inspect.isclass(exported):
            targets += [
                member
                for member_name, member in vars(exported).items()
                if callable(member) and not member_name.startswith("_")
            ]
            if dataclasses.is_dataclass(exported):
                targets.append(exported)
        for target in targets:
            for hint in _hints(target).values():
                for kind in _types(hint):
                    seen.append(kind)
                    module = getattr(kind, "__module__", "") or ""
                    assert not module.startswith("httpx"), f"{name}: {kind!r}"
    assert seen  # the walk found the signatures
