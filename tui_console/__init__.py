"""tui-console: a terminal account console for Auth0 tenants."""

__version__ = "0.1.0"

# No import of logging here: the core's loggers come from tui_console.warnings_log.core_logger,
# which gives the package logger its null handler, so nothing shows by default.
