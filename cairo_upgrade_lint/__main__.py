"""``python -m cairo_upgrade_lint``: the command group."""

from .cli import console_main

console_main()
