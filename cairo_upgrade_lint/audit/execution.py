"""How a governance contract executes: which entry points execute approved proposals, the timelock
between approval and execution (its delay followed to where the ETA is set) and the protection
against executing a proposal twice.

An *execution* is recognised by structure, not by name: an entry point that makes a generic call
(``call_contract_syscall`` with a selector that is not a constant, or ``replace_class_syscall``;
a library call forwards to a stored class, as proxies and routers do) after reading proposal state that another entry point writes (the
proposal or operation it approved). An account's ``__execute__`` (SRC6) is not one: accounts are
not governance. Entry points of OpenZeppelin's governance components take their role from the
knowledge data (``knowledge``): Governor's ``execute`` executes through a hook the call graph may
not resolve, its votes and ``relay`` never execute a proposal."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Location
from ..model import Contract, EntryPoint
from ..model.layout import MapLayout
from ..model.operators import COMPARISONS
from ..model.syscalls import CALL_CONTRACT, REPLACE_CLASS
from ..records import record
from ..semantics.durations import duration_text
from ..semantics.guards import write_sites
from ..syntax import ast as A
from ..syntax.walk import walk
from . import knowledge
from .base import Audit, Evidence, Verdict, at, external, failed, not_found, passed, worst
from .bounds import asserted, constant, member_floor
from .exprs import is_self, unwind
from .flow import Check, Flow

GENERIC_CALLS = frozenset({CALL_CONTRACT})  # a library call with a stored class hash forwards (proxy, router)
ACCOUNT_ENTRY_POINTS = frozenset({"__execute__", "__validate__"})
NO_EXECUTION = "no entry point executes proposals (no generic call gated by proposal state)"
_LOWER = (">=", ">")
# state read only to check WHO calls is not proposal state
_AUTH_STATE = re.compile(r"role|owner|admin|signer|guardian|governor|governance|operator|nonce", re.IGNORECASE)


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


def is_account(contract: Contract) -> bool:
    """An SRC6 account: the protocol calls its ``__validate__`` then ``__execute__``."""
    return {e.name for e in contract.entry_points} >= ACCOUNT_ENTRY_POINTS


@record
class Execution:
    """An entry point that executes approved proposals: the call it makes (None when the knowledge
    names it and the call is not on the resolved call graph), the proposal state it reads and the
    entry point that writes that state (None from the knowledge)."""

    entry: EntryPoint
    call: Evidence | None
    state: tuple[str, ...]
    approval: EntryPoint | None


def executions(audit: Audit, contract: Contract) -> list[EntryPoint]:
    return [x.entry for x in execution_facts(audit, contract)]


def execution_facts(audit: Audit, contract: Contract) -> list[Execution]:
    if is_account(contract):
        return []
    entries = external(contract)
    out = []
    for entry in entries:
        role = knowledge.role(entry)
        if role == "execute":
            out.append(Execution(entry, generic_call(audit, entry), (), None))
        elif role is None and (call := generic_call(audit, entry)) is not None:
            gate = _approved_state(audit, entry, entries)
            if gate is not None:
                out.append(Execution(entry, call, gate[0], gate[1]))
    return out


def generic_call(audit: Audit, entry: EntryPoint) -> Evidence | None:
    """A call on ``entry``'s call graph whose target the caller chooses: a direct call or library
    call with a non-constant selector, or a class replacement."""
    for fid in sorted(audit.graph.reachable(entry.function)):
        info = audit.graph.get(fid)
        if info is None:
            continue
        for use in info.facts.syscalls:
            if use.via != "direct":
                continue
            generic = use.name in GENERIC_CALLS and len(use.args) > 1 and not _constant_operand(use.args[1])
            if generic or use.name == REPLACE_CLASS:
                return Evidence(use.location, f"{info.name}: {use.name}")
    return None


def _constant_operand(operand: object) -> bool:
    kind = getattr(operand, "kind", "")
    text = getattr(operand, "text", "")
    return kind in ("literal", "const") or text.startswith("selector!")


def _approved_state(audit: Audit, entry: EntryPoint, entries: list[EntryPoint]) -> tuple[tuple[str, ...], EntryPoint] | None:
    """Proposal state ``entry`` reads that another state-changing entry point writes (not who may call)."""
    reads: set[str] = set()
    for fid in audit.graph.reachable(entry.function):
        info = audit.graph.get(fid)
        reads |= set(info.facts.reads) if info else set()
    reads = {m for m in reads if not _AUTH_STATE.search(m) and _keyed(entry_contract_storage(audit, entry), m)}
    approval = None
    state: set[str] = set()
    for other in entries:
        if other is entry or other.name in ACCOUNT_ENTRY_POINTS or generic_call(audit, other) is not None:
            continue
        written = reads & {w.member for f in audit.reach(other) for w in f.writes}
        if written:
            approval = approval or other
            state |= written
    return (tuple(sorted(state)), approval) if approval is not None else None


def entry_contract_storage(audit: Audit, entry: EntryPoint) -> dict[str, object]:
    contract = next((c for c in audit.project.contracts if entry in c.entry_points), None)
    return {m.name: m.layout for m in contract.storage} if contract else {}


def _keyed(storage: dict[str, object], member: str) -> bool:
    """Proposal state is kept per proposal: a map member (or one the contract's storage does not
    list, e.g. a component's that did not resolve)."""
    return member not in storage or isinstance(storage[member], MapLayout)


def timelock_policy(audit: Audit, contract: Contract) -> Verdict:
    known = knowledge.setting(contract, "delay")
    outcomes = []
    for entry in executions(audit, contract):
        if known is not None and known[1] in ("none", "delegated"):
            outcomes.append(_known_delay(entry, known))
            continue
        gate = next(_timestamp_gates(audit, entry), None)
        if gate is None:
            message = f"`{entry.name}` executes with no block-timestamp check: nothing delays it after approval"
            outcomes.append(failed(message, [at(entry, f"{entry.name}: executes")]))
            continue
        flow, side, names, verb = gate
        evidence = Evidence(side.location, f"{flow.info.name}: {verb} {side.text}")
        outcomes.append(_delay(audit, contract, entry, evidence, names))
    return worst(outcomes, NO_EXECUTION)


def _known_delay(entry: EntryPoint, known: tuple[str, str, str]) -> Verdict:
    component, value, note = known
    if value == "none":
        message = f"`{entry.name}` executes as soon as the proposal is approved ({component}: {note})"
        return failed(message, [at(entry, f"{entry.name}: executes ({component})")])
    message = f"`{entry.name}` executes through another contract ({component}: {note}): its delay is that contract's, audit it"
    return not_found(message, [at(entry, f"{entry.name}: executes through {component}")])


def single_execution(audit: Audit, contract: Contract) -> Verdict:
    done = knowledge.setting(contract, "done")
    outcomes = []
    for entry in executions(audit, contract):
        flows = audit.reach(entry)
        marks = [m for flow in flows for m in _marks(flow)]
        found = next(((c, m) for c in _state_checks(flows) for m in marks if m.blocks(c)), None)
        if found is not None:
            message = f"`{entry.name}` refuses a proposal it already executed"
            outcomes.append(passed(message, [found[0].evidence, found[1].evidence]))
            continue
        read = next(((m, r) for m in marks if (r := _read_elsewhere(flows, m)) is not None), None)
        if read is not None:
            mark, where = read
            message = f"`{entry.name}` marks `{mark.name}` = {mark.value}, which its readiness check reads"
            outcomes.append(passed(message, [mark.evidence, where]))
        elif done is not None and entry.component and knowledge.role(entry) == "execute":
            message = f"`{entry.name}` marks the proposal executed ({done[0]}: `{done[1].split(':')[-1]}`)"
            outcomes.append(passed(message, [at(entry, f"{entry.name}: {done[0]}")]))
        else:
            message = f"`{entry.name}` does not check and then mark the proposal executed: it can run twice"
            outcomes.append(failed(message, [at(entry, f"{entry.name}: executes")]))
    return worst(outcomes, NO_EXECUTION)


def state_names(expr: A.Expr) -> set[str]:
    """The state an expression reads: its field and storage member names (``proposal.eta`` -> eta,
    ``self.executed.read(id)`` -> executed), or the local it names."""
    root, steps = unwind(expr)
    names = {s.name for s in steps if isinstance(s, A.FieldAccess)}
    if not names and isinstance(root, A.PathExpr) and not is_self(root):
        names.add(root.path.text)
    return names


def _timestamp_gates(audit: Audit, entry: EntryPoint) -> Iterator[tuple[Flow, Check, set[str], str]]:
    """``now >= eta`` checks on the entry point's call graph, the timestamp on the left, with the
    state the other side reads: assertions first, then the comparisons a readiness helper makes
    (``if timestamp > get_block_timestamp() { Waiting }``)."""
    flows = audit.reach(entry)
    for flow in flows:
        for check in flow.checks:
            for side in (check, check.mirrored()):
                if side.op in _LOWER and any(s.kind == "timestamp" for s in flow.sources(side.left)):
                    yield flow, side, _state(flow, side.right), "asserts"
    for flow in flows:
        for node in walk(flow.node.body) if flow.node.body else ():
            if not (isinstance(node, A.Binary) and node.op in COMPARISONS):
                continue
            check = Check(node.op, node.left, node.right, flow.where(node.span), flow.text(node))
            for side in (check, check.mirrored()):
                now = any(s.kind == "timestamp" for s in flow.sources(side.left))
                stored = _state(flow, side.right)
                if now and stored and any(s.kind == "storage" for s in flow.sources(side.right)):
                    yield flow, side, stored, "compares"


def _state(flow: Flow, expr: A.Expr) -> set[str]:
    return state_names(expr) | {s.name for s in flow.sources(expr) if s.kind == "storage"}


def _delay(audit: Audit, contract: Contract, entry: EntryPoint, gate: Evidence, eta: set[str]) -> Verdict:
    """The least delay between the timestamp stored into ``eta`` (anywhere in the contract) and the gate."""
    minimum = audit.config.timelock_min_seconds
    shown = "/".join(sorted(eta))
    schedules = [
        (flow, name, value, where)
        for flow in audit.all_flows(contract)
        for name, value, where in _assignments(flow)
        if name in eta and any(s.kind == "timestamp" for s in flow.sources(value))
    ]
    if not schedules:
        return not_found(f"`{entry.name}` checks the block timestamp, but where `{shown}` is set was not found", [gate])
    outcomes = []
    for flow, name, value, where in schedules:
        least, evidence, deployed = _least_delay(audit, contract, flow, value)
        shown_all = [gate, Evidence(where, f"{flow.info.name}: sets {name} = {flow.text(value)}"), *evidence]
        if least is None and deployed:
            message = (
                f"the delay added in `{flow.info.name}` is `{deployed}`, set at deployment and changed only "
                "through governance: its value is a deployment parameter (check the deployed value)"
            )
            outcomes.append(not_found(message, shown_all))
        elif least is None:
            outcomes.append(failed(f"the delay added in `{flow.info.name}` has no lower bound", shown_all))
        elif least < minimum:
            message = f"the timelock can be as short as {duration_text(least)}, below the policy {duration_text(minimum)}"
            outcomes.append(failed(message, shown_all))
        else:
            outcomes.append(passed(f"`{entry.name}` waits at least {duration_text(least)} after approval", shown_all))
    return worst(outcomes, "")


def _least_delay(audit: Audit, contract: Contract, flow: Flow, value: A.Expr) -> tuple[int | None, list[Evidence], str | None]:
    """The least value of what is added to the timestamp: the best bound among its parts (constants,
    a stored delay's floor, a parameter's asserted minimum, constant or stored). The third item names
    a stored delay with no floor that only the constructor and governance write."""
    found: list[tuple[int, list[Evidence]]] = []
    deployed: str | None = None
    members: list[tuple[str, list[Evidence]]] = []
    for source in flow.sources(value):
        if source.kind in ("const", "literal") and source.value is not None:
            found.append((source.value, []))
        elif source.kind == "storage":
            members.append((source.name, []))
        elif source.kind == "param":
            bound = asserted(flow, source.name, lower=True)
            if bound is not None:
                found.append((bound[0], [bound[1]]))
            members += [(m, [e]) for m, e in _stored_lower_bounds(flow, source.name)]
    for member, why in members:
        floor = member_floor(audit, contract, member)
        if floor.value is not None:
            found.append((floor.value, [*why, *floor.evidence]))
        elif _set_by_deployment_or_governance(audit, contract, member):
            deployed = member
    if found:
        best = max(found, key=lambda f: f[0])
        return best[0], best[1], None
    return None, [], deployed


def _stored_lower_bounds(flow: Flow, name: str) -> Iterator[tuple[str, Evidence]]:
    """Members an assertion puts below parameter ``name`` (``assert(get_min_delay() <= delay)``)."""
    for check in flow.checks:
        for side in (check, check.mirrored()):
            if side.op in _LOWER and flow.text(side.left) == name:
                for source in flow.sources(side.right):
                    if source.kind == "storage":
                        yield source.name, Evidence(side.location, f"{flow.info.name}: asserts {side.text}")


def _set_by_deployment_or_governance(audit: Audit, contract: Contract, member: str) -> bool:
    from .roles import authorities, governance_only

    for entry in external(contract):
        if any(audit.writes(entry, [member])):
            guard = audit.guard(contract, entry, write_sites(member.__eq__))
            if not guard.guarded or not governance_only(authorities(audit, entry, guard)):
                return False
    return True


def _read_elsewhere(flows: list[Flow], mark: Mark) -> Evidence | None:
    """Where the execution's call graph reads the state ``mark`` sets (another line than the mark)."""
    for flow in flows:
        for access in flow.info.facts.storage:
            if access.op == "read" and access.member == mark.name and access.location != mark.evidence.location:
                return Evidence(access.location, f"{flow.info.name}: reads `{mark.name}`")
        for node in walk(flow.node.body) if flow.node.body else ():
            if not isinstance(node, (A.FieldAccess, A.PathExpr)):
                continue
            named = isinstance(node, A.FieldAccess) and node.name == mark.name
            named = named or (isinstance(node, A.PathExpr) and node.path.text == mark.name)
            where = flow.where(node.span) if named else None
            if where is not None and where.line != mark.evidence.location.line:
                return Evidence(where, f"{flow.info.name}: reads `{mark.name}`")
    return None


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
