"""``python -m tui_console`` runs the command line."""

from tui_console.cli import main

raise SystemExit(main())
