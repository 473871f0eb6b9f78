"""How a governance contract executes: the timelock between approval and execution (its delay
followed to where the ETA is set) and the protection against executing a proposal twice.
Execution entry points are the ones that make a call (``call_contract_syscall``,
``library_call_syscall``, ``replace_class_syscall``)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Location
from ..model import Contract, EntryPoint
from ..records import record
from ..rules.access import duration_text
from ..syntax import ast as A
from .base import Audit, Evidence, Outcome, at, external, failed, not_found, passed, worst
from .bounds import asserted, constant, member_floor
from .exprs import is_self, unwind
from .flow import Check, Flow

EXECUTIONS = frozenset({"call_contract_syscall", "library_call_syscall", "replace_class_syscall"})
NO_EXECUTION = "no entry point executes proposals (nothing makes a call)"
_LOWER = (">=", ">")


@record
class StateCheck:
    """An assertion comparing stored state (``names``: its fields or members) with a constant."""

    names: set[str]
    op: str
    value: int
    evidence: Evidence


@record
class Mark:
    """State (a field or member ``name``) set to a constant ``value``."""

    name: str
    value: int
    evidence: Evidence

    def blocks(self, check: StateCheck) -> bool:
        """Setting this makes ``check`` fail on a second call."""
        same = self.name in check.names
        return same and (self.value == check.value if check.op == "!=" else self.value != check.value)


def executions(audit: Audit, contract: Contract) -> list[EntryPoint]:
    return [e for e in external(contract) if audit.graph.syscalls_reached(e.function) & EXECUTIONS]


def timelock_policy(audit: Audit, contract: Contract) -> Outcome:
    outcomes = []
    for entry in executions(audit, contract):
        gate = next(_timestamp_gates(audit, entry), None)
        if gate is None:
            message = f"`{entry.name}` executes with no block-timestamp check: nothing delays it after approval"
            outcomes.append(failed(message, [at(entry, f"{entry.name}: executes")]))
            continue
        flow, side = gate
        evidence = Evidence(side.location, f"{flow.info.name}: asserts {side.text}")
        outcomes.append(_delay(audit, contract, entry, evidence, state_names(side.right)))
    return worst(outcomes, NO_EXECUTION)


def single_execution(audit: Audit, contract: Contract) -> Outcome:
    outcomes = []
    for entry in executions(audit, contract):
        flows = audit.reach(entry)
        marks = [m for flow in flows for m in _marks(flow)]
        found = next(((c, m) for c in _state_checks(flows) for m in marks if m.blocks(c)), None)
        if found is None:
            message = f"`{entry.name}` does not check and then mark the proposal executed: it can run twice"
            outcomes.append(failed(message, [at(entry, f"{entry.name}: executes")]))
        else:
            message = f"`{entry.name}` refuses a proposal it already executed"
            outcomes.append(passed(message, [found[0].evidence, found[1].evidence]))
    return worst(outcomes, NO_EXECUTION)


def state_names(expr: A.Expr) -> set[str]:
    """The state an expression reads: its field and storage member names (``proposal.eta`` -> eta,
    ``self.executed.read(id)`` -> executed), or the local it names."""
    root, steps = unwind(expr)
    names = {s.name for s in steps if isinstance(s, A.FieldAccess)}
    if not names and isinstance(root, A.PathExpr) and not is_self(root):
        names.add(root.path.text)
    return names


def _timestamp_gates(audit: Audit, entry: EntryPoint) -> Iterator[tuple[Flow, Check]]:
    """``now >= eta`` checks on the entry point's call graph, the timestamp on the left."""
    for flow in audit.reach(entry):
        for check in flow.checks:
            for side in (check, check.mirrored()):
                if side.op in _LOWER and any(s.kind == "timestamp" for s in flow.sources(side.left)):
                    yield flow, side


def _delay(audit: Audit, contract: Contract, entry: EntryPoint, gate: Evidence, eta: set[str]) -> Outcome:
    """The least delay between the timestamp stored into ``eta`` (anywhere in the contract) and the gate."""
    minimum = audit.config.timelock_min_seconds
    shown = "/".join(sorted(eta))
    schedules = [
        (flow, value, where)
        for flow in audit.contract_flows(contract)
        for name, value, where in _assignments(flow)
        if name in eta and any(s.kind == "timestamp" for s in flow.sources(value))
    ]
    if not schedules:
        return not_found(f"`{entry.name}` checks the block timestamp, but where `{shown}` is set was not found", [gate])
    outcomes = []
    for flow, value, where in schedules:
        least, evidence = _least_delay(audit, contract, flow, value)
        shown_all = [gate, Evidence(where, f"{flow.info.name}: sets {shown} = {flow.text(value)}"), *evidence]
        if least is None:
            outcomes.append(failed(f"the delay added in `{flow.info.name}` has no lower bound", shown_all))
        elif least < minimum:
            message = f"the timelock can be as short as {duration_text(least)}, below the policy {duration_text(minimum)}"
            outcomes.append(failed(message, shown_all))
        else:
            outcomes.append(passed(f"`{entry.name}` waits at least {duration_text(least)} after approval", shown_all))
    return worst(outcomes, "")


def _least_delay(audit: Audit, contract: Contract, flow: Flow, value: A.Expr) -> tuple[int | None, list[Evidence]]:
    """The least value of what is added to the timestamp: the best bound among its parts (constants,
    a stored delay's floor, a parameter's asserted minimum)."""
    found: list[tuple[int, list[Evidence]]] = []
    for source in flow.sources(value):
        if source.kind in ("const", "literal") and source.value is not None:
            found.append((source.value, []))
        elif source.kind == "storage":
            floor = member_floor(audit, contract, source.name)
            if floor.value is not None:
                found.append((floor.value, list(floor.evidence)))
        elif source.kind == "param" and (bound := asserted(flow, source.name, lower=True)) is not None:
            found.append((bound[0], [bound[1]]))
    return max(found, key=lambda f: f[0]) if found else (None, [])


def _state_checks(flows: list[Flow]) -> Iterator[StateCheck]:
    for flow in flows:
        for check in flow.checks:
            for side in (check, check.mirrored()):
                value = constant(flow, side.right)
                stored = any(s.kind == "storage" for s in flow.sources(side.left))
                if side.op in ("==", "!=") and value is not None and stored:
                    evidence = Evidence(side.location, f"{flow.info.name}: asserts {side.text}")
                    yield StateCheck(state_names(side.left), side.op, value, evidence)


def _assignments(flow: Flow) -> Iterator[tuple[str, A.Expr, Location]]:
    """(field or storage member, value, where) of each field assignment and storage write."""
    yield from ((s.field, s.value, s.location) for s in flow.field_sets)
    yield from ((w.member, w.value, w.location) for w in flow.writes)


def _marks(flow: Flow) -> Iterator[Mark]:
    for name, value, where in _assignments(flow):
        number = constant(flow, value)
        if number is not None:
            yield Mark(name, number, Evidence(where, f"{flow.info.name}: sets {name} = {flow.text(value)}"))
