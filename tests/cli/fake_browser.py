"""A stand-in for a desktop browser, for ``BROWSER=...``: signs in at the dev tenant's pages.

Like a real GUI browser it returns at once (the work happens in a detached child), then it
opens the authorization URL, fills in the login form and accepts the consent page, and
finally follows the redirect to the console's loopback listener on 127.0.0.1.
Usage: ``fake_browser.py EMAIL PASSWORD URL``.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urljoin

import httpx

from tests.devtenant.flows import forms


def _submit(client: httpx.Client, page: httpx.Response, **values: str) -> httpx.Response:
    [form] = forms(page.text)
    data = {**form.fields, **values}
    return client.post(urljoin(str(page.url), form.action), data=data)


def sign_in(url: str, email: str, password: str) -> None:
    with httpx.Client(follow_redirects=True, timeout=10) as client:
        page = client.get(url)
        if "password" in page.text:
            page = _submit(client, page, username=email, password=password)
        if 'value="accept"' in page.text:
            page = _submit(client, page, action="accept")
        page.raise_for_status()


if __name__ == "__main__":
    email, password, url = sys.argv[1:4]
    if os.fork() == 0:  # the child signs in; the parent returns like a GUI browser does
        os.setsid()
        sign_in(url, email, password)
        os._exit(0)
