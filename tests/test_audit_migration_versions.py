"""CUL522 on a migration whose initialised flag is set from a named constant whose value the tool does
not know (a constant struct's field): asserting the members unset before writing them is its version
check; without the assertion the migration can run twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairo_upgrade_lint.audit import run
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


@pytest.mark.parametrize(
    ("check", "expected"),
    [("assert(min_amount == 0 && base == 0, 'already initialized');", "pass"), ("let _ = (min_amount, base);", "fail")],
)
def test_flag_written_from_a_constant_struct_field(check: str, expected: str, tmp_path: Path) -> None:
    (tmp_path / "contract.cairo").write_text(EIC.replace("CHECK", check))
    result = run(str(tmp_path), Config(), ("migration",), "VaultEIC")
    outcome = next(r.outcome for r in result.results if r.requirement.id == "CUL522")
    assert outcome.status.value == expected, outcome.message
    if expected == "pass":
        assert any("min_amount == 0" in e.note for e in outcome.evidence)
