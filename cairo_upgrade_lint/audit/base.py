"""The audit's vocabulary: requirement outcomes with evidence, requirements, profiles, and the
context every evaluation reads (the rule context, the data flows, entry-point helpers)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum

from ..config import Config
from ..findings import Location
from ..model import Contract, EntryPoint, Project
from ..model.callgraph import CallGraph
from ..records import record
from ..semantics.context import Context
from ..semantics.guards import Guard, Sites, sites_guard
from .flow import Flow, Flows, Write


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    NOT_FOUND = "not-found"


@record
class Evidence:
    """Code that satisfies or violates a requirement, and what it shows."""

    location: Location
    note: str


@record
class Verdict:
    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()


def passed(message: str, evidence: Iterable[Evidence] = ()) -> Verdict:
    return Verdict(Status.PASS, message, tuple(evidence))


def failed(message: str, evidence: Iterable[Evidence] = ()) -> Verdict:
    return Verdict(Status.FAIL, message, tuple(evidence))


def not_found(message: str, evidence: Iterable[Evidence] = ()) -> Verdict:
    return Verdict(Status.NOT_FOUND, message, tuple(evidence))


def worst(outcomes: Iterable[Verdict], message_if_none: str) -> Verdict:
    """The first failing outcome, else the first not-found one, else all passes merged."""
    items = list(outcomes)
    for status in (Status.FAIL, Status.NOT_FOUND, Status.PASS):
        chosen = [o for o in items if o.status is status]
        if chosen:
            message = "; ".join(dict.fromkeys(o.message for o in chosen))
            evidence = tuple(dict.fromkeys(e for o in chosen for e in o.evidence))
            return Verdict(status, message, evidence)
    return not_found(message_if_none)


Evaluate = Callable[["Audit", Contract], Verdict]


@record
class Requirement:
    """One checklist item: its finding id (catalogue ``CUL5xx``), a title built from the policy,
    and its evaluation."""

    id: str
    title: Callable[[Config], str]
    evaluate: Evaluate


@record
class Profile:
    """An upgrade pattern: which contracts implement it (``detect``), ``absent`` saying what was
    looked for when none does, and its requirements."""

    name: str
    detect: Callable[[Audit, Contract], bool]
    absent: str
    requirements: tuple[Requirement, ...]


@dataclass
class Audit:
    """What evaluations read: the rule context (project, config, catalogue) and the data flows."""

    ctx: Context
    flows: Flows = field(init=False)

    def __post_init__(self) -> None:
        self.flows = Flows(self.ctx.project)

    @property
    def project(self) -> Project:
        return self.ctx.project

    @property
    def graph(self) -> CallGraph:
        return self.ctx.project.call_graph

    @property
    def config(self) -> Config:
        return self.ctx.config

    def reach(self, entry: EntryPoint) -> list[Flow]:
        """The flows of every function ``entry`` reaches, itself included."""
        return self.flows.reachable(entry.function)

    def contract_flows(self, contract: Contract) -> list[Flow]:
        return [f for fid in contract.functions if (f := self.flows.of(fid)) is not None]

    def all_flows(self, contract: Contract) -> list[Flow]:
        """The flows of the contract's functions and of everything its entry points reach
        (component code included), each once."""
        seen: dict[str, Flow] = {f.info.id: f for f in self.contract_flows(contract)}
        for entry in contract.entry_points:
            for flow in self.reach(entry):
                seen.setdefault(flow.info.id, flow)
        return list(seen.values())

    def guard(self, contract: Contract, entry: EntryPoint, sites: Sites) -> Guard:
        return sites_guard(self.ctx, contract, entry, sites)

    def writes(self, entry: EntryPoint, members: Iterable[str]) -> Iterator[tuple[Flow, Write]]:
        """The writes to ``members`` on ``entry``'s call graph."""
        wanted = set(members)
        return ((f, w) for f in self.reach(entry) for w in f.writes if w.member in wanted)


def external(contract: Contract) -> list[EntryPoint]:
    """The state-changing entry points callers can invoke after deployment."""
    return [e for e in contract.entry_points if e.kind == "external"]


def entry_points_known(contract: Contract) -> bool:
    """False when an embedded impl did not resolve, so some entry points may be missing."""
    return not any(note.startswith("embedded impl") for note in contract.unresolved)


def absent(contract: Contract, message: str, evidence: Iterable[Evidence] = ()) -> Verdict:
    """A required element is missing: a failure when every entry point is known, else not-found."""
    if entry_points_known(contract):
        return failed(message, evidence)
    return not_found(f"{message} (some embedded entry points did not resolve)", evidence)


def at(entry: EntryPoint, note: str) -> Evidence:
    """Evidence at an entry point's declaration (or the line that embeds it)."""
    return Evidence(entry.embedded_at or entry.location, note)
