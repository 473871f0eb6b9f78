"""CUL522 on a migration whose initialised flag is set from a named constant whose value the tool does
not know (a constant struct's field): asserting the members unset before writing them is its version
check; without the assertion the migration can run twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairo_upgrade_lint.audit import run
from cairo_upgrade_lint.audit.base import Verdict
from cairo_upgrade_lint.config import Config

EIC = """
#[derive(Copy, Drop)]
struct Defaults {
    min_amount: u128,
    base: u128,
}

const DEFAULTS: Defaults = Defaults { min_amount: 1000, base: 10000 };

#[starknet::interface]
trait IEICInitializable<TContractState> {
    fn eic_initialize(ref self: TContractState, eic_init_data: Span<felt252>);
}

#[starknet::contract]
mod VaultEIC {
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};
    use super::DEFAULTS;

    #[storage]
    struct Storage {
        min_amount: u128,
        base: u128,
    }

    #[abi(embed_v0)]
    impl EICInitializable of super::IEICInitializable<ContractState> {
        fn eic_initialize(ref self: ContractState, eic_init_data: Span<felt252>) {
            assert(eic_init_data.len() == 0, 'EXPECTED_DATA_LENGTH_0');
            let min_amount = self.min_amount.read();
            let base = self.base.read();
            CHECK
            self.min_amount.write(DEFAULTS.min_amount);
            self.base.write(DEFAULTS.base);
        }
    }
}
"""


def migration_outcome(folder: Path, source: str, contract: str, requirement: str) -> Verdict:
    """The migration profile's verdict on ``requirement`` for ``contract`` of ``source``."""
    (folder / "contract.cairo").write_text(source)
    result = run(str(folder), Config(), ("migration",), contract)
    return next(r.outcome for r in result.results if r.requirement.id == requirement)


@pytest.mark.parametrize(
    ("check", "expected"),
    [("assert(min_amount == 0 && base == 0, 'already initialized');", "pass"), ("let _ = (min_amount, base);", "fail")],
)
def test_flag_written_from_a_constant_struct_field(check: str, expected: str, tmp_path: Path) -> None:
    outcome = migration_outcome(tmp_path, EIC.replace("CHECK", check), "VaultEIC", "CUL522")
    assert outcome.status.value == expected, outcome.message
    if expected == "pass":
        assert any("min_amount == 0" in e.note for e in outcome.evidence)


PER_RECORD = """
#[starknet::interface]
trait IVault<TContractState> {
    fn migrate_user(ref self: TContractState, user: felt252);
}

#[starknet::contract]
mod Vault {
    use starknet::storage::{Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess};

    #[storage]
    struct Storage {
        user_version: Map<felt252, u8>,
        positions: Map<felt252, u32>,
        slots: Map<(felt252, u32), u128>,
        user_count: u32,
    }

    #[abi(embed_v0)]
    impl VaultImpl of super::IVault<ContractState> {
        fn migrate_user(ref self: ContractState, user: felt252) {
            CHECK
            let count = BOUND;
            let mut i: u32 = 0;
            while i < count {
                let value = self.slots.read((user, i));
                self.slots.write((user, i), value * 2);
                i += 1;
            };
            self.user_version.write(user, 2);
        }
    }
}
"""


@pytest.mark.parametrize(
    ("check", "cul522"),
    [("assert(self.user_version.read(user) < 2, 'already migrated');", "not-found"), ("", "fail")],
)
def test_a_migration_anyone_may_run_once_per_record_is_not_a_failure(check: str, cul522: str, tmp_path: Path) -> None:
    source = PER_RECORD.replace("CHECK", check).replace("BOUND", "self.positions.read(user)")
    outcome = migration_outcome(tmp_path, source, "Vault", "CUL522")
    assert outcome.status.value == cul522, outcome.message
    if cul522 == "not-found":
        assert "converts each record once" in outcome.message
        assert any("user_version.read(user) < 2" in e.note for e in outcome.evidence)


@pytest.mark.parametrize(("bound", "cul524"), [("self.positions.read(user)", "not-found"), ("self.user_count.read()", "fail")])
def test_a_loop_over_one_map_entry_is_not_found_and_a_loop_over_a_count_fails(bound: str, cul524: str, tmp_path: Path) -> None:
    outcome = migration_outcome(tmp_path, PER_RECORD.replace("CHECK", "").replace("BOUND", bound), "Vault", "CUL524")
    assert outcome.status.value == cul524, outcome.message
    if cul524 == "not-found":
        assert "one entry of `positions`" in outcome.message
