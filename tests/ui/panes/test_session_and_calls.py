"""The Session (token inspector) and Calls panes against a real dev tenant."""

from __future__ import annotations

import functools
from collections.abc import Callable

from rich.text import Text
from textual.widgets import Button, DataTable, Static

from tests.ui.helpers import text_of, wait_for
from tests.ui.panes.conftest import sign_in
from tests.ui.panes.harness import PaneHarness
from tui_console.account import AccountSession
from tui_console.devtenant import RunningTenant
from tui_console.redact import MASK
from tui_console.ui.panes import CallsPane, SessionPane
from tui_console.ui.widgets.confirm import ConfirmScreen


def column(table: DataTable[Text], key: str) -> list[str]:
    return [table.get_cell(row, key).plain for row in table.rows]


class TestSessionPane:
    async def test_shows_tokens_scopes_expiry_and_signature(self, session: AccountSession) -> None:
        """Each stored token is listed; the access token's scopes are checked per action."""
        app = PaneHarness(lambda: SessionPane(session, id="session"))
        async with app.run_test(size=(120, 40)) as pilot:
            pane = app.query_one(SessionPane)
            await wait_for(pilot, lambda: bool(pane.rows))
            tokens: DataTable[Text] = pane.query_one("#session-tokens", DataTable)
            assert column(tokens, "token") == ["access token", "ID token"]
            assert column(tokens, "refresh") == ["held", "held"]
            assert column(tokens, "audience") == [
                session.profile.audience,
                session.profile.client_id,
            ]
            assert column(tokens, "expires")[0] in ("in 24 h 00 min", "in 23 h 59 min")

            scopes: DataTable[Text] = pane.query_one("#session-scopes", DataTable)
            granted = dict(zip(column(scopes, "scope"), column(scopes, "granted"), strict=True))
            assert granted["update:current_user_metadata"] == "✓ granted"
            assert granted["read:device_credentials"] == "✗ missing"

            summary = text_of(pane.query_one("#session-summary", Static))
            assert "Expires:" in summary and "(in 2" in summary
            assert "refresh token: held" in summary
            await wait_for(pilot, lambda: len(pane.verdicts) == 2)
            signature = text_of(pane.query_one("#session-signature", Static))
            assert signature.startswith("Signature: valid: signed with the issuer's key")

            claims: DataTable[Text] = pane.query_one("#session-claims", DataTable)
            names = column(claims, "name")
            assert "alg" in names and "sub" in names and "scope" in names

    async def test_a_dpop_bound_session_says_so_and_a_bearer_one_does_not(
        self,
        session: AccountSession,
        make_dev_tenant: Callable[..., RunningTenant],
        tenant_session: Callable[..., AccountSession],
    ) -> None:
        """The summary names the DPoP binding and its key thumbprint, only when bound."""
        bound_tenant = make_dev_tenant(
            auto_approve=0.2, device_interval=1, management_api_dpop=True
        )
        bound = tenant_session(bound_tenant, name="bound", dpop=True)
        await sign_in(bound)
        for account, expected in ((bound, True), (session, False)):
            app = PaneHarness(functools.partial(SessionPane, account, id="session"))
            async with app.run_test(size=(120, 40)) as pilot:
                pane = app.query_one(SessionPane)
                await wait_for(pilot, functools.partial(_has_rows, pane))
                summary = text_of(pane.query_one("#session-summary", Static))
                assert ("Sender-constrained (DPoP)" in summary) is expected, summary
                if expected:
                    [details] = [d for d in account.token_details() if d.dpop_bound]
                    assert details.dpop_jkt and details.dpop_jkt in summary

    async def test_reveal_toggles_and_nothing_raw_is_shown_before(
        self, session: AccountSession
    ) -> None:
        """v shows the raw access token, v again hides it; before that no token text is shown."""
        raw = session.reveal_token(session.profile.audience)
        app = PaneHarness(lambda: SessionPane(session, id="session"))
        async with app.run_test(size=(120, 40)) as pilot:
            pane = app.query_one(SessionPane)
            await wait_for(pilot, lambda: len(pane.verdicts) == 2)
            shown = text_of(pane.query_one("#session-raw", Static))
            assert MASK in shown and raw not in shown
            assert raw not in app.export_screenshot()

            await pilot.press("v")
            assert raw in text_of(pane.query_one("#session-raw", Static))
            await pilot.press("v")
            assert raw not in text_of(pane.query_one("#session-raw", Static))

    async def test_copy_asks_first(self, session: AccountSession) -> None:
        """y asks before copying; Cancel copies nothing, Copy puts the raw token on the
        clipboard."""
        raw = session.reveal_token(session.profile.audience)
        app = PaneHarness(lambda: SessionPane(session, id="session"))
        async with app.run_test(size=(120, 40)) as pilot:
            pane = app.query_one(SessionPane)
            await wait_for(pilot, lambda: bool(pane.rows))
            await pilot.press("y")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("escape")
            await pilot.pause()
            assert app.clipboard == ""
            assert pane.status.text == "Nothing was copied."

            await pilot.press("y")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            assert app.screen.focused is app.screen.query_one("#cancel", Button)
            await pilot.press("tab", "enter")  # from Cancel (focused: it is dangerous) to Copy
            await pilot.pause()
            assert app.clipboard == raw
            assert "Copied the access token" in pane.status.text


class TestCallsPane:
    async def test_lists_calls_live_and_unsubscribes(self, session: AccountSession) -> None:
        """Calls made before and after mounting are listed; unmounting unsubscribes."""
        app = PaneHarness(lambda: CallsPane(session, id="calls"))
        async with app.run_test(size=(120, 30)) as pilot:
            pane = app.query_one(CallsPane)
            table: DataTable[Text] = pane.query_one("#calls-table", DataTable)
            before = table.row_count
            paths = column(table, "path")
            assert "/.well-known/openid-configuration" in paths
            assert "/oauth/token" in paths

            await session.userinfo()
            await wait_for(pilot, lambda: table.row_count == before + 1)
            last = table.row_count - 1
            row = [cell.plain for cell in table.get_row_at(last)]
            assert [row[1], row[2], row[7]] == ["GET", "200", "/userinfo"]
            assert row[4] == "10"  # X-RateLimit-Limit of the /userinfo bucket
            assert table.cursor_row == last  # following the newest call
            assert f"{len(session.calls)} calls" in text_of(pane.query_one("#calls-summary"))
            assert session.calls._observers  # subscribed while mounted

            await pane.remove()
            assert not session.calls._observers


def _has_rows(pane: SessionPane) -> bool:
    return bool(pane.rows)
