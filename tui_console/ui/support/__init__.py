"""The support console: what a machine (support) profile opens instead of the main screen.

Find a user (:mod:`.search`), read their page (:mod:`.user_screen`: profile, sessions, refresh
tokens, as :data:`~.user_screen.USER_TABS`), end what must end with a typed confirmation
(:mod:`.confirmations`). Everything reaches the tenant through
:class:`tui_console.support.SupportSession` only.
"""
