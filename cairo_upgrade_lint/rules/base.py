"""What a rule is, what it receives and how it reports.

A *contract rule* judges one version of one contract or component (guards, timelocks ...); a *diff
rule* judges one old/new pair of a contract (storage, entry points, events, migrations). Each is a
generator function decorated with ``@contract_rule(ID)`` / ``@diff_rule(ID)``, which makes it a
``Rule`` bound to its id and registers it. Its body receives the subject, the ``Context`` and a
``Report`` bound to the rule, and yields ``report(message, location, ...)``: the id is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import ClassVar, Generic, TypeVar

from ..catalogue import RuleDoc
from ..diff import ContractDiff
from ..findings import Finding, Location, Related, Severity
from ..model import Contract
from ..records import record
from ..semantics.context import Context

T = TypeVar("T")
S = TypeVar("S", Contract, ContractDiff)


@record
class Report:
    """How one rule reports: ``report(message, location, ...)`` is a finding of ``rule_id`` with the
    catalogue's default severity and confidence unless given."""

    rule_id: str
    catalogue: Mapping[str, RuleDoc]

    @property
    def doc(self) -> RuleDoc:
        """The rule's catalogue entry."""
        return self.catalogue[self.rule_id]

    def __call__(
        self,
        message: str,
        location: Location,
        *,
        related: tuple[Related, ...] = (),
        fix: str | None = None,
        severity: Severity | None = None,
        confidence: str | None = None,
    ) -> Finding:
        doc = self.doc
        return Finding(
            self.rule_id,
            severity or doc.severity,
            message,
            location,
            related=related,
            fix=fix,
            confidence=confidence or doc.confidence,
        )


Check = Callable[[S, Context, Report], Iterator[Finding]]
"""A rule's body: the subject (a contract, or a contract pair), the run's context and the rule's
``report``; it yields the rule's findings."""


class Rule(Generic[S]):
    """One rule: its id and its check. Calling it on a subject runs the check with the rule's report."""

    kind: ClassVar[str]
    __slots__ = ("check", "id")

    def __init__(self, rule_id: str, check: Check[S]) -> None:
        self.id = rule_id
        self.check: Check[S] = check

    def __call__(self, subject: S, ctx: Context) -> Iterator[Finding]:
        return self.check(subject, ctx, Report(self.id, ctx.catalogue))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id}, {self.check.__name__})"


class ContractRule(Rule[Contract]):
    """A rule judging one version of one contract or component."""

    kind = "contract"


class DiffRule(Rule[ContractDiff]):
    """A rule judging one old/new pair of a contract."""

    kind = "diff"


_REGISTERED: dict[str, ContractRule | DiffRule] = {}


def registered() -> list[ContractRule | DiffRule]:
    """Every rule registered so far (by importing its module), in id order."""
    return [_REGISTERED[rule_id] for rule_id in sorted(_REGISTERED)]


def contract_rule(rule_id: str) -> Callable[[Check[Contract]], ContractRule]:
    """Register a single-version rule under ``rule_id``; the decorated name is the rule."""
    return lambda check: _register(ContractRule(rule_id, check))


def diff_rule(rule_id: str) -> Callable[[Check[ContractDiff]], DiffRule]:
    """Register an old-vs-new rule under ``rule_id``; the decorated name is the rule."""
    return lambda check: _register(DiffRule(rule_id, check))


R = TypeVar("R", ContractRule, DiffRule)


def _register(rule: R) -> R:
    if rule.id in _REGISTERED:
        raise ValueError(f"rule {rule.id} is registered twice: {_REGISTERED[rule.id]!r} and {rule!r}")
    _REGISTERED[rule.id] = rule
    return rule
