"""``--testing``: the upgrade's test strategy as a checklist, and a Starknet Foundry (snforge)
test file with one test per item, written against the contracts' real names, selectors and
storage members: v1 is deployed, its storage written with ``store``, the class replaced through
its own upgrade entry point, the migration run, and v2's storage read back with ``load``."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from ..diff.changes import ContractDiff
from ..model.contracts import EntryPoint
from ..model.layout import Layout, MapLayout, ScalarLayout, StorageMember, StructLayout
from . import cairo
from .migration import Outline
from .plan import CheckItem, Plan

OWNER, OUTSIDER, KEY, T0 = "0xA11CE", "0xBAD", "0x1234", "1_000_000"


def felts(serde: str | None) -> list[str] | None:
    """Calldata felts for one value of the Serde encoding ``serde`` (an owner for addresses,
    an empty array for arrays); None when the encoding is not understood."""
    if serde is None:
        return []
    if serde.startswith("Array<") or serde.startswith("Span<"):
        return ["0"]
    inner = serde[1:-1] if serde.startswith("{") and serde.endswith("}") else serde
    out: list[str] = []
    for token in (t for t in re.split(r"[\s,]+", inner) if t and not t.startswith("%")):
        if token in ("ContractAddress", "EthAddress"):
            out.append("OWNER")
        elif token == "u256":
            out += ["1", "0"]
        elif token in ("bool", "u8", "u16", "u32", "u64", "u128", "usize", "felt252", "i8", "i16", "i32", "i64", "i128"):
            out.append("1")
        else:
            return None
    return out


def stored(layout: Layout, start: int) -> list[str] | None:
    """Distinct felts a value of ``layout`` can hold (one per slot), from ``start`` on; addresses
    hold OWNER, so that a stored owner still admits the test's upgrade."""
    if isinstance(layout, ScalarLayout):
        first = {"bool": "1", "address": "OWNER"}.get(layout.encoding, str(start))
        return [first] + ["0"] * (layout.size - 1)
    if isinstance(layout, StructLayout):
        out: list[str] = []
        for index, field in enumerate(layout.fields):
            part = stored(field.layout, start + index)
            if part is None:
                return None
            out += part
        return out
    return None


def value_layout(member: StorageMember) -> tuple[Layout, bool] | None:
    """The stored value's layout and whether it is a map entry (single-key maps only)."""
    layout = member.layout
    if isinstance(layout, MapLayout):
        return (layout.value, True) if len(layout.keys) == 1 and layout.key_felts else None
    return (layout, False) if isinstance(layout, (ScalarLayout, StructLayout)) else None


def slot(member: StorageMember, is_map: bool) -> str:
    base = f'selector!("{member.key}")'
    return f"map_entry_address({base}, array![KEY].span())" if is_map else base


def expected(old: Layout, new: Layout, values: list[str]) -> list[str] | None:
    """What v2 reads after the migration: the same felts, or a re-encoded struct (members
    matched by name; new members zero, their default)."""
    if not (isinstance(old, StructLayout) and isinstance(new, StructLayout)):
        return values if old.size == new.size else None
    by_name: dict[str, list[str]] = {}
    position = 0
    for field in old.fields:
        size = field.layout.size
        if size is None:
            return None
        by_name[field.name] = values[position : position + size]
        position += size
    out: list[str] = []
    for field in new.fields:
        if field.layout.size is None:
            return None
        out += by_name.get(field.name, ["0"] * field.layout.size)
    return out


SNFORGE_IMPORTS = (
    "ContractClassTrait", "DeclareResultTrait", "declare", "load", "map_entry_address", "start_cheat_block_timestamp",
    "start_cheat_caller_address", "stop_cheat_caller_address", "store",
)  # fmt: skip
CALLS = """fn call(address: ContractAddress, selector: felt252, calldata: Array<felt252>) -> SyscallResult<Span<felt252>> {
    call_contract_syscall(address, selector, calldata.span())
}

fn call_as(
    address: ContractAddress, caller: felt252, selector: felt252, calldata: Array<felt252>,
) -> SyscallResult<Span<felt252>> {
    start_cheat_caller_address(address, caller.try_into().unwrap());
    let result = call(address, selector, calldata);
    stop_cheat_caller_address(address);
    result
}"""
"""``call`` and ``call_as`` (a call with a cheated caller): every generated test calls through them."""


def prelude(header: str, imports: Sequence[str] = SNFORGE_IMPORTS) -> str:
    """The start of a generated snforge file: ``header`` as comment lines, the imports (``imports``
    from snforge_std) and the constants OWNER, OUTSIDER, KEY and T0, then a blank line."""
    comment = "\n".join(f"// {line}" if line else "//" for line in header.split("\n"))
    names = ", ".join(imports)
    return f"""{comment}
use snforge_std::{{
{cairo.indent_lines(textwrap.fill(names, 116), "    ")},
}};
use starknet::syscalls::call_contract_syscall;
use starknet::{{ClassHash, ContractAddress, SyscallResult, SyscallResultTrait}};

const OWNER: felt252 = {OWNER};
const OUTSIDER: felt252 = {OUTSIDER};
const KEY: felt252 = {KEY};
const T0: u64 = {T0};
"""


def setup_function(comment: str, deployed: tuple[str, str], target: tuple[str, str], constructor_args: str) -> str:
    """``setup()``: declares the ``deployed`` and ``target`` classes (local name, contract name), deploys
    the first with ``constructor_args`` at time T0, and returns its address and both class hashes."""
    (first, first_name), (second, second_name) = deployed, target
    lines = "\n".join(f"// {line}" for line in comment.split("\n"))
    return f"""{lines}
fn setup() -> (ContractAddress, ClassHash, ClassHash) {{
    let {first} = declare("{first_name}").unwrap().contract_class();
    let {second} = declare("{second_name}").unwrap().contract_class();
    let (address, _) = {first}.deploy(@array![{constructor_args}]).unwrap();
    start_cheat_block_timestamp(address, T0);
    (address, *{first}.class_hash, *{second}.class_hash)
}}"""


def test_function(name: str, body: Sequence[str]) -> str:
    """A ``#[test]`` function named ``name`` running the statements ``body`` (lines may hold newlines)."""
    lines = "\n".join(f"    {line}" if line else "" for line in "\n".join(body).split("\n"))
    return f"#[test]\nfn {name}() {{\n{lines}\n}}"


class _Writer:
    def __init__(self, diff: ContractDiff, outline: Outline) -> None:
        self.diff, self.outline = diff, outline
        self.migration = outline.migration
        self.items: list[CheckItem] = []
        self.tests: list[str] = []
        self.old_upgrade = next((p.entry_point for p in diff.old_upgrade_paths), None)
        self.new_upgrade = next((p.entry_point for p in diff.new_upgrade_paths), None)

    def add(self, category: str, what: str, name: str, body: Sequence[str]) -> None:
        self.items.append(CheckItem(name, category, what, name))
        self.tests.append(test_function(name, body))

    def pairs(self) -> list[tuple[StorageMember, StorageMember]]:
        """(v1, v2) members whose data must survive: unchanged ones and the ones migrated."""
        found = list(self.diff.unchanged)
        targets = {c.target for c in self.migration.maps + self.migration.scalars} if self.migration else set()
        for change in self.diff.storage:
            if change.old and change.new and (change.new.name in targets or (change.kind == "renamed" and change.explicit)):
                found.append((change.old, change.new))
        return [(a, b) for a, b in found if not a.via and not b.via]

    def continuity(self) -> None:
        cursor = self.migration.cursor if self.migration else None
        for number, (old, new) in enumerate(self.pairs()):
            shapes = value_layout(old), value_layout(new)
            if shapes[0] is None or shapes[1] is None:
                continue
            (old_layout, is_map), (new_layout, _) = shapes[0], shapes[1]
            values = stored(old_layout, 11 + 10 * number)
            want = expected(old_layout, new_layout, values) if values is not None else None
            if values is None or want is None or new_layout.size is None:
                continue
            seeds = []
            if is_map and cursor is not None and new.name not in (cursor.index, cursor.count):
                seeds = ["index_key(address);"]
            what = f"`{old.name}` written by v1 reads the same through `{new.name}` after the upgrade"
            if old.name != new.name or want != values:
                what += " and migration"
            self.add("data continuity", what, f"test_continuity_{new.name}", [
                "let (address, _, v2) = setup();",
                f"store(address, {slot(old, is_map)}, array![{', '.join(values)}].span());",
                *seeds,
                "upgrade_to(address, v2);",
                "migrate(address);",
                f"let value = load(address, {slot(new, is_map)}, {new_layout.size});",
                f"assert_eq!(value, array![{', '.join(want)}]);",
            ])  # fmt: skip

    def entry_points(self) -> None:
        for name, renamed in self.outline.renamed:
            old = self.diff.old.entry_point(name)
            args = self.arguments(old) if old else None
            returned = felts(old.serde[1]) if old else None
            if old is None or args is None:
                continue
            check = [f"assert_eq!(result.len(), {len(returned)});"] if returned is not None else []
            self.add("entry point", f"`{name}` keeps v1's selector and encoding; `{renamed}` serves v2's",
                     f"test_entry_point_{name}_keeps_v1_encoding", [
                "let (address, _, v2) = setup();",
                "upgrade_to(address, v2);",
                "migrate(address);",
                f'let result = call(address, selector!("{name}"), array![{args}]).unwrap_syscall();',
                *check,
                f'call(address, selector!("{renamed}"), array![{args}]).unwrap_syscall();',
            ])  # fmt: skip
        for change in self.diff.entry_points:
            if change.kind == "removed" and change.old and (args := self.arguments(change.old)) is not None:
                self.add("entry point", f"`{change.name}` is gone: v1 callers fail (keep it unless that is intended)",
                         f"test_entry_point_{change.name}_removed", [
                    "let (address, _, v2) = setup();",
                    "upgrade_to(address, v2);",
                    f'assert(call(address, selector!("{change.name}"), array![{args}]).is_err(), \'still answers\');',
                ])  # fmt: skip

    def arguments(self, entry: EntryPoint) -> str | None:
        out: list[str] = []
        for serde in entry.serde[0]:
            part = felts(serde)
            if part is None:
                return None
            out += part
        return ", ".join(out)

    def governance(self) -> None:
        if self.old_upgrade:
            self.add("governance", f"v1's `{self.old_upgrade}` refuses a caller that is not the owner",
                     "test_upgrade_refuses_outsider", [
                "let (address, _, v2) = setup();",
                f'let result = call_as(address, OUTSIDER, selector!("{self.old_upgrade}"), array![v2.into()]);',
                "assert(result.is_err(), 'outsider upgraded v1');",
            ])  # fmt: skip
        if self.new_upgrade:
            self.add("governance", f"v2's `{self.new_upgrade}` refuses a caller that is not the owner",
                     "test_v2_upgrade_refuses_outsider", [
                "let (address, v1, v2) = setup();",
                "upgrade_to(address, v2);",
                f'let result = call_as(address, OUTSIDER, selector!("{self.new_upgrade}"), array![v1.into()]);',
                "assert(result.is_err(), 'outsider upgraded v2');",
            ])  # fmt: skip
        if self.migration:
            self.add("migration", "migrate_storage refuses a caller that is not the owner",
                     "test_migration_refuses_outsider", [
                "let (address, _, v2) = setup();",
                "upgrade_to(address, v2);",
                f'let result = call_as(address, OUTSIDER, selector!("migrate_storage"), {self.migrate_args()});',
                "assert(result.is_err(), 'outsider migrated');",
            ])  # fmt: skip
            self.add("migration", "migrate_storage runs once: after it completed, it refuses",
                     "test_migration_runs_once", [
                "let (address, _, v2) = setup();",
                "upgrade_to(address, v2);",
                "migrate(address);",
                f'let again = call_as(address, OWNER, selector!("migrate_storage"), {self.migrate_args()});',
                "assert(again.is_err(), 'migrated twice');",
            ])  # fmt: skip

    def rollback(self) -> None:
        pairs = [(a, b) for a, b in self.pairs() if (v := value_layout(a)) is not None and not v[1]]
        if not self.new_upgrade or not pairs:
            return
        member, _ = pairs[0]
        layout = value_layout(member)
        values = stored(layout[0], 7) if layout else None
        if values is None:
            return
        self.add("rollback", f"before the migration, upgrading back to v1 restores v1's `{member.name}`",
                 "test_rollback_before_migration", [
            "let (address, v1, v2) = setup();",
            f"store(address, {slot(member, False)}, array![{', '.join(values)}].span());",
            "upgrade_to(address, v2);",
            "start_cheat_block_timestamp(address, T0 + 3600);",
            f'call_as(address, OWNER, selector!("{self.new_upgrade}"), array![v1.into()]).unwrap_syscall();',
            f"assert_eq!(load(address, {slot(member, False)}, {len(values)}), array![{', '.join(values)}]);",
        ])  # fmt: skip

    def migrate_args(self) -> str:
        m = self.migration
        if m is None:
            return "array![]"
        if m.cursor is not None:
            return f"array![{m.max_batch}]"
        if m.maps:
            return "array![" + ", ".join(["1, KEY"] * len(m.maps) + ["1"]) + "]"
        return "array![]"

    def helpers(self, constructor: EntryPoint | None) -> str:
        old_name, new_name = self.diff.old.name, self.diff.new.name
        args = self.arguments(constructor) if constructor else ""
        upgrade = self.old_upgrade or "upgrade"
        m = self.migration
        migrate = "// no migration: v2 reads v1's storage as it is"
        if m is not None and m.cursor is not None:
            migrate = (f'loop {{\n    let left = call_as(address, OWNER, selector!("migrate_storage"), {self.migrate_args()})'
                       ".unwrap_syscall();\n    if *left.at(0) == 0 {\n        break;\n    }\n};")  # fmt: skip
        elif m is not None:
            migrate = f'call_as(address, OWNER, selector!("migrate_storage"), {self.migrate_args()}).unwrap_syscall();'
        index = ""
        if m is not None and m.cursor is not None:
            c = m.cursor
            index = (
                f"\n// Registers KEY as the only entry of the key index the migration walks.\nfn index_key(address: ContractAddress) {{\n"
                f'    store(address, map_entry_address(selector!("{c.index}"), array![0].span()), array![KEY].span());\n'
                f'    store(address, selector!("{c.count}"), array![1].span());\n}}\n'
            )
        constructor_args = args if args is not None else "/* the constructor arguments */"
        header = (
            f"Upgrade tests for {new_name} ({self.outline.plan.subject}), generated by cairo-upgrade-lint.\n"
            f"The test package holds v1 as `{old_name}V1` (a copy of the deployed source with its module renamed)\n"
            f"and v2 with the steps of `lint-upgrade --implementation` applied, as `{new_name}`.\n"
            "OWNER is passed for every address of the constructor: it is the caller the upgrade accepts."
        )
        comment = f"Deploys v1 (constructor {constructor.signature if constructor else 'none'}); returns its address and both class hashes."
        setup = setup_function(comment, ("v1", f"{old_name}V1"), ("v2", new_name), constructor_args)
        return f"""{prelude(header)}
{setup}

{CALLS}

// v1's own upgrade entry point replaces the class (replace_class_syscall).
fn upgrade_to(address: ContractAddress, class_hash: ClassHash) {{
    call_as(address, OWNER, selector!("{upgrade}"), array![class_hash.into()]).unwrap_syscall();
}}

fn migrate(address: ContractAddress) {{
{cairo.indent_lines(migrate, "    ")}
}}
{index}"""


def testing(diff: ContractDiff, outline: Outline) -> Plan:
    """The test strategy of one contract pair (``outline``: its implementation plan)."""
    writer = _Writer(diff, outline)
    writer.continuity()
    writer.entry_points()
    writer.governance()
    writer.rollback()
    constructor = next((e for e in diff.old.entry_points if e.kind == "constructor"), None)
    text = writer.helpers(constructor) + "\n" + "\n\n".join(writer.tests) + "\n"
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", diff.new.name).lower()
    plan = outline.plan
    return Plan("testing", plan.contract, plan.subject, plan.edition, plan.steps, tuple(writer.items), text,
                f"tests/test_{snake}_upgrade.cairo", plan.notes)  # fmt: skip
