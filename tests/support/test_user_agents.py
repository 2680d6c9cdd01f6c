"""User agents in words: browser and operating system, masqueraders first."""

from __future__ import annotations

import pytest

from tui_console.user_agents import describe_user_agent


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
         "Firefox 128 on Linux"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
         "Gecko) Version/17.4 Safari/605.1.15", "Safari 17 on macOS"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
         "like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Safari 17 on iOS"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0", "Edge 124 on Windows"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0", "Opera 110 on Windows"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/124.0.0.0 Mobile Safari/537.36", "Chrome 124 on Android"),
        ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/124.0.0.0 Safari/537.36", "Chrome 124 on ChromeOS"),
        ("curl/8.5.0", "curl 8.5.0"),
        ("python-httpx/0.27.0", "python-httpx 0.27.0"),
        ("tui-console", "tui-console"),
        ("Other 0.0.0 / Other 0.0.0", "unknown"),  # Auth0's literal for SDK calls
        ("Mozilla/5.0 (X11; Linux x86_64)", "a browser on Linux"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)  # fmt: skip
def test_user_agents_in_words(header: str | None, words: str) -> None:
    assert describe_user_agent(header).words == words
