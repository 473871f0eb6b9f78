"""Entry-point and event rules: CUL201-CUL205."""

from __future__ import annotations

from .base import ContractRule, DiffRule

CONTRACT_RULES: tuple[ContractRule, ...] = ()
DIFF_RULES: tuple[DiffRule, ...] = ()
