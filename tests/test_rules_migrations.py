"""Migration detection (semantics/migrations.py) and how the storage and migration rules use it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from rule_cases import analyse_sources

from cairo_upgrade_lint.catalogue import load_catalogue
from cairo_upgrade_lint.config import Config
from cairo_upgrade_lint.findings import Finding, Severity
from cairo_upgrade_lint.model import Project, analyze
from cairo_upgrade_lint.semantics.context import Context
from cairo_upgrade_lint.semantics.migrations import backing, is_migration_name, migrations

HEAD = """
use starknet::ContractAddress;
#[starknet::interface]
pub trait IVault<T> {
    fn get(self: @T) -> u128;
}
"""

V1 = (
    HEAD
    + """
#[starknet::contract]
mod Vault {
    use starknet::{ContractAddress, get_caller_address};
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};

    #[storage]
    struct Storage {
        owner: ContractAddress,
        fee: u128,
        total: u128,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress) {
        self.owner.write(owner);
    }

    #[abi(embed_v0)]
    impl VaultImpl of super::IVault<ContractState> {
        fn get(self: @ContractState) -> u128 {
            self.fee.read() + self.total.read()
        }
    }

    #[external(v0)]
    fn upgrade(ref self: ContractState, new_class: starknet::ClassHash) {
        assert(get_caller_address() == self.owner.read(), 'not owner');
        assert(new_class.is_non_zero(), 'zero class hash');
        starknet::syscalls::replace_class_syscall(new_class).unwrap();
    }
}
"""
)


def new_vault(storage: str, body: str, constructor: str = "") -> str:
    """Version 2 of the vault with extra storage members and external functions."""
    return (
        HEAD
        + f"""
#[starknet::contract]
mod Vault {{
    use starknet::{{ContractAddress, get_caller_address}};
    use starknet::storage::{{StoragePointerReadAccess, StoragePointerWriteAccess}};

    #[storage]
    struct Storage {{
        owner: ContractAddress,
        {storage}
    }}

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress) {{
        self.owner.write(owner);
        {constructor}
    }}

    #[abi(embed_v0)]
    impl VaultImpl of super::IVault<ContractState> {{
        fn get(self: @ContractState) -> u128 {{
            0
        }}
    }}

    #[generate_trait]
    #[abi(per_item)]
    impl Extra of ExtraTrait {{
        {body}
    }}
}}
"""
    )


OWNER_CHECK = "assert(get_caller_address() == self.owner.read(), 'not owner');"


def context(tmp_path: Path, code: str) -> tuple[Context, Project]:
    (tmp_path / "v.cairo").write_text(code)
    project = analyze(str(tmp_path / "v.cairo"))
    return Context(project, Config(), load_catalogue()), project


def rule(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule_id == rule_id]


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    "name",
    ["migrate", "migrate_v2", "_migrate_storage", "finalize_migration", "initialize", "initializer", "init"]
    + ["init_v2", "reinitialize", "upgrade_and_call", "execute_after_upgrade", "perform_upgrade"]
    + ["eic_initialize"],
)
def test_migration_names(name: str) -> None:
    assert is_migration_name(name)


@pytest.mark.parametrize("name", ["initialize_pool", "upgrade", "set_owner", "emigrate", "initial_supply"])
def test_names_that_are_not_migrations(name: str) -> None:
    assert not is_migration_name(name)


# ---------------------------------------------------------------- detection


def test_detects_named_and_behavioural_migrations_with_their_facts(tmp_path: Path) -> None:
    code = new_vault(
        "fee: u128, total: u128, fee_backup: u128, version: u8,",
        f"""
        #[external(v0)]
        fn migrate(ref self: ContractState) {{
            {OWNER_CHECK}
            assert(self.version.read() == 0, 'done');
            let old = self.fee.read();
            self.fee_backup.write(old);
            self.fee.write(old * 100);
            self.version.write(1);
        }}
        #[external(v0)]
        fn upgrade(ref self: ContractState) {{
            self.reset_totals();
        }}
        fn reset_totals(ref self: ContractState) {{
            self.migrate_totals();
        }}
        fn migrate_totals(ref self: ContractState) {{
            self.total.write(0);
        }}
        #[external(v0)]
        fn deposit(ref self: ContractState, amount: u128) {{
            self.total.write(self.total.read() + amount);
        }}
        """,
    )
    ctx, project = context(tmp_path, code)
    found = {m.name: m for m in migrations(ctx, project.contract("Vault"))}
    assert set(found) == {"migrate", "upgrade"}
    migrate, upgrade = found["migrate"], found["upgrade"]
    assert migrate.guarded and migrate.version_checked and migrate.version_members == {"version"}
    assert migrate.writes == {"fee", "fee_backup", "version"} and "fee" in migrate.reads
    assert migrate.backups == {"fee"}
    assert upgrade.reason == "calls `migrate_totals`" and not upgrade.guarded and not upgrade.version_checked
    assert backing(ctx, project.contract("Vault"), frozenset({"fee"})) is migrate
    assert backing(ctx, project.contract("Vault"), frozenset({"total"})) is None, "unguarded: does not back"


def test_component_writes_resolve_to_the_flattened_member_key(tmp_path: Path) -> None:
    code = """
#[starknet::component]
pub mod Counter {
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};
    #[storage]
    pub struct Storage { pub Counter_value: u64 }
    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {}
    #[generate_trait]
    pub impl InternalImpl<TContractState, +HasComponent<TContractState>> of InternalTrait<TContractState> {
        fn reset(ref self: ComponentState<TContractState>) { self.Counter_value.write(0); }
    }
}
#[starknet::contract]
mod App {
    use super::Counter;
    component!(path: Counter, storage: counter, event: CounterEvent);
    impl CounterInternal = Counter::InternalImpl<ContractState>;
    #[storage]
    struct Storage { #[substorage(v0)] counter: Counter::Storage }
    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event { #[flat] CounterEvent: Counter::Event }
    #[external(v0)]
    fn initialize(ref self: ContractState) { self.counter.reset(); }
}
"""
    ctx, project = context(tmp_path, code)
    (migration,) = migrations(ctx, project.contract("App"))
    assert migration.name == "initialize" and migration.writes == {"Counter_value"}


EIC = """
#[starknet::contract]
mod VaultEIC {
    use starknet::storage::StoragePointerWriteAccess;
    #[storage]
    struct Storage { total: u128 }
    #[external(v0)]
    fn eic_initialize(ref self: ContractState, data: Span<felt252>) { self.total.write(7); }
}
"""


def test_external_initializer_contract_counts_for_the_contract_it_mirrors(tmp_path: Path) -> None:
    ctx, project = context(tmp_path, V1 + EIC)
    (eic,) = migrations(ctx, project.contract("Vault"))
    assert eic.external_initializer and eic.guarded and eic.name == "VaultEIC::eic_initialize"
    assert backing(ctx, project.contract("Vault"), frozenset({"total"})) is eic


# ---------------------------------------------------------------- severity of storage findings


def test_a_guarded_migration_turns_a_storage_error_into_a_note(tmp_path: Path) -> None:
    unbacked = new_vault("fee: u64, total: u128,", "")
    backed = new_vault(
        "fee: u64, total: u128,",
        f"""
        #[external(v0)]
        fn migrate_v2(ref self: ContractState, fee: u64) {{
            {OWNER_CHECK}
            self.fee.write(fee);
        }}
        """,
    )
    (error,) = rule(analyse_sources(tmp_path, old=V1, new=unbacked), "CUL103")
    assert error.severity is Severity.ERROR and "u128 -> u64" in error.message
    (note,) = rule(analyse_sources(tmp_path, old=V1, new=backed), "CUL103")
    assert note.severity is Severity.NOTE and "migrated by `migrate_v2`" in note.message


def test_a_raw_write_at_the_removed_members_address_backs_the_removal(tmp_path: Path) -> None:
    new = new_vault(
        "fee: u128,",
        f"""
        #[external(v0)]
        fn execute_after_upgrade(ref self: ContractState) {{
            {OWNER_CHECK}
            let base = starknet::storage_access::storage_base_address_from_felt252(selector!("total"));
            starknet::syscalls::storage_write_syscall(
                0, starknet::storage_access::storage_address_from_base(base), 0,
            ).unwrap();
        }}
        """,
    )
    (finding,) = rule(analyse_sources(tmp_path, old=V1, new=new), "CUL101")
    assert finding.severity is Severity.NOTE and "`total`" in finding.message
    assert finding.location.path.endswith("new.cairo") and finding.related[0].location.path.endswith("old.cairo")


def test_removal_is_placed_on_the_new_storage_struct_and_suppressible_there(tmp_path: Path) -> None:
    new = new_vault("fee: u128,", "")
    (finding,) = rule(analyse_sources(tmp_path, old=V1, new=new), "CUL101")
    assert (tmp_path / "new.cairo").read_text().splitlines()[finding.location.line - 1].strip() == "struct Storage {"
    suppressed = new.replace("    #[storage]", "    // cairo-upgrade-lint: allow(CUL101) total is dead\n    #[storage]")
    assert not rule(analyse_sources(tmp_path, old=V1, new=suppressed), "CUL101")


# ---------------------------------------------------------------- compatible look-alikes and unknowns


def test_tuple_to_struct_with_the_same_positions_is_silent(tmp_path: Path) -> None:
    old = V1.replace("total: u128,", "total: (felt252, felt252),").replace("+ self.total.read()", "")
    struct = "#[derive(Drop, Serde, starknet::Store)]\npub struct Pair { pub a: felt252, pub b: felt252 }\n"
    new = struct + old.replace("total: (felt252, felt252),", "total: super::Pair,")
    findings = analyse_sources(tmp_path, old=old, new=new)
    assert not [f for f in findings if f.rule_id.startswith("CUL10")], [f.message for f in findings]


def test_an_unchanged_custom_packing_is_silent_and_a_changed_one_a_warning(tmp_path: Path) -> None:
    packing = """
#[derive(Drop, Serde)]
pub struct Price { pub value: u64, pub decimals: u8 }
impl PricePacking of starknet::storage_access::StorePacking<Price, felt252> {
    fn pack(value: Price) -> felt252 { value.value.into() * SHIFT + value.decimals.into() }
    fn unpack(value: felt252) -> Price { Price { value: 0, decimals: 0 } }
}
"""
    old = packing.replace("SHIFT", "256") + V1.replace("fee: u128,", "fee: super::Price,").replace("self.fee.read() + ", "")
    same = "// reformatted\n" + old.replace("fn pack(value: Price) -> felt252 {", "fn pack(value: Price)\n -> felt252 {")
    changed = old.replace("* 256", "* 1024")
    assert not rule(analyse_sources(tmp_path, old=old, new=same), "CUL108")  # the same code: the same encoding
    (warning,) = rule(analyse_sources(tmp_path, old=old, new=changed), "CUL108")
    assert warning.severity is Severity.WARNING and "its code changed" in warning.message


# ---------------------------------------------------------------- migration rules


def test_constructor_only_member_settable_only_by_its_own_holder_is_reported(tmp_path: Path) -> None:
    setter = """
        #[external(v0)]
        fn set_admin(ref self: ContractState, admin: ContractAddress) {
            assert(get_caller_address() == self.admin.read(), 'not admin');
            self.admin.write(admin);
        }
        #[external(v0)]
        fn admin_only(ref self: ContractState) {
            assert(get_caller_address() == self.admin.read(), 'not admin');
        }
    """
    new = new_vault("fee: u128, total: u128, admin: ContractAddress,", setter, "self.admin.write(owner);")
    (finding,) = rule(analyse_sources(tmp_path, old=V1, new=new), "CUL402")
    assert "`admin`" in finding.message and "`set_admin`, `admin_only`" in finding.message
    open_setter = setter.replace("assert(get_caller_address() == self.admin.read(), 'not admin');\n            self", "self")
    new = new_vault("fee: u128, total: u128, admin: ContractAddress,", open_setter, "self.admin.write(owner);")
    assert not rule(analyse_sources(tmp_path, old=V1, new=new), "CUL402")


def test_rollback_findings_are_grouped_by_write(tmp_path: Path) -> None:
    body = f"""
        #[external(v0)]
        fn migrate(ref self: ContractState) {{ {OWNER_CHECK} self.shared(); }}
        #[external(v0)]
        fn initialize(ref self: ContractState) {{ {OWNER_CHECK} self.shared(); }}
        fn shared(ref self: ContractState) {{ self.total.write(0); }}
    """
    findings = analyse_sources(tmp_path, old=V1, new=new_vault("fee: u128, total: u128,", body))
    (rollback,) = rule(findings, "CUL403")
    assert rollback.message.startswith("migrations `initialize`, `migrate` clear `total`")
    assert len(rule(findings, "CUL401")) == 2


@pytest.mark.parametrize(
    "copy",
    [
        "let backup = Backup { fee: self.fee.read(), total: self.total.read() }; self.fee_backup.write(backup);",
        "let fee = self.fee.read(); let backup = Backup { fee, total: 0 }; self.fee_backup.write(@backup);",
        "let pair = (self.fee.read(), 1_u128); self.pair_backup.write(pair);",
        "let old: u128 = self.fee.read().into(); self.fee_backup_raw.write(old);",
    ],
)
def test_backup_through_locals_and_struct_literals_is_a_copy(tmp_path: Path, copy: str) -> None:
    body = f"""
        #[external(v0)]
        fn migrate(ref self: ContractState) {{
            {OWNER_CHECK}
            {copy}
            self.fee.write(0);
        }}
    """
    storage = "fee: u128, total: u128, fee_backup: Backup, pair_backup: (u128, u128), fee_backup_raw: u128,"
    new = new_vault(storage, body).replace(
        "#[starknet::contract]",
        "#[derive(Copy, Drop, Serde, starknet::Store)]\nstruct Backup { fee: u128, total: u128 }\n\n#[starknet::contract]",
    )
    assert not rule(analyse_sources(tmp_path, old=V1, new=new), "CUL403")
    derived = new.replace("self.fee.read()", "self.total.read()")
    assert rule(analyse_sources(tmp_path, old=V1, new=derived), "CUL403")


def test_new_member_initialised_by_a_guarded_migration_is_a_note_naming_it(tmp_path: Path) -> None:
    body = f"""
        #[external(v0)]
        fn migrate_limits(ref self: ContractState, limit: u128) {{
            {OWNER_CHECK}
            assert(self.version.read() == 0, 'migrated');
            self.limit.write(limit);
            self.version.write(1);
        }}
        #[external(v0)]
        fn spend(ref self: ContractState, amount: u128) {{
            assert(amount <= self.limit.read(), 'over limit');
        }}
    """
    new = new_vault("fee: u128, total: u128, limit: u128, version: u8,", body)
    (note,) = rule(analyse_sources(tmp_path, old=V1, new=new), "CUL402")
    assert note.severity is Severity.NOTE
    assert "`limit`" in note.message and "migration `migrate_limits` (guarded, version-checked)" in note.message
    unread = new.replace("assert(amount <= self.limit.read(), 'over limit');", "")
    assert not rule(analyse_sources(tmp_path, old=V1, new=unread), "CUL402")
    unguarded = new.replace(OWNER_CHECK, "", 1)
    assert not [f for f in rule(analyse_sources(tmp_path, old=V1, new=unguarded), "CUL402") if "migration" in f.message]


def test_the_migrations_found_live_as_long_as_the_rule_context(tmp_path: Path) -> None:
    """Nothing module-level keeps a project (and its syntax trees) alive after its run: a cache
    that did kept the last run's model until the interpreter tore it down, a second of a large
    diff's wall time."""
    ctx, project = context(tmp_path, V1 + EIC)
    assert migrations(ctx, project.contract("Vault"))
    ident = id(project)
    del ctx, project
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, Project) and id(o) == ident]


# ---------------------------------------------------------------- external initializer contracts (EICs)


MIGRATING_EIC = """
#[starknet::contract]
mod VaultEIC {
    use starknet::storage::{Map, StorageMapWriteAccess, StoragePointerReadAccess};
    #[storage]
    struct Storage { total: u128, stake_history: Map<u64, u128> }
    #[external(v0)]
    fn eic_initialize(ref self: ContractState, data: Span<felt252>) {
        let total = self.total.read();
        self.stake_history.write(0, total);
    }
}
"""

TRACE_READER = """
        #[external(v0)]
        fn history(self: @ContractState) -> u128 {
            self.stake_history.read(0)
        }

        #[external(v0)]
        fn upgrade(ref self: ContractState, new_class: starknet::ClassHash) {
            assert(get_caller_address() == self.owner.read(), 'not owner');
            starknet::syscalls::replace_class_syscall(new_class).unwrap();
        }
"""


def test_an_eic_that_migrates_a_member_away_backs_its_removal(tmp_path: Path) -> None:
    """The EIC declares `total`, which the new Vault drops: it is the Vault's EIC all the same (its
    members are the old and new Vault's), so the removal is a note naming it and the new member it
    writes is not constructor-only (staking V0 -> V1: total_stake -> total_stake_trace)."""
    new = new_vault("fee: u128, stake_history: Map<u64, u128>,", TRACE_READER, "self.stake_history.write(0, 0);")
    new = new.replace("use starknet::storage::{", "use starknet::storage::{Map, StorageMapReadAccess, StorageMapWriteAccess, ")
    alone = analyse_sources(tmp_path, old=V1, new=new)
    assert [f.severity for f in rule(alone, "CUL101")] == [Severity.ERROR]
    assert [f.severity for f in rule(alone, "CUL402")] == [Severity.WARNING]
    found = analyse_sources(tmp_path, old=V1, new=new + MIGRATING_EIC)
    (removed,) = rule(found, "CUL101")
    assert removed.severity is Severity.NOTE and "migrated by `VaultEIC::eic_initialize`" in removed.message
    assert not rule(found, "CUL402")
    ctx, project = context(tmp_path, new + MIGRATING_EIC)  # no old version: `total` is no Vault member
    assert not migrations(ctx, project.contract("Vault"))


def test_an_eic_is_not_compared_as_a_contract_of_its_own(tmp_path: Path) -> None:
    """Two versions of an EIC are two storage views, not one deployment upgraded: no pairing, no
    storage findings, and its eic_initialize (run only by the host's governed upgrade) needs no
    storage-version guard (staking V2 -> V3)."""
    old_eic = EIC
    new_eic = EIC.replace("{ total: u128 }", "{ fee: u128 }").replace("self.total.write(7)", "self.fee.write(7)")
    found = analyse_sources(tmp_path, old=V1 + old_eic, new=V1 + new_eic)
    assert not [f for f in found if f.rule_id.startswith("CUL1") or f.rule_id == "CUL401"], found
    pairing = rule(found, "CUL002")
    assert [f.severity for f in pairing] == [Severity.NOTE] and "external initializer" in pairing[0].message


def test_a_removed_contract_that_cannot_replace_its_class_is_a_note(tmp_path: Path) -> None:
    """argent's stateless Multicall: no storage, no path to replace_class or library_call; removing it
    from the repository changes nothing for its deployments. A removed upgradeable one stays a warning."""
    multicall = """
#[starknet::contract]
mod Multicall {
    #[storage]
    struct Storage {}
    #[external(v0)]
    fn aggregate(self: @ContractState, calls: Array<felt252>) -> u64 {
        0
    }
}
"""
    (note,) = rule(analyse_sources(tmp_path, old=V1 + multicall, new=V1), "CUL002")
    assert note.severity is Severity.NOTE and "cannot replace its class" in note.message
    upgradeable = V1.replace("mod Vault", "mod Legacy").replace(HEAD, "")
    (warning,) = rule(analyse_sources(tmp_path, old=V1 + upgradeable, new=V1), "CUL002")
    assert warning.severity is Severity.WARNING and "`Legacy` has no counterpart" in warning.message
