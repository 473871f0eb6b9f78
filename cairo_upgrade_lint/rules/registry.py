"""Every rule, registered by listing its family module; and running them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..diff import ProjectDiff
from ..findings import Finding
from ..model import Contract
from ..records import replace
from . import access, identity, interface, migration, storage
from .base import Context, ContractRule, DiffRule
from .in_place import for_deployments

CONTRACT_RULES: tuple[ContractRule, ...] = (*interface.CONTRACT_RULES, *access.CONTRACT_RULES)
DIFF_RULES: tuple[DiffRule, ...] = (*storage.DIFF_RULES, *interface.DIFF_RULES, *identity.DIFF_RULES, *migration.DIFF_RULES)


def rule_ids() -> list[str]:
    """The ids of all registered rules (CUL000/CUL001 come from the parser and suppressions)."""
    return sorted(r.rule_id for r in (*CONTRACT_RULES, *DIFF_RULES))  # type: ignore[attr-defined]


def check_contracts(contracts: tuple[Contract, ...], ctx: Context) -> list[Finding]:
    """Single-version rules over each contract and component."""
    rules = [r for r in CONTRACT_RULES if ctx.config.enabled(r.rule_id)]  # type: ignore[attr-defined]
    return merged((contract.name, f) for contract in contracts for rule in rules for f in rule(contract, ctx))


def check_diff(diff: ProjectDiff, ctx: Context) -> list[Finding]:
    """Old-vs-new rules over each contract pair."""
    rules = [r for r in DIFF_RULES if ctx.config.enabled(r.rule_id)]  # type: ignore[attr-defined]
    return merged(
        (pair.new.name, for_deployments(pair, ctx, f)) for pair in diff.contracts for rule in rules for f in rule(pair, ctx)
    )


def merged(found: Iterable[tuple[str, Finding]]) -> list[Finding]:
    """The findings (each with the contract it was found for), one per place and problem: several
    contracts that embed the same component get the same finding on the component's code, which is
    reported once, naming them all where the message names one."""
    groups: dict[tuple[object, ...], list[tuple[str, Finding]]] = {}
    for name, finding in found:
        generic = re.sub(rf"\b{re.escape(name)}\b", _NAMES, finding.message) if name else finding.message
        key = (generic, finding.rule_id, finding.severity, finding.location, finding.related, finding.fix)
        groups.setdefault(key, []).append((name, finding))
    out = []
    for (generic, *_), group in groups.items():
        names = sorted({name for name, _ in group})
        first = group[0][1]
        out.append(replace(first, message=generic.replace(_NAMES, _listing(names))) if len(names) > 1 else first)
    return out


_NAMES = "\x00"  # where a contract's name stood in a message


def _listing(names: list[str]) -> str:
    return f"{', '.join(names[:-1])} and {names[-1]}"
