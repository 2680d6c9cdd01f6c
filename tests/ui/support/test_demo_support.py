"""``tui-console demo --support``'s wiring: a machine profile for the demo tenant's support
application with its secret stored, and Ada signed in on three devices (once per tenant run)."""

from __future__ import annotations

import stat

from tui_console.cli import build_parser
from tui_console.demo import SUPPORT_DEMO_PROFILE, DemoTenant, seed_support_history
from tui_console.devtenant import seed
from tui_console.storage.client_secrets import ClientSecretStore


def test_the_support_demo_session_is_a_machine_with_its_secret_stored() -> None:
    demo = DemoTenant()
    try:
        session = demo.support_session()
        tenant = demo.start()
        assert session.profile.name == SUPPORT_DEMO_PROFILE and session.profile.machine
        assert session.profile.client_id == tenant.support_client["client_id"]
        assert not session.status().signed_in  # the console mints the first token
        secret = session.client_secrets.load()
        assert secret is not None and secret.reveal() == tenant.support_client["client_secret"]
        store = session.client_secrets
        assert isinstance(store, ClientSecretStore)  # a file, 0600, as login stores it
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
        ada = tenant.state.sessions.of_user(seed.DEMO_USER_ID)
        assert len(ada) == 3
        seed_support_history(tenant)  # a second console on the same run adds nothing
        assert len(tenant.state.sessions.of_user(seed.DEMO_USER_ID)) == 3
    finally:
        demo.close()


def test_demo_takes_support() -> None:
    args = build_parser().parse_args(["demo", "--support"])
    assert args.support is True
    assert build_parser().parse_args(["demo"]).support is False
