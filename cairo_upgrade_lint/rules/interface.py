"""Entry-point and event rules: CUL201-CUL205.

Old-vs-new findings point into the NEW version (where a pull request shows them) and name the old
declaration as a related location; a removal points at the new contract's ``mod`` line (events: its
``enum Event``). Declarations inside the shipped OpenZeppelin knowledge are shown where the contract
embeds them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from ..diff import ContractDiff, EntryPointChange
from ..diff.interface import describe_event, diff_events, hiding, unknown_impls
from ..findings import Finding, Location, Related, Severity
from ..model import Contract, EntryPoint, Event, EventField, Project
from ..model.callgraph import CallGraph
from ..model.encoding import Mismatch, decodes_as, extends, mismatch
from ..model.hashing import felt_hex, selector
from ..model.selectors import SelectorValues, Source
from ..model.syscalls import LIBRARY_CALL, REPLACE_CLASS
from ..model.upgrades import UpgradePath
from ..semantics.context import Context
from ..semantics.entry_points import (
    PROTOCOL_ENTRY_POINTS,
    callable_entry_points,
    entry_site,
    is_registry,
    name_location,
    shadowed_selectors,
    shown,
)
from ..semantics.guards import entry_guard
from .base import Report, contract_rule, diff_rule

DEPLOY_ONLY = frozenset({"__validate_deploy__"})

# ---------------------------------------------------------------- shared


def _event_site(event: Event, diff: ContractDiff) -> Location:
    """In a contract, a component's event is shown where the contract's ``Event`` enum nests it
    (changes inside a local component are reported at the component)."""
    if diff.new.kind == "contract" and event.component is not None and event.embedded_at is not None:
        return event.embedded_at
    return shown(event.location, event.embedded_at)


def _claim(entry: EntryPoint, project: Project) -> Location:
    """Where the contract takes the selector: its own declaration or the embedding line."""
    return entry.embedded_at or name_location(entry, project)


def _new_version(diff: ContractDiff) -> str:
    """'the new Vault', or 'Vault (was OldVault)' when the pairing renamed it."""
    if diff.old.name == diff.new.name:
        return f"the new {diff.new.name}"
    return f"{diff.new.name} (was {diff.old.name})"


def _declaration(contract: Contract) -> Location:
    return contract.declaration or contract.location


def _old(where: Location) -> tuple[Related, ...]:
    return (Related(where, "old declaration"),)


def _origin(entry: EntryPoint) -> str:
    if entry.origin == "function":
        return f"free function {entry.name}"
    return f"{entry.origin}::{entry.name}" + (" (embedded component impl)" if entry.embedded_at else "")


def _called_after_upgrade(contract: Contract) -> list[EntryPoint]:
    """Callable entry points except ``__validate_deploy__``, which runs only when an account of
    the class is deployed, never on an upgraded one."""
    return [e for e in callable_entry_points(contract) if e.name not in DEPLOY_ONLY]


# ---------------------------------------------------------------- CUL201


@contract_rule("CUL201")
def selector_collision(contract: Contract, ctx: Context, report: Report) -> Iterator[Finding]:
    """One selector claimed twice: in one class, by a proxy and its implementation, or in a
    router's facet registry."""
    yield from _duplicate_entry_points(contract, ctx, report)
    yield from _proxy_shadowing(contract, ctx, report)
    yield from _registry_collisions(contract, ctx, report)


def _duplicate_entry_points(contract: Contract, ctx: Context, report: Report) -> Iterator[Finding]:
    groups: dict[tuple[bool, str], list[EntryPoint]] = defaultdict(list)
    for entry in callable_entry_points(contract):
        groups[(entry.kind == "l1_handler", entry.name)].append(entry)
    for (_, name), entries in groups.items():
        if len(entries) < 2:
            continue
        primary = max(entries, key=lambda e: (e.embedded_at is None, _claim(e, ctx.project).line))
        others = [e for e in entries if e is not primary]
        claims = " and ".join(_origin(e) for e in [primary, *others])
        yield report(
            f"selector {felt_hex(selector(name))} of `{name}` belongs to {len(entries)} entry points of "
            f"{contract.name}: {claims}. A class has one function per selector, so the compiler "
            "rejects it; the selector is sn_keccak of the bare name, whatever the impl or trait.",
            _claim(primary, ctx.project),
            related=tuple(Related(_claim(e, ctx.project), f"`{name}` also exposed by {_origin(e)}") for e in others),
            fix=f"rename {_origin(primary)} (the selector follows the name), or embed a "
            f"component impl that does not expose `{name}` (e.g. the non-mixin impl)",
        )


def _proxy_shadowing(contract: Contract, ctx: Context, report: Report) -> Iterator[Finding]:
    """A proxy's own entry point named like a function of the implementation it forwards to."""
    for shadowed in shadowed_selectors(ctx.project, contract):
        yield report(
            shadowed.description,
            entry_site(shadowed.entry, ctx.project),
            related=(Related(shadowed.interface.location, f"implementation interface {shadowed.interface.name}"),),
            fix=f"give the proxy's own entry point a name the implementation cannot use (a `proxy_` prefix), "
            f"or forward `{shadowed.entry.name}` to the implementation",
        )


def _registry_collisions(contract: Contract, ctx: Context, report: Report) -> Iterator[Finding]:
    """Registrations of literal selectors into a selector -> class hash map: one selector twice
    from one function, or a selector of the router's own entry points."""
    registries = {m.name for m in contract.storage if is_registry(m.layout)}
    if not registries:
        return
    own = {e.selector: e for e in callable_entry_points(contract)}
    names = _selector_names(ctx.project)
    seen: dict[tuple[str, int, str], Location] = {}
    for member, source, where in _registrations(ctx.project.call_graph, contract, registries):
        label = _selector_label(source, names)
        first = seen.setdefault((member, source.value, source.function), where)
        if first != where:
            yield _registered_twice(label, member, source, where, first, report)
        elif source.value in own:
            yield _router_shadows(label, contract, member, source, where, own[source.value], ctx, report)


def _registrations(graph: CallGraph, contract: Contract, registries: set[str]) -> list[tuple[str, Source, Location]]:
    """(registry, selector source, where it is registered) for writes of a non-zero class hash under a
    literal or constant selector key, possibly passed down through helpers; in source order."""
    values = SelectorValues(graph, contract.functions)
    found: set[tuple[str, Source, Location]] = set()
    for function in contract.functions:
        info = graph.get(function)
        for access in info.facts.storage if info is not None else ():
            if access.op != "write" or access.member not in registries or len(access.args) < 2:
                continue
            if access.args[-1].kind == "literal" and access.args[-1].value == 0:
                continue
            sources = values.sources(function, access.args[0], access.location)
            found |= {(access.member, s, where) for s in sources if (where := s.location) is not None}
    return sorted(found, key=lambda f: (f[2].path, f[2].line, f[2].column))


def _selector_label(source: Source, names: dict[int, str]) -> str:
    """``0x.. (`swap`)``: the function name when one is known, else the selector as written."""
    return f"{felt_hex(source.value)} (`{names.get(source.value, source.text)}`)"


def _selector_names(project: Project) -> dict[int, str]:
    names = {f.name for i in project.interfaces for f in i.functions}
    names |= {e.name for c in project.all_contracts for e in c.entry_points}
    return {selector(n): n for n in names}


def _registered_twice(label: str, member: str, source: Source, where: Location, first: Location, report: Report) -> Finding:
    return report(
        f"selector {label} is registered twice in `{member}` by {source.function.rsplit('::', 1)[-1]}: "
        "the second write replaces the first facet, whose function becomes unreachable through the router.",
        where,
        related=(Related(first, "first registration"),),
        fix="register each selector for exactly one facet; change a mapping only through an explicit replace operation",
    )


def _router_shadows(
    label: str, contract: Contract, member: str, source: Source, where: Location, entry: EntryPoint, ctx: Context, report: Report
) -> Finding:
    return report(
        f"selector {label} registered in `{member}` is also {contract.name}'s own entry point "
        f"`{entry.name}`: the router's function and the facet's claim one selector.",
        where,
        related=(Related(entry_site(entry, ctx.project), f"{contract.name}'s own `{entry.name}`"),),
        fix=f"reserve the router's own selectors: do not register `{entry.name}` for a facet",
    )


# ---------------------------------------------------------------- CUL202


def _only_caller(diff: ContractDiff, ctx: Context, entry: EntryPoint) -> str | None:
    """Who alone calls ``entry`` when no other contract can (its return value then reaches no
    external caller): the protocol (SRC6) or the contract itself (``assert_only_self``)."""
    if entry.name in PROTOCOL_ENTRY_POINTS:
        return f"The Starknet protocol calls `{entry.name}` (SRC6 account protocol)"
    if entry_guard(ctx, diff.new, entry).kind == "self_only":
        return f"Only {diff.new.name} itself can call `{entry.name}` (it asserts the caller is the contract)"
    return None


@diff_rule("CUL202")
def signature_changed(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    """Same name (selector), other parameter or return encodings; constructors never run again."""
    for old in _called_after_upgrade(diff.old):
        new = diff.new.entry_point(old.name)
        if new is None or new.kind == "constructor" or _table_moved(old, new):
            continue
        found = _signature_finding(diff, ctx, old, new)
        if found is not None:
            message, severity, fix = found
            yield report(
                message,
                entry_site(new, ctx.project),
                related=_old(entry_site(old, ctx.old)),
                fix=fix,
                severity=severity,
            )


def _signature_finding(
    diff: ContractDiff, ctx: Context, old: EntryPoint, new: EntryPoint
) -> tuple[str, Severity | None, str | None] | None:
    """Message, severity (None: the catalogue's) and fix of a changed signature, if it changed."""
    details = _signature_details(old, new)
    if not details:
        if not _grown_return(old, new):
            return None
        message = (
            f"entry point `{new.name}` of {diff.new.name} returns more values: {old.signature} -> "
            f"{new.signature}. Old callers decode the values they know and ignore the rest (generated "
            "dispatchers do not check the length of returned data); off-chain decoders using the old "
            "ABI do the same."
        )
        return message, Severity.NOTE, None
    caller = _only_caller(diff, ctx, new) if all(d.startswith("return ") for d in details) else None
    if caller is not None:
        message = (
            f"entry point `{new.name}` of {diff.new.name} changed its return value: {old.signature} -> "
            f"{new.signature} ({'; '.join(details)}). {caller}, not other contracts, so no external "
            "caller decodes it; check that off-chain tools simulating it accept the new value."
        )
        return message, Severity.NOTE, None
    message = (
        f"entry point `{new.name}` (selector {new.selector_hex}) of {diff.new.name} changed "
        f"signature: {old.signature} -> {new.signature} ({'; '.join(details)}). Callers still reach "
        "it under the same selector with calldata encoded for the old signature."
    )
    fix = (
        f"keep `{old.signature}` unchanged (it can forward to the new code) and expose the new "
        f"signature under a new name, e.g. `{new.name}_v2`"
    )
    return message, None, fix


def _grown_return(old: EntryPoint, new: EntryPoint) -> bool:
    """A returned struct or tuple that only gained values after the old ones (a member appended,
    the struct possibly renamed). A single value that became a group (``u128`` -> ``(u128, u128)``)
    is a change of meaning even when its first value decodes alike."""
    (_, old_returns), (_, new_returns) = old.serde, new.serde
    grouped = all(r is not None and r.startswith("{") for r in (old_returns, new_returns))
    return grouped and extends(new_returns, old_returns)


def _signature_details(old: EntryPoint, new: EntryPoint) -> list[str]:
    """What breaks old callers (``EntryPoint.serde``): old calldata the new parameters do not
    decode, a new return value the old decoders do not. Renames of parameters or of types that
    keep the encoding, and widened parameters (u32 -> u128), are compatible; an encoding not
    known on one side (an unresolved type) is not a proven change. Parameters are aligned by
    name and encoding, so one inserted or removed parameter is reported as that, not as a chain
    of retyped ones."""
    (old_params, old_returns), (new_params, new_returns) = old.serde, new.serde
    details: list[str] = []
    for i, j in _align(old, new):
        if i is None and j is not None:
            p = new.params[j]
            details.append(f"parameter `{p.name}: {p.type}` inserted at position {j + 1}")
        elif j is None and i is not None:
            p = old.params[i]
            details.append(f"parameter `{p.name}: {p.type}` at position {i + 1} removed")
        elif i is not None and j is not None:
            why = mismatch(old_params[i], new_params[j])
            if why is not None and not why.unknown:
                a, b = old.params[i], new.params[j]
                name = f"`{b.name}`" if a.name == b.name else f"`{a.name}` (now `{b.name}`)"
                details.append(f"type of parameter {j + 1} {name} changed {_changed(a.type, b.type, why)}")
    why = mismatch(new_returns, old_returns)
    if why is not None and not why.unknown and not _grown_return(old, new):
        details.append(f"return {_changed(old.returns or '()', new.returns or '()', why.reversed())}")
    return details


def _align(old: EntryPoint, new: EntryPoint) -> list[tuple[int | None, int | None]]:
    """Old and new parameter indexes paired by a longest-common-subsequence alignment that
    prefers one name and one encoding, then one name, then one encoding; between two aligned
    pairs, as many unpaired old as new parameters are paired in order (changed in place), the
    rest are removed (old only) or inserted (new only)."""
    (a_serde, _), (b_serde, _) = old.serde, new.serde
    a, b = old.params, new.params

    def score(i: int, j: int) -> int:
        same_name = a[i].name == b[j].name
        why = mismatch(a_serde[i], b_serde[j]) if i < len(a_serde) and j < len(b_serde) else None
        same_encoding = why is None or why.unknown
        return (2 if same_name else 0) + (1 if same_encoding else 0)

    n, m = len(a), len(b)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            paired = best[i + 1][j + 1] + score(i, j) if score(i, j) else -1
            best[i][j] = max(paired, best[i + 1][j], best[i][j + 1])
    anchors: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        s = score(i, j)
        if s and best[i][j] == best[i + 1][j + 1] + s:
            anchors.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    out: list[tuple[int | None, int | None]] = []
    previous = (-1, -1)
    for anchor in [*anchors, (n, m)]:
        gap_old = list(range(previous[0] + 1, anchor[0]))
        gap_new = list(range(previous[1] + 1, anchor[1]))
        if len(gap_old) == len(gap_new):
            out += list(zip(gap_old, gap_new, strict=True))
        else:
            out += [(x, None) for x in gap_old] + [(None, y) for y in gap_new]
        if anchor != (n, m):
            out.append(anchor)
        previous = anchor
    return out


def _changed(old_type: str, new_type: str, why: Mismatch) -> str:
    """``old -> new``; for a type that keeps its name, the part inside it that changed (and the
    struct or enum it is in)."""
    if old_type != new_type:
        return f"{old_type} -> {new_type}"
    where = why.where or " inside it"
    return f"`{new_type}` keeps its name but not its encoding ({why.sent} -> {why.read}{where})"


# ---------------------------------------------------------------- CUL203


@diff_rule("CUL203")
def entry_point_removed(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    """An old selector the new class no longer serves (or serves only as another kind)."""
    added = [c.new for c in diff.entry_points if c.kind == "added" and c.new is not None]
    after_upgrade = _called_after_upgrade(diff.old)
    for change in diff.entry_points:
        old = change.old
        if old is None or old not in after_upgrade or not _gone(change):
            continue
        renamed = next((n.name for n in added if _same_types(old, n)), None)
        hint = f" It looks renamed to `{renamed}`." if renamed else ""
        kind = "L1 handler" if old.kind == "l1_handler" else "entry point"
        target = f"`{renamed}`" if renamed else "the new code"
        yield report(
            f"{kind} `{old.signature}` (selector {old.selector_hex}) is gone from {_new_version(diff)}: "
            f"callers get ENTRYPOINT_NOT_FOUND after the upgrade.{hint}",
            _declaration(diff.new),
            related=_old(entry_site(old, ctx.old)),
            fix=f"keep `{old.name}` as an entry point (a deprecated alias that forwards to {target}) for as "
            "long as callers may use it",
        )
    yield from _unknown_entry_points(diff, ctx, report)
    yield from _dropped_unknown_impls(diff, report)


def _dropped_unknown_impls(diff: ContractDiff, report: Report) -> Iterator[Finding]:
    """An embedded impl of the old version that is not in the analysed source and that the new
    version no longer declares (under its name or its target): whatever it served is gone.
    Unknown instead when the new version embeds another unresolved impl that may serve it."""
    if unknown_impls(diff.old, diff.new):
        return
    names = {e.name for e in diff.new.embedded}
    targets = {e.target for e in diff.new.embedded}
    for gone in diff.old.embedded:
        if gone.resolved or gone.name in names or gone.target in targets:
            continue
        yield report(
            f"embedded impl `impl {gone.name} = {gone.target}` is gone from {_new_version(diff)}: the entry "
            "points it served (not in the analysed source, so not named here) get ENTRYPOINT_NOT_FOUND "
            "after the upgrade.",
            _declaration(diff.new),
            related=_old(gone.location),
            fix=f"keep embedding `{gone.target}` for as long as callers may use its entry points",
        )


def _unknown_entry_points(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    """One note per embedded impl of the new version that is not in the analysed source (and is
    declared otherwise than in the old one), naming the old entry points it may provide: unknown,
    not removed (DOMAIN.md 2c)."""
    unknown = [c.old for c in diff.entry_points if c.kind == "unknown" and c.old is not None]
    roots = unknown_impls(diff.old, diff.new)
    if not unknown or not roots:
        return
    owned: dict[str, list[EntryPoint]] = defaultdict(list)
    for entry in unknown:
        found = hiding(entry, roots, diff.old.embedded)
        if found:
            owned[found[0].name].append(entry)
    for root in roots:
        entries = owned.get(root.name)
        if not entries:
            continue
        names = ", ".join(f"`{e.name}`" for e in entries)
        yield report(
            f"`impl {root.name} = {root.target}` is not in the analysed source of {_new_version(diff)}: "
            f"its entry points are unknown, so whether {names} of the old version "
            f"{'is' if len(entries) == 1 else 'are'} still served cannot be checked (not reported as removed).",
            root.location,
            related=tuple(Related(entry_site(e, ctx.old), "old entry point") for e in entries[:8]),
            fix="add the dependency's source to the analysed input (a Scarb workspace with its cache) so the impl resolves",
            severity=Severity.NOTE,
            confidence="low",
        )


def _gone(change: EntryPointChange) -> bool:
    """Removed, or moved between the external and the L1-handler tables (one name, other table)."""
    if change.kind == "removed":
        return True
    return (
        change.kind == "kind_changed"
        and change.old is not None
        and change.new is not None
        and (_table_moved(change.old, change.new))
    )


def _table_moved(old: EntryPoint, new: EntryPoint) -> bool:
    return (old.kind == "l1_handler") != (new.kind == "l1_handler")


def _same_types(a: EntryPoint, b: EntryPoint) -> bool:
    return (a.kind, a.returns, [p.type for p in a.params]) == (b.kind, b.returns, [p.type for p in b.params])


# ---------------------------------------------------------------- CUL204


@diff_rule("CUL204")
def upgradeability_removed(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    """The old class could replace itself, the new one cannot: the next upgrade is impossible."""
    old_paths = _replacing(diff.old_upgrade_paths, diff.old)
    if not old_paths or _replacing(diff.new_upgrade_paths, diff.new):
        return
    graph = ctx.project.call_graph
    library = [p for p in _callable_paths(diff.new_upgrade_paths, diff.new) if p.syscall == LIBRARY_CALL]
    if any(_class_hash_from_caller(graph, p) for p in library):
        return
    opaque = _opaque_parts(diff.new)
    if opaque:
        # the new upgrade path may run through code that is not in the analysed source
        yield report(
            f"whether {diff.new.name} can still be upgraded is unknown: the old version reached "
            f"{REPLACE_CLASS} from {', '.join(f'`{p.entry_point}`' for p in old_paths)}, and the new "
            f"version's code behind {', '.join(opaque)} is not in the analysed source.",
            _declaration(diff.new),
            related=tuple(_path_related(p, diff.old, ctx.old) for p in old_paths),
            fix="add the dependency's source to the analysed input so the upgrade path can be followed",
            severity=Severity.NOTE,
            confidence="low",
        )
        return
    shown = ", ".join(f"`{p.entry_point}`" for p in old_paths)
    remaining = (
        f" Only library calls into a stored class remain ({', '.join(p.entry_point for p in library)}): "
        "the class is replaceable only if that class's code calls replace_class."
        if library
        else ""
    )
    yield report(
        f"{diff.new.name} can no longer be upgraded: the old version reached {REPLACE_CLASS} from "
        f"{shown}, the new version has no entry point that does. After this upgrade the class is "
        f"final.{remaining}",
        _declaration(diff.new),
        related=tuple(_path_related(p, diff.old, ctx.old) for p in old_paths),
        fix="keep an authorized upgrade entry point, for example OpenZeppelin's UpgradeableComponent "
        "with an `upgrade` guarded by the owner or governance",
        confidence="low" if library else None,
    )


def _opaque_parts(contract: Contract) -> list[str]:
    """Embedded impls and components of ``contract`` that are not in the analysed source."""
    components = [u.path for u in contract.components if u.component is None]
    impls = [
        f"`impl {e.name} = {e.target}`"
        for e in contract.embedded
        if not e.resolved and not any(e.target.startswith(c + "::") for c in components)
    ]
    return [f"component `{c}`" for c in components] + impls


def _callable_paths(paths: Iterable[UpgradePath], contract: Contract) -> list[UpgradePath]:
    constructors = {e.name for e in contract.entry_points if e.kind == "constructor"}
    return [p for p in paths if p.entry_point not in constructors]


def _replacing(paths: Iterable[UpgradePath], contract: Contract) -> list[UpgradePath]:
    return [p for p in _callable_paths(paths, contract) if p.syscall == REPLACE_CLASS]


def _class_hash_from_caller(graph: CallGraph, path: UpgradePath) -> bool:
    """The library call's class hash is a parameter: any class (one that replaces) can run."""
    info = graph.get(path.path[-1]) if path.path else None
    calls = info.facts.syscalls if info is not None else ()
    return any(c.name == LIBRARY_CALL and c.args and c.args[0].kind == "param" for c in calls)


def _path_related(path: UpgradePath, contract: Contract, project: Project | None) -> Related:
    entry = contract.entry_point(path.entry_point)
    where = entry_site(entry, project) if entry is not None else _declaration(contract)
    chain = " -> ".join([*(p.rsplit("::", 1)[-1] for p in path.path), path.syscall])
    return Related(where, f"old upgrade path: {chain}")


# ---------------------------------------------------------------- CUL205


@diff_rule("CUL205")
def event_changed(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    """Events indexers decode: removed, renamed, or keys/data reshaped."""
    for kind, old, new, details in _event_changes(diff.old.events, diff.new.events):
        if not _reported_by_component(old, new, diff, ctx):
            yield _event_finding(kind, old, new, details, diff, report)


def _event_changes(old: tuple[Event, ...], new: tuple[Event, ...]) -> Iterator[tuple[str, Event, Event | None, list[str]]]:
    """(kind, old event, new event, details): 'removed', 'renamed', or 'changed' keys/data
    encodings (events matched by their selector chain; unresolved payloads are not judged)."""
    for change in diff_events(old, new):
        if change.kind in ("removed", "renamed") and change.old is not None:
            yield change.kind, change.old, change.new, []
    after = {e.selectors: e for e in new}
    for before in old:
        match = after.get(before.selectors)
        if match is not None and before.resolved and match.resolved:
            details = _shape_details(before, match)
            if details:
                yield "changed", before, match, details


def _event_finding(kind: str, old: Event, new: Event | None, details: list[str], diff: ContractDiff, report: Report) -> Finding:
    chain = "::".join(old.selectors)
    if new is None:
        return report(
            f"event `{chain}` is gone from {_new_version(diff)}: indexers and monitors that decode it see "
            "nothing after the upgrade.",
            diff.new.event_enum or _declaration(diff.new),
            related=_old(_event_site(old, diff)),
            fix=f"keep emitting {chain} unchanged; add a new event for the new information",
        )
    if kind == "renamed":
        return report(
            f"event `{chain}` is renamed to `{'::'.join(new.selectors)}`: its first key (the selector of "
            "the name) changes, so indexers filtering on the old key miss it.",
            _event_site(new, diff),
            related=_old(_event_site(old, diff)),
            fix=f"keep the variant name {old.name}; add the new event alongside it if needed",
        )
    return report(
        f"event `{chain}` changed shape: {'; '.join(details)} ({describe_event(old)} -> "
        f"{describe_event(new)}). Indexers decode keys and data by position and read wrong values or fail.",
        _event_site(new, diff),
        related=_old(_event_site(old, diff)),
        fix=f"keep {chain} as it was and emit a new event (a new variant name) with the new shape",
    )


def _shape_details(old: Event, new: Event) -> list[str]:
    """Encoding changes of keys and data; renaming fields alone keeps the encoding."""
    if _decodes(new, old) and not _moved(old, new):
        return []
    before = {f.name: f for f in old.fields}
    after = {f.name: f for f in new.fields}
    details = [d for n in before if n in after and (d := _field_change(before[n], after[n]))]
    details += [f"field `{n}` removed" for n in before if n not in after]
    details += [f"field `{n}` added" for n in after if n not in before]
    return details or ["fields reordered"]


def _decodes(new: Event, old: Event) -> bool:
    """Whether the new keys and data decode with the old event's layout."""
    pairs = ((new.keys, old.keys), (new.data, old.data))
    return all(decodes_as(_fields(a), _fields(b)) for a, b in pairs)


def _fields(fields: tuple[EventField, ...]) -> str:
    return "{" + ", ".join(_serde(f) for f in fields) + "}"


def _serde(field: EventField) -> str:
    return field.serde or field.type


def _moved(old: Event, new: Event) -> bool:
    """A field kept on both sides sits at another position among the keys or the data."""
    before, after = _positions(old), _positions(new)
    return any(before[n] != after[n] for n in before.keys() & after.keys())


def _positions(event: Event) -> dict[str, tuple[bool, int]]:
    keys = {f.name: (True, i) for i, f in enumerate(event.keys)}
    return keys | {f.name: (False, i) for i, f in enumerate(event.data)}


def _field_change(a: EventField, b: EventField) -> str:
    if a.key != b.key:
        return f"`{b.name}` moved from {'keys to data' if a.key else 'data to keys'}"
    why = mismatch(_serde(b), _serde(a))
    if why is None or why.unknown:
        return ""
    return f"field `{b.name}`: {_changed(a.type, b.type, why.reversed())}"


def _reported_by_component(event: Event, new_event: Event | None, diff: ContractDiff, ctx: Context) -> bool:
    """A local component's own event change: its component's diff reports it, not each contract
    (the new component is looked up by its module name when the event is gone)."""
    component = event.component
    if diff.new.kind != "contract" or component is None or ctx.old is None:
        return False
    renamed = new_event.component if new_event is not None else None
    old = ctx.old.contract(component)
    new = ctx.project.contract(renamed or component.rsplit("::", 1)[-1])
    if old is None or new is None or old.known or new.known:
        return False
    own = (c for _, c, _, _ in _event_changes(old.events, new.events))
    return any(event.selectors[-len(c.selectors) :] == c.selectors for c in own)
