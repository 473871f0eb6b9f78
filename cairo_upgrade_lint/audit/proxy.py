"""Proxy-pattern readiness: the implementation class hash stored, its upgrade guarded and
zero-checked, no admin selector shadowing an implementation selector, and an upgrade event.

A proxy forwards calls with ``library_call_syscall`` to a class hash read from a plain storage
member (the implementation); its *upgrade* entry points write that member.
"""

from __future__ import annotations

from ..model import Contract, EntryPoint
from ..model.facts import Operand
from ..model.syscalls import LIBRARY_CALL
from ..semantics.entry_points import callable_entry_points, entry_site, forwarded_selectors, is_registry, shadowed_selectors
from ..semantics.guards import call_paths, write_sites
from ..semantics.values import rejects_zero, trace_origin
from .base import Audit, Evidence, Profile, Requirement, Verdict, absent, at, external, failed, not_found, passed, worst
from .bounds import nonzero_checks
from .roles import guard_evidence, unguarded


def class_hash_members(audit: Audit, contract: Contract, registry: bool) -> dict[str, list[Evidence]]:
    """Storage members whose value a library call of ``contract`` runs as a class, registries
    (selector -> class hash maps) or plain members: member -> [its declaration, the call]."""
    found: dict[str, list[Evidence]] = {}
    for function in contract.functions:
        info = audit.graph.get(function)
        if info is None:
            continue
        for call in info.facts.syscalls:
            operand = call.args[0] if call.name == LIBRARY_CALL and call.args else None
            member = contract.member(operand.name) if operand and operand.kind == "storage" else None
            if member is not None and is_registry(member.layout) == registry:
                found.setdefault(
                    member.name,
                    [
                        Evidence(member.location, f"`{member.name}`: {member.type_text}"),
                        Evidence(call.location, f"{info.name}: library call into `{member.name}`"),
                    ],
                )
    return found


def detect(audit: Audit, contract: Contract) -> bool:
    return bool(class_hash_members(audit, contract, registry=False))


def upgrades(audit: Audit, contract: Contract) -> tuple[set[str], list[EntryPoint]]:
    """The implementation members, and the entry points that write one (the constructor aside)."""
    members = set(class_hash_members(audit, contract, registry=False))
    return members, [e for e in external(contract) if any(audit.writes(e, members))]


def implementation_stored(audit: Audit, contract: Contract) -> Verdict:
    members = class_hash_members(audit, contract, registry=False)
    if not members:
        message = "no library call runs a class hash read from a storage member: the implementation is not stored"
        return absent(contract, message)
    names = ", ".join(f"`{m}`" for m in members)
    return passed(f"the implementation class hash is stored in {names}", [e for m in members.values() for e in m])


def upgrade_checked(audit: Audit, contract: Contract) -> Verdict:
    members, entries = upgrades(audit, contract)
    outcomes = []
    for entry in entries:
        guard = audit.guard(contract, entry, write_sites(members.__contains__))
        zero = _zero_check(audit, entry, members)
        if not guard.guarded:
            message = f"`{entry.name}` changes the implementation with no auth check"
            outcomes.append(unguarded(audit, entry, guard, message))
        elif zero is None:
            message = f"`{entry.name}` accepts a zero class hash: every forwarded call would then fail"
            outcomes.append(failed(message, [guard_evidence(entry, guard)]))
        else:
            message = f"`{entry.name}` is guarded and rejects a zero class hash"
            outcomes.append(passed(message, [guard_evidence(entry, guard), zero]))
    return worst(outcomes, "no entry point changes the implementation class hash")


def selectors_distinct(audit: Audit, contract: Contract) -> Verdict:
    """The proxy-shadowing fact CUL201 reports, once the forwarded selectors are known."""
    shadowing = list(shadowed_selectors(audit.project, contract))
    if shadowing:
        evidence = [Evidence(entry_site(s.entry, audit.project), "shadows an implementation selector") for s in shadowing]
        return failed(shadowing[0].description, evidence)
    forwards = {e.name: forwarded_selectors(audit.graph, e)[0] for e in callable_entry_points(contract)}
    if not any(forwards.values()):
        return not_found("which selectors the proxy forwards was not found")
    own = [e for e in callable_entry_points(contract) if not forwards[e.name]]
    shown = ", ".join(f"`{e.name}`" for e in own) or "none"
    message = f"the proxy's own entry points ({shown}) share no selector with the implementation"
    return passed(message, [at(e, f"{e.name}: own entry point") for e in own])


def upgrade_event(audit: Audit, contract: Contract) -> Verdict:
    outcomes = []
    for entry in upgrades(audit, contract)[1]:
        emitted = sorted({name for flow in audit.reach(entry) for name in flow.info.facts.emits if name})
        event = next((e for e in contract.events if e.name in emitted), None)
        if not emitted:
            message = f"`{entry.name}` changes the implementation without an event: monitors miss the upgrade"
            outcomes.append(failed(message, [at(entry, f"{entry.name}: changes the implementation")]))
        else:
            where = Evidence(event.location, f"event {event.name}") if event else at(entry, entry.name)
            outcomes.append(passed(f"`{entry.name}` emits {', '.join(emitted)}", [where]))
    return worst(outcomes, "no entry point changes the implementation class hash")


def _zero_check(audit: Audit, entry: EntryPoint, members: set[str]) -> Evidence | None:
    """Where the class hash written into ``members`` is checked non-zero: each parameter it comes
    from, followed back to the entry point, checked with ``semantics.values.rejects_zero`` (helpers included)."""
    graph = audit.graph
    for flow, write in audit.writes(entry, members):
        path = next(call_paths(graph, entry.function, flow.info.id), None)
        params = [s.name for s in flow.sources(write.value) if s.kind == "param"] if path else []
        for param in params:
            origin = trace_origin(graph, path, Operand("param", param, name=param))  # type: ignore[arg-type]
            for function, name in origin.aliases:
                if rejects_zero(graph, function, name):
                    return _zero_assertion(audit, function, name) or Evidence(write.location, f"`{name}` checked")
    return None


def _zero_assertion(audit: Audit, function: str, param: str) -> Evidence | None:
    """The assertion of ``function`` that rejects a zero ``param``."""
    flow = audit.flows.of(function)
    if flow is None:
        return None
    for side in nonzero_checks(flow):
        if flow.text(side.left) == param:
            return Evidence(side.location, f"{flow.info.name}: asserts {side.text}")
    return None


PROFILE = Profile(
    "proxy-pattern",
    detect,
    "no proxy (no library call runs a class hash read from a plain storage member)",
    (
        Requirement("CUL531", lambda _: "the implementation class hash is stored", implementation_stored),
        Requirement("CUL532", lambda _: "the upgrade is guarded and rejects a zero class hash", upgrade_checked),
        Requirement("CUL533", lambda _: "admin selectors do not collide with implementation selectors", selectors_distinct),
        Requirement("CUL534", lambda _: "the upgrade emits an event", upgrade_event),
    ),
)
