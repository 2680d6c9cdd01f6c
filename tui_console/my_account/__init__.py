"""Auth0's My Account API (``/me/v1``): the signed-in user's own authentication methods.

:mod:`.models` reads its answers tolerantly, :mod:`.errors` maps its problem JSON onto the
console's error tree, :mod:`.client` makes the calls. The account facade reaches it through
:mod:`tui_console.self_service`.
"""

from __future__ import annotations

from tui_console.my_account.client import MyAccountClient
from tui_console.my_account.errors import (
    DASHBOARD_STEPS,
    MethodNotFound,
    MethodNotRemovable,
    MyAccountError,
    MyAccountUnavailable,
    Problem,
    ValidationError,
)
from tui_console.my_account.models import (
    ENROLLABLE_HERE,
    AuthenticationMethod,
    Enrollment,
    Factor,
)

__all__ = [
    "DASHBOARD_STEPS",
    "ENROLLABLE_HERE",
    "AuthenticationMethod",
    "Enrollment",
    "Factor",
    "MethodNotFound",
    "MethodNotRemovable",
    "MyAccountClient",
    "MyAccountError",
    "MyAccountUnavailable",
    "Problem",
    "ValidationError",
]
