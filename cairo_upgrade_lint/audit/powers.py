"""Powers no single key may hold: running a migration (or its rollback) on the word of one stored
address, and cancelling a proposal on the word of one signer.

A migration entry point may admit a non-governance key (an operator running batches) only when it
also asserts state that nothing but governance-only entry points write (an authorization such as
``migration_target``): then governance decides that the migration runs, the key only when. A cancel
may stop a proposal only when a threshold of signers agrees (a comparison with the threshold member
holds where the proposal state is written), or when its proposer withdraws it before anyone signed
(the caller equals a value read from the proposal state and a value read from it equals zero).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Contract, EntryPoint
from ..semantics.guards import call_paths, write_sites
from ..semantics.migrations import Migration, migrations
from ..semantics.values import value_source
from . import knowledge
from .base import Audit, Evidence, Verdict, external, failed, not_found, passed, worst
from .bounds import constant
from .conditions import Condition, holding_at
from .execution import execution_facts
from .exprs import conjuncts
from .flow import Flow, Write
from .roles import GOVERNANCE, authorities, governance_only, guard_evidence


def migration_keys(audit: Audit, contract: Contract) -> Verdict:
    """No migration entry point runs on the word of a single non-governance key."""
    outcomes = [_migration_key(audit, contract, m) for m in migrations(audit.ctx, contract)]
    return worst(outcomes, "")


def _migration_key(audit: Audit, contract: Contract, migration: Migration) -> Verdict:
    entry, name = migration.entry, migration.name
    if migration.external_initializer:
        return passed(f"`{name}` runs only as a library call from the upgrade path, under the upgrade's guard")
    if not migration.guarded:
        return not_found(f"`{name}` has no auth check at all (CUL522)")
    names = authorities(audit, entry, migration.guard)
    shown = ", ".join(f"`{n}`" for n in sorted(names))
    guard = guard_evidence(entry, migration.guard)
    if governance_only(names):
        return passed(f"`{name}` runs only through governance ({shown})", [guard])
    gate = next(_governance_gates(audit, contract, entry), None)
    if gate is not None:
        member, evidence = gate
        message = f"`{name}` admits {shown} only for work governance authorised in `{member}`"
        return passed(message, [guard, evidence])
    keys = ", ".join(f"`{n}`" for n in sorted(names) if not GOVERNANCE.search(n))
    message = (
        f"`{name}` admits {shown} and asserts nothing only governance sets: {keys} alone can migrate or roll back "
        "the migration (rewriting every user's data) with no proposal, signatures or timelock"
    )
    return failed(message, [guard])


def _governance_gates(audit: Audit, contract: Contract, entry: EntryPoint) -> Iterator[tuple[str, Evidence]]:
    """Assertions on ``entry``'s call graph that read a member only governance-only entry points write."""
    writers: dict[str, list[EntryPoint]] = {}
    for other in external(contract):
        for member in {w.member for f in audit.reach(other) for w in f.writes}:
            writers.setdefault(member, []).append(other)
    for flow in audit.reach(entry):
        for check in flow.checks:
            stored = {s.name for s in flow.sources(check.left) | flow.sources(check.right) if s.kind == "storage"}
            for member in sorted(stored):
                if _governed(audit, contract, writers.get(member, []), member):
                    yield member, Evidence(check.location, f"{flow.info.name}: asserts {check.text}")


def _governed(audit: Audit, contract: Contract, writers: list[EntryPoint], member: str) -> bool:
    if not writers:
        return False
    for writer in writers:
        guard = audit.guard(contract, writer, write_sites(member.__eq__))
        if not guard.guarded or not governance_only(authorities(audit, writer, guard)):
            return False
    return True


def cancels(audit: Audit, contract: Contract, cancel: re.Pattern[str]) -> tuple[frozenset[str], list[tuple[EntryPoint, bool]]]:
    """The proposal state the contract's executions read, and its cancels: ``(entry, True)`` for a
    governance component's cancel (knowledge data), ``(entry, False)`` for an entry point named like
    ``cancel`` (its writes of the proposal state make it one)."""
    found = execution_facts(audit, contract)
    state = frozenset(m for x in found for m in x.state)
    entries = []
    for entry in external(contract):
        if any(entry is x.entry for x in found):
            continue
        role = knowledge.role(entry)
        if role == "cancel" or (role is None and cancel.search(entry.name)):
            entries.append((entry, role == "cancel"))
    return state, entries


def cancel_consent(audit: Audit, contract: Contract, cancel: re.Pattern[str], thresholds: frozenset[str]) -> Verdict:
    """Every cancel (an entry point named like ``cancel`` that writes the proposal state) needs a
    threshold of signers (a comparison with one of ``thresholds``), or is the proposer's before any
    signature."""
    state, entries = cancels(audit, contract, cancel)
    outcomes = []
    for entry, known in entries:
        if known:
            note = f"`{entry.name}` is a governance component's cancel: who may cancel is its role setup"
            outcomes.append(not_found(note))
        else:
            writes = audit.writes(entry, state)
            outcomes += [_cancel_write(audit, contract, entry, flow, write, thresholds) for flow, write in writes]
    return worst(outcomes, "no cancel entry point writes the proposal state (CUL504)")


def _cancel_write(
    audit: Audit, contract: Contract, entry: EntryPoint, flow: Flow, write: Write, thresholds: frozenset[str]
) -> Verdict:
    path = next(call_paths(audit.graph, entry.function, flow.info.id), (entry.function,))
    conditions = holding_at(audit.flows, audit.graph, path, write.location)
    here = Evidence(write.location, f"{flow.info.name}: writes `{write.member}`, the proposal state")
    threshold = next((c for c in conditions if _reads(c, thresholds)), None)
    if threshold is not None:
        shown = Evidence(threshold.location, f"{threshold.flow.info.name}: compares with the threshold")
        return passed(f"`{entry.name}` cancels once a threshold of signers agrees", [shown, here])
    proposer = _proposer_before_signatures(conditions, write.member)
    if proposer is not None:
        shown = Evidence(proposer.location, f"{proposer.flow.info.name}: caller is the proposer, no signature yet")
        return passed(f"`{entry.name}` lets the proposer withdraw before any signature", [shown, here])
    guard = audit.guard(contract, entry, write_sites(write.member.__eq__))
    who = ", ".join(f"`{n}`" for n in sorted(authorities(audit, entry, guard))) or "any caller"
    message = (
        f"`{entry.name}` cancels on the word of one caller ({who}): a single signer can block every proposal, "
        "including the upgrade, the resume, or the one that removes that signer"
    )
    return failed(message, [here, guard_evidence(entry, guard)] if guard.guarded else [here])


def _reads(condition: Condition, members: frozenset[str]) -> bool:
    """A comparison the condition requires reads one of ``members`` on one side."""
    for _, left, right in conjuncts(condition.expr, condition.negate):
        sides = condition.flow.sources(left) | condition.flow.sources(right)
        if any(s.kind == "storage" and s.name in members for s in sides):
            return True
    return False


def _proposer_before_signatures(conditions: list[Condition], state: str) -> Condition | None:
    """A condition requiring the caller to equal a value from the proposal state together with a
    value from that state being zero (no signature yet)."""
    stored = value_source("storage", state)
    for condition in conditions:
        flow = condition.flow
        equalities = [(lhs, rhs) for op, lhs, rhs in conjuncts(condition.expr, condition.negate) if op == "=="]
        pairs = [(flow.sources(a), b) for lhs, rhs in equalities for a, b in ((lhs, rhs), (rhs, lhs))]
        proposer = any(stored in sources and any(s.kind == "caller" for s in flow.sources(other)) for sources, other in pairs)
        unsigned = any(stored in sources and constant(flow, other) == 0 for sources, other in pairs)
        if proposer and unsigned:
            return condition
    return None
