"""The account panes the main screen shows as tabs, one per task.

Each is mounted as ``ProfilePane(session, id="profile")`` and so on, loads its own data in
workers the first time it is shown, shows failures inline (message and next step), and has
``BINDINGS`` with ids and tooltips, a ``BINDING_GROUP_TITLE`` and a ``HELP`` markdown string.

* :class:`ProfilePane`: ``/userinfo``, cached (Auth0 allows 5 a minute).
* :class:`MetadataPane`: the ``user_metadata`` editor; ``has_unsaved_changes()`` for the quit
  guard.
* :class:`IdentitiesPane`: linked identities; link and unlink.
* :class:`DevicesPane`: device credentials; revoke, revoke by id, add a key.
* :class:`SessionPane`: the token inspector.
* :class:`SecurityPane`: your sign-in methods (My Account API); add, rename, remove.
* :class:`CallsPane`: the live HTTP call log.

A pane whose action lacks a scope posts
:class:`~tui_console.ui.messages.StepUpRequested` when the person presses ``ctrl+g``; after the
new sign-in, the app calls each pane's ``reload()``.

Each name is imported from its module when first asked for (PEP 562): the main screen mounts
the pane of the tab on show first, and its module alone, so the console's first ``/userinfo``
does not wait for the other six panes' imports (about 70 ms of CPU here).
"""

import typing as _typing

from tui_console.lazy_names import lazy_names

if _typing.TYPE_CHECKING:
    from tui_console.ui.panes._base import Pane, PaneSession
    from tui_console.ui.panes.calls import CallsPane
    from tui_console.ui.panes.devices import DevicesPane
    from tui_console.ui.panes.identities import IdentitiesPane
    from tui_console.ui.panes.metadata import MetadataPane
    from tui_console.ui.panes.profile import ProfilePane
    from tui_console.ui.panes.security import SecurityPane
    from tui_console.ui.panes.session import SessionPane

__all__ = [
    "CallsPane",
    "DevicesPane",
    "IdentitiesPane",
    "MetadataPane",
    "Pane",
    "PaneSession",
    "ProfilePane",
    "SecurityPane",
    "SessionPane",
]

_HOMES = {
    "CallsPane": ".calls",
    "DevicesPane": ".devices",
    "IdentitiesPane": ".identities",
    "MetadataPane": ".metadata",
    "Pane": "._base",
    "PaneSession": "._base",
    "ProfilePane": ".profile",
    "SecurityPane": ".security",
    "SessionPane": ".session",
}
"""Each public name → the module (of this package) that defines it."""

__getattr__, __dir__ = lazy_names(__name__, _HOMES)
