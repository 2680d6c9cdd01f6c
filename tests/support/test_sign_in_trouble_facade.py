"""The support facade for "why can't this user sign in?" against the dev tenant: log events in
words, a tail that loses and repeats nothing through a 429 storm, blocks with since when, the
blocked flag, MFA removal and reset, remembered browsers, device credentials, and scopes
declared per action (``read:logs`` or ``read:logs_users``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support.conftest import SupportDesk
from tui_console.devtenant import seed
from tui_console.devtenant.directory import ALAN_USER_ID, EDSGER_USER_ID, GRACE_USER_ID
from tui_console.devtenant.story import GRACE_BLOCKED_IP
from tui_console.errors import RateLimited
from tui_console.support import LogEvent, ScopeMissing, SupportSession

ADA = seed.DEMO_USER_ID


async def _support(desk: SupportDesk) -> SupportSession:
    return SupportSession(await desk.signed_in("secret"))


def _write(desk: SupportDesk, type: str, user_id: str = ADA) -> str:
    """A log event as the tenant writes it; returns its log_id."""
    event = desk.tenant.state.logs.record(type, user_id=user_id, client_id=seed.CLIENT_ID)
    log_id: str = event["log_id"]
    return log_id


async def test_a_user_s_events_in_words_newest_first(desk: SupportDesk) -> None:
    support = await _support(desk)
    page = await support.user_logs(GRACE_USER_ID)
    types = [e.type for e in page.events]
    assert types[:2] == ["f", "limit_wc"] and types.count("fp") == 9
    blocked = page.events[1]
    assert blocked.kind.sentence.startswith("Blocked: too many failed sign-ins")
    assert blocked.kind.outcome == "failure" and blocked.ip == GRACE_BLOCKED_IP
    assert blocked.agent.words.startswith("Safari 17")
    assert all(isinstance(e.log_id, str) and len(e.log_id) == 56 for e in page.events)


async def test_the_tail_shows_each_new_event_once_and_only_the_user_s(
    desk: SupportDesk,
) -> None:
    support = await _support(desk)
    before = _write(desk, "fp")
    tail = await support.log_tail(ADA)
    recent = await tail.start()
    assert recent[-1].log_id == before  # oldest first, up to the checkpoint
    _write(desk, "s", user_id=GRACE_USER_ID)  # someone else's: not shown
    mine = [_write(desk, "fp"), _write(desk, "s")]
    batch = await tail.poll()
    assert [e.log_id for e in batch.events] == mine and batch.caught_up
    assert (await tail.poll()).events == ()


async def test_a_429_storm_loses_no_event_and_repeats_none(desk: SupportDesk) -> None:
    """Every poll during the storm fails; the checkpoint stays; afterwards each event that was
    written during it arrives exactly once, in order, even across several batches."""
    support = await _support(desk)
    tail = await support.log_tail(ADA, take=2)  # small batches: the checkpoint walks in steps
    await tail.start()
    checkpoint = tail.checkpoint
    written = [_write(desk, "fp") for _ in range(3)]
    storm = desk.tenant.state.inject_failure("logs", 429, times=30, headers={"Retry-After": "0"})
    for _ in range(3):
        with pytest.raises(RateLimited):
            await tail.poll()
        assert tail.checkpoint == checkpoint
    assert storm.hits >= 3
    desk.tenant.state.clear_failures()
    written += [_write(desk, "s") for _ in range(2)]
    seen: list[LogEvent] = []
    while True:
        batch = await tail.poll()
        seen.extend(batch.events)
        if batch.caught_up:
            break
    assert [e.log_id for e in seen] == written


async def test_blocks_say_since_when_and_the_flag_and_unblocking_releases_them(
    desk: SupportDesk,
) -> None:
    support = await _support(desk)
    report = await support.blocks(GRACE_USER_ID)
    [blocked] = report.blocks
    assert blocked.block.ip == GRACE_BLOCKED_IP and blocked.since is not None
    assert report.blocked_flag is False and report.by == "user_id"
    by_identifier = await support.blocks("grace@example.com")
    assert by_identifier.by == "identifier" and len(by_identifier.blocks) == 1
    outcome = await support.unblock(GRACE_USER_ID)
    assert "Released every brute-force block" in outcome.summary
    assert (await support.blocks(GRACE_USER_ID)).blocks == ()
    assert (await support.blocks(EDSGER_USER_ID)).blocked_flag is True
    cleared = await support.set_blocked(EDSGER_USER_ID, False)
    assert "no longer blocked" in cleared.summary
    assert desk.tenant.state.users[EDSGER_USER_ID].blocked is False


async def test_mfa_remove_one_then_reset_leaves_no_methods(desk: SupportDesk) -> None:
    support = await _support(desk)
    methods = await support.mfa_methods(ALAN_USER_ID)
    assert {m.type for m in methods} == {"totp", "phone", "recovery-code"}
    phone = next(m for m in methods if m.type == "phone")
    assert phone.detail is not None and phone.detail.startswith("XXXX")
    assert len(await support.enrollments(ALAN_USER_ID)) == 2
    removed = await support.remove_mfa_method(ALAN_USER_ID, phone.id)
    assert removed.summary.startswith("Removed the authentication method")
    assert phone.id not in {m.id for m in await support.mfa_methods(ALAN_USER_ID)}
    reset = await support.reset_mfa(ALAN_USER_ID)
    assert "every authentication method" in reset.summary
    assert "This cannot be undone." in reset.caveats
    assert await support.mfa_methods(ALAN_USER_ID) == ()
    forgot = await support.forget_browsers(ALAN_USER_ID)
    assert "asks for MFA again" in forgot.summary
    assert ALAN_USER_ID in desk.tenant.state.mfa.remembered_browsers_reset


async def test_device_credentials_of_every_type_and_revoking_one(desk: SupportDesk) -> None:
    support = await _support(desk)
    found = await support.device_credentials(ADA)
    kinds = {c.type for c in found.credentials}
    assert kinds == {"public_key", "refresh_token", "rotating_refresh_token"} and not found.cut
    target = found.credentials[0].id
    outcome = await support.revoke_device(target)
    assert target in outcome.summary
    remaining = await support.device_credentials(ADA)
    assert target not in {c.id for c in remaining.credentials}


async def test_each_action_declares_its_scope_and_read_logs_users_stands_in_for_read_logs(
    desk: SupportDesk,
) -> None:
    session = await desk.signed_in("secret")
    [tokens] = session.store.load().values()
    session.store.put(replace(tokens, scope=("read:users", "read:logs_users")))
    support = SupportSession(session)
    assert support.unavailable_reason("logs.read") is None
    assert support.unavailable_reason("blocks.read") is None
    assert support.unavailable_reason("mfa.reset") == (
        "Resetting MFA needs the scope delete:authentication_methods, which this application "
        "was not granted."
    )
    session.store.put(replace(tokens, scope=("read:users",)))
    assert "read:logs or read:logs_users" in (support.unavailable_reason("logs.read") or "")
    report = await support.blocks(GRACE_USER_ID)  # the block, without since when
    assert report.blocks[0].since is None and report.note is not None
    before = desk.tenant.state.stats.management_requests
    for refused in (
        support.reset_mfa(ALAN_USER_ID),
        support.unblock(GRACE_USER_ID),
        support.device_credentials(ADA),
        support.log_tail(ADA),
    ):
        with pytest.raises(ScopeMissing):
            await refused
    assert desk.tenant.state.stats.management_requests == before


async def test_a_tail_on_an_empty_log_starts_at_its_first_event_and_filters_types(
    desk: SupportDesk,
) -> None:
    support = await _support(desk)
    desk.tenant.state.logs.clear()
    tail = await support.log_tail(ADA, types=("s",))
    assert await tail.start() == () and tail.checkpoint is None
    _write(desk, "fp")
    wanted = _write(desk, "s")
    batch = await tail.poll()
    assert [e.log_id for e in batch.events] == [wanted] and tail.checkpoint == wanted
    later = [_write(desk, "fp"), _write(desk, "s")]
    assert [e.log_id for e in (await tail.poll()).events] == later[1:]
