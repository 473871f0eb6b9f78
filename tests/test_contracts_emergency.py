"""Emergency: admin or 2-of-3 council pause and roll back; only governance resumes."""

from __future__ import annotations

from contracts_support import (
    ADMIN,
    COUNCIL,
    EMERGENCY_ADMIN,
    OUTSIDER,
    SIGNERS,
    USERS,
    System,
    event_names,
    reverts,
    short,
)

# Registers the shared fixtures (`contract_classes`, `seeded_system`, `upgrade_system`) once for the whole session.
pytest_plugins = ["contracts_support"]


def test_emergency_admin_pause_stops_every_user_operation(upgrade_system: System) -> None:
    """Outsiders cannot pause; once paused, register/deposit/withdraw/trade are refused."""
    s = upgrade_system
    with reverts("not emergency authority"):
        s.chain.call(s.council, "pause", [s.exchange], caller=OUTSIDER)
    for caller in (OUTSIDER, EMERGENCY_ADMIN, SIGNERS[0], ADMIN):
        with reverts("caller is not emergency"):  # only the council contract or governance
            s.ex("pause", caller=caller)
    assert s.ex("is_paused") == [0]
    result = s.chain.call(s.council, "pause", [s.exchange], caller=EMERGENCY_ADMIN)
    assert result.retdata == [1]
    assert event_names(result) == ["EmergencyAction", "Paused"]
    assert result.events[1].data == [s.council]
    assert s.ex("is_paused") == [1]
    user = USERS[0]
    operations = [
        ("register", [], 0x3000),
        ("deposit", [10], user),
        ("withdraw", [10], user),
        ("open_position", [short("ETH-USDC"), 10, 2_000, 1], user),
    ]
    for function, calldata, caller in operations:
        with reverts("exchange paused"):
            s.ex(function, calldata, caller=caller)
    with reverts("already paused"):
        s.chain.call(s.council, "pause", [s.exchange], caller=EMERGENCY_ADMIN)


def test_council_needs_two_of_three_approvals(upgrade_system: System) -> None:
    """One member only records an approval; a second distinct member carries out the pause."""
    s = upgrade_system
    result = s.chain.call(s.council, "pause", [s.exchange], caller=COUNCIL[1])
    assert result.retdata == [0] and event_names(result) == ["EmergencyApproval"]
    assert s.ex("is_paused") == [0]
    with reverts("already approved"):
        s.chain.call(s.council, "pause", [s.exchange], caller=COUNCIL[1])
    approvals = [short("PAUSE"), s.exchange]
    assert s.chain.call(s.council, "get_approvals", approvals).retdata == [1]
    result = s.chain.call(s.council, "pause", [s.exchange], caller=COUNCIL[0])
    assert event_names(result) == ["EmergencyApproval", "EmergencyAction", "Paused"]
    assert s.ex("is_paused") == [1]
    # A new round starts: the approvals that paused once do not count again.
    assert s.chain.call(s.council, "get_approvals", approvals).retdata == [0]


def test_resume_only_by_governance_after_health_check(upgrade_system: System) -> None:
    """Emergency admin, council members, signers and the admin cannot resume; governance can."""
    s = upgrade_system
    s.chain.call(s.council, "pause", [s.exchange], caller=EMERGENCY_ADMIN)
    for caller in (EMERGENCY_ADMIN, COUNCIL[0], SIGNERS[0], ADMIN, OUTSIDER):
        with reverts("caller is not governance"):
            s.ex("resume", caller=caller)
    assert s.ex("health_check") == [short("invariants not checked")]
    with reverts("invariants not checked"):  # resume needs a complete invariant pass
        s.govern(s.exchange, "resume")
    result = s.chain.call(s.exchange, "check_invariants", [50], caller=OUTSIDER)
    assert result.retdata == [0] and event_names(result) == ["InvariantsChecked"]
    assert s.ex("health_check") == [short("OK")]
    result = s.govern(s.exchange, "resume")
    assert event_names(result) == ["ProposalExecuted", "Resumed"]
    assert s.ex("is_paused") == [0]
    s.ex("deposit", [10], caller=USERS[0])


def test_rollback_refusals(upgrade_system: System) -> None:
    """Unauthorized rollbacks are refused, and so is a rollback with no history."""
    s = upgrade_system
    with reverts("not emergency authority"):
        s.chain.call(s.council, "rollback", [s.exchange], caller=OUTSIDER)
    for caller in (OUTSIDER, EMERGENCY_ADMIN, SIGNERS[0]):
        with reverts("caller is not emergency"):
            s.ex("rollback", caller=caller)
    with reverts("no previous class"):
        s.chain.call(s.council, "rollback", [s.exchange], caller=EMERGENCY_ADMIN)
    assert s.ex("is_paused") == [0]


def test_rollback_restores_previous_class_and_pauses(upgrade_system: System) -> None:
    """Admin rollback after an upgrade: previous class, history popped, paused until resumed."""
    s = upgrade_system
    v1, v2 = s.class_hashes["exchange_v1"], s.class_hashes["exchange_v2"]
    s.upgrade_exchange(v2)
    result = s.chain.call(s.council, "rollback", [s.exchange], caller=EMERGENCY_ADMIN)
    assert event_names(result) == ["EmergencyAction", "Paused", "RolledBack"]
    assert result.events[2].data == [v2, v1]
    assert s.chain.class_hash_at(s.exchange) == v1
    assert s.ex("get_class_hash_history_len") == [0]
    assert s.slot("class_hash_history", 0) == 0
    assert s.ex("is_paused") == [1]
    with reverts("no previous class"):
        s.chain.call(s.council, "rollback", [s.exchange], caller=EMERGENCY_ADMIN)
    s.resume()  # never migrated: v1's health check passes
    assert s.ex("is_paused") == [0]


def test_emergency_admin_replaced_only_by_governance(upgrade_system: System) -> None:
    """set_emergency_admin refuses direct calls; after governance sets it, the old admin is out."""
    s = upgrade_system
    new_admin = 0xE1
    for caller in (EMERGENCY_ADMIN, SIGNERS[0]):
        with reverts("caller is not governance"):
            s.chain.call(s.council, "set_emergency_admin", [new_admin], caller=caller)
    result = s.govern(s.council, "set_emergency_admin", [new_admin])
    assert event_names(result) == ["ProposalExecuted", "EmergencyAdminChanged"]
    assert s.chain.call(s.council, "get_emergency_admin").retdata == [new_admin]
    with reverts("not emergency authority"):
        s.chain.call(s.council, "pause", [s.exchange], caller=EMERGENCY_ADMIN)
    s.chain.call(s.council, "pause", [s.exchange], caller=new_admin)
    assert s.ex("is_paused") == [1]
