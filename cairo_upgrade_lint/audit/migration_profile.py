"""Migration readiness: the storage version recorded, migration entry points guarded and
version-checked, a backup kept for rollback, and bounded work per call. Migration entry points are
the ones ``semantics.migrations`` finds (by name, by what they call, EIC library calls)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..findings import Location
from ..model import Contract
from ..model.facts import Operand
from ..model.layout import MapLayout, VecLayout
from ..semantics.migrations import Migration, migrations
from ..semantics.values import value_source
from ..syntax import ast as A
from .base import Audit, Evidence, Profile, Requirement, Verdict, at, failed, not_found, passed, worst
from .bounds import capped, constant
from .flow import Flow, Write
from .powers import migration_keys
from .restore import restores_live_data
from .roles import guard_evidence, unguarded

VERSION = re.compile(r"version|initiali[sz]ed", re.IGNORECASE)


def detect(audit: Audit, contract: Contract) -> bool:
    return bool(migrations(audit.ctx, contract))


def version_members(migration: Migration) -> frozenset[str]:
    """Members that record the storage version: named like one, or asserted and written by it."""
    names = {m.key: m.name for m in migration.contract.storage}
    checked = {names.get(k, k) for k in migration.version_members}
    return frozenset(checked | {m.name for m in migration.contract.storage if VERSION.search(m.name)})


def recorded_versions(audit: Audit, migration: Migration) -> frozenset[str]:
    """The version members a migration sets to fixed values (``storage_version.write(2)``): a member
    it advances by a computed amount (a cursor, ``cursor.write(to_index)``) counts its progress, not
    the layout, and is left out unless it is named like a version. A fixed value is a literal or a
    named constant, also one whose value is not known (``DEFAULTS.min_amount``, a constant struct's field)."""
    named = {m.name for m in migration.contract.storage if VERSION.search(m.name)}
    fixed = {w.member for f, w in audit.writes(migration.entry, version_members(migration)) if _fixed(f, w.value)}
    computed = {w.member for _, w in audit.writes(migration.entry, version_members(migration))} - fixed
    return frozenset(named | (version_members(migration) - computed))


def version_recorded(audit: Audit, contract: Contract) -> Verdict:
    found = migrations(audit.ctx, contract)
    for migration in found:
        for flow, write in audit.writes(migration.entry, version_members(migration)):
            if constant(flow, write.value) == 0:  # clearing a slot records no version
                continue
            note = f"{migration.name}: records the storage version in `{write.member}`"
            return passed(f"`{migration.name}` records the storage version", [Evidence(write.location, note)])
    names = ", ".join(f"`{m.name}`" for m in found)
    message = f"no migration ({names}) writes a storage version: nothing tells which layout the storage is on"
    return failed(message, [at(m.entry, f"{m.name}: migration entry point") for m in found])


def guarded_and_checked(audit: Audit, contract: Contract) -> Verdict:
    outcomes = []
    for migration in migrations(audit.ctx, contract):
        entry, name = migration.entry, migration.name
        if not migration.guarded:
            record = _record_version_check(audit, migration)
            if record is None:
                outcomes.append(unguarded(audit, entry, migration.guard, f"`{name}` can be called by anyone"))
            else:
                message = (
                    f"`{name}` can be called by anyone but converts each record once (it checks the record's "
                    "version): whether anyone may trigger it is a design decision the code does not state"
                )
                outcomes.append(not_found(message, [record]))
            continue
        guard = (
            at(entry, f"{name}: runs only as a library call from the upgrade path")
            if migration.external_initializer
            else guard_evidence(entry, migration.guard)
        )
        check = _version_check(audit, migration)
        if check is None:
            message = f"`{name}` does not check a storage version before migrating: it can run twice or out of order"
            outcomes.append(failed(message, [guard]))
        else:
            outcomes.append(passed(f"`{name}` is guarded and version-checked", [guard, check]))
    return worst(outcomes, "")


def backup_kept(audit: Audit, contract: Contract) -> Verdict:
    return worst((_backup(audit, m) for m in migrations(audit.ctx, contract)), "")


def batched(audit: Audit, contract: Contract) -> Verdict:
    outcomes = []
    for migration in migrations(audit.ctx, contract):
        loops = [(flow, loop) for flow in audit.reach(migration.entry) for loop in flow.loops]
        if not loops:
            outcomes.append(passed(f"`{migration.name}` has no loop: bounded work per call"))
        for flow, loop in loops:
            cap = next((e for b in loop.bounds if (e := capped(flow, b)) is not None), None)
            shown = ", ".join(f"`{flow.text(b)}`" for b in loop.bounds)
            here = Evidence(loop.location, f"{flow.info.name}: loop ends at {shown or 'an unrecognised exit'}")
            entries = _map_entries(flow, loop.bounds, migration.contract)
            if cap is not None:
                outcomes.append(passed(f"`{migration.name}` works in capped batches", [here, cap]))
            elif entries:
                message = (
                    f"`{migration.name}` loops over {shown}, read from one entry of `{entries[0]}`: the work per call "
                    "is that entry's size, which the code does not cap (check its largest size)"
                )
                outcomes.append(not_found(message, [here]))
            elif not loop.exits:
                outcomes.append(not_found(f"`{migration.name}` loops with no recognisable exit condition", [here]))
            else:
                message = (
                    f"`{migration.name}` loops until {shown} with no cap per call: one transaction must "
                    "process all the data and runs out of gas as it grows"
                )
                outcomes.append(failed(message, [here]))
    return worst(outcomes, "")


def _maps(contract: Contract) -> frozenset[str]:
    return frozenset(m.name for m in contract.storage if isinstance(m.layout, MapLayout))


def _map_entries(flow: Flow, bounds: Iterable[A.Expr], contract: Contract) -> list[str]:
    """The map members the loop bounds are all read from (one entry's collection), or []."""
    sources = {s for b in bounds for s in flow.sources(b)}
    maps = _maps(contract)
    if not sources or any(s.kind != "storage" or s.name not in maps for s in sources):
        return []
    return sorted(s.name for s in sources)


def _record_version_check(audit: Audit, migration: Migration) -> Evidence | None:
    """An assertion on a version kept per record (a map member named like a version): a migration
    anyone may call that converts each record once."""
    versions = {name for name in _maps(migration.contract) if VERSION.search(name)}
    for flow in audit.reach(migration.entry):
        for check in flow.checks:
            if any(s.kind == "storage" and s.name in versions for s in flow.sources(check.left) | flow.sources(check.right)):
                return Evidence(check.location, f"{flow.info.name}: checks the record's version: asserts {check.text}")
    return None


def _version_check(audit: Audit, migration: Migration) -> Evidence | None:
    """An assertion on the migration's call graph that compares a version member, or compares stored
    state with a version value some migration writes into a version member (an authorised target
    version: ``migration_target.read() == LEGACY_VERSION``)."""
    members = {value_source("storage", name) for name in recorded_versions(audit, migration)}
    values = _version_values(audit, migration)
    for flow in audit.reach(migration.entry):
        for check in flow.checks:
            left, right = flow.sources(check.left), flow.sources(check.right)
            stored = any(s.kind == "storage" for s in left | right)
            targets = check.op in ("==", "!=") and stored and bool(values & (left | right))
            if members & (left | right) or targets:
                return Evidence(check.location, f"{flow.info.name}: checks the storage version: asserts {check.text}")
    return None


def _fixed(flow: Flow, expr: A.Expr) -> bool:
    """``expr`` is computed from constants and literals only."""
    sources = flow.sources(expr)
    return bool(sources) and all(s.kind in ("const", "literal") for s in sources)


def _version_values(audit: Audit, migration: Migration) -> frozenset[Operand]:
    """The named constants the contract's migrations write into version members."""
    values: set[Operand] = set()
    for other in migrations(audit.ctx, migration.contract):
        for flow, write in audit.writes(other.entry, recorded_versions(audit, other)):
            values |= {s for s in flow.sources(write.value) if s.kind == "const"}
    return frozenset(values)


def _backup(audit: Audit, migration: Migration) -> Verdict:
    """Every record the migration destroys (a map or vec member it reads, then overwrites with a value
    not computed from its own) is copied into another member, and some function of the contract writes
    it back. Scalar members are the migration's bookkeeping (version, cursor, counters)."""
    flows = audit.reach(migration.entry)
    writes = [(f, w) for f in flows for w in f.writes]
    records = {m.name for m in migration.contract.storage if isinstance(m.layout, (MapLayout, VecLayout))}
    reads = frozenset().union(*(f.info.facts.reads for f in flows)) & records
    versions = version_members(migration)  # the version a migration advances is bookkeeping, not data
    destroyed = sorted({w.member for f, w in writes if w.member in reads - versions and not _from(f, w, w.member)})
    if not destroyed:
        return passed(f"`{migration.name}` overwrites no data it reads")
    everywhere = [(f, w) for f in audit.contract_flows(migration.contract) for w in f.writes]
    copied: dict[tuple[str, str], tuple[Location, list[str]]] = {}
    restored: dict[tuple[str, str], tuple[Location, list[str]]] = {}
    for member in destroyed:
        copies = [(f, w) for f, w in writes if w.member != member and _from(f, w, member)]
        restores = [(f, w, c.member) for f, w in everywhere for _, c in copies if w.member == member and _from(f, w, c.member)]
        if not copies or not restores:
            moved = f" (copied into {_list({w.member for _, w in copies})})" if copies else ""
            message = f"`{migration.name}` overwrites `{member}`{moved} and nothing restores it: a rollback finds it lost"
            return failed(message, [_destroyed(member, writes)])
        copy_flow, copy = copies[0]
        copied.setdefault((copy_flow.info.name, copy.member), (copy.location, []))[1].append(member)
        flow, write, backup = restores[0]
        restored.setdefault((flow.info.name, backup), (write.location, []))[1].append(member)
    evidence = [Evidence(where, f"{fn}: copies {_list(ms)} into `{b}`") for (fn, b), (where, ms) in copied.items()]
    evidence += [Evidence(where, f"{fn}: restores {_list(ms)} from `{b}`") for (fn, b), (where, ms) in restored.items()]
    return passed(f"`{migration.name}` keeps a restorable copy of {_list(destroyed)}", evidence)


def _from(flow: Flow, write: Write, member: str) -> bool:
    return value_source("storage", member) in flow.sources(write.value)


def _destroyed(member: str, writes: list[tuple[Flow, Write]]) -> Evidence:
    flow, write = next((f, w) for f, w in writes if w.member == member)
    return Evidence(write.location, f"{flow.info.name}: overwrites `{member}` with {flow.text(write.value)}")


def _list(names: Iterable[str]) -> str:
    return ", ".join(f"`{n}`" for n in sorted(names))


PROFILE = Profile(
    "migration",
    detect,
    "no migration entry point (named migrate*/initialize*/an upgrade hook, or making an EIC library call)",
    (
        Requirement("CUL521", lambda _: "the storage version is recorded", version_recorded),
        Requirement("CUL522", lambda _: "migration entry points are guarded and version-checked", guarded_and_checked),
        Requirement("CUL523", lambda _: "migrations keep a backup for rollback", backup_kept),
        Requirement("CUL524", lambda _: "migrations are batched (bounded loop per call)", batched),
        Requirement("CUL525", lambda _: "a rollback of the migration restores live data, not a snapshot", restores_live_data),
        Requirement("CUL526", lambda _: "no single key runs a migration or its rollback", migration_keys),
    ),
)
