"""What every rule receives and how it reports: the rule context and the two rule shapes.

A *contract rule* judges one version of one contract or component (guards, timelocks ...); a *diff
rule* judges one old/new pair of a contract (storage, entry points, events, migrations). Both are
plain generator functions tagged with their rule id by ``contract_rule`` / ``diff_rule``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..diff import ContractDiff
from ..findings import Finding
from ..model import Contract
from ..semantics.context import Context as Context  # re-exported: the rule context moved to semantics

ContractRule = Callable[[Contract, Context], Iterator[Finding]]
DiffRule = Callable[[ContractDiff, Context], Iterator[Finding]]


def contract_rule(rule_id: str) -> Callable[[ContractRule], ContractRule]:
    """Tag a single-version rule function with its id."""

    def tag(function: ContractRule) -> ContractRule:
        function.rule_id = rule_id  # type: ignore[attr-defined]
        return function

    return tag


def diff_rule(rule_id: str) -> Callable[[DiffRule], DiffRule]:
    """Tag an old-vs-new rule function with its id."""

    def tag(function: DiffRule) -> DiffRule:
        function.rule_id = rule_id  # type: ignore[attr-defined]
        return function

    return tag
