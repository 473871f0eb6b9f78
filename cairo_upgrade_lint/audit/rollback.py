"""Rollback readiness: a guarded emergency pause, the previous class hashes kept, a guarded rollback
entry point that pauses, and a resume only governance can call.

An *upgrade* entry point replaces the class with a class hash from its calldata; a *rollback*
entry point replaces it with one read from storage (the kept history). The pause flag is a bool
storage member named like ``paused``; pausing writes ``true`` into it, resuming ``false``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Contract, EntryPoint
from ..model.facts import Operand
from ..model.syscalls import REPLACE_CLASS
from ..semantics.authorities import pause_flags as pause_flags
from ..semantics.guards import call_paths, functions_with_syscall, syscall_sites, write_sites
from ..semantics.values import trace_origin
from .base import (
    Audit,
    Evidence,
    Profile,
    Requirement,
    Verdict,
    absent,
    at,
    external,
    failed,
    not_found,
    passed,
    worst,
)
from .bounds import constant
from .execution import is_account
from .flow import Flow, Write
from .roles import GOVERNANCE, authorities, governance_only, guard_evidence, unguarded


def replacements(audit: Audit, contract: Contract) -> Iterator[tuple[EntryPoint, bool, Evidence]]:
    """(entry point, whether the class hash comes from its calldata, the replace_class call)."""
    graph = audit.graph
    for entry in external(contract):
        for info in functions_with_syscall(graph, entry.function, REPLACE_CLASS):
            path = next(call_paths(graph, entry.function, info.id), None)
            for syscall in info.facts.syscalls:
                if path is not None and syscall.name == REPLACE_CLASS and syscall.args:
                    origin = trace_origin(graph, path, syscall.args[0])
                    yield (
                        entry,
                        origin.from_entry,
                        Evidence(syscall.location, f"{info.name}: {syscall.args[0].text}"),
                    )


def upgrades(audit: Audit, contract: Contract) -> list[EntryPoint]:
    return _unique(e for e, calldata, _ in replacements(audit, contract) if calldata)


def rollbacks(audit: Audit, contract: Contract) -> list[EntryPoint]:
    return _unique(e for e, calldata, _ in replacements(audit, contract) if not calldata)


def sets_flag(audit: Audit, entry: EntryPoint, flags: frozenset[str], value: int) -> list[Write]:
    """The writes of ``value`` (1: true, 0: false) into a pause flag on ``entry``'s call graph."""
    return [w for f, w in audit.writes(entry, flags) if constant(f, w.value) == value]


def detect(audit: Audit, contract: Contract) -> bool:
    """Upgradeable with ``replace_class`` and has a pause flag or a rollback entry point."""
    if is_account(contract):  # an account's upgrade is a signed self-call: judged as an account or not at all
        return False
    found = list(replacements(audit, contract))
    return bool(found) and (bool(pause_flags(contract)) or any(not calldata for _, calldata, _ in found))


def pause_guarded(audit: Audit, contract: Contract) -> Verdict:
    flags = pause_flags(contract)
    if not flags:
        return absent(contract, "no pause flag: no bool storage member named like `paused`")
    rolling = rollbacks(audit, contract)
    pausing = [e for e in external(contract) if e not in rolling and sets_flag(audit, e, flags, 1)]
    if not pausing:
        return absent(contract, f"no entry point sets `{_names(flags)}` to true: there is no emergency pause")
    outcomes = []
    for entry in pausing:
        guard = audit.guard(contract, entry, write_sites(flags.__contains__))
        if not guard.guarded:
            outcomes.append(unguarded(audit, entry, guard, f"`{entry.name}` pauses with no auth check"))
        else:
            outcomes.append(passed(f"`{entry.name}` pauses, guarded", [guard_evidence(entry, guard)]))
    return worst(outcomes, "")


def history_kept(audit: Audit, contract: Contract) -> Verdict:
    hashes = {m.name for m in contract.storage if "ClassHash" in m.type_text}
    outcomes = []
    for entry in upgrades(audit, contract):
        kept = [w for f, w in audit.writes(entry, hashes) if _keeps_previous(audit, entry, f, w)]
        if kept:
            note = f"{entry.name}: keeps the replaced class hash in `{kept[0].member}`"
            outcomes.append(passed(f"`{entry.name}` records the replaced class hash", [Evidence(kept[0].location, note)]))
        else:
            message = f"`{entry.name}` does not record the class it replaces: a rollback has no class to return to"
            outcomes.append(failed(message, [at(entry, f"{entry.name}: upgrade entry point")]))
    return worst(outcomes, "no upgrade entry point replaces the class with a class hash from calldata")


def rollback_pauses(audit: Audit, contract: Contract) -> Verdict:
    rolling = rollbacks(audit, contract)
    if not rolling:
        return absent(contract, "no rollback entry point: nothing replaces the class with a stored previous class hash")
    flags = pause_flags(contract)
    outcomes = []
    for entry in rolling:
        guard = audit.guard(contract, entry, syscall_sites(REPLACE_CLASS))
        pauses = sets_flag(audit, entry, flags, 1)
        if not guard.guarded:
            outcomes.append(unguarded(audit, entry, guard, f"`{entry.name}` rolls back with no auth check"))
        elif not pauses:
            message = f"`{entry.name}` restores the previous class without pausing: calls run on it unchecked"
            outcomes.append(failed(message, [guard_evidence(entry, guard)]))
        else:
            pause = Evidence(pauses[0].location, f"{entry.name}: pauses")
            outcomes.append(passed(f"`{entry.name}` rolls back, guarded, and pauses", [guard_evidence(entry, guard), pause]))
    return worst(outcomes, "")


def resume_governance_only(audit: Audit, contract: Contract) -> Verdict:
    flags = pause_flags(contract)
    resuming = [e for e in external(contract) if sets_flag(audit, e, flags, 0)]
    if not resuming:
        return not_found(f"no resume entry point: nothing sets `{_names(flags) or 'paused'}` back to false")
    pausers: set[str] = set()
    for entry in external(contract):
        if sets_flag(audit, entry, flags, 1):
            pausers |= authorities(audit, entry, audit.guard(contract, entry, write_sites(flags.__contains__)))
    outcomes = []
    for entry in resuming:
        guard = audit.guard(contract, entry, write_sites(flags.__contains__))
        names = authorities(audit, entry, guard)
        shown = ", ".join(f"`{n}`" for n in sorted(names))
        if not guard.guarded:
            outcomes.append(unguarded(audit, entry, guard, f"`{entry.name}` resumes with no auth check"))
        elif governance_only(names):
            outcomes.append(passed(f"`{entry.name}` admits {shown} only", [guard_evidence(entry, guard)]))
        elif any(not GOVERNANCE.search(n) for n in names & pausers):
            message = f"`{entry.name}` admits {shown}, which can also pause: the emergency key lifts its own brake"
            outcomes.append(failed(message, [guard_evidence(entry, guard)]))
        else:
            message = f"`{entry.name}` admits {shown}: not recognisably governance (a timelock or multisig)"
            outcomes.append(not_found(message, [guard_evidence(entry, guard)]))
    return worst(outcomes, "")


def _keeps_previous(audit: Audit, entry: EntryPoint, flow: Flow, write: Write) -> bool:
    """The write stores a class hash that is neither zero nor from ``entry``'s calldata (parameters of
    helpers followed back to what their callers pass)."""
    sources = flow.sources(write.value)
    path = next(call_paths(audit.graph, entry.function, flow.info.id), None)
    if not sources or path is None or any(s.kind == "literal" and s.value == 0 for s in sources):
        return False
    params = (Operand("param", s.name, name=s.name) for s in sources if s.kind == "param")
    return not any(trace_origin(audit.graph, path, p).from_entry for p in params)


def _names(flags: frozenset[str]) -> str:
    return "`, `".join(sorted(flags))


def _unique(entries: Iterator[EntryPoint]) -> list[EntryPoint]:
    return list(dict.fromkeys(entries))


PROFILE = Profile(
    "rollback",
    detect,
    "no contract can both replace its class and pause or roll back (no bool member named like `paused`, "
    "no entry point that replaces the class with a stored class hash)",
    (
        Requirement("CUL511", lambda _: "an emergency pause exists and is guarded", pause_guarded),
        Requirement("CUL512", lambda _: "previous class hashes are kept on upgrade", history_kept),
        Requirement("CUL513", lambda _: "a rollback entry point exists, is guarded and pauses", rollback_pauses),
        Requirement("CUL514", lambda _: "resume is governance-only", resume_governance_only),
    ),
)
