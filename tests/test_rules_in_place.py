"""Upgrade findings on a contract whose old version cannot be upgraded in place are notes."""

from __future__ import annotations

from pathlib import Path

from rule_cases import analyse_sources
from test_rules_interface import UPGRADE, contract

from cairo_upgrade_lint.findings import Finding

WITHDRAW = "\n    #[external(v0)]\n    fn withdraw(ref self: ContractState, amount: u128) {}\n"
LIBRARY_CALLER = """
#[starknet::contract]
mod Router {
    use starknet::ClassHash;
    #[storage]
    struct Storage {
        facet: ClassHash,
    }

    #[external(v0)]
    fn forward(ref self: ContractState, selector: felt252, calldata: Span<felt252>) -> Span<felt252> {
        starknet::syscalls::library_call_syscall(self.facet.read(), selector, calldata).unwrap()
    }
}
"""
UNKNOWN_COMPONENT = """
    use upgrades_lib::upgradeable_component;
    component!(path: upgradeable_component, storage: upgradeable, event: UpgradeableEvent);
"""


def removal(tmp_path: Path, old: str, new: str) -> Finding:
    [finding] = [f for f in analyse_sources(tmp_path, old=old, new=new) if f.rule_id == "CUL203"]
    return finding


def test_removal_from_a_contract_that_cannot_upgrade_is_a_note(tmp_path: Path) -> None:
    finding = removal(tmp_path, contract(WITHDRAW), contract(""))
    assert finding.severity.value == "note"
    assert "the old Vault cannot replace its class" in finding.message


def test_removal_from_an_upgradeable_contract_is_an_error(tmp_path: Path) -> None:
    finding = removal(tmp_path, contract(WITHDRAW + UPGRADE), contract(UPGRADE))
    assert finding.severity.value == "error" and "cannot replace" not in finding.message


def test_an_unresolved_component_may_hide_an_upgrade_path(tmp_path: Path) -> None:
    finding = removal(tmp_path, contract(UNKNOWN_COMPONENT + WITHDRAW), contract(UNKNOWN_COMPONENT))
    assert finding.severity.value == "error"


def test_a_library_call_in_the_old_version_may_run_any_class(tmp_path: Path) -> None:
    finding = removal(tmp_path, contract(WITHDRAW) + LIBRARY_CALLER, contract("") + LIBRARY_CALLER)
    assert finding.severity.value == "error"
