"""Every rule (registered by its decorator when its family module is imported here), and running them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..diff import ProjectDiff
from ..findings import Finding
from ..model import Contract
from ..records import replace
from ..semantics.context import Context
from . import access, identity, interface, migration, outgoing_calls, storage  # noqa: F401  (importing registers their rules)
from .base import ContractRule, DiffRule, registered
from .in_place import for_deployments


def rule_ids() -> list[str]:
    """The ids of all registered rules (CUL000/CUL001/CUL002 come from the parser, suppressions and pairing)."""
    return [rule.id for rule in registered()]


def check_contracts(contracts: tuple[Contract, ...], ctx: Context) -> list[Finding]:
    """Single-version rules over each contract and component, in id order."""
    rules = [r for r in registered() if isinstance(r, ContractRule) and ctx.config.enabled(r.id)]
    return merged((contract.name, f) for contract in contracts for rule in rules for f in rule(contract, ctx))


def check_diff(diff: ProjectDiff, ctx: Context) -> list[Finding]:
    """Old-vs-new rules over each contract pair, in id order."""
    rules = [r for r in registered() if isinstance(r, DiffRule) and ctx.config.enabled(r.id)]
    return merged(
        (pair.new.name, for_deployments(pair, ctx, f)) for pair in diff.contracts for rule in rules for f in rule(pair, ctx)
    )


def merged(found: Iterable[tuple[str, Finding]]) -> list[Finding]:
    """The findings (each with the contract it was found for), one per place and problem: several
    contracts that embed the same component get the same finding on the component's code, which is
    reported once, naming them all where the message names one."""
    groups: dict[tuple[str, tuple[object, ...]], list[tuple[str, Finding]]] = {}
    for name, finding in found:
        generic = re.sub(rf"\b{re.escape(name)}\b", _NAMES, finding.message) if name else finding.message
        key = (generic, (finding.rule_id, finding.severity, finding.location, finding.related, finding.fix))
        groups.setdefault(key, []).append((name, finding))
    out = []
    for (generic, _), group in groups.items():
        names = sorted({name for name, _ in group})
        first = group[0][1]
        out.append(replace(first, message=generic.replace(_NAMES, _listing(names))) if len(names) > 1 else first)
    return out


_NAMES = "\x00"  # where a contract's name stood in a message


def _listing(names: list[str]) -> str:
    return f"{', '.join(names[:-1])} and {names[-1]}"
