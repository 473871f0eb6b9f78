"""Migration hygiene rules (old vs new): CUL401-CUL403, over the migrations ``semantics.migrations`` finds."""

from __future__ import annotations

from collections.abc import Iterator

from ..diff import ContractDiff
from ..findings import Finding, Location, Related, Severity
from ..model import Contract, EntryPoint
from ..model.callgraph import CallGraph
from ..model.facts import Operand
from ..model.layout import StorageMember
from ..model.syscalls import REPLACE_CLASS
from ..semantics.context import Context
from ..semantics.migrations import (
    Access,
    MemberResolver,
    Migration,
    caller_gated,
    entry_accesses,
    migrations,
)
from .base import Report, diff_rule
from .storage import member_site

_WRITERS = ("external", "l1_handler")


@diff_rule("CUL401")
def unversioned_migration(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    for migration in migrations(ctx, diff.new):
        if migration.external_initializer or migration.version_checked or not migration.writes:
            continue
        written = _names(diff.new, migration.writes)
        message = (
            f"migration `{migration.name}` ({migration.reason}) writes {written} without a storage-version "
            "guard (an assertion on a stored version or flag that it then advances): nothing records that "
            "it ran, so it can run twice, on a fresh deployment, or out of order"
        )
        yield report(message, _entry_location(ctx.project.call_graph, migration.entry))


@diff_rule("CUL402")
def constructor_only_initialization(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    added = [c.new for c in diff.storage if c.kind == "added" and c.new is not None]
    if not added:
        return
    graph = ctx.project.call_graph
    resolver = MemberResolver(diff.new)
    by_entry = {e.name: entry_accesses(graph, e, resolver) for e in diff.new.entry_points}
    found = migrations(ctx, diff.new)
    eic_writes = {k for m in found if m.external_initializer for k in m.writes}
    for member in added:
        setup = _constructor_write(diff.new, by_entry, member.key)
        readers = _readers(diff.new, by_entry, member.key)
        if member.key in eic_writes:
            continue
        backed = _initialising_migration(graph, found, member.key)
        plain_readers = [r for r in readers if r not in {m.entry.name for m in found}]
        if backed is not None and plain_readers:
            yield _migration_note(report, diff.new, member, backed, setup)
            continue
        if setup is None or not readers:
            continue
        if _settable(graph, diff.new, by_entry, member.key, resolver):
            continue
        message = (
            f"storage member `{member.display}` ({member.type_text}) is new in this version and only the "
            "constructor sets it; replace_class does not run the constructor, so on upgraded deployments "
            f"{_list(readers)} read{'s' if len(readers) == 1 else ''} its zero value"
        )
        related: tuple[Related, ...] = (Related(setup.access.location, "the constructor's write"),)
        if member.via:
            related = (Related(member.location, f"`{member.display}` is declared here"), *related)
        yield report(message, member_site(diff.new, member), related=related)


@diff_rule("CUL403")
def migration_without_rollback(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    old_members = {m.key: m for m in diff.old.storage}
    losses: dict[tuple[Location, str], tuple[Access, list[str]]] = {}
    for migration in migrations(ctx, diff.new):
        for access in migration.accesses:
            if access.key in old_members and _loses_old_value(migration, access):
                found = losses.setdefault((access.access.location, access.key), (access, []))
                found[1].append(migration.name)
    for access, names in losses.values():
        yield _rollback_finding(report, sorted(set(names)), access, old_members[access.key])


# ---------------------------------------------------------------- CUL402


def _constructor_write(contract: Contract, by_entry: dict[str, list[Access]], key: str) -> Access | None:
    constructors = [e.name for e in contract.entry_points if e.kind == "constructor"]
    return next((a for name in constructors for a in by_entry[name] if a.writes and a.key == key), None)


def _initialising_migration(graph: CallGraph, found: tuple[Migration, ...], key: str) -> Migration | None:
    """The first guarded migration entry point (no EIC, not the upgrade call itself, whose
    initialisation is atomic with the class replacement) that writes the member."""
    return next(
        (
            m
            for m in found
            if m.guarded and not m.external_initializer and key in m.writes and not _replaces_class(graph, m.entry)
        ),
        None,
    )


def _replaces_class(graph: CallGraph, entry: EntryPoint) -> bool:
    return any(
        s.name == REPLACE_CLASS for f in graph.reachable(entry.function) if (info := graph.get(f)) for s in info.facts.syscalls
    )


def _migration_note(
    report: Report, contract: Contract, member: StorageMember, migration: Migration, setup: Access | None
) -> Finding:
    traits = "guarded, version-checked" if migration.version_members else "guarded, one-shot" if migration.one_shot else "guarded"
    by = "not by the constructor" if setup is None else "besides the constructor"
    message = (
        f"new member `{member.display}` is initialised by migration `{migration.name}` ({traits}), {by} "
        "(replace_class does not run it): run the migration before the new code reads it"
    )
    write = next(a for a in migration.accesses if a.writes and a.key == member.key)
    related: tuple[Related, ...] = (Related(write.access.location, f"`{migration.name}` writes it"),)
    if setup is not None:
        related = (*related, Related(setup.access.location, "the constructor's write"))
    return report(message, member_site(contract, member), related=related, severity=Severity.NOTE)


def _readers(contract: Contract, by_entry: dict[str, list[Access]], key: str) -> list[str]:
    """Entry points (constructor aside) that read the member."""
    return [
        e.name
        for e in contract.entry_points
        if e.kind != "constructor" and any(not a.writes and a.key == key for a in by_entry[e.name])
    ]


def _settable(
    graph: CallGraph,
    contract: Contract,
    by_entry: dict[str, list[Access]],
    key: str,
    resolver: MemberResolver,
) -> bool:
    """Whether an external or L1 entry point can write the member after an upgrade: one that writes
    it and is not gated by it (an owner setter checking the caller against the zero owner is not)."""
    return any(
        e.kind in _WRITERS
        and any(a.writes and a.key == key for a in by_entry[e.name])
        and key not in caller_gated(graph, e, resolver)
        for e in contract.entry_points
    )


# ---------------------------------------------------------------- CUL403


def _loses_old_value(migration: Migration, access: Access) -> bool:
    """A write that rewrites the member in place (the migration reads it) or clears it, with no copy
    of the old value kept elsewhere; the version flag itself is exempt."""
    if not access.writes or access.key in migration.version_members or access.key in migration.backups:
        return False
    return access.key in migration.reads or _clears(access)


def _clears(access: Access) -> bool:
    value = access.access.args[-1] if access.access.args else None
    return value is not None and _is_zero(value)


def _is_zero(value: Operand) -> bool:
    return (value.kind == "literal" and (value.value == 0 or value.text == "false")) or (
        value.kind == "call" and value.name in ("default", "zero")
    )


def _rollback_finding(report: Report, names: list[str], access: Access, old: StorageMember) -> Finding:
    verb = "clear" if _clears(access) else "rewrite in place"
    who = f"migration `{names[0]}`" if len(names) == 1 else f"migrations {_list(names)}"
    message = (
        f"{who} {verb}{'s' if len(names) == 1 else ''} `{old.display}` ({old.type_text}), which the old "
        "version stores, without first copying the old value to another member: a rollback to the old "
        "class reads the migrated value with its old meaning, and no reverse migration can restore it"
    )
    related = (Related(old.location, f"old declaration of `{old.display}`: {old.type_text}"),)
    return report(message, access.access.location, related=related)


# ---------------------------------------------------------------- helpers


def _entry_location(graph: CallGraph, entry: EntryPoint) -> Location:
    info = graph.get(entry.function)
    return info.name_location if info is not None and info.name_location is not None else entry.location


def _names(contract: Contract, keys: frozenset[str]) -> str:
    names = sorted(m.display for m in contract.storage if m.key in keys)
    return _list(names or sorted(keys))


def _list(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)
