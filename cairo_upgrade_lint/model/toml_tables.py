"""Tables of parsed TOML (Scarb.toml, Scarb.lock, cairo_project.toml), read whatever their shape."""

from __future__ import annotations

from typing import Any

Table = dict[str, Any]
"""A parsed TOML table: what ``tomllib`` returns."""


def table(data: Table, key: str) -> Table:
    """``data[key]`` when it is a table; ``{}`` when it is absent or something else."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}
