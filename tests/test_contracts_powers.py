"""The powers table of contracts/README.md: rows not already covered by the other contract tests.

Each test names its row. Refusals are asserted with the contract's own panic text."""

from __future__ import annotations

from contracts_support import (
    ADMIN,
    COUNCIL,
    EMERGENCY_ADMIN,
    OUTSIDER,
    SIGNERS,
    TIMELOCK,
    USERS,
    System,
    event_names,
    reverts,
    short,
)

pytest_plugins = ["contracts_support"]


def status(s: System, proposal_id: int) -> int:
    return s.chain.call(s.governance, "get_proposal", [proposal_id]).retdata[8]


def test_row_cancel_by_the_proposer_before_any_signature(upgrade_system: System) -> None:
    """Row "withdraw own unsigned proposal": the proposer alone, immediately; nobody else alone."""
    s = upgrade_system
    proposal_id = s.propose_upgrade(s.exchange, s.class_hashes["exchange_v2"], proposer=SIGNERS[1])
    result = s.chain.call(s.governance, "cancel", [proposal_id], caller=SIGNERS[2])
    assert result.retdata == [0] and event_names(result) == ["CancelVoted"]
    result = s.chain.call(s.governance, "cancel", [proposal_id], caller=SIGNERS[1])
    assert result.retdata == [1] and event_names(result) == ["ProposalCancelled"]
    assert status(s, proposal_id) == 3


def test_row_no_single_signer_blocks_a_signed_proposal(upgrade_system: System) -> None:
    """Row "cancel a signed proposal": the proposer after a signature and another signer only
    cast two votes of three; the proposal still executes."""
    s = upgrade_system
    proposal_id = s.propose_upgrade(s.exchange, s.class_hashes["exchange_v2"])
    s.sign(proposal_id, SIGNERS[:1])
    for signer in (SIGNERS[0], SIGNERS[4]):  # the proposer, one other signer
        result = s.chain.call(s.governance, "cancel", [proposal_id], caller=signer)
        assert result.retdata == [0] and event_names(result) == ["CancelVoted"]
    s.sign(proposal_id, SIGNERS[1:3])
    s.chain.warp(s.chain.timestamp + TIMELOCK)
    assert event_names(s.execute(proposal_id)) == ["ProposalExecuted", "Upgraded"]
    assert status(s, proposal_id) == 2


def test_row_migration_direction_needs_governance(upgrade_system: System) -> None:
    """Row "authorise a migration or its rollback": governance only; the admin's batches follow
    the authorised direction and nothing else."""
    s = upgrade_system
    s.upgrade_exchange(s.class_hashes["exchange_v2"])
    s.migrate()
    s.chain.call(s.council, "pause", [s.exchange], caller=EMERGENCY_ADMIN)
    for caller in (ADMIN, EMERGENCY_ADMIN, COUNCIL[0], SIGNERS[0], OUTSIDER, s.council):
        with reverts("caller is not governance"):
            s.ex("authorize_migration", [1], caller=caller)
    with reverts("rollback not authorized"):  # an emergency pause gives the admin nothing
        s.ex("rollback_migration", [25], caller=ADMIN)
    s.govern(s.exchange, "authorize_migration", [1])
    for caller in (OUTSIDER, EMERGENCY_ADMIN, SIGNERS[0], USERS[0]):
        with reverts("caller not governance or admin"):
            s.ex("rollback_migration", [25], caller=caller)
    with reverts("migration not authorized"):
        s.ex("migrate_users", [25], caller=ADMIN)
    assert s.unmigrate(3) == [2, 0]  # five users: the cursor walks back 5 -> 2 -> 0
    assert s.ex_value("get_migration_target") == 1


def test_row_invariant_check_is_open_but_only_while_paused(upgrade_system: System) -> None:
    """Row "check_invariants": anyone, paused only, capped batch; a pass is reset by a pause and
    by every migration batch, so resume always follows a pass over the current data."""
    s = upgrade_system
    with reverts("pause before checking"):
        s.ex("check_invariants", [50], caller=OUTSIDER)
    s.chain.call(s.council, "pause", [s.exchange], caller=EMERGENCY_ADMIN)
    for batch in (0, 51):
        with reverts("invalid batch size"):
            s.ex("check_invariants", [batch], caller=OUTSIDER)
    assert s.ex("check_invariants", [2], caller=USERS[0]) == [3]
    assert s.ex("health_check") == [short("invariants not checked")]
    s.check_invariants(2)
    assert s.ex("health_check") == [short("OK")]
    with reverts("check already complete"):
        s.ex("check_invariants", [2], caller=OUTSIDER)
    s.upgrade_exchange(s.class_hashes["exchange_v2"])  # paused: governance may still upgrade
    s.govern(s.exchange, "authorize_migration", [2])
    s.ex("migrate_users", [25], caller=ADMIN)
    assert s.ex("health_check") == [short("invariants not checked")]


def test_row_operator_powers_are_the_admins(upgrade_system: System) -> None:
    """Row "list pairs, grant XP": the exchange admin; not signers, the council or users."""
    s = upgrade_system
    for caller in (OUTSIDER, SIGNERS[0], EMERGENCY_ADMIN, USERS[0]):
        with reverts("caller is not admin"):
            s.ex("list_pair", [short("SOL-USDC"), short("SOL"), short("USDC"), 10], caller=caller)
        with reverts("caller is not admin"):
            s.ex("grant_xp", [USERS[0], 1], caller=caller)
