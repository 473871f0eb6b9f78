"""Storage rules (old vs new): CUL101-CUL108."""

from __future__ import annotations

from .base import DiffRule

DIFF_RULES: tuple[DiffRule, ...] = ()
