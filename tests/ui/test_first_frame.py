"""The console's first frame comes from the files, before the network stack is imported.

Bare ``tui-console`` for a signed-in profile draws the main screen (who is signed in, the
token's time left) from the profile and the token file, and opens the session (httpx, pyjwt,
cryptography, the Management client) only once that screen is drawn. A subprocess starts the
console the way ``tui-console`` does, headless at 80x24, and replaces the app's
``_open_session`` (the step that imports the network stack, called after the main screen's
first refresh) with a probe that writes what is loaded and what the strip says, then quits.
No timing is asserted: only what was imported, and what was on screen, at that moment.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from pathlib import Path

from tui_console.config import Profile, save_profile
from tui_console.paths import token_dir
from tui_console.redact import Secret
from tui_console.storage.token_store import FileTokenStore, TokenOwner
from tui_console.token_set import TokenSet

#: What the first frame must be drawn without.
NETWORK_STACK = ("httpx", "jwt", "cryptography")

PROBE = """
import json, sys
from pathlib import Path
from tui_console.ui.app import ConsoleApp
from tui_console.ui.widgets.session_strip import SessionStrip

report = Path(sys.argv[1])

def probe(self, start):
    loaded = sorted({name.split(".")[0] for name, module in sys.modules.items() if module})
    strip = self.screen.query_one(SessionStrip).text
    report.write_text(json.dumps({"loaded": loaded, "strip": strip}))
    self.exit()

ConsoleApp._open_session = probe
run = ConsoleApp.run
ConsoleApp.run = lambda self, **_: run(self, headless=True, size=(80, 24))
from tui_console.demo import run_console
sys.exit(run_console())
"""


def _unsigned_jwt(claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def _sign_in_on_disk() -> None:
    """A default profile with a valid stored session for Ada (port 9: nothing answers)."""
    profile = Profile(
        name="default",
        issuer="http://127.0.0.1:9/",
        client_id="first-frame-client",
        audience="http://127.0.0.1:9/api/v2/",
    ).validate()
    save_profile(profile, make_default=True)
    store = FileTokenStore(token_dir(), profile.name).owned_by(
        TokenOwner(profile.issuer, profile.client_id)
    )
    id_token = _unsigned_jwt({"sub": "auth0|ada", "name": "Ada Lovelace", "email": "ada@x.test"})
    store.put(
        TokenSet(
            access_token=Secret("not.a.token"),
            expires_at=time.time() + 3600,
            scope=("openid", "profile"),
            id_token=Secret(id_token),
            audience=profile.audience,
        )
    )


def test_first_frame_names_the_user_before_the_network_stack_is_imported(
    tmp_path: Path,
) -> None:
    _sign_in_on_disk()
    report = tmp_path / "first-frame.json"
    subprocess.run(
        [sys.executable, "-c", PROBE, str(report)],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=30,  # the old console, which has no such step, runs until this ends it
    )
    assert report.exists(), "the console never opened its session after the first frame"
    seen = json.loads(report.read_text())
    assert "Ada Lovelace <ada@x.test>" in seen["strip"]
    assert "left · fresh" in seen["strip"]
    assert [name for name in NETWORK_STACK if name in seen["loaded"]] == []
    assert "textual" in seen["loaded"]  # the probe did see the app's own imports
