"""``lint-upgrade OLD NEW --implementation``: for each storage or ABI hazard of a contract pair,
the code that makes the upgrade safe, where it goes, and the order to deploy and call it.

Renamed members keep their address with ``#[rename]`` where the edition has it; otherwise, and
for re-encoded Store structs, one guarded, versioned ``migrate_storage`` entry point copies v1's
slots in capped batches (walking the contract's own key index with a cursor, or keys given in
the calldata with a done flag per key). Changed entry points keep their v1 selector through a
compatibility entry point that forwards to the renamed new one."""

from __future__ import annotations

import re

from ..diff.changes import ContractDiff, StorageChange
from ..model.contracts import EntryPoint
from ..model.encoding import decodes_as
from ..model.layout import MapLayout, StorageMember, StructLayout
from ..model.project import Project
from ..records import record
from . import cairo
from .edition import Edition
from .imports import storage_imports
from .plan import Plan, Step
from .source import body_line, closing_line, function_text, indent, indent_of, lines_with

STRUCT_CHANGES = {"struct_member_inserted", "struct_member_removed", "struct_member_reordered", "struct_member_resized"}
_INTEGERS = {"u8", "u16", "u32", "u64", "u128", "usize", "felt252"}
_COUNTERS = re.compile(r"(count|len|length|size|total|num|number)", re.IGNORECASE)


class _Builder:
    def __init__(self, diff: ContractDiff, old: Project, new: Project, edition: Edition, guard: str) -> None:
        self.diff, self.old, self.new, self.edition, self.guard = diff, old, new, edition, guard
        self.contract = diff.new
        self.path = diff.new.location.path
        self.text = new.texts.get(self.path, b"").decode("utf-8", errors="replace")
        self.steps: list[Step] = []
        self.notes: list[str] = []
        self.shapes: dict[str, cairo.StructShape] = {}
        self.migration_call = ""  # how to call the migration, once one is planned
        self.migration: cairo.Migration | None = None
        self.renamed: list[tuple[str, str]] = []  # entry points kept by a compatibility entry point

    # -- storage ------------------------------------------------------------------------------

    def copies(self) -> tuple[list[cairo.Copy], list[cairo.Copy]]:
        """(map copies, plain copies) the migration makes; other hazards become review steps."""
        maps: list[cairo.Copy] = []
        plain: list[cairo.Copy] = []
        for change in self.diff.storage:
            copy = self.copy_for(change)
            if copy is not None:
                (maps if copy.key else plain).append(copy)
        return maps, plain

    def copy_for(self, change: StorageChange) -> cairo.Copy | None:
        old, new = change.old, change.new
        if change.kind == "removed" and old is not None:
            self.review(
                f"removed-{old.name}", f"decide about `{old.display}`, removed in v2",
                f"v1's `{old.display}` stays at sn_keccak(\"{old.key}\") and nothing reads it any more: restore the "
                "member, or copy its data into its replacement in the migration", "",
            )  # fmt: skip
            return None
        if old is None or new is None or old.via or new.via or old.path is None:
            return None
        if change.kind == "renamed" and not change.explicit and not self.struct_change(change):
            if self.edition.has_rename:
                self.rename_attribute(old, new)
                return None
            return self.make_copy(old, new, None)
        if self.struct_change(change):
            return self.reencode(change, old, new)
        if change.kind in ("retyped", "renamed") and change.compatibility.value == "incompatible":
            self.review(
                f"retyped-{new.name}", f"convert `{new.display}` ({old.type_text} -> {new.type_text})",
                f"v1 stored `{old.display}` as {old.type_text}; v2 reads it as {new.type_text} and no generic conversion "
                "exists: add its conversion to the migration", "",
            )  # fmt: skip
        return None

    def struct_change(self, change: StorageChange) -> bool:
        return any(d.kind in STRUCT_CHANGES for d in change.changes)

    def rename_attribute(self, old: StorageMember, new: StorageMember) -> None:
        line = new.location.line
        prefix = indent_of(self.text, line)
        self.steps.append(Step(
            f"rename-{new.name}", f"keep `{new.name}` at v1's address with #[rename(\"{old.name}\")]",
            f"`{old.name}` was renamed `{new.name}`: its address sn_keccak(\"{old.name}\") would move and every value "
            f"read empty; {self.edition.describe()} has #[rename], which keeps the old address under the new name",
            "insert", f"lint-upgrade reports no CUL102 for `{new.name}`; v1 values read back with v2",
            self.path, line, f"{prefix}#[rename(\"{old.name}\")]",
        ))  # fmt: skip

    def make_copy(self, old: StorageMember, new: StorageMember, shape: cairo.StructShape | None) -> cairo.Copy:
        layout = old.layout
        key = None
        value_type = old.type_text
        if isinstance(layout, MapLayout):
            key = layout.keys[0].text if len(layout.keys) == 1 else "(" + ", ".join(k.text for k in layout.keys) + ")"
            value_type = layout.value.type.text
        convert = ""
        if shape is not None:
            value_type = shape.legacy
            target_layout = new.layout.value if isinstance(new.layout, MapLayout) else new.layout
            new_fields = (
                [(f.name, f.layout.type.text) for f in target_layout.fields] if isinstance(target_layout, StructLayout) else []
            )
            convert = cairo.rebuild(shape, new_fields, "old")
        const = "V1_" + re.sub(r"\W", "_", old.key).upper()
        assert old.path is not None
        return cairo.Copy(new.name, const, old.path, old.key, key, value_type, convert)

    def reencode(self, change: StorageChange, old: StorageMember, new: StorageMember) -> cairo.Copy | None:
        old_value = old.layout.value if isinstance(old.layout, MapLayout) else old.layout
        if not isinstance(old_value, StructLayout) or any(
            isinstance(f.layout, (MapLayout,)) or f.layout.type.category in ("generic",) for f in old_value.fields
        ):
            self.review(f"reencode-{new.name}", f"re-encode `{new.display}`",
                        f"the stored layout of `{new.display}` changed ({'; '.join(d.detail for d in change.changes)})", "",
                        )  # fmt: skip
            return None
        name = old_value.type.name
        shape = self.shapes.get(name)
        if shape is None:
            legacy = self.fresh(f"{name}V1")
            shape = cairo.StructShape(name, legacy, tuple((f.name, f.layout.type.text) for f in old_value.fields))
            self.shapes[name] = shape
        return self.make_copy(old, new, shape)

    def fresh(self, name: str) -> str:
        while re.search(rf"\b{re.escape(name)}\b", self.text):
            name += "_"
        return name

    def cursor(self, maps: list[cairo.Copy]) -> cairo.Cursor | None:
        """The v2 key index all migrated maps can walk: a map from an integer position to their
        (single) key type and an integer member counting its entries."""
        keys = {c.key for c in maps}
        if len(keys) != 1:
            return None
        key = keys.pop()
        members = [m for m in self.contract.storage if not m.via]
        for index in members:
            layout = index.layout
            if not (isinstance(layout, MapLayout) and len(layout.keys) == 1 and layout.value.type.text == key):
                continue
            position = layout.keys[0].text
            if position not in _INTEGERS:
                continue
            counters = [
                m for m in members
                if m.type_text == position and not isinstance(m.layout, MapLayout) and _COUNTERS.search(m.name)
            ]  # fmt: skip
            stem = index.name.rstrip("s").split("_")[0]
            counters.sort(key=lambda m: (stem not in m.name, m.name))
            if counters:
                return cairo.Cursor(index.name, counters[0].name, position)
        return None

    # -- steps --------------------------------------------------------------------------------

    def review(self, id: str, title: str, why: str, code: str) -> None:
        self.steps.append(Step(id, title, why, "review", "decide and edit by hand; re-run lint-upgrade", self.path,
                               None, code))  # fmt: skip

    def storage_steps(self, maps: list[cairo.Copy], plain: list[cairo.Copy]) -> None:
        if not maps and not plain:
            return
        version_member = self.member_name("storage_version")
        cursor = self.cursor(maps)
        cursor_member = self.member_name("migration_cursor")
        if cursor is None and maps:
            self.notes.append(
                "no on-chain key index covers the migrated maps: collect their keys off-chain (events, state diffs) "
                "and pass them to migrate_storage in batches; each key is converted once (a done flag per key)"
            )
        added = [f"{version_member}: u64,"]
        if cursor is not None:
            added.append(f"{cursor_member}: {cursor.position},")
        elif maps:
            added += [f"migrated_{c.target}: {self.edition.map_type}<{c.key}, bool>," for c in maps]
        storage_end = self.storage_end()
        prefix = indent_of(self.text, storage_end - 1) if storage_end else "        "
        self.steps.append(Step(
            "storage-version", "add the storage version" + (" and the migration cursor" if cursor else ""),
            "v1 storage has no version member (it reads 0): the migration runs only while the stored version is "
            "older than STORAGE_VERSION, and then records it, so it runs once"
            + ("; the cursor remembers how far the batches got" if cursor else ""),
            "insert", "the contract compiles; `storage_version` reads 0 on an upgraded v1 deployment",
            self.path, storage_end, indent("\n".join(added), prefix),
        ))  # fmt: skip
        self.constructor_step(version_member)
        migration = cairo.Migration(self.guard, version_member, cursor_member, tuple(maps), tuple(plain),
                                    tuple(self.initial_writes()), cursor)  # fmt: skip
        self.migration = migration
        blocks = [cairo.constants(migration, [*maps, *plain], 2)]
        blocks += [cairo.legacy_struct(shape) for shape in self.shapes.values()]
        blocks += [cairo.entry_helper(c) for c in maps]
        blocks.append(cairo.migrate_function(migration))
        what = ", ".join(f"`{c.source}` -> `{c.target}`" if c.source != c.target else f"`{c.target}` (re-encoded)"
                         for c in [*maps, *plain])  # fmt: skip
        batches = (
            f"walking `{cursor.index}` up to `{cursor.count}`, at most MIGRATION_MAX_BATCH entries a call"
            if cursor else "for the keys given, at most MIGRATION_MAX_BATCH a call" if maps else "in one call"
        )  # fmt: skip
        finish = ("call migrate_storage until it returns 0" if cursor or not maps
                  else "call migrate_storage with every key, the last batch with finish = true")  # fmt: skip
        self.migration_call = finish
        self.steps.append(Step(
            "migration", "add the versioned migration `migrate_storage`",
            f"v2 reads these members where v1 did not write them ({what}): migrate_storage copies (or re-encodes) "
            f"v1's values {batches}, behind the contract's own guard (`{self.guard}`)",
            "insert", f"after upgrade, {finish}; every v1 value then reads back with v2; a later call reverts with "
            "'already migrated'",
            self.path, self.module_end(), indent("\n\n".join(blocks), self.module_indent()), after=("storage-version",),
        ))  # fmt: skip
        self.gate_steps(version_member, [c.target for c in [*maps, *plain]])

    def member_name(self, wanted: str) -> str:
        existing = {m.name for m in self.contract.storage}
        return wanted if wanted not in existing else self.fresh(wanted)

    def storage_end(self) -> int | None:
        where = self.contract.storage_location
        return closing_line(self.text, where.line) if where else None

    def module_end(self) -> int:
        return self.contract.location.end_line

    def module_indent(self) -> str:
        declaration = self.contract.declaration or self.contract.location
        return indent_of(self.text, declaration.line) + "    "

    def constructor(self) -> EntryPoint | None:
        return next((e for e in self.contract.entry_points if e.kind == "constructor"), None)

    def constructor_step(self, version_member: str) -> None:
        constructor = self.constructor()
        statement = f"self.{version_member}.write(STORAGE_VERSION);"
        if constructor is None or constructor.location.path != self.path:
            self.review("constructor-version", "start fresh deployments at STORAGE_VERSION",
                        "a fresh v2 deployment has v2's layout: its constructor must record the version so that "
                        "migrate_storage refuses to run there", statement)  # fmt: skip
            return
        line = body_line(self.text, constructor.location.line)
        self.steps.append(Step(
            "constructor-version", "start fresh deployments at STORAGE_VERSION",
            "a fresh v2 deployment already has v2's layout: recording the version makes migrate_storage refuse there",
            "insert", "on a fresh v2 deployment migrate_storage reverts with 'already migrated'",
            self.path, line, indent(statement, indent_of(self.text, line) if line else "        "),
            after=("storage-version",),
        ))  # fmt: skip

    def initial_writes(self) -> list[str]:
        """``self.m.write(CONSTANT)`` statements of the v2 constructor for members v2 adds: the
        constructor does not run on an upgrade, so the migration does them."""
        constructor = self.constructor()
        added = {c.new.name for c in self.diff.storage if c.kind == "added" and c.new is not None}
        if constructor is None or not added:
            return []
        params = {p.name for p in constructor.params}
        body = function_text(self.text, constructor.location.line)
        found = []
        for member, value in re.findall(r"self\.(\w+)\.write\(([^;()]*)\);", body):
            if member in added and not (set(re.findall(r"[A-Za-z_]\w*", value)) & params):
                found.append(f"self.{member}.write({value.strip()});")
        return found

    def gate_steps(self, version_member: str, members: list[str]) -> None:
        """Entry points that touch a migrated member refuse to run before the migration is done."""
        upgrading = {p.entry_point for p in self.diff.new_upgrade_paths}
        pattern = re.compile(r"self\.(" + "|".join(map(re.escape, members)) + r")\.")
        for entry in self.contract.entry_points:
            if entry.kind not in ("external", "view") or entry.name in upgrading or entry.location.path != self.path:
                continue
            if not pattern.search(function_text(self.text, entry.location.line)):
                continue
            line = body_line(self.text, entry.location.line)
            if line is None:
                continue
            self.steps.append(Step(
                f"gate-{entry.name}", f"`{entry.name}` waits for the migration",
                f"`{entry.name}` reads or writes a migrated member: before migrate_storage has finished it would "
                "read v1 values as empty or misread, and its writes could be overwritten by the migration",
                "insert", f"`{entry.name}` reverts with 'migration pending' between upgrade and migration",
                self.path, line, indent(cairo.gate(version_member), indent_of(self.text, line)), after=("migration",),
            ))  # fmt: skip

    # -- entry points -------------------------------------------------------------------------

    def entry_point_steps(self) -> None:
        for change in self.diff.entry_points:
            if change.kind == "removed" and change.old:
                self.review(f"removed-entry-{change.name}", f"keep the v1 selector of `{change.name}`",
                            f"`{change.name}` ({change.old.selector_hex}) is gone: every caller of it now fails with "
                            "ENTRYPOINT_NOT_FOUND; keep it (forwarding to its replacement) unless removing it is the "
                            "point", "")  # fmt: skip
        for old in self.diff.old.entry_points:
            new = self.contract.entry_point(old.name)
            if old.kind in ("external", "view") and new is not None and new.kind in ("external", "view") and breaks(old, new):
                self.compat(old, new)

    def compat(self, old: EntryPoint, new: EntryPoint) -> None:
        renamed = self.fresh(f"{new.name}_v2")
        declaration = rf"\bfn\s+{re.escape(new.name)}\s*[(<]"
        lines = []
        if new.location.path == self.path:  # the location may be an attribute above the `fn`
            lines = lines_with(self.text, declaration, new.location.line, new.location.end_line)[:1]
        for interface in self.new.interfaces:
            if interface.location.path == self.path and any(f.name == new.name for f in interface.functions):
                lines += lines_with(self.text, declaration, interface.location.line, interface.location.end_line)
        code = self.forwarder(old, new, renamed)
        if not lines or code is None or new.component is not None:
            self.review(
                f"compat-{new.name}",
                f"keep the v1 selector of `{new.name}`",
                f"`{old.signature}` changed its encoding: keep it under its name and expose the new one as `{renamed}`",
                "",
            )
            return
        self.renamed.append((new.name, renamed))
        change = f"{old.signature} -> {new.signature}"
        if old.signature == new.signature:
            change = f"the types in `{old.signature}` are encoded differently"
        for number in sorted(set(lines)):
            self.steps.append(Step(
                f"rename-entry-{new.name}-{number}", f"rename v2's `{new.name}` to `{renamed}`",
                f"`{new.name}` keeps v1's selector {old.selector_hex} but not v1's encoding ({change}); the new "
                "signature moves to a new selector",
                "replace", f"the class has an entry point `{renamed}`", self.path, number,
                f"fn {renamed}", f"fn {new.name}",
            ))  # fmt: skip
        self.steps.append(Step(
            f"compat-{new.name}", f"compatibility entry point `{new.name}` with v1's signature",
            f"v1 callers keep calling selector {old.selector_hex} with v1 calldata and decoding v1 results",
            "insert", f"`{new.name}` answers v1 calldata with v1's encoding; `{renamed}` serves the new one",
            self.path, self.module_end(), indent(code, self.module_indent()), after=(f"rename-entry-{new.name}-{lines[0]}",),
        ))  # fmt: skip

    def forwarder(self, old: EntryPoint, new: EntryPoint, renamed: str) -> str | None:
        if len(old.params) != len(new.params):
            return None
        reference = new.kind != "view"
        self_param = "ref self: ContractState" if reference else "self: @ContractState"
        arguments = []
        for before, after in zip(old.params, new.params):
            arguments.append(before.name if before.type == after.type else f"core::traits::Into::into({before.name})")
        receiver = "ref self" if reference else "self"
        target = f"{new.origin}::{renamed}" if new.origin not in ("function", "") else renamed
        call = f"{target}({', '.join([receiver, *arguments])})"
        convert = "result"
        if old.returns and old.returns != new.returns:
            convert = "core::option::OptionTrait::unwrap(core::traits::TryInto::try_into(result))"
        elif old.returns:
            shape = self.shapes.get(old.returns)
            if shape is not None:
                convert = f"{shape.legacy} {{ {', '.join(f'{n}: result.{n}' for n, _ in shape.fields)} }}"
            elif not decodes_as(new.serde[1], old.serde[1]):
                return None
        params = ", ".join(f"{p.name}: {self.old_type(p.type)}" for p in old.params)
        return cairo.compat_entry(old.name, self_param, params, self.old_type(old.returns) if old.returns else None,
                                  call, convert)  # fmt: skip

    def old_type(self, text: str) -> str:
        shape = self.shapes.get(text)
        return shape.legacy if shape else text

    # -- deployment ---------------------------------------------------------------------------

    def deploy_steps(self) -> None:
        name = self.contract.name
        upgrade = sorted({p.entry_point for p in self.diff.old_upgrade_paths}) or ["the upgrade entry point"]
        code_steps = tuple(s.id for s in self.steps if s.action in ("insert", "replace"))
        self.steps.append(Step(
            "declare", f"declare the new {name} class",
            "the class with every step above applied is the one to deploy", "run",
            "the class hash is known and its ABI lists the new entry points", after=code_steps,
        ))  # fmt: skip
        call = "no migration call is needed"
        if self.migration_call:
            call = f"{self.migration_call} (in the same multicall as the upgrade when one batch covers every entry)"
        self.steps.append(Step(
            "upgrade", f"upgrade through `{upgrade[0]}`, then migrate",
            f"v1's own upgrade entry point replaces the class; {call}", "run",
            "every v1 value reads back through v2's getters", after=("declare",),
        ))  # fmt: skip
        if self.migration_call:
            self.steps.append(Step(
                "rollback", "keep v1's class hash for a rollback",
                "until migrate_storage has run, v1's slots are untouched: upgrading back to the v1 class restores the "
                "old behaviour. Re-encoded members are rewritten in place by the migration: after it, a rollback "
                "needs the reverse conversion", "run", "a rollback before migration reads v1's values with v1",
                after=("upgrade",),
            ))  # fmt: skip


@record
class Outline:
    """A contract pair's implementation plan with what its tests need: the planned migration
    (None without one) and the entry points kept under their v1 selector (name, new name)."""

    plan: Plan
    migration: cairo.Migration | None
    renamed: tuple[tuple[str, str], ...]


def implementation(diff: ContractDiff, old: Project, new: Project, edition: Edition, guard: str | None,
                   subject: str) -> Outline:  # fmt: skip
    """The migration plan of one contract pair."""
    builder = _Builder(diff, old, new, edition, guard or "")
    maps, plain = builder.copies()
    if (maps or plain) and not guard:
        builder.notes.append("no caller check was found on the upgrade path: the migration below has none either; "
                             "add the contract's guard as its first statement")  # fmt: skip
    builder.storage_steps(maps, plain)
    builder.entry_point_steps()
    imports = storage_imports(builder.steps, diff.new, builder.text, edition)
    if imports is not None:
        builder.steps.insert(0, imports)
    builder.deploy_steps()
    plan = Plan("implementation", diff.new.name, subject, edition.describe(), tuple(builder.steps),
                notes=tuple(builder.notes))  # fmt: skip
    return Outline(plan, builder.migration, tuple(builder.renamed))


def breaks(old: EntryPoint, new: EntryPoint) -> bool:
    """Whether v1 callers of ``old`` break on ``new`` (same selector): v1 calldata that does not
    decode as the new parameters, or a new result v1 callers do not decode."""
    (old_params, old_returns), (new_params, new_returns) = old.serde, new.serde
    if len(old_params) != len(new_params) or not decodes_as(new_returns, old_returns):
        return True
    return not all(decodes_as(a, b) for a, b in zip(old_params, new_params))
