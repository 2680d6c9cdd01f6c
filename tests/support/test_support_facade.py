"""The support facade against the dev tenant: find users, read and end sessions, scopes
declared per action, and what a plan without the Enterprise endpoints still allows."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support.conftest import SupportDesk
from tui_console.devtenant import seed
from tui_console.devtenant.records import SignInContext
from tui_console.support import (
    NoUserFound,
    PlanLacksFeature,
    ScopeMissing,
    SupportSession,
)

ADA = seed.DEMO_USER_ID
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


async def _support(desk: SupportDesk) -> SupportSession:
    return SupportSession(await desk.signed_in("secret"))


async def test_find_by_email_by_id_and_by_query(desk: SupportDesk) -> None:
    support = await _support(desk)
    by_email = await support.find_users(seed.DEMO_EMAIL)
    assert by_email.by == "email" and [u.user_id for u in by_email.users] == [ADA]
    assert by_email.note is None
    ada = by_email.users[0]
    assert ada.user.name == seed.DEMO_NAME and ada.user.email_verified is True
    assert ada.connections and ada.blocked is False

    by_id = await support.find_users(ADA)
    assert by_id.by == "user_id" and [u.user_id for u in by_id.users] == [ADA]
    assert (await support.find_users("auth0|000000000000000000000000")).users == ()

    by_query = await support.find_users('name:"Ada Lovelace"')
    assert by_query.by == "query" and ADA in [u.user_id for u in by_query.users]
    assert by_query.total is not None and by_query.total >= 1


async def test_a_capitalised_email_that_matches_nothing_says_matching_is_case_sensitive(
    desk: SupportDesk,
) -> None:
    support = await _support(desk)
    found = await support.find_users("Ada@Example.com")
    assert found.users == ()
    assert found.note is not None and "case-sensitive" in found.note
    assert "ada@example.com" in found.note
    with pytest.raises(NoUserFound) as caught:
        await support.user("Ada@Example.com")
    assert "case-sensitive" in caught.value.hint


async def test_search_pages_through_the_directory(desk: SupportDesk) -> None:
    support = await _support(desk)
    first = await support.find_users("email:*", per_page=5)
    second = await support.find_users("email:*", page=1, per_page=5)
    assert len(first.users) == 5 and first.has_more
    assert not {u.user_id for u in first.users} & {u.user_id for u in second.users}


async def test_a_user_by_email_or_id_and_an_unknown_one(desk: SupportDesk) -> None:
    support = await _support(desk)
    assert (await support.user(seed.DEMO_EMAIL)).user_id == ADA
    assert (await support.user(ADA)).user.email == seed.DEMO_EMAIL
    with pytest.raises(NoUserFound):
        await support.user("auth0|000000000000000000000000")


async def test_sessions_show_the_client_and_the_user_agent_in_words_and_page(
    desk: SupportDesk,
) -> None:
    state = desk.tenant.state
    first = state.create_session(ADA, SignInContext(seed.CLIENT_ID, "203.0.113.7", FIREFOX))
    state.create_session(ADA, SignInContext(seed.CLIENT_ID, "198.51.100.2", "curl/8.5.0"))
    support = await _support(desk)

    page = await support.sessions(ADA, take=1)
    assert len(page.sessions) == 1 and page.next is not None and page.total == 2
    rest = await support.sessions(ADA, checkpoint=page.next, take=1)
    assert rest.next is None
    sessions = {s.id: s for s in page.sessions + rest.sessions}
    assert first.id in sessions
    seen = sessions[first.id]
    assert seen.client_ids == (seed.CLIENT_ID,)
    assert seen.device.initial_ip == "203.0.113.7"
    assert seen.device.last_agent.words == "Firefox 128 on Linux"
    assert [m.name for m in seen.methods] == ["pwd"]
    assert seen.expires_at is not None and seen.idle_expires_at is not None
    assert (await support.session(first.id)).id == first.id

    outcome = await support.end_session(first.id)
    assert "asynchronously" in outcome.summary
    assert any("stay valid until they expire" in c for c in outcome.caveats)
    assert [s.id for s in (await support.sessions(ADA)).sessions] != [first.id]
    assert first.id not in [s.id for s in (await support.sessions(ADA)).sessions]


async def test_an_action_whose_scope_was_not_granted_is_refused_before_sending(
    desk: SupportDesk,
) -> None:
    session = await desk.signed_in("secret")
    [tokens] = session.store.load().values()
    session.store.put(replace(tokens, scope=("read:users",)))
    support = SupportSession(session)
    assert support.unavailable_reason("users.find") is None
    reason = support.unavailable_reason("access.revoke")
    assert reason == (
        "Signing a user out everywhere needs the scopes delete:sessions, "
        "delete:refresh_tokens, which this application was not granted."
    )
    before = desk.tenant.state.stats.management_requests
    with pytest.raises(ScopeMissing) as caught:
        await support.sign_out_everywhere(ADA)
    assert caught.value.scopes == ("delete:sessions", "delete:refresh_tokens")
    assert "Machine to Machine Applications" in caught.value.hint
    assert desk.tenant.state.stats.management_requests == before


async def test_a_plan_without_sessions_says_what_it_lacks_and_what_still_works(
    desk: SupportDesk,
) -> None:
    desk.tenant.state.reset(replace(desk.tenant.settings, plan="free"))
    support = await _support(desk)
    with pytest.raises(PlanLacksFeature) as caught:
        await support.sessions(ADA)
    assert "Enterprise" in caught.value.message
    assert "sign-out-everywhere" in caught.value.hint
    with pytest.raises(PlanLacksFeature):
        await support.refresh_tokens(ADA)
    assert (await support.find_users(seed.DEMO_EMAIL)).users  # the rest keeps working
    outcome = await support.sign_out_everywhere(ADA)
    assert "accepted" in outcome.summary
