"""Cairo snippets the plans insert, filled with the contract's own names. The code is written to
compile with Cairo 2.1 and later: fully qualified corelib paths that every version exports
(``starknet::Store``, ``core::hash::LegacyHash``; the syscalls and storage address functions through
their own modules, ``starknet::syscalls`` and ``starknet::storage_access``, since 2.7+ no longer
re-exports them from ``starknet``), free ``#[external(v0)]`` functions, ``loop`` with ``break``.
The storage member types and imports that differ by edition are the plans' (``Edition.map_type``,
``imports``)."""

from __future__ import annotations

from collections.abc import Sequence

from ..records import record


@record
class StructShape:
    """A Store struct as v1 stored it: its name in the new code, the legacy copy's name, and the
    old members (name, type) in stored order."""

    name: str
    legacy: str
    fields: tuple[tuple[str, str], ...]


@record
class Copy:
    """One stored value to carry over: read at ``base_const`` (v1's address), written to
    ``target`` (the v2 member). ``key``: the map key type (None: a plain member); ``value``: the
    type read; ``convert``: how the v2 value is built from ``old`` (empty: the value itself)."""

    target: str
    base_const: str
    base: int
    source: str
    key: str | None
    value: str
    convert: str = ""


def raw_read(value: str, address: str) -> str:
    """Read a ``value`` at the base address felt ``address`` (v1's slots, whatever v2 declares)."""
    return (
        f"starknet::SyscallResultTrait::unwrap_syscall(\n"
        f"    starknet::Store::<{value}>::read(0, starknet::storage_access::storage_base_address_from_felt252({address}))\n)"
    )


def entry_address(key: str, base_const: str, variable: str = "key") -> str:
    return f"core::hash::LegacyHash::<{key}>::hash({base_const}, {variable})"


def legacy_struct(shape: StructShape) -> str:
    members = "\n".join(f"    {name}: {kind}," for name, kind in shape.fields)
    return (
        f"// {shape.name} as v1 stored it (members are positional: DOMAIN.md section 2).\n"
        f"#[derive(Drop, Serde, starknet::Store)]\nstruct {shape.legacy} {{\n{members}\n}}"
    )


def rebuild(shape: StructShape, new_fields: Sequence[tuple[str, str]], source: str) -> str:
    """A new ``shape.name`` value from the legacy value ``source``: members it had are copied
    (converted with ``Into`` when their type changed), new members take ``Default::default()``."""
    old = dict(shape.fields)
    parts = []
    for name, kind in new_fields:
        if name not in old:
            parts.append(f"{name}: Default::default()")
        elif old[name] == kind:
            parts.append(f"{name}: {source}.{name}")
        else:
            parts.append(f"{name}: core::traits::Into::into({source}.{name})")
    return f"{shape.name} {{ {', '.join(parts)} }}"


def copy_statements(copy: Copy, key: str = "key") -> str:
    """Read the v1 value of ``copy`` and write it to its v2 member."""
    address = entry_address(copy.key, copy.base_const, key) if copy.key else copy.base_const
    lines = [f"let old = {raw_read(copy.value, address)};"]
    value = copy.convert or "old"
    target = f"self.{copy.target}.write({key}, {value});" if copy.key else f"self.{copy.target}.write({value});"
    return "\n".join([*lines, target])


def entry_helper(copy: Copy) -> str:
    """``fn migrate_<target>_entry``: carry one map entry over."""
    body = indent_lines(copy_statements(copy), "    ")
    return f"fn migrate_{copy.target}_entry(ref self: ContractState, key: {copy.key}) {{\n{body}\n}}"


def indent_lines(code: str, prefix: str) -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in code.split("\n"))


@record
class Cursor:
    """The on-chain key index the batches walk: ``index[i]`` for i below ``count``."""

    index: str
    count: str
    position: str  # the index's key type (u64, u32 ...)


@record
class Migration:
    """Everything the migration entry point needs."""

    guard: str
    version_member: str
    cursor_member: str
    maps: tuple[Copy, ...]
    scalars: tuple[Copy, ...]
    initial: tuple[str, ...]  # statements that set up members the v2 constructor sets
    cursor: Cursor | None
    max_batch: int = 50


def migrate_function(m: Migration) -> str:
    """``migrate_storage``: guarded, refused once the version is current, capped batches."""
    finish = [copy_statements(c) for c in m.scalars] + list(m.initial)
    finish.append(f"self.{m.version_member}.write(STORAGE_VERSION);")
    head = [m.guard] if m.guard else []
    head += [
        f"assert(self.{m.version_member}.read() < STORAGE_VERSION, 'already migrated');",
    ]
    if m.cursor is None and m.maps:
        params = ", ".join(f"{c.target}_keys: Array<{c.key}>" for c in m.maps)
        head.append("let mut count = 0;")
        body = []
        for c in m.maps:
            head.append(f"count = count + core::array::ArrayTrait::len(@{c.target}_keys);")
            body.append(
                f"let mut {c.target}_keys = {c.target}_keys;\nloop {{\n"
                f"    match core::array::ArrayTrait::pop_front(ref {c.target}_keys) {{\n"
                f"        Option::Some(key) => {{\n"
                f"            if !self.migrated_{c.target}.read(key) {{\n"
                f"                migrate_{c.target}_entry(ref self, key);\n"
                f"                self.migrated_{c.target}.write(key, true);\n"
                f"            }}\n"
                f"        }},\n        Option::None => {{\n            break;\n        }},\n    }};\n}};"
            )
        head.append("assert(count <= MIGRATION_MAX_BATCH, 'batch too large');")
        finish_block = "\n".join(finish)
        lines = head + body + [f"if finish {{\n{indent_lines(finish_block, '    ')}\n}}"]
        signature = f"fn migrate_storage(ref self: ContractState, {params}, finish: bool)"
        return _function(signature, "", lines)
    if m.cursor is None:
        return _function("fn migrate_storage(ref self: ContractState)", "", head + finish)
    cursor = m.cursor
    calls = "\n".join(f"    migrate_{copy.target}_entry(ref self, key);" for copy in m.maps)
    lines = head + [
        "assert(batch_size > 0, 'invalid batch size');",
        "assert(batch_size <= MIGRATION_MAX_BATCH, 'invalid batch size');",
        f"let total = self.{cursor.count}.read();",
        f"let mut cursor = self.{m.cursor_member}.read();",
        "let end = if cursor + batch_size < total {\n    cursor + batch_size\n} else {\n    total\n};",
        f"loop {{\n    if cursor >= end {{\n        break;\n    }}\n    let key = self.{cursor.index}.read(cursor);\n{calls}\n"
        "    cursor = cursor + 1;\n};",
        f"self.{m.cursor_member}.write(cursor);",
        f"if cursor == total {{\n{indent_lines(chr(10).join(finish), '    ')}\n}}",
        "total - cursor",
    ]
    return _function(
        f"fn migrate_storage(ref self: ContractState, batch_size: {cursor.position})", f" -> {cursor.position}", lines
    )


def _function(signature: str, returns: str, lines: list[str]) -> str:
    body = indent_lines("\n".join(lines), "    ")
    return f"#[external(v0)]\n{signature}{returns} {{\n{body}\n}}"


def constants(m: Migration, copies: Sequence[Copy], version: int) -> str:
    lines = [
        "// The storage layout version this code reads; an upgraded v1 deployment reads 0 (a new member).",
        f"const STORAGE_VERSION: u64 = {version};",
        f"const MIGRATION_MAX_BATCH: {_batch_type(m)} = {m.max_batch};",
    ]
    seen = set()
    for copy in copies:
        if copy.base_const not in seen:
            seen.add(copy.base_const)
            lines.append(f'// sn_keccak("{copy.source}"): where v1 kept `{copy.source}`')
            lines.append(f"const {copy.base_const}: felt252 = {hex(copy.base)};")
    return "\n".join(lines)


def _batch_type(m: Migration) -> str:
    if m.cursor is not None:
        return m.cursor.position
    return "u32" if m.maps else "u64"


def gate(version_member: str) -> str:
    return f"assert(self.{version_member}.read() == STORAGE_VERSION, 'migration pending');"


def compat_entry(name: str, self_param: str, params: str, returns: str | None, call: str, convert: str) -> str:
    """An entry point under the old name (the old selector) with the old signature, forwarding to
    the renamed new implementation."""
    arrow = f" -> {returns}" if returns else ""
    body = f"let result = {call};\n{convert}" if returns else f"{call};"
    return (
        f"// Keeps the v1 selector of `{name}` with its v1 calldata and return encoding.\n"
        f"#[external(v0)]\nfn {name}({self_param}{', ' if params else ''}{params}){arrow} {{\n{indent_lines(body, '    ')}\n}}"
    )
