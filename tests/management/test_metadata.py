"""The metadata PATCH body: top-level merge, null deletes, nested replaces, and never ``{}``."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.recordings import load
from tui_console.management import (
    PROFILE_LIMIT_BYTES,
    InvalidMetadata,
    User,
    metadata_patch,
    size_warnings,
)

from .fakes import user_body


def auth0_merge(existing: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """What Auth0 does with a ``user_metadata`` PATCH, as recorded (NOTES.md §2)."""
    if not patch:
        return {}  # {} wipes everything
    merged = dict(existing)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value  # a nested object replaces the whole sub-object
    return merged


KEYS = st.text(min_size=1, max_size=12).filter(lambda k: "." not in k and "$" not in k)
JSON_LEAVES = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=8,
)


class TestBody:
    def test_set_and_unset_as_sent(self) -> None:
        """Set keys are sent with their values, unset keys as null (Auth0 deletes them)."""
        assert metadata_patch({"theme": "dark", "n": 2}, ["old"]) == {
            "user_metadata": {"theme": "dark", "n": 2, "old": None}
        }

    def test_a_nested_object_is_sent_whole(self) -> None:
        """Auth0 replaces the sub-object, so the caller's complete object is what goes."""
        address = {"home_address": "742 Evergreen Terrace", "city": "Springfield"}
        assert metadata_patch({"addresses": address}, ()) == {
            "user_metadata": {"addresses": address}
        }

    @pytest.mark.parametrize(("changes", "removed"), [({}, ()), ({}, []), ({}, iter(()))])
    def test_an_empty_change_is_refused_never_sent_as_empty(
        self, changes: dict[str, Any], removed: Any
    ) -> None:
        """``{"user_metadata": {}}`` would wipe every key (recorded); refuse instead."""
        with pytest.raises(InvalidMetadata) as caught:
            metadata_patch(changes, removed)
        assert "delete every metadata key" in caught.value.hint

    @pytest.mark.parametrize(
        ("changes", "removed", "key"),
        [
            ({"": 1}, (), ""),
            ({"a.b": 1}, (), "a.b"),
            ({"$set": 1}, (), "$set"),
            ({}, ["x.y"], "x.y"),
            ({"prefs": {"ui": {"font.size": 12}}}, (), "prefs.ui.font.size"),
            ({"list": [{"$bad": 1}]}, (), "list.$bad"),
            ({"prefs": {3: "x"}}, (), "prefs.3"),
        ],
    )
    def test_forbidden_key_names_are_refused_by_name(
        self, changes: dict[str, Any], removed: tuple[str, ...], key: str
    ) -> None:
        """No '.' or '$', not empty, at any depth (docs F4); the error names the key."""
        with pytest.raises(InvalidMetadata) as caught:
            metadata_patch(changes, removed)
        assert caught.value.key == key
        assert repr(key) in caught.value.message

    def test_null_is_refused_with_a_pointer_to_unset(self) -> None:
        with pytest.raises(InvalidMetadata) as caught:
            metadata_patch({"theme": None}, ())
        assert caught.value.key == "theme"
        assert "unset" in caught.value.hint

    def test_a_key_both_set_and_unset_is_refused(self) -> None:
        with pytest.raises(InvalidMetadata, match="both set and unset"):
            metadata_patch({"theme": "dark"}, ["theme"])

    @pytest.mark.parametrize("value", [object(), {1, 2}, math.nan, math.inf, b"bytes"])
    def test_values_json_cannot_carry_are_refused(self, value: Any) -> None:
        with pytest.raises(InvalidMetadata) as caught:
            metadata_patch({"k": value}, ())
        assert caught.value.key == "k"

    def test_a_circular_value_is_refused(self) -> None:
        loop: list[Any] = []
        loop.append(loop)
        with pytest.raises(InvalidMetadata):
            metadata_patch({"k": loop}, ())

    def test_a_single_string_for_unset_is_a_mistake(self) -> None:
        """``unset="theme"`` would otherwise unset the keys t, h, e, m."""
        with pytest.raises(TypeError):
            metadata_patch({}, "theme")

    @given(
        existing=st.dictionaries(KEYS, JSON_VALUES, max_size=5),
        changes=st.dictionaries(KEYS, JSON_VALUES, max_size=5),
        removed=st.lists(KEYS, max_size=4, unique=True),
    )
    def test_auth0_applies_exactly_the_requested_change(
        self, existing: dict[str, Any], changes: dict[str, Any], removed: list[str]
    ) -> None:
        """Under Auth0's merge, keys not named are kept, set keys take their values, unset keys
        go, and the body is never the wiping ``{}``."""
        removed = [key for key in removed if key not in changes]
        if not changes and not removed:
            with pytest.raises(InvalidMetadata):
                metadata_patch(changes, removed)
            return
        body = metadata_patch(changes, removed)
        assert body["user_metadata"]
        expected = {k: v for k, v in existing.items() if k not in removed} | changes
        assert auth0_merge(existing, body["user_metadata"]) == expected


class TestRecordedSemantics:
    def test_our_bodies_match_the_recorded_ones(self) -> None:
        """Each recorded non-empty metadata PATCH is what we build from its sets and unsets."""
        checked = 0
        for record in load("users-patch-metadata"):
            sent = record["request_body"].get("user_metadata")
            if not sent:
                continue
            changes = {k: v for k, v in sent.items() if v is not None}
            removed = [k for k, v in sent.items() if v is None]
            assert metadata_patch(changes, removed) == {"user_metadata": sent}
            checked += 1
        assert checked >= 7

    def test_the_merge_model_reproduces_the_recorded_sequence(self) -> None:
        """terraform's run: set two keys, null one (deleted), send {} (all wiped)."""
        run = [
            r
            for r in load("users-patch-metadata")
            if r["source"].endswith("@a00b69214a6c1daef76cf89d25ece690c7f9db22")
        ]
        assert [r["interaction_index"] for r in run] == [8, 12, 16]
        state: dict[str, Any] = {}
        for record in run:
            state = auth0_merge(state, record["request_body"]["user_metadata"])
            assert state == record["response_body"].get("user_metadata", {})
        assert state == {}, "the recorded {} wiped every key: why we never send it"


class TestSize:
    def test_under_the_limit_no_warning(self) -> None:
        assert size_warnings(User.from_json(user_body(user_metadata={"a": "x" * 100}))) == ()

    def test_over_ten_kilobytes_warns(self) -> None:
        big = {"notes": "x" * PROFILE_LIMIT_BYTES}
        (warning,) = size_warnings(User.from_json(user_body(user_metadata=big)))
        assert "10 KB" in warning and "10.0 KB" in warning

    def test_size_counts_utf8_bytes(self) -> None:
        """5,000 two-byte characters are 10,000 bytes: still under; 5,200 are over."""
        assert size_warnings(User.from_json(user_body(user_metadata={"n": "é" * 5000}))) == ()
        assert size_warnings(User.from_json(user_body(user_metadata={"n": "é" * 5200})))
