"""Storage rules (old vs new): CUL101-CUL108.

Each changed member's layout differences are sorted into one rule per member: Map key changes are
CUL107; positional changes of a Store struct CUL104; indicator and payload changes of a Store enum
CUL105; custom packing and unknown types CUL108 (only when nothing is known to be broken); any
other incompatible encoding change CUL103, attributed to the innermost user struct or enum holding
it. Compatible differences (widening, appending, reorders that keep indicators) stay silent.

Findings sit in the NEW version (the new declaration; for a removal, the new ``struct Storage``),
with the old declaration as related location. A change that a guarded migration of the new version
rewrites is a note naming the migration (collisions excepted: rewriting a shared slot does not
separate it). A component's changes are reported on the contracts embedding it when the run has
any, so that one change is not reported twice.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

from ..diff import Compatibility, ContractDiff, LayoutChange, StorageChange
from ..diff.layouts import compare
from ..findings import Finding, Location, Related, Severity
from ..model import Contract, Project
from ..model.hashing import felt_hex
from ..model.layout import (
    AddressCollision,
    CustomLayout,
    EnumLayout,
    Layout,
    MapLayout,
    NodeLayout,
    StorageMember,
    StructLayout,
    VecLayout,
    with_nested,
)
from ..model.types import CairoType
from ..semantics.context import Context
from ..semantics.migrations import backing, previous_class_reads
from .base import Report, diff_rule

_BY_KIND = {
    "map_key_changed": "CUL107",
    "map_key_retyped": "CUL107",
    "struct_member_inserted": "CUL104",
    "struct_member_removed": "CUL104",
    "struct_member_reordered": "CUL104",
    "struct_member_resized": "CUL104",
    "enum_indicator_changed": "CUL105",
    "enum_variant_removed": "CUL105",
    "enum_variant_added": "CUL105",
    "enum_payload_changed": "CUL105",
    "node_member_removed": "CUL101",
}
_REREADINGS = frozenset({"identity_reread", "scalar_to_bool"})  # same felts, another meaning
_POSITIONAL = frozenset(k for k, rule in _BY_KIND.items() if rule == "CUL104")
_SEGMENT = re.compile(r"\.(\w+)|(\[\])|::(\w+)")
Segment = tuple[str, str]


# ---------------------------------------------------------------- rules


@diff_rule("CUL101")
def storage_member_removed(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    removed = _reported(diff, ctx, "removed")
    read_by_previous = previous_class_reads(ctx, diff.old, diff.new) if removed else {}
    for change in removed:
        assert change.old is not None
        old = change.old
        removal = f"storage member `{old.display}` ({old.type_text}, {_address(old)}) was removed"
        previous = read_by_previous.get(old.key)
        if previous is not None:
            where = f"{os.path.basename(previous.location.path)}:{previous.location.line}"
            message = (
                f"{removal}; the new version reads it only through the previous class: it library-calls the old "
                f"`{previous.entry_point}` ({where}), which reads it. The data is orphaned once nothing needs that "
                "call any more"
            )
            yield _finding(ctx, diff, report, message, change, severity=Severity.NOTE)
            continue
        message = f"{removal}: no code of the new version reads it, so the data at its address is orphaned"
        accessed = ctx.once("storage.old_accessed", lambda: _accessed_keys(ctx.old))
        if accessed is not None and not _accessed(accessed, old):
            message += (
                "; but no code of the old version reads or writes it either, so whatever it holds was "
                "already out of reach before this upgrade"
            )
            yield _finding(ctx, diff, report, message, change, severity=Severity.NOTE)
            continue
        yield _finding(ctx, diff, report, message, change)
    yield from _layout_findings(diff, ctx, report)


def _accessed(accessed: dict[str | None, frozenset[str]], member: StorageMember) -> bool:
    """Whether the module declaring ``member``, or code outside any contract, reads or writes it."""
    declaring = member.owner.rpartition("::")[0]
    return member.key in accessed.get(declaring, frozenset()) or member.key in accessed.get(None, frozenset())


def _accessed_keys(project: Project | None) -> dict[str | None, frozenset[str]] | None:
    """The storage names the functions of each contract or component module of ``project`` read or
    write, through ``self`` or by raw address (key None: functions of any other module, which may
    take any contract's state); None when that cannot be known (no old project, or a function
    accesses an address it computes: any slot may be it)."""
    if project is None:
        return None
    modules = {c.qualified_name for c in project.contracts}
    keys: dict[str | None, set[str]] = {}
    for info in project.call_graph.functions.values():
        facts = info.facts
        if facts.computed_storage:
            return None
        owner = info.owner if info.owner in modules else None
        keys.setdefault(owner, set()).update(a.member for a in (*facts.storage, *facts.raw_storage))
    return {owner: frozenset(names) for owner, names in keys.items()}


@diff_rule("CUL102")
def storage_member_renamed(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    for change in _reported(diff, ctx, "renamed"):
        if change.explicit:
            continue
        assert change.old is not None and change.new is not None
        old, new = change.old, change.new
        message = (
            f"storage member `{old.display}` was renamed to `{new.display}` without #[rename]: its base "
            f"address moves from {felt_hex(old.address or 0)} to {felt_hex(new.address or 0)}, so "
            f'`{new.display}` reads empty while the old data stays orphaned at sn_keccak("{old.key}")'
        )
        fix = (
            f'add #[rename("{old.key}")] to `{new.name}` to keep the old address'
            if not new.via
            else "keep the old member or copy its data in a guarded, versioned migration"
        )
        yield _finding(ctx, diff, report, message, change, fix)


@diff_rule("CUL103")
def storage_type_changed(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    yield from _layout_findings(diff, ctx, report)


@diff_rule("CUL104")
def store_struct_layout_changed(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    yield from _layout_findings(diff, ctx, report)


@diff_rule("CUL105")
def store_enum_layout_changed(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    yield from _layout_findings(diff, ctx, report)


@diff_rule("CUL106")
def storage_address_collision(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    if _left_to_embedders(diff, ctx):
        return
    members = {m.display: m for m in with_nested(diff.new.storage)}
    old_names = {m.display for m in with_nested(diff.old.storage)}
    for collision in diff.new_collisions:
        colliding = [members[name] for name in collision.members if name in members]
        if not colliding:
            continue
        primary = min(colliding, key=lambda m: (bool(m.via), m.display in old_names))
        others = [m for m in colliding if m is not primary]
        message = _collision_message(collision, colliding)
        related = tuple(
            Related(m.location, f"`{m.display}` ({m.type_text}) uses the same address")
            for m in (colliding if primary.via else others)
        )
        view = _legacy_view(diff, collision, colliding)
        if view is not None:
            message += (
                f"; `{view.display}` has the old version's encoding of this slot ({view.type_text}) and the collision "
                "is declared on purpose: a view of the old data for a migration to read. Check that nothing writes "
                "through it once the data is converted"
            )
            yield report(message, member_site(diff.new, primary), related=related, severity=Severity.WARNING)
            continue
        yield report(message, member_site(diff.new, primary), related=related)


def _legacy_view(diff: ContractDiff, collision: AddressCollision, colliding: list[StorageMember]) -> StorageMember | None:
    """The component path that reads the slot as the old version stored it, when the collision is
    allowed with #[allow(starknet::colliding_storage_paths)] and the contract's own member gives the
    slot a new encoding (``upgrade_migration._escape: LegacyEscape`` beside ``_escape: Escape``). A
    component path with a new encoding over a member the contract keeps is a real clash: not a view."""
    if not any(m.collision_allowed for m in colliding):
        return None
    old = next((m for m in with_nested(diff.old.storage) if m.address == collision.address), None)
    own = [m for m in colliding if not m.via]
    if old is None or len(own) != 1:
        return None

    def keeps(member: StorageMember) -> bool:
        # a custom packing is compared by its type's name: its encoding is code, not known here
        return not compare(old.layout, member.layout, member.display) or member.type_text == old.type_text

    views = [m for m in colliding if m.via and keeps(m)]
    return views[0] if views and not keeps(own[0]) else None


@diff_rule("CUL107")
def storage_key_changed(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    yield from _layout_findings(diff, ctx, report)


@diff_rule("CUL108")
def storage_layout_unverifiable(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    """Custom packings and re-readings per member; members whose type is not known here, one note
    per root cause (the type not found), listing them."""
    yield from _layout_findings(diff, ctx, report, lambda details: not _unknown_types(details))
    by_cause: dict[str, list[StorageChange]] = {}
    for change in _reported(diff, ctx, "retyped", "renamed", "unverifiable"):
        cause = _unknown_types(_sorted_details(change).get(report.rule_id, []))
        if cause:
            by_cause.setdefault(cause, []).append(change)
    for cause, changes in by_cause.items():
        yield _unknown_finding(ctx, diff, report, cause, changes)


# ---------------------------------------------------------------- selection


def _reported(diff: ContractDiff, ctx: Context, *kinds: str) -> list[StorageChange]:
    """The member changes of these kinds that this contract pair reports."""
    if _left_to_embedders(diff, ctx):
        return []
    return [c for c in diff.storage if c.kind in kinds]


def _left_to_embedders(diff: ContractDiff, ctx: Context) -> bool:
    """A component embedded by a contract present in both versions: that contract reports it."""
    if diff.new.kind != "component" or ctx.old is None:
        return False
    old_names = {name for c in ctx.old.contracts for name in (c.name, c.qualified_name)}
    return any(
        c.kind == "contract"
        and {c.name, c.qualified_name} & old_names
        and any(u.component == diff.new.qualified_name for u in c.components)
        for c in ctx.project.contracts
    )


def _layout_findings(
    diff: ContractDiff,
    ctx: Context,
    report: Report,
    wanted: Callable[[list[LayoutChange]], bool] = bool,
) -> Iterator[Finding]:
    """One finding per member whose layout differences fall under the reported rule (and are ``wanted``)."""
    for change in _reported(diff, ctx, "retyped", "renamed", "unverifiable"):
        details = _sorted_details(change).get(report.rule_id)
        if details and wanted(details):
            assert change.old is not None and change.new is not None
            message = _DESCRIBE[report.rule_id](change.old, change.new, details) + _rereadings(change, report.rule_id)
            message += _from_dependency(change, ctx)
            unchanged = all(_unchanged_packing(change.old, change.new, d) for d in details)
            yield _finding(ctx, diff, report, message, change, severity=Severity.NOTE if unchanged else None)


def _rereadings(change: StorageChange, rule_id: str) -> str:
    """The member's values that keep their encoding but change meaning (a class hash read as an
    address), which CUL108 reports only when nothing else breaks: said beside the breaking change."""
    if rule_id == "CUL108":
        return ""
    found = [d for d in change.changes if d.kind in _REREADINGS]
    return "".join(f"; also, at `{d.path}`, {d.detail}" for d in found)


def _from_dependency(change: StorageChange, ctx: Context) -> str:
    """Which Scarb dependency versions the member's stored types come from ('' for own code):
    a dependency upgrade between releases is part of the upgrade."""
    assert change.old is not None and change.new is not None
    sides = []
    for project, member in ((ctx.old, change.old), (ctx.project, change.new)):
        names = {t.qualified for t in _types(member.layout) if t.qualified}
        sides.append(sorted({o for q in names if project is not None and (o := project.origin(q))}))
    if not sides[1]:
        return ""
    before = f" (old: {', '.join(sides[0])})" if sides[0] and sides[0] != sides[1] else ""
    return f" [type from dependency {', '.join(sides[1])}{before}]"


def _types(layout: Layout) -> Iterator[CairoType]:
    yield layout.type
    children = (getattr(f, "layout", None) for f in getattr(layout, "fields", ()))
    payloads = (v.payload for v in getattr(layout, "variants", ()))
    for child in (*children, *payloads, getattr(layout, "value", None), getattr(layout, "element", None)):
        if child is not None:
            yield from _types(child)


def _unknown_types(details: list[LayoutChange]) -> str:
    """What a member's unverifiable differences all come from when that is one type not known here
    (its reason, e.g. "type Price not found"), else ""."""
    causes = {d.detail for d in details if d.kind == "unresolved"}
    return causes.pop() if len(causes) == 1 and all(d.kind == "unresolved" for d in details) else ""


def _unknown_finding(ctx: Context, diff: ContractDiff, report: Report, cause: str, changes: list[StorageChange]) -> Finding:
    """One note for the members whose changed declaration now (or before) names a type not known."""
    members = ", ".join(f"`{c.new.display}` ({c.old.type_text} -> {c.new.type_text})" for c in changes if c.old and c.new)
    where = cause if "analysed source" in cause else f"{cause} in the analysed source"
    message = (
        f"{where}: the stored encoding of {members} cannot be compared with the old one; nothing is "
        "known to be broken (when the type comes from a dependency, make its source available to the "
        "analysis, or check by hand that old values still decode)"
    )
    return _finding(ctx, diff, report, message, changes[0], severity=Severity.NOTE)


def _sorted_details(change: StorageChange) -> dict[str, list[LayoutChange]]:
    """The member's differences by rule: the broken ones, or else the unverifiable ones (CUL108)."""
    assert change.old is not None and change.new is not None
    broken = [d for d in change.changes if d.compatibility is Compatibility.INCOMPATIBLE]
    out: dict[str, list[LayoutChange]] = {}
    if broken:
        for detail in broken:
            rule = _BY_KIND.get(detail.kind) or _by_container(change.old, change.new, detail)
            out.setdefault(rule, []).append(detail)
    else:
        out["CUL108"] = [d for d in change.changes if d.compatibility is Compatibility.UNVERIFIABLE]
    return out


def _by_container(old: StorageMember, new: StorageMember, detail: LayoutChange) -> str:
    """CUL104/CUL105 when the innermost value holding the change is a user struct/enum, else CUL103."""
    segments = _segments(new, detail.path)
    if not segments:
        return "CUL103"
    before, after = _layouts_at(old, new, segments[:-1])
    container = after or before
    if isinstance(container, StructLayout) and container.type.category == "struct":
        return "CUL104"
    if isinstance(container, EnumLayout) and container.type.category == "enum":
        return "CUL105"
    return "CUL103"


def _segments(member: StorageMember, path: str) -> list[Segment]:
    """``positions[].amount`` -> [('item', ''), ('field', 'amount')] (after the member's name)."""
    rest = path[len(member.display) :] if path.startswith(member.display) else ""
    out: list[Segment] = []
    for match in _SEGMENT.finditer(rest):
        field, item, variant = match.groups()
        out.append(("field", field) if field else ("item", "") if item else ("variant", variant))
    return out


def _layouts_at(old: StorageMember, new: StorageMember, segments: list[Segment]) -> tuple[Layout | None, ...]:
    """The old and the new layout of the value at ``segments`` inside the member."""
    return _layout_at(old.layout, segments), _layout_at(new.layout, segments)


def _layout_at(layout: Layout | None, segments: list[Segment]) -> Layout | None:
    for kind, name in segments:
        if kind == "item" and isinstance(layout, MapLayout):
            layout = layout.value
        elif kind == "item" and isinstance(layout, VecLayout):
            layout = layout.element
        elif kind == "field" and isinstance(layout, StructLayout):
            layout = next((f.layout for f in layout.fields if f.name == name), None)
        elif kind == "field" and isinstance(layout, NodeLayout):
            layout = next((m.layout for m in layout.members if m.name == name), None)
        elif kind == "variant" and isinstance(layout, EnumLayout):
            layout = next((v.payload for v in layout.variants if v.name == name), None)
        else:
            return None
    return layout


# ---------------------------------------------------------------- findings


def _finding(
    ctx: Context,
    diff: ContractDiff,
    report: Report,
    message: str,
    change: StorageChange,
    fix: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    """The finding, a note naming the migration when a guarded migration rewrites the member."""
    keys = frozenset(m.key for m in (change.old, change.new) if m is not None)
    migration = backing(ctx, diff.new, keys)
    if migration is not None:
        severity = Severity.NOTE
        message += f"; migrated by `{migration.name}` ({migration.reason}, {migration.guard.description})"
    related = tuple(_related(diff, change))
    location = member_site(diff.new, change.new)
    return report(message, location, related=related, fix=fix, severity=severity)


def member_site(contract: Contract, member: StorageMember | None) -> Location:
    """Where a finding about a member of ``contract`` goes: the member when the contract's own storage
    struct declares it, else (removed, or flattened from a component or ``#[flat]`` node) the
    contract's ``struct Storage``."""
    if member is not None and not member.via:
        return member.location
    return contract.storage_location or contract.location


def _related(diff: ContractDiff, change: StorageChange) -> Iterator[Related]:
    new, old = change.new, change.old
    if new is not None and new.via:
        yield Related(new.location, f"`{new.display}` is declared here ({new.owner}), flattened into {diff.new.name}")
    if old is not None:
        yield Related(old.location, f"old declaration of `{old.display}`: {old.type_text}")


def _address(member: StorageMember) -> str:
    if member.address is None:
        return "address depends on the entry"
    return f"base address {felt_hex(member.address)}"


def _header(old: StorageMember, new: StorageMember) -> str:
    types = old.type_text if old.type_text == new.type_text else f"{old.type_text} -> {new.type_text}"
    return f"storage member `{new.display}` ({types}, {_address(new)})"


def _where(new: StorageMember, detail: LayoutChange) -> str:
    inner = detail.path[len(new.display) :] if detail.path.startswith(new.display) else detail.path
    return f" at `{new.display}{inner}`" if inner else ""


def _describe_type(old: StorageMember, new: StorageMember, details: list[LayoutChange]) -> str:
    parts = [f"{d.old} -> {d.new}{_where(new, d)} ({d.detail})" for d in details]
    changes = "; ".join(parts)
    return f"{_header(old, new)} changed its stored encoding: {changes}; values already stored decode wrongly"


def _describe_key(old: StorageMember, new: StorageMember, details: list[LayoutChange]) -> str:
    parts = [f"Map key{_where(new, d)} {d.old} -> {d.new} ({d.detail})" for d in details]
    return f"{_header(old, new)}: {'; '.join(parts)}; every existing entry is orphaned"


def _describe_unverifiable(old: StorageMember, new: StorageMember, details: list[LayoutChange]) -> str:
    parts = [_unknown(old, new, d) for d in details]
    return (
        f"{_header(old, new)}: compatibility cannot be verified: {'; '.join(parts)}; check by hand that old values still decode"
    )


def _unknown(old: StorageMember, new: StorageMember, detail: LayoutChange) -> str:
    """What the lint does not know about one difference."""
    where = _where(new, detail)
    if detail.kind == "custom_packing":
        return _packing(old, new, detail, where)
    if detail.kind == "unresolved" and "analysed source" not in detail.detail:
        return f"{detail.detail} in the analysed source ({detail.old} -> {detail.new}{where})"
    return f"{detail.detail} ({detail.old} -> {detail.new}{where})"


def _packing(old: StorageMember, new: StorageMember, detail: LayoutChange, where: str) -> str:
    before, after = _layouts_at(old, new, _segments(new, detail.path))
    if isinstance(before, CustomLayout) and not isinstance(after, CustomLayout):
        return f"the old version stores {detail.old}{where} through its {before.reason}, the new one without it"
    reason = after.reason if isinstance(after, CustomLayout) else detail.detail
    text = f"the {reason} decides how {detail.new} is stored{where}"
    if _unchanged_packing(old, new, detail):
        return (
            f"{text}; its code, the declaration of {detail.new} and the functions and constants it uses "
            "are unchanged, but an impl method of a name it calls on a value changed (the value's type, "
            "so which impl runs, is not known here)"
        )
    if isinstance(before, CustomLayout):
        same = before.reason == reason
        return f"{text} ({'its code changed' if same else f'the old version used its {before.reason}'})"
    return f"{text} (was {detail.old})"


def _unchanged_packing(old: StorageMember, new: StorageMember, detail: LayoutChange) -> bool:
    """A custom packing whose impl, type declaration and the crate code it names are the same in both
    versions (then only a same-named impl method differs: see ``CustomLayout``)."""
    if detail.kind != "custom_packing":
        return False
    before, after = _layouts_at(old, new, _segments(new, detail.path))
    return (
        isinstance(before, CustomLayout) and isinstance(after, CustomLayout) and bool(before.code) and before.code == after.code
    )


def _describe_removed_node(old: StorageMember, new: StorageMember, details: list[LayoutChange]) -> str:
    names = ", ".join(f"`{d.path}` ({d.old})" for d in details)
    return f"{_header(old, new)}: storage node member {names} removed: the data at its address is orphaned"


def _describe_struct(old: StorageMember, new: StorageMember, details: list[LayoutChange]) -> str:
    groups: dict[str, list[LayoutChange]] = {}
    for detail in details:
        at = detail.path if detail.kind == "struct_member_reordered" else _parent(new, detail.path)
        groups.setdefault(at, []).append(detail)
    parts = [_struct_part(old, new, at, group) for at, group in groups.items()]
    return f"{_header(old, new)}: {'; '.join(parts)}; every stored value is misread"


def _parent(member: StorageMember, path: str) -> str:
    match = re.search(r"(\.\w+|::\w+)$", path)
    return path[: match.start()] if match and len(path) > len(member.display) else path


def _struct_part(old: StorageMember, new: StorageMember, at: str, details: list[LayoutChange]) -> str:
    before, after = _layouts_at(old, new, _segments(new, at))
    found = after or before
    name = found.type.text if found is not None else at
    resized = {d.path for d in details if d.kind == "struct_member_resized"}
    events = [_struct_event(d, before, after) for d in details if d.kind in _POSITIONAL or d.path not in resized]
    shifts = _shifts(before, after)
    moved = f" shifts {shifts}" if shifts else ""
    return f"{' and '.join(dict.fromkeys(events))} of {name}{moved}"


def _struct_event(detail: LayoutChange, before: Layout | None, after: Layout | None) -> str:
    field = detail.path.rsplit(".", 1)[-1]
    if detail.kind == "struct_member_inserted":
        offset = _offset(after, field)
        return f"member `{field}` inserted" + (f" at offset {offset}" if offset is not None else "")
    if detail.kind == "struct_member_removed":
        return f"member `{field}` removed"
    if detail.kind == "struct_member_reordered":
        return f"members reordered ({detail.old} -> {detail.new})"
    if detail.kind == "struct_member_resized":
        types = f" ({_field_type(before, field)} -> {_field_type(after, field)})"
        return f"member `{field}` resized from {detail.old} to {detail.new}{types}"
    return f"member `{field}` retyped {detail.old} -> {detail.new} ({detail.detail})"


def _field_type(layout: Layout | None, field: str) -> str:
    if not isinstance(layout, StructLayout):
        return "?"
    return next((f.layout.type.text for f in layout.fields if f.name == field), "?")


def _offset(layout: Layout | None, field: str) -> int | None:
    if not isinstance(layout, StructLayout):
        return None
    return next((f.offset for f in layout.fields if f.name == field), None)


def _shifts(before: Layout | None, after: Layout | None) -> str:
    """'`b` from offset 1 to 2, ...' for the members of a struct whose offset moved."""
    if not isinstance(before, StructLayout) or not isinstance(after, StructLayout):
        return ""
    new_offsets = {f.name: f.offset for f in after.fields}
    moved = [
        f"`{f.name}` from offset {f.offset} to {_offset_text(new_offsets[f.name])}"
        for f in before.fields
        if f.name in new_offsets and new_offsets[f.name] != f.offset and f.offset is not None
    ]
    return ", ".join(moved)


def _offset_text(offset: int | None) -> str:
    return "an offset unknown here (a member before it has an unknown size)" if offset is None else str(offset)


def _describe_enum(old: StorageMember, new: StorageMember, details: list[LayoutChange]) -> str:
    parts = [_enum_event(d, *_layouts_at(old, new, _segments(new, _parent(new, d.path)))) for d in details]
    return f"{_header(old, new)}: {'; '.join(parts)}"


def _enum_event(detail: LayoutChange, before: Layout | None, after: Layout | None) -> str:
    variant = detail.path.rsplit("::", 1)[-1]
    name = after.type.text if after is not None else before.type.text if before is not None else "the enum"
    if detail.kind == "enum_indicator_changed":
        taker = _variant_with(after, detail.old)
        decodes = f": stored `{variant}` values now decode as `{taker}`" if taker else ""
        return f"variant `{variant}` of {name} was stored as {detail.old}, now {detail.new}{decodes}"
    if detail.kind == "enum_variant_removed":
        indicator = f"indicator {detail.old}"
        return f"variant `{variant}` ({indicator}) of {name} was removed: stored values no longer decode"
    if detail.kind == "enum_variant_added":
        taker = _variant_with(before, detail.new)
        return f"new variant `{variant}` of {name} takes indicator {detail.new}" + (f" of old `{taker}`" if taker else "")
    return f"payload of variant `{variant}` of {name} changed {detail.old} -> {detail.new} ({detail.detail})"


def _variant_with(layout: Layout | None, indicator: str | None) -> str | None:
    if not isinstance(layout, EnumLayout) or indicator is None:
        return None
    return next((v.name for v in layout.variants if str(v.indicator) == indicator), None)


_DESCRIBE = {
    "CUL101": _describe_removed_node,
    "CUL103": _describe_type,
    "CUL104": _describe_struct,
    "CUL105": _describe_enum,
    "CUL107": _describe_key,
    "CUL108": _describe_unverifiable,
}


# ---------------------------------------------------------------- collisions


def _collision_message(collision: AddressCollision, members: list[StorageMember]) -> str:
    names = " and ".join(f"`{m.display}` ({m.type_text})" for m in members)
    message = f"storage paths {names} share the address {felt_hex(collision.address)}: a write through one overwrites the other"
    allowed = [m.display for m in members if m.collision_allowed]
    if allowed:
        where = ", ".join(f"`{name}`" for name in allowed)
        message += (
            f"; #[allow(starknet::colliding_storage_paths)] on {where} only silences the compiler warning, "
            "the slot is still shared"
        )
    return message
