"""tui-console: a terminal account console for Auth0 tenants."""

import logging

__version__ = "0.1.0"

# The core logs warnings for the person (tui_console.warnings_log); only the command line shows
# them. Without a handler here, logging's "last resort" would print them even under the console.
logging.getLogger(__name__).addHandler(logging.NullHandler())
