"""The scope rule on its own: what each support action needs, and the refusal in words."""

from __future__ import annotations

import pytest

from tui_console.support.scopes import (
    SUPPORT_SCOPES,
    ScopeMissing,
    missing_scopes,
    require,
    unavailable_reason,
)

UNRELATED = frozenset({"read:clients"})


@pytest.mark.parametrize("action", sorted(SUPPORT_SCOPES))
def test_every_action_is_refused_in_words_without_its_scopes(action: str) -> None:
    """Each action names what it is and every scope it lacks."""
    reason = unavailable_reason(action, UNRELATED)
    assert reason is not None and reason[0].isupper()
    assert all(scope in reason for scope in SUPPORT_SCOPES[action])
    assert unavailable_reason(action, frozenset(SUPPORT_SCOPES[action])) is None


def test_a_token_that_names_no_scopes_is_left_to_auth0() -> None:
    """An opaque token's scopes are unknown: nothing is refused here."""
    assert missing_scopes("access.revoke", frozenset()) == ()
    require("access.revoke", frozenset())


def test_read_logs_users_stands_in_for_read_logs() -> None:
    assert missing_scopes("logs.read", frozenset({"read:logs_users"})) == ()
    assert missing_scopes("logs.read", UNRELATED) == ("read:logs",)


def test_require_raises_with_the_missing_scopes_and_where_to_grant_them() -> None:
    with pytest.raises(ScopeMissing) as caught:
        require("sessions.end", frozenset({"delete:sessions"}))
    assert caught.value.scopes == ("delete:refresh_tokens",)
    assert caught.value.message.startswith("Ending a session needs the scope delete:refresh")
    assert "tui-console login --client-credentials" in caught.value.hint
