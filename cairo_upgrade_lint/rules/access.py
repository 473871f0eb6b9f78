"""Guard rules (single version): CUL301-CUL308."""

from __future__ import annotations

from .base import ContractRule

CONTRACT_RULES: tuple[ContractRule, ...] = ()
