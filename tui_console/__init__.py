"""tui-console: a terminal account console for Auth0 tenants."""

__version__ = "0.1.0"
