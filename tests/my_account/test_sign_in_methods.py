"""Managing one's own sign-in methods end to end against the dev tenant (issue 13 §2-§5).

Every call goes through :class:`~tui_console.self_service.SignInMethods`, the facade the CLI
and the console use, over a real loopback port.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import httpx
import pyotp
import pytest

from tests.my_account.conftest import SignIn
from tui_console.errors import RateLimited, UsageError
from tui_console.my_account import MethodNotRemovable, MyAccountError, MyAccountUnavailable
from tui_console.ratelimit import MY_ACCOUNT_READ, MY_ACCOUNT_WRITE

PASSWORD = "password|dev_Pw8Lq2Rt6Yx1Vb3N"
PASSKEY = "passkey|dev_Pk4Hs7Jd2Wq9Zc5M"


async def test_totp_enrollment_is_verified_with_a_code_from_the_issued_secret(
    sign_in: SignIn,
) -> None:
    """POST (202) gives an otpauth URI and manual code; a code computed from it verifies."""
    async with sign_in() as signed:
        methods = signed.session.sign_in_methods()
        enrollment = await methods.enroll("totp", name="Pixel")
        assert enrollment.barcode_uri is not None and enrollment.manual_input_code is not None
        uri = pyotp.parse_uri(enrollment.barcode_uri.reveal())
        assert uri.secret == enrollment.manual_input_code.reveal()
        with pytest.raises(MyAccountError) as wrong:
            wrong_code = "000000" if pyotp.TOTP(uri.secret).now() != "000000" else "111111"
            await methods.verify(enrollment.id, wrong_code)
        assert "otp_code" in wrong.value.message
        method = await methods.verify(enrollment.id, pyotp.TOTP(uri.secret).now())
        assert method.type == "totp" and method.confirmed is True and method.name == "Pixel"
        listed = {m.id: m for m in await methods.methods()}
        assert listed[enrollment.id].name == "Pixel"
        assert methods.pending.get(enrollment.id) is None


async def test_a_pending_enrollment_is_kept_0600_and_finished_by_another_session(
    sign_in: SignIn,
) -> None:
    """``mfa add --json`` then ``mfa verify``: the auth_session outlives the first session."""
    async with sign_in() as signed:
        methods = signed.session.sign_in_methods()
        enrollment = await methods.enroll("totp")
        path = methods.pending.path
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        text = path.read_text()
        assert enrollment.auth_session.reveal() in text
        assert enrollment.manual_input_code is not None
        assert enrollment.manual_input_code.reveal() not in text  # never the TOTP secret
        from tui_console.self_service import SignInMethods

        later = SignInMethods(signed.session)
        secret = signed.tenant.state.my_account.totp_secret(
            signed.tenant.demo_user["user_id"], enrollment.id
        )
        assert secret is not None
        await later.verify(enrollment.id, pyotp.TOTP(secret).now())
        assert not path.exists()


async def test_a_recovery_code_is_shown_once_and_never_stored(
    sign_in: SignIn, tmp_path: Path
) -> None:
    """The 202 carries the code; nothing on disk and no later answer holds it."""
    async with sign_in() as signed:
        methods = signed.session.sign_in_methods()
        enrollment = await methods.enroll("recovery-code")
        assert enrollment.recovery_code is not None
        code = enrollment.recovery_code.reveal()
        method = await methods.verify(enrollment.id)
        assert method.type == "recovery-code" and code not in str(method.to_json())
        for file in tmp_path.rglob("*"):
            if file.is_file():
                assert code.encode() not in file.read_bytes(), file
        assert all(code not in str(m.to_json()) for m in await methods.methods())
        with pytest.raises(MyAccountError) as again:
            await methods.enroll("recovery-code")
        assert again.value.status == 409


async def test_email_is_verified_with_the_code_the_tenant_sent(sign_in: SignIn) -> None:
    """An email enrollment sends a one-time code (kept by the dev tenant for tests)."""
    async with sign_in() as signed:
        methods = signed.session.sign_in_methods()
        enrollment = await methods.enroll("email", email="ada.backup@example.com")
        sent = signed.tenant.state.my_account.sent_codes[-1]
        assert sent.method_id == enrollment.id and sent.destination == "ada.backup@example.com"
        method = await methods.verify(enrollment.id, sent.code)
        assert method.email == "ada.backup@example.com"
        with pytest.raises(UsageError):
            await methods.enroll("phone")  # no number: refused before sending
        with pytest.raises(UsageError):
            await methods.enroll("email", email="a@example.com", preferred="voice")
        with pytest.raises(UsageError) as passkey:
            await methods.enroll("passkey")
        assert "browser" in passkey.value.hint


async def test_rename_delete_and_a_409_for_the_last_primary_method(sign_in: SignIn) -> None:
    """PATCH renames; DELETE is 204; the only primary method left is not removable."""
    async with sign_in() as signed:
        methods = signed.session.sign_in_methods()
        renamed = await methods.rename("email|dev_Em3Kf6Gt1Ur8Sx2D", "Personal email")
        assert renamed.name == "Personal email"
        await methods.remove(PASSKEY)
        assert PASSKEY not in {m.id for m in await methods.methods()}
        with pytest.raises(MethodNotRemovable) as refused:
            await methods.remove(PASSWORD)
        assert "only primary" in refused.value.message
        assert PASSWORD in {m.id for m in await methods.methods()}


async def test_the_my_account_buckets_show_on_the_board_with_their_own_names(
    sign_in: SignIn,
) -> None:
    """Lower-case ``x-ratelimit-*`` headers feed my-account-read and my-account-write."""
    async with sign_in(my_account_read_per_minute=3) as signed:
        methods = signed.session.sign_in_methods()
        await methods.methods()
        await methods.rename("email|dev_Em3Kf6Gt1Ur8Sx2D", "Mail")
        board = signed.session.rate_limits.snapshot()
        assert board[MY_ACCOUNT_READ].limit == 3 and board[MY_ACCOUNT_READ].remaining == 2
        assert board[MY_ACCOUNT_WRITE].limit == 5 and board[MY_ACCOUNT_WRITE].remaining == 4
        assert "my-account-read 2/3" in signed.session.rate_limits.summary_line()
        paths = [call.path for call in signed.session.calls]
        assert any(path.startswith("/me/v1/authentication-methods") for path in paths)


async def test_the_per_user_write_limit_answers_429_with_retry_after(sign_in: SignIn) -> None:
    """An exhausted write bucket: the gate refuses to send; the tenant answers 429."""
    async with sign_in(my_account_write_per_minute=1) as signed:
        methods = signed.session.sign_in_methods()
        await methods.enroll("totp")
        with pytest.raises(RateLimited) as limited:
            await methods.enroll("recovery-code")
        assert limited.value.retry_after is not None and limited.value.retry_after > 0
        # The gate read the empty bucket from the headers and sent nothing into it.
        assert signed.tenant.state.stats.my_account_requests == 1
        me = signed.store.get(signed.me)
        assert me is not None
        async with httpx.AsyncClient() as client:
            refused = await client.post(
                f"{signed.tenant.issuer}me/v1/authentication-methods",
                json={"type": "recovery-code"},
                headers={"Authorization": f"Bearer {me.access_token.reveal()}"},
            )
        assert refused.status_code == 429 and refused.json()["title"] == "Too Many Requests"
        assert int(refused.headers["retry-after"]) > 0
        assert refused.headers["x-ratelimit-remaining"] == "0"
        assert signed.tenant.state.stats.my_account_429s == 1


async def test_the_dev_tenant_answers_problem_json_with_lower_case_limits(
    sign_in: SignIn,
) -> None:
    """Raw: 415 for a non-JSON body, 403 for a missing scope, 401 for a Management token."""
    async with sign_in() as signed:
        base = f"{signed.tenant.issuer}me/v1/authentication-methods"
        await signed.session.sign_in_methods().connect()
        me = signed.store.get(signed.me)
        assert me is not None
        bearer = {"Authorization": f"Bearer {me.access_token.reveal()}"}
        async with httpx.AsyncClient() as client:
            form = await client.post(base, content=b"type=totp", headers=bearer)
            assert form.status_code == 415 and form.json()["status"] == 415
            assert "x-ratelimit-remaining" in form.headers  # httpx: names as sent
            raw = [name for name, _ in form.headers.raw]
            assert b"x-ratelimit-limit" in raw
            token = signed.tenant.state.mint_access_token(
                ["read:me:factors"], sub=signed.tenant.demo_user["user_id"], audience=signed.me
            )
            denied = await client.get(base, headers={"Authorization": f"Bearer {token}"})
            assert denied.status_code == 403
            assert "read:me:authentication_methods" in denied.json()["detail"]
            management = signed.store.get(signed.tenant.management_audience)
            assert management is not None
            wrong = await client.get(
                base, headers={"Authorization": f"Bearer {management.access_token.reveal()}"}
            )
            assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"


async def test_logout_forgets_pending_enrollments(sign_in: SignIn) -> None:
    """A started enrollment's session goes with the other secrets at sign-out."""
    async with sign_in() as signed:
        methods = signed.session.sign_in_methods()
        await methods.enroll("totp")
        assert methods.pending.path.exists()
        report = await signed.session.logout()
        assert report.wiped and report.revoked
        assert not methods.pending.path.exists()


async def test_without_the_api_the_guardian_enrollments_are_read_with_the_management_token(
    sign_in: SignIn,
) -> None:
    """My Account off: the methods are refused with the dashboard steps, and the fallback reads
    Ada's Guardian enrollments with her own Management token (a management-read call)."""
    async with sign_in(my_account_active=False) as signed:
        methods = signed.session.sign_in_methods()
        with pytest.raises(MyAccountUnavailable) as refused:
            await methods.methods()
        assert "activate the MyAccount API" in refused.value.hint
        [enrollment] = await methods.guardian_enrollments()
        assert enrollment.label == "authenticator app" and enrollment.name == "1Password"
        assert enrollment.confirmed is True and enrollment.enrolled_at is not None
        assert enrollment.to_json()["auth_method"] == "authenticator"
        paths = [call.path for call in signed.session.calls]
        assert any(path.endswith("/enrollments") for path in paths)
        assert "management-read" in signed.session.rate_limits.snapshot()


async def test_an_enrollment_started_here_can_be_shown_again_until_it_is_finished(
    sign_in: SignIn,
) -> None:
    """The pane's "finish it" offer: ``waiting()`` lists it, ``started()`` still has its QR
    URI in memory (never on disk); verified, both forget it."""
    async with sign_in() as signed:
        methods = signed.session.sign_in_methods()
        enrollment = await methods.enroll("totp")
        assert [entry.id for entry in methods.waiting()] == [enrollment.id]
        assert methods.started(enrollment.id) is enrollment
        assert enrollment.manual_input_code is not None
        secret = enrollment.manual_input_code.reveal()
        await methods.verify(enrollment.id, pyotp.TOTP(secret).now())
        assert methods.waiting() == ()
        assert methods.started(enrollment.id) is None
