"""What every rule receives and how it reports: the rule context and the two rule shapes.

A *contract rule* judges one version of one contract or component (guards, timelocks ...); a *diff
rule* judges one old/new pair of a contract (storage, entry points, events, migrations). Both are
plain generator functions tagged with their rule id by ``contract_rule`` / ``diff_rule``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from ..config import Config
from ..diff import ContractDiff
from ..findings import Finding, Location, Related, Severity
from ..model import Contract, Project
from ..records import field, record
from .catalogue import RuleDoc

T = TypeVar("T")


@record
class Context:
    """The version under check (``project``; the new one in a diff), the old one in a diff, and
    the run's configuration and catalogue; ``once`` keeps project-wide facts the rules share."""

    project: Project
    config: Config
    catalogue: Mapping[str, RuleDoc]
    old: Project | None = None
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, evaluated on the first call with ``key`` only (project-wide facts)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def finding(
        self,
        rule_id: str,
        message: str,
        location: Location,
        *,
        related: tuple[Related, ...] = (),
        fix: str | None = None,
        severity: Severity | None = None,
        confidence: str | None = None,
    ) -> Finding:
        """A finding with the catalogue's default severity and confidence unless given."""
        doc = self.catalogue[rule_id]
        return Finding(
            rule_id,
            severity or doc.severity,
            message,
            location,
            related=related,
            fix=fix,
            confidence=confidence or doc.confidence,
        )


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
