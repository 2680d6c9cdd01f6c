"""``tui-console login --client-credentials`` as one of the dev tenant's support applications."""

from __future__ import annotations

import subprocess

from tests.cli.conftest import Cli
from tui_console.devtenant import RunningTenant


def machine_login(
    cli: Cli,
    tenant: RunningTenant,
    *flags: str,
    profile: str = "support",
    with_key: bool = False,
    secret_ending: str = "\n",
) -> subprocess.CompletedProcess[str]:
    """Sign ``profile`` in as the support client: its secret on stdin (followed by
    ``secret_ending``), or with ``with_key`` as the private_key_jwt client, by its key file.
    ``flags`` follow the credential (``--keyring``)."""
    if with_key:
        client = tenant.support_jwt_client
        credential = ("--private-key-file", client["private_key_file"])
        secret = None
    else:
        client = tenant.support_client
        credential = ("--client-secret-file", "-")
        secret = client["client_secret"] + secret_ending
    return cli.run(
        "--profile", profile, "--issuer", tenant.issuer, "--client-id", client["client_id"],
        "login", "--client-credentials", *credential, *flags,
        input_text=secret,
    )  # fmt: skip
