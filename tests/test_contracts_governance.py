"""Governance: 5-signer multisig, threshold 3, 48 h timelock, self-administration only."""

from __future__ import annotations

from contracts_support import (
    OUTSIDER,
    SIGNERS,
    START,
    TIMELOCK,
    CompiledClass,
    System,
    event_names,
    reverts,
    selector,
    short,
)
from toolchain.vm import Starknet

# Registers the shared fixtures (`contract_classes`, `seeded_system`, `upgrade_system`) once for the whole session.
pytest_plugins = ["contracts_support"]

STATUS = {"pending": 1, "executed": 2, "cancelled": 3}


def proposal(s: System, proposal_id: int) -> dict[str, int]:
    fields = "proposer target selector class_hash description calldata_len signatures eta status epoch"
    values = s.chain.call(s.governance, "get_proposal", [proposal_id]).retdata
    return dict(zip(fields.split(), values))


def test_constructor_defaults_and_enforced_minimums(
    contract_classes: dict[str, CompiledClass],
) -> None:
    """0 selects threshold 3 and delay 48 h; anything below the policy floor is refused."""
    chain = Starknet(timestamp=START)
    governance_class = chain.declare(contract_classes["governance"].sierra, contract_classes["governance"].casm)
    signers = [len(SIGNERS), *SIGNERS]
    governance = chain.deploy(governance_class, [*signers, 0, 0])
    assert chain.call(governance, "get_threshold").retdata == [3]
    assert chain.call(governance, "get_timelock_delay").retdata == [172_800]
    assert chain.call(governance, "get_signers").retdata == signers
    custom = chain.deploy(governance_class, [*signers, 4, 3 * 86_400])
    assert chain.call(custom, "get_threshold").retdata == [4]
    assert chain.call(custom, "get_timelock_delay").retdata == [259_200]
    refused = {
        "too few signers": [4, *SIGNERS[:4], 3, 0],
        "threshold below minimum": [*signers, 2, 0],
        "threshold above signer count": [*signers, 6, 0],
        "delay below minimum": [*signers, 3, 172_799],
        "duplicate signer": [5, *SIGNERS[:4], SIGNERS[0], 3, 0],
        "signer is zero": [5, *SIGNERS[:4], 0, 3, 0],
    }
    for reason, calldata in refused.items():
        with reverts(reason):
            chain.deploy(governance_class, calldata)


def test_signatures_timelock_and_single_execution(upgrade_system: System) -> None:
    """2 signatures, double signing, early execution, outsiders and re-execution are refused."""
    s = upgrade_system
    v2 = s.class_hashes["exchange_v2"]
    with reverts("caller is not a signer"):
        s.propose_upgrade(s.exchange, v2, proposer=OUTSIDER)
    proposal_id = s.propose_upgrade(s.exchange, v2)
    with reverts("caller is not a signer"):
        s.chain.call(s.governance, "sign", [proposal_id], caller=OUTSIDER)
    s.sign(proposal_id, SIGNERS[:2])
    with reverts("already signed"):
        s.chain.call(s.governance, "sign", [proposal_id], caller=SIGNERS[1])
    s.chain.warp(START + 10 * TIMELOCK)
    with reverts("not enough signatures"):  # 2 of 3, however long ago
        s.execute(proposal_id)
    assert proposal(s, proposal_id)["eta"] == 0
    s.sign(proposal_id, SIGNERS[4:])
    eta = s.chain.timestamp + TIMELOCK
    assert proposal(s, proposal_id)["eta"] == eta
    s.chain.warp(eta - 1)
    with reverts("timelock not expired"):
        s.execute(proposal_id)
    s.chain.warp(eta)
    with reverts("caller is not a signer"):
        s.execute(proposal_id, caller=OUTSIDER)
    assert s.chain.class_hash_at(s.exchange) == s.class_hashes["exchange_v1"]
    s.execute(proposal_id, caller=SIGNERS[3])
    assert s.chain.class_hash_at(s.exchange) == v2
    assert proposal(s, proposal_id)["status"] == STATUS["executed"]
    with reverts("proposal already executed"):
        s.execute(proposal_id)
    with reverts("proposal already executed"):
        s.chain.call(s.governance, "sign", [proposal_id], caller=SIGNERS[1])
    with reverts("proposal not pending"):
        s.chain.call(s.governance, "cancel", [proposal_id], caller=SIGNERS[1])


def test_cancelled_proposal_never_executes(upgrade_system: System) -> None:
    """A signed proposal is cancelled by `threshold` (3) signers, never by one or two; outsiders
    cannot vote; nobody votes twice."""
    s = upgrade_system
    proposal_id = s.propose_upgrade(s.exchange, s.class_hashes["exchange_v2"])
    s.sign(proposal_id)
    with reverts("caller is not a signer"):
        s.chain.call(s.governance, "cancel", [proposal_id], caller=OUTSIDER)
    for votes, signer in enumerate(SIGNERS[3:], start=1):
        result = s.chain.call(s.governance, "cancel", [proposal_id], caller=signer)
        assert result.retdata == [0] and event_names(result) == ["CancelVoted"]
        assert proposal(s, proposal_id)["status"] == STATUS["pending"]
        assert s.chain.call(s.governance, "get_cancel_votes", [proposal_id]).retdata == [votes]
    with reverts("already voted to cancel"):
        s.chain.call(s.governance, "cancel", [proposal_id], caller=SIGNERS[4])
    result = s.chain.call(s.governance, "cancel", [proposal_id], caller=SIGNERS[0])
    assert result.retdata == [1]
    assert event_names(result) == ["CancelVoted", "ProposalCancelled"]
    assert result.events[1].keys[1] == proposal_id and result.events[1].data == [SIGNERS[0]]
    s.chain.warp(s.chain.timestamp + TIMELOCK)
    with reverts("proposal cancelled"):
        s.execute(proposal_id)
    with reverts("proposal cancelled"):
        s.chain.call(s.governance, "sign", [proposal_id], caller=SIGNERS[3])
    assert s.chain.class_hash_at(s.exchange) == s.class_hashes["exchange_v1"]
    with reverts("unknown proposal"):
        s.chain.call(s.governance, "cancel", [proposal_id + 1], caller=SIGNERS[0])


def test_exchange_upgrade_accepts_only_governance(upgrade_system: System) -> None:
    """Signers and outsiders cannot upgrade directly; zero and current class hashes are refused."""
    s = upgrade_system
    v2 = s.class_hashes["exchange_v2"]
    for caller in (OUTSIDER, SIGNERS[0]):
        with reverts("caller is not governance"):
            s.ex("upgrade", [v2], caller=caller)
    with reverts("class hash is zero"):
        s.propose_upgrade(s.exchange, 0)
    with reverts("class hash is zero"):  # a plain call proposal does not bypass the check
        s.govern(s.exchange, "upgrade", [0])
    with reverts("class already current"):
        s.upgrade_exchange(s.class_hashes["exchange_v1"])
    assert s.ex("get_class_hash_history_len") == [0]


def test_governance_changes_itself_only_through_proposals(upgrade_system: System) -> None:
    """Signer/threshold/delay changes need a self-call proposal and keep the policy floor."""
    s = upgrade_system
    newcomer = 0x5166
    for function, calldata in (
        ("add_signer", [newcomer]),
        ("remove_signer", [SIGNERS[0]]),
        ("set_threshold", [4]),
        ("set_timelock_delay", [3 * 86_400]),
    ):
        with reverts("only governance itself"):
            s.chain.call(s.governance, function, calldata, caller=SIGNERS[0])
    stale = s.propose_upgrade(s.exchange, s.class_hashes["exchange_v2"])
    result = s.govern(s.governance, "add_signer", [newcomer])
    assert event_names(result) == ["ProposalExecuted", "SignerAdded"]
    assert s.chain.call(s.governance, "is_signer", [newcomer]).retdata == [1]
    # The signer set changed: proposals of the previous set are void.
    with reverts("signer set changed"):
        s.chain.call(s.governance, "sign", [stale], caller=SIGNERS[0])
    s.propose_call(s.exchange, "get_user_count", proposer=newcomer)
    result = s.govern(s.governance, "remove_signer", [SIGNERS[0]])
    assert event_names(result) == ["ProposalExecuted", "SignerRemoved"]
    assert s.chain.call(s.governance, "get_signers").retdata == [5, newcomer, *SIGNERS[1:]]
    # The floor holds for proposals too: 4 signers, threshold 2, a 47 h delay are all refused.
    for function, calldata, reason in (
        ("remove_signer", [SIGNERS[1]], "too few signers"),
        ("set_threshold", [2], "threshold below minimum"),
        ("set_timelock_delay", [TIMELOCK - 3600], "delay below minimum"),
    ):
        proposal_id = s.propose_call(s.governance, function, calldata, proposer=SIGNERS[1])
        s.sign(proposal_id, SIGNERS[1:4])
        s.chain.warp(s.chain.timestamp + TIMELOCK)
        with reverts(reason):
            s.execute(proposal_id, caller=SIGNERS[1])
    assert s.chain.call(s.governance, "get_threshold").retdata == [3]
    assert s.chain.call(s.governance, "get_timelock_delay").retdata == [TIMELOCK]


def test_raised_threshold_applies_to_new_proposals(upgrade_system: System) -> None:
    """After set_threshold(4), 3 signatures no longer queue a proposal."""
    s = upgrade_system
    threshold = 4
    s.govern(s.governance, "set_threshold", [threshold])
    proposal_id = s.propose_upgrade(s.exchange, s.class_hashes["exchange_v2"])
    s.sign(proposal_id, SIGNERS[: threshold - 1])
    s.chain.warp(s.chain.timestamp + TIMELOCK)
    with reverts("not enough signatures"):
        s.execute(proposal_id)
    s.sign(proposal_id, SIGNERS[threshold - 1 : threshold])
    s.chain.warp(s.chain.timestamp + TIMELOCK)
    s.execute(proposal_id)
    assert s.chain.class_hash_at(s.exchange) == s.class_hashes["exchange_v2"]
    assert selector("upgrade") == proposal(s, proposal_id)["selector"]
    assert proposal(s, proposal_id)["description"] == short("upgrade exchange")
