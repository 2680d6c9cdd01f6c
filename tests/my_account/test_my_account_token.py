"""A token for the My Account audience next to the Management API sign-in (issue 13 §1).

Against the dev tenant on a real port: the Multi-Resource Refresh Token exchange, what it
reports when Auth0 drops scopes, a second sign-in for ``/me/`` when there is no policy, and
single flight per refresh token when both audiences refresh at once.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.my_account.conftest import SignIn
from tui_console.auth.multi_resource import AudienceRefused
from tui_console.my_account import DASHBOARD_STEPS, MyAccountUnavailable
from tui_console.self_service import MY_ACCOUNT_SCOPES


async def test_a_me_token_is_minted_from_the_sign_ins_refresh_token(sign_in: SignIn) -> None:
    """MRRT: the /me/ token is stored beside the Management token, sharing its refresh token."""
    async with sign_in() as signed:
        before = signed.tenant.state.stats.refresh_exchanges
        missing = await signed.session.sign_in_methods().connect()
        assert missing == ()
        stored = signed.store.load()
        assert set(stored) == {signed.tenant.management_audience, signed.me}
        me = stored[signed.me]
        assert me.multi_resource and me.scope == MY_ACCOUNT_SCOPES
        # One exchange; the rotated refresh token replaced the spent one for both audiences.
        assert signed.tenant.state.stats.refresh_exchanges == before + 1
        assert me.refresh_token == stored[signed.tenant.management_audience].refresh_token
        audiences = {t.audience for t in signed.session.status().tokens}
        assert signed.me in audiences


async def test_scopes_the_policy_drops_are_reported_missing(sign_in: SignIn) -> None:
    """Auth0 drops disallowed scopes silently: they come back as missing, not assumed."""
    async with sign_in(my_account_refresh_policy=("read:me:authentication_methods",)) as signed:
        missing = await signed.session.sign_in_methods().connect()
        assert set(missing) == set(MY_ACCOUNT_SCOPES) - {"read:me:authentication_methods"}
        stored = signed.store.get(signed.me)
        assert stored is not None and stored.scope == ("read:me:authentication_methods",)


async def test_no_refresh_token_policy_asks_for_a_second_sign_in(sign_in: SignIn) -> None:
    """Without a policy for /me/, the error says so, and the Management session stays."""
    async with sign_in(my_account_refresh_policy=()) as signed:
        manager = await signed.session.tokens()
        with pytest.raises(AudienceRefused) as refused:
            await manager.token_for_audience(
                signed.me, MY_ACCOUNT_SCOPES, source=signed.tenant.management_audience
            )
        assert f"login --audience {signed.me}" in refused.value.hint
        assert signed.store.get(signed.tenant.management_audience) is not None
        assert signed.store.get(signed.me) is None
        # The refused exchange spent nothing: the Management token still refreshes.
        await manager.valid_token(signed.tenant.management_audience, force=True)
        assert signed.tenant.state.stats.reuse_detections == 0


async def test_a_second_sign_in_for_me_is_stored_beside_the_first(sign_in: SignIn) -> None:
    """``login --audience https://…/me/``: its own grant, used by the My Account calls."""
    async with sign_in(my_account_refresh_policy=()) as signed:
        session = signed.session
        login = await session.start_device_login(
            audience=signed.me, scopes=("openid", "offline_access", *MY_ACCOUNT_SCOPES)
        )
        await login.complete(sleep=lambda s: asyncio.sleep(min(s, 0.2)))
        stored = signed.store.load()
        assert set(stored) == {signed.tenant.management_audience, signed.me}
        assert not stored[signed.me].multi_resource
        methods = await session.sign_in_methods().methods()
        assert any(m.type == "password" for m in methods)
        # The Management session survived the second sign-in (its grant was not revoked).
        assert (await session.get_user()).user_id == signed.tenant.demo_user["user_id"]


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"my_account_active": False}, "Service not found"),
        ({"my_account_client_grant": ()}, "client-grant"),
    ],
)
async def test_an_api_that_is_off_names_the_dashboard_steps(
    sign_in: SignIn, settings: dict[str, Any], words: str
) -> None:
    """Not activated, or no client grant: an error whose hint lists the dashboard steps."""
    async with sign_in(**settings) as signed:
        with pytest.raises(MyAccountUnavailable) as unavailable:
            await signed.session.sign_in_methods().methods()
        assert words in unavailable.value.message
        assert DASHBOARD_STEPS in unavailable.value.hint
        assert signed.store.get(signed.tenant.management_audience) is not None


async def test_both_audiences_refreshed_at_once_share_one_rotating_token(sign_in: SignIn) -> None:
    """Concurrent calls to both APIs on expired tokens: one exchange at a time, no reuse."""
    async with sign_in(access_token_ttl=2) as signed:
        session = signed.session
        methods = session.sign_in_methods()
        await methods.connect()
        state = signed.tenant.state
        presented: list[str] = []
        exchange = state.refresh_tokens.exchange

        def recording(token: str, *args: Any, **kwargs: Any) -> Any:
            presented.append(token)
            return exchange(token, *args, **kwargs)

        state.refresh_tokens.exchange = recording  # type: ignore[method-assign,unused-ignore]
        await asyncio.sleep(2.1)  # both access tokens are now expired
        before = state.stats.refresh_exchanges
        results = await asyncio.gather(
            *(session.get_user() for _ in range(3)),
            *(methods.methods() for _ in range(2)),
            *(session.access_token(signed.me) for _ in range(3)),
        )
        assert len(results) == 8
        assert state.stats.reuse_detections == 0
        assert len(presented) == 2  # one exchange per audience, in turn
        assert len(set(presented)) == 2  # the second presented the rotated token
        assert state.stats.refresh_exchanges == before + 2
        stored = signed.store.load()
        assert len({t.refresh_token for t in stored.values()}) == 1


def _jwt(claims: dict[str, Any]) -> str:
    import base64

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part(claims)}.sig"


def test_an_answer_for_another_api_is_refused() -> None:
    """``resource`` names another API, or (without it) the JWT's ``aud`` does not name ours."""
    import httpx

    from tui_console.auth.multi_resource import check_resource
    from tui_console.auth.tokens import TokenSet
    from tui_console.errors import AuthError
    from tui_console.redact import Secret

    me = "https://t.example/me/"
    ours = TokenSet(Secret(_jwt({"aud": me})), audience=me)
    login = TokenSet(Secret(_jwt({"aud": ["https://t.example/api/v2/"]})), audience=me)
    check_resource(httpx.Response(200, json={"resource": me}), login, me)  # resource decides
    check_resource(httpx.Response(200, json={}), ours, me)
    with pytest.raises(AuthError, match="issued one for https://t.example/api/v2/"):
        check_resource(
            httpx.Response(200, json={"resource": "https://t.example/api/v2/"}), ours, me
        )
    with pytest.raises(AuthError, match="ignored the audience"):
        check_resource(httpx.Response(200, json={}), login, me)


async def test_a_policy_removed_later_drops_only_the_me_token(sign_in: SignIn) -> None:
    """The refresh for /me/ refused: that token goes, the sign-in and its refresh token stay."""
    from dataclasses import replace

    async with sign_in() as signed:
        await signed.session.sign_in_methods().connect()
        state = signed.tenant.state
        state.settings = replace(state.settings, my_account_refresh_policy=())
        manager = await signed.session.tokens()
        with pytest.raises(AudienceRefused):
            await manager.valid_token(signed.me, force=True)
        assert signed.store.get(signed.me) is None
        assert signed.store.get(signed.tenant.management_audience) is not None
        await manager.valid_token(signed.tenant.management_audience, force=True)
        assert state.stats.reuse_detections == 0
