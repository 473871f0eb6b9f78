"""Migration hygiene rules (old vs new): CUL401-CUL403."""

from __future__ import annotations

from .base import DiffRule

DIFF_RULES: tuple[DiffRule, ...] = ()
