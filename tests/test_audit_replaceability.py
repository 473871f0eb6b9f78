"""StarkWare-style replaceability (a `ReplaceabilityComponent` from a dependency that is not checked
out) is judged as governance from the knowledge data: the upgrade delay the constructor passes to the
component's `initialize` is the timelock, `replace_to` cannot run the same proposal twice and
`remove_implementation` cancels; the cited lines are the component declaration and the delay."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairo_upgrade_lint.audit.checklist import AuditRun, run
from cairo_upgrade_lint.audit.knowledge import components
from cairo_upgrade_lint.config import Config

SOURCE = """#[starknet::contract]
mod Vault {
    use starkware_utils::components::replaceability::ReplaceabilityComponent;
    use starkware_utils::components::replaceability::ReplaceabilityComponent::InternalReplaceabilityTrait;

    component!(path: ReplaceabilityComponent, storage: replaceability, event: ReplaceabilityEvent);
    #[abi(embed_v0)]
    impl ReplaceabilityImpl = ReplaceabilityComponent::ReplaceabilityImpl<ContractState>;

    #[storage]
    struct Storage {
        #[substorage(v0)]
        replaceability: ReplaceabilityComponent::Storage,
        balance: u128,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        ReplaceabilityEvent: ReplaceabilityComponent::Event,
    }

    #[constructor]
    fn constructor(ref self: ContractState, delay: u64) {
        INITIALIZE
    }
}
"""


def audit(tmp_path: Path, initialize: str) -> AuditRun:
    path = tmp_path / "vault.cairo"
    path.write_text(SOURCE.replace("INITIALIZE", initialize))
    return run(str(path), Config(), ("governance",))


def outcomes(result: AuditRun) -> dict[str, tuple[str, str, list[tuple[int, str]]]]:
    return {
        r.requirement.id: (r.outcome.status.value, r.outcome.message, [(e.location.line, e.note) for e in r.outcome.evidence])
        for r in result.results
    }


def test_the_knowledge_is_data_next_to_openzeppelins() -> None:
    data = components()["ReplaceabilityComponent"]
    assert data["kind"] == "replaceability" and data["execute"] == ["replace_to"] and data["delay"] == "member:upgrade_delay"
    assert "TimelockControllerComponent" in components()


@pytest.mark.parametrize(
    ("initialize", "status", "words"),
    [
        (
            "self.replaceability.initialize(upgrade_delay: 172800);",
            "pass",
            "`replace_to` waits the upgrade delay, 172800 s (48 h)",
        ),
        ("self.replaceability.initialize(upgrade_delay: 0);", "fail", "the upgrade delay `upgrade_delay` is 0 s (0 h), below"),
        ("self.replaceability.initialize(upgrade_delay: delay);", "not-found", "not a constant"),
        ("", "not-found", "the constructor does not call the component's `initialize`"),
    ],
)
def test_the_upgrade_delay_is_the_timelock(tmp_path: Path, initialize: str, status: str, words: str) -> None:
    result = audit(tmp_path, initialize)
    assert [r.contract.name for r in result.results if r.contract] == ["Vault"] * 6
    found, message, evidence = outcomes(result)["CUL502"]
    assert (found, words in message) == (status, True), message
    if initialize:  # the cited line is the constructor's initialize call
        assert evidence == [(25, f"constructor: initialize(upgrade_delay: {initialize.split(': ')[1].rstrip(');')})")]


def test_replace_to_runs_once_and_remove_implementation_cancels(tmp_path: Path) -> None:
    found = outcomes(audit(tmp_path, "self.replaceability.initialize(upgrade_delay: 172800);"))
    assert found["CUL503"][0] == "pass" and "clears the implementation's activation time" in found["CUL503"][1]
    assert found["CUL504"][:2] == ("pass", "`remove_implementation` cancels a proposed implementation (ReplaceabilityComponent)")
    assert found["CUL506"][0] == "pass" and "`upgrade_governor`, the role that adds and executes" in found["CUL506"][1]
    assert found["CUL503"][2][0][0] == 6  # the component! line
    assert found["CUL501"][0] == "not-found" and "`upgrade_governor`" in found["CUL501"][1]
    assert found["CUL505"][0] == "not-found"


def test_a_contract_without_the_component_is_not_governance(tmp_path: Path) -> None:
    path = tmp_path / "plain.cairo"
    path.write_text(SOURCE.replace("ReplaceabilityComponent", "PausableComponent").replace("INITIALIZE", ""))
    assert all(r.contract is None for r in run(str(path), Config(), ("governance",)).results)
