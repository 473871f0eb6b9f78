"""Migration entry points of one contract version: the external entry points that rewrite state after
``replace_class`` (which never runs the new constructor), what they read and write, and whether they
are guarded and versioned. Shared by the storage rules (is a change backed by a migration?) and the
migration rules (CUL401-CUL403) and the audit's migration profile.

Heuristic: an external entry point is a migration when
- its name marks it: a word starting with ``migrat`` (``migrate``, ``migrate_storage``,
  ``finalize_migration``), an initializer (``init``, ``initialize``, ``initializer``, ``reinitialize``,
  optionally with a version suffix: ``initialize_v2``; ``initialize_pool`` is not one), or a known
  upgrade hook (``upgrade_and_call``, ``execute_after_upgrade``, ``perform_upgrade``,
  ``eic_initialize`` ...);
- or its call graph reaches a crate function named like that (``upgrade`` running
  ``self.migrate_from_0_4_0()``);
- or it makes an EIC library call: ``library_call_syscall`` whose selector names an initializer
  (``EIC_INITIALIZE_SELECTOR``, ``selector!("eic_initialize")``).
An external initializer contract (EIC, ``diff.pairing.external_initializer``: it implements
``eic_initialize`` and is never deployed) of the same project counts as a migration of the contract
whose storage it is a view of: every member key the EIC declares is declared by the contract, in
the version under check or in the old one (an EIC that migrates a member away declares the member
the new version drops). Its ``eic_initialize`` only runs as a library call from the upgrade path,
which guards it; an EIC's own ``eic_initialize`` is such a migration too, never a re-runnable entry
point of its own.

Old records can also be converted by the code that wrote them: the new version library-calls an entry
point only the old class has (``previous_class_reads``), which reads old members on this storage.

Member keys (the names addresses derive from) identify members across functions, components and
EICs. Ordering between functions is not modelled: a check or a copy anywhere in the migration's call
graph counts.
"""

from __future__ import annotations

import re

from ..diff.pairing import EIC_ENTRY, external_initializer, pair_contracts
from ..findings import Location
from ..model import Contract, EntryPoint, Project
from ..model.callgraph import CallGraph, FunctionInfo
from ..model.facts import Assertion, Operand, StorageAccess, SyscallUse
from ..model.layout import StorageMember
from ..model.syscalls import LIBRARY_CALL
from ..records import record
from .context import Context
from .guards import Guard, entry_guard, one_shot

HOOKS = frozenset(
    {
        "upgrade_and_call",
        "execute_after_upgrade",
        "perform_upgrade",
        "eic_initialize",
        "post_upgrade",
        "after_upgrade",
        "on_upgrade",
    }
)
_INITIALIZER = re.compile(r"(re)?init(iali[sz]e(r)?)?(_v?\d+)*")
_EIC_SELECTOR = re.compile(r"initiali[sz]e|eic|migrat", re.IGNORECASE)


def is_migration_name(name: str) -> bool:
    """Whether a function name marks a migration, initializer or upgrade hook."""
    bare = name.strip("_")
    return bare in HOOKS or _INITIALIZER.fullmatch(bare) is not None or any(word.startswith("migrat") for word in bare.split("_"))


@record
class Access:
    """A storage access on a migration's call graph: the member ``key``, the access, the function
    doing it, and ``sources``, the keys of the members its arguments read (directly, or for a write
    through the locals, struct literal fields and tuples its value is built from)."""

    key: str
    access: StorageAccess
    function: str
    sources: frozenset[str]

    @property
    def writes(self) -> bool:
        return self.access.op == "write"


@record
class Migration:
    """One migration entry point. ``contract`` holds its code (the contract itself or an EIC);
    ``reason`` says why it counts as a migration; ``version_members`` are the members it asserts on
    and also writes (a storage version or an initialized flag); ``one_shot`` how it can run only once
    without such a member (``guards.one_shot``: a stored value asserted zero before anything else,
    then written on the same path, e.g. the first signer of an account); ``backups`` the members whose
    value it copies into another member (or passes to a function that writes storage)."""

    entry: EntryPoint
    contract: Contract
    reason: str
    guard: Guard
    accesses: tuple[Access, ...]
    version_members: frozenset[str]
    backups: frozenset[str]
    external_initializer: bool = False
    one_shot: str = ""

    @property
    def name(self) -> str:
        return f"{self.contract.name}::{self.entry.name}" if self.external_initializer else self.entry.name

    @property
    def guarded(self) -> bool:
        return self.external_initializer or self.guard.guarded

    @property
    def writes(self) -> frozenset[str]:
        return frozenset(a.key for a in self.accesses if a.writes)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset(a.key for a in self.accesses if not a.writes)

    @property
    def version_checked(self) -> bool:
        """A stored version or flag is asserted and advanced, or the migration is one-shot."""
        return bool(self.version_members) or bool(self.one_shot)

    @property
    def carried(self) -> frozenset[str]:
        """Keys of the members whose value this migration carries into another member: the backups,
        and the values passed to an access of another member that is not a plain read (a write, or
        a storage type's own mutation such as a trace's ``insert``)."""
        moved = {s for a in self.accesses if a.writes or _mutates(a.access) for s in a.sources if s != a.key}
        return self.backups | moved


def _mutates(access: StorageAccess) -> bool:
    return bool(access.methods) and access.methods[-1] != "read"


def migrations(ctx: Context, contract: Contract) -> tuple[Migration, ...]:
    """The migrations of ``contract`` in the version under check (``ctx.project``), EICs included."""
    return ctx.once(f"migrations {contract.qualified_name}", lambda: _find(ctx, contract))


def backing(ctx: Context, contract: Contract, keys: frozenset[str]) -> Migration | None:
    """The first guarded migration of ``contract`` that writes one of the member ``keys``, or that
    migrates away one that ``contract`` no longer declares (``_migrates_away``)."""
    gone = keys - {m.key for m in contract.storage}
    return next((m for m in migrations(ctx, contract) if m.guarded and (m.writes & keys or _migrates_away(m, gone))), None)


@record
class PreviousClassRead:
    """The new version library-calls ``entry_point``, an entry point only the old version has, at
    ``location``: the previous class runs on this contract's storage and reads what that entry
    point reads (a migration converting old records through the code that wrote them)."""

    entry_point: str
    location: Location


def previous_class_reads(ctx: Context, old: Contract, new: Contract) -> dict[str, PreviousClassRead]:
    """Member keys the old class still reads after the upgrade because code of ``new`` library-calls
    an entry point of ``old`` that ``new`` dropped (``IStakingV0LibraryDispatcher { class_hash:
    prev_class_hash }.staker_info(..)``): key -> the call."""
    if ctx.old is None:
        return {}
    graph, old_graph = ctx.project.call_graph, ctx.old.call_graph
    modules = {c.qualified_name for c in ctx.project.contracts}
    # The contract's own call graph, and the crate's free helpers: a method on a value
    # (``info_v0.convert(prev_class_hash)``) is often called where the graph does not resolve it.
    functions = {f for entry in new.entry_points for f in graph.reachable(entry.function)}
    functions |= {f for f, info in graph.functions.items() if info.owner not in modules}
    calls: dict[str, SyscallUse] = {
        use.entry_point: use
        for function in sorted(functions)
        if (info := graph.get(function))
        for use in info.facts.syscalls
        if use.name == LIBRARY_CALL and use.entry_point and new.entry_point(use.entry_point) is None
    }
    resolver = MemberResolver(old)
    found: dict[str, PreviousClassRead] = {}
    for name, use in sorted(calls.items()):
        dropped = old.entry_point(name)
        if dropped is not None:
            for key in sorted(_reads(old_graph, dropped.function, resolver)):
                found.setdefault(key, PreviousClassRead(dropped.name, use.location))
    return found


def _migrates_away(migration: Migration, gone: frozenset[str]) -> bool:
    """Whether ``migration`` consumes a member the contract no longer declares: it carries its value
    into another member, or (an EIC, which runs once in the upgrade and declares the member only as a
    view of the host's storage) it reads or clears it."""
    if migration.carried & gone:
        return True
    return migration.external_initializer and bool((migration.reads | migration.writes) & gone)


def _find(ctx: Context, contract: Contract) -> tuple[Migration, ...]:
    graph = ctx.project.call_graph
    found = []
    own = external_initializer(contract)
    for entry in contract.entry_points:
        if own and entry.name == EIC_ENTRY:
            found.append(_migration(ctx, contract, entry, f"external initializer contract {contract.name}", True))
            continue
        reason = _reason(graph, entry) if entry.kind == "external" else None
        if reason is not None:
            found.append(_migration(ctx, contract, entry, reason, False))
    for eic in _initializer_contracts(ctx, contract):
        hook = eic.entry_point(EIC_ENTRY)
        assert hook is not None
        found.append(_migration(ctx, eic, hook, f"external initializer contract {eic.name}", True))
    return tuple(found)


def _reason(graph: CallGraph, entry: EntryPoint) -> str | None:
    """Why ``entry`` is a migration, or None."""
    if is_migration_name(entry.name):
        return f"named `{entry.name}`"
    reached = graph.reachable(entry.function) - {entry.function}
    named = sorted(info.name for f in reached if (info := graph.get(f)) and is_migration_name(info.name))
    if named:
        return f"calls `{named[0]}`"
    for function in graph.reachable(entry.function):
        info = graph.get(function)
        if info is not None and any(_eic_call(s.name, s.args) for s in info.facts.syscalls):
            return "makes an EIC library call"
    return None


def _eic_call(name: str, args: tuple[Operand, ...]) -> bool:
    return name == LIBRARY_CALL and len(args) > 1 and bool(_EIC_SELECTOR.search(args[1].text))


def _initializer_contracts(ctx: Context, contract: Contract) -> list[Contract]:
    """EICs of the project whose storage keys are all declared by ``contract`` (not itself an EIC)
    or by its old version."""
    if contract.kind != "contract" or external_initializer(contract):
        return []
    keys = {m.key for m in contract.storage}
    previous = ctx.once("migrations.old_versions", lambda: _old_versions(ctx)).get(id(contract))
    if previous is not None:
        keys |= {m.key for m in previous.storage}
    return [c for c, declared in ctx.once("eic_contracts", lambda: _eics(ctx.project)) if declared <= keys]


def _eics(project: Project) -> list[tuple[Contract, frozenset[str]]]:
    """The project's external initializer contracts, each with the storage keys it declares."""
    return [(c, frozenset(m.key for m in c.storage)) for c in project.contracts if external_initializer(c) and c.storage]


def _old_versions(ctx: Context) -> dict[int, Contract]:
    """The old version of each contract of the version under check (by ``id``), as paired by name
    or similarity; nothing without an old version."""
    if ctx.old is None or ctx.old is ctx.project:
        return {}
    pairs, _, _ = pair_contracts(ctx.old.contracts, ctx.project.contracts)
    return {id(new): old for old, new in pairs}


def _migration(ctx: Context, contract: Contract, entry: EntryPoint, reason: str, eic: bool) -> Migration:
    graph = ctx.project.call_graph
    resolver = MemberResolver(contract)
    functions = _functions(graph, entry)
    accesses = tuple(a for info in functions for a in accesses_of(info, resolver))
    writes = {a.key for a in accesses if a.writes}
    checked = {k for info in functions for k in tested_members(graph, info, resolver, auth=False)}
    return Migration(
        entry=entry,
        contract=contract,
        reason=reason,
        guard=entry_guard(ctx, contract, entry),
        accesses=accesses,
        version_members=frozenset(checked & writes),
        backups=frozenset(_backups(graph, functions, accesses, resolver)),
        external_initializer=eic,
        one_shot="" if eic else one_shot(ctx, entry) or "",
    )


def _functions(graph: CallGraph, entry: EntryPoint) -> list[FunctionInfo]:
    return [info for f in sorted(graph.reachable(entry.function)) if (info := graph.get(f))]


def entry_accesses(graph: CallGraph, entry: EntryPoint, resolver: MemberResolver) -> list[Access]:
    """Every storage access on the call graph of ``entry``."""
    return [a for info in _functions(graph, entry) for a in accesses_of(info, resolver)]


def caller_gated(graph: CallGraph, entry: EntryPoint, resolver: MemberResolver) -> set[str]:
    """Keys of the members the caller is compared with on the call graph of ``entry`` (an owner
    check reading ``owner``): while such a member is zero, nobody passes the check."""
    return {k for info in _functions(graph, entry) for k in tested_members(graph, info, resolver, auth=True)}


class MemberResolver:
    """Maps what a function names (``self.member`` in its own contract or component) to the member
    keys of one contract, whose storage flattens its components."""

    def __init__(self, contract: Contract) -> None:
        self.by_owner = {(m.owner.rsplit("::", 1)[0], m.name): m for m in contract.storage}
        self.by_display = {m.display: m for m in contract.storage}

    def member(self, module: str | None, name: str, path: tuple[str, ...] = ()) -> StorageMember | None:
        """The member ``self.name.path...`` of a function of ``module`` accesses."""
        found = self.by_owner.get((module or "", name))
        if found is not None:
            return found
        parts = (name, *path)
        for end in range(len(parts), 0, -1):
            found = self.by_display.get(".".join(parts[:end]))
            if found is not None:
                return found
        return None

    def key(self, module: str | None, name: str, path: tuple[str, ...] = ()) -> str | None:
        found = self.member(module, name, path)
        return found.key if found is not None else None


def accesses_of(info: FunctionInfo, resolver: MemberResolver) -> list[Access]:
    """The storage accesses of one function, resolved to member keys (unknown members dropped);
    raw accesses at ``selector!("name")`` addresses count for the member with key ``name``."""
    resolved = [(a, resolver.key(info.owner, a.member, a.path)) for a in info.facts.storage]
    resolved += [(a, a.member) for a in info.facts.raw_storage]
    return [
        Access(key, access, info.id, frozenset(_storage_keys(info, access.args, resolver) | _copied(info, access, resolver)))
        for access, key in resolved
        if key is not None
    ]


def _copied(info: FunctionInfo, access: StorageAccess, resolver: MemberResolver) -> set[str]:
    """Keys of the members whose read the written value carries unchanged, through locals, struct
    literals and tuples (``let backup = Backup { fee: self.fee.read() }; self.backup.write(backup)``)."""
    keys = (resolver.key(info.owner, name) for name in access.copied)
    return {k for k in keys if k is not None}


def _storage_keys(info: FunctionInfo, operands: tuple[Operand, ...], resolver: MemberResolver) -> set[str]:
    keys = (resolver.key(info.owner, o.name) for o in operands if o.kind == "storage")
    return {k for k in keys if k is not None}


def tested_members(graph: CallGraph, info: FunctionInfo, resolver: MemberResolver, auth: bool) -> set[str]:
    """Keys of the members the function's assertions test: in comparisons with the caller (``auth``)
    or everywhere else. A tested getter (``!self.is_initialized()``) contributes what it reads."""
    out: set[str] = set()
    for assertion in info.facts.assertions:
        for operand in _tested(assertion, auth):
            if operand.kind == "storage":
                out |= _storage_keys(info, (operand,), resolver)
            elif operand.kind == "call" and operand.target is not None:
                out |= _reads(graph, operand.target, resolver)
    return out


def _tested(assertion: Assertion, auth: bool) -> list[Operand]:
    compared = {o for c in assertion.comparisons if c.involves("caller") for o in (c.left, c.right)}
    return [o for o in assertion.operands if (o in compared) == auth]


def _reads(graph: CallGraph, function: str, resolver: MemberResolver) -> set[str]:
    return {
        a.key
        for f in graph.reachable(function)
        if (callee := graph.get(f))
        for a in accesses_of(callee, resolver)
        if not a.writes
    }


def _backups(graph: CallGraph, functions: list[FunctionInfo], accesses: tuple[Access, ...], resolver: MemberResolver) -> set[str]:
    """Keys whose value is written to another member, or passed to a call that writes storage."""
    copied = {source for a in accesses if a.writes for source in a.sources if source != a.key}
    for info in functions:
        for call in (*info.facts.calls, *info.facts.receiver_calls):
            if call.target is not None and _writes_storage(graph, call.target):
                copied |= _storage_keys(info, call.args, resolver)
    return copied


def _writes_storage(graph: CallGraph, function: str) -> bool:
    return any(a.op == "write" for f in graph.reachable(function) if (info := graph.get(f)) for a in info.facts.storage)
