"""Every rule, registered by listing its family module; and running them."""

from __future__ import annotations

from ..diff import ProjectDiff
from ..findings import Finding
from ..model import Contract
from . import access, interface, migration, storage
from .base import Context, ContractRule, DiffRule

CONTRACT_RULES: tuple[ContractRule, ...] = (*interface.CONTRACT_RULES, *access.CONTRACT_RULES)
DIFF_RULES: tuple[DiffRule, ...] = (*storage.DIFF_RULES, *interface.DIFF_RULES, *migration.DIFF_RULES)


def rule_ids() -> list[str]:
    """The ids of all registered rules (CUL000/CUL001 come from the parser and suppressions)."""
    return sorted(r.rule_id for r in (*CONTRACT_RULES, *DIFF_RULES))  # type: ignore[attr-defined]


def check_contracts(contracts: tuple[Contract, ...], ctx: Context) -> list[Finding]:
    """Single-version rules over each contract and component."""
    rules = [r for r in CONTRACT_RULES if ctx.config.enabled(r.rule_id)]  # type: ignore[attr-defined]
    return [finding for contract in contracts for rule in rules for finding in rule(contract, ctx)]


def check_diff(diff: ProjectDiff, ctx: Context) -> list[Finding]:
    """Old-vs-new rules over each contract pair."""
    rules = [r for r in DIFF_RULES if ctx.config.enabled(r.rule_id)]  # type: ignore[attr-defined]
    return [finding for pair in diff.contracts for rule in rules for finding in rule(pair, ctx)]
