"""The rule catalogue: one TOML file per rule, shipped as package data (cairo_upgrade_lint.catalogue)."""
