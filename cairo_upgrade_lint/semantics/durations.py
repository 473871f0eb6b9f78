"""How a duration in seconds is shown, in rule findings and audit reports alike."""

from __future__ import annotations


def duration_text(seconds: int) -> str:
    """``3600 s (1 h)``."""
    return f"{seconds} s ({seconds / 3600:g} h)"
