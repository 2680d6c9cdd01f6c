"""The command line's verbs, one module per area; :mod:`tui_console.cli` dispatches to them."""
