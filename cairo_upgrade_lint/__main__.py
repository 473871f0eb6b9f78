"""``python -m cairo_upgrade_lint``: the command group."""

from .group import main

main()
