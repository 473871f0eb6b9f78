"""Issue 25: profiles apply by structure (not member names), OpenZeppelin governance knowledge as
data, and evidence that is the code it names."""

from __future__ import annotations

import re
from pathlib import Path

from cairo_upgrade_lint.audit import knowledge, run
from cairo_upgrade_lint.audit.base import Status
from cairo_upgrade_lint.config import Config

FIXTURES = Path(__file__).parent / "fixtures" / "audit"

NAMED_ONLY = """
#[starknet::contract]
mod Oracle {
    use starknet::get_caller_address;
    use starknet::storage::{Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess, StoragePointerWriteAccess};
    #[storage]
    struct Storage { admin: starknet::ContractAddress, sources_threshold: u32, delay: u64, prices: Map<felt252, u128> }
    #[external(v0)]
    fn set_sources_threshold(ref self: ContractState, t: u32) {
        assert(get_caller_address() == self.admin.read(), 'admin');
        self.sources_threshold.write(t);
    }
    #[external(v0)]
    fn publish(ref self: ContractState, key: felt252, price: u128) { self.prices.write(key, price); }
    #[external(v0)]
    fn cancel_stream(ref self: ContractState, key: felt252) { self.prices.write(key, 0); }
}
"""

MULTISIG_ACCOUNT = """
#[starknet::contract]
mod MultisigAccount {
    use starknet::syscalls::call_contract_syscall;
    use starknet::storage::{Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess};
    #[storage]
    struct Storage { threshold: u32, approvals: Map<felt252, u32> }
    #[external(v0)]
    fn __validate__(ref self: ContractState, calls: Array<felt252>) -> felt252 { 'VALID' }
    #[external(v0)]
    fn approve(ref self: ContractState, id: felt252) { self.approvals.write(id, self.approvals.read(id) + 1); }
    #[external(v0)]
    fn __execute__(ref self: ContractState, id: felt252, to: starknet::ContractAddress, selector: felt252) {
        assert(self.approvals.read(id) >= self.threshold.read(), 'quorum');
        call_contract_syscall(to, selector, array![].span()).unwrap();
    }
}
"""


def audit(tmp_path: Path, source: str, profile: str = "governance"):
    (tmp_path / "contract.cairo").write_text(source)
    return run(str(tmp_path), Config(), (profile,))


def test_member_names_do_not_make_a_contract_governance(tmp_path: Path) -> None:
    result = audit(tmp_path, NAMED_ONLY)
    assert all(r.contract is None for r in result.results)  # threshold, delay, cancel_stream: not governance


def test_a_multisig_account_is_not_governance_nor_rollback(tmp_path: Path) -> None:
    assert all(r.contract is None for r in audit(tmp_path, MULTISIG_ACCOUNT).results)
    assert all(r.contract is None for r in run(str(tmp_path), Config(), ("rollback",)).results)


def test_reference_governance_is_recognised_by_structure() -> None:
    result = run(str(FIXTURES / "governance"), Config(), ("governance",))
    assert {r.contract.name for r in result.results if r.contract} and all(
        r.outcome.status is Status.PASS for r in result.results
    )


def test_governance_knowledge_is_data() -> None:
    data = knowledge.components()
    assert data["TimelockControllerComponent"]["kind"] == "governance"
    assert "cast_vote_by_sig" in data["GovernorComponent"]["approve"]
    assert "relay" in data["GovernorComponent"]["other"]
    assert data["GovernorCoreExecutionComponent"]["delay"] == "none"
    assert data["AccessControlDefaultAdminRulesComponent"]["kind"] == "delayed-admin"


_CONSTRUCT = re.compile(r": (?:asserts|compares|sets|writes|reads) `?([A-Za-z_][A-Za-z0-9_.!]*)")


def test_every_cited_line_contains_the_construct_its_note_names() -> None:
    """Evidence of every requirement of every reference fixture and of the reference system: a note
    'f: asserts X ...', 'f: sets X = ...', 'f: reads `X`' cites a line that holds X's first name."""
    roots = [FIXTURES / p for p in ("governance", "rollback", "migration", "proxy-pattern", "diamond-pattern")]
    checked = 0
    for root in roots:
        result = run(str(root), Config(), ("proxy-pattern", "diamond-pattern", "governance", "migration", "rollback"))
        for r in result.results:
            for evidence in r.outcome.evidence:
                match = _CONSTRUCT.search(evidence.note)
                if match is None or not Path(evidence.location.path).is_file():
                    continue
                lines = Path(evidence.location.path).read_text().splitlines()
                first = re.split(r"[.(! ]", match.group(1))[0]
                window = "\n".join(lines[evidence.location.line - 1 : evidence.location.line + 2])
                assert first in window, (r.requirement.id, evidence)
                checked += 1
    assert checked > 10


def test_governance_verdict_and_evidence_agree(tmp_path: Path) -> None:
    """No 'never written' message next to evidence of a write."""
    result = run(str(FIXTURES / "governance"), Config(), ("governance",))
    for r in result.results:
        if "never written" in r.outcome.message:
            assert not any("sets" in e.note or "writes" in e.note for e in r.outcome.evidence)
