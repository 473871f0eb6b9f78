"""The complete upgrade of the reference exchange, v1 -> v2 and back, in the real VM."""

from __future__ import annotations

from contracts_support import (
    ADMIN,
    COUNCIL,
    EMERGENCY_ADMIN,
    SIGNERS,
    TIMELOCK,
    USERS,
    System,
    event_names,
    reverts,
    selector,
    short,
    snapshot,
)

# Registers the shared fixtures (`contract_classes`, `seeded_system`, `upgrade_system`) once for the whole session.
pytest_plugins = ["contracts_support"]

XP_PER_LEVEL = 300


def level_for(xp: int) -> int:
    return min(1 + xp // XP_PER_LEVEL, 255)


def legacy_fields(s: System, user: int) -> list[int]:
    """A user's v1 per-field slots, raw: balance, xp, trade count, registration time."""
    names = ("user_balance", "user_xp", "user_trade_count", "user_registered_at")
    return [s.slot(name, user) for name in names]


def user_views(s: System, user: int) -> list[int]:
    """The same four values through the views v1 and v2 share."""
    names = ("get_balance", "get_xp", "get_user_trade_count", "get_registered_at")
    return [s.ex_value(name, user) for name in names]


def test_complete_upgrade_migration_and_rollback(upgrade_system: System) -> None:
    """Propose, 3 signatures, 48 h, execute; data intact; batched migration; exact rollback."""
    s = upgrade_system
    v1, v2 = s.class_hashes["exchange_v1"], s.class_hashes["exchange_v2"]
    assert s.chain.class_hash_at(s.exchange) == v1 == s.ex_value("get_current_class_hash")
    assert s.ex("health_check") == [short("invariants not checked")]  # no pass since deployment
    assert s.ex_value("version") == 1
    before = snapshot(s)
    legacy_before = {user: legacy_fields(s, user) for user in USERS}
    assert all(balance > 0 and trades > 0 for balance, _, trades, _ in legacy_before.values())
    # v1's views read exactly these slots (LegacyMap entry = pedersen(sn_keccak(name), key)).
    assert user_views(s, USERS[2]) == legacy_before[USERS[2]]

    # Governance: propose, three signatures (the third queues it), 48 h, execute.
    proposal_id = s.propose_upgrade(s.exchange, v2)
    proposal = s.chain.call(s.governance, "get_proposal", [proposal_id]).retdata
    assert proposal[1:4] == [s.exchange, selector("upgrade"), v2]
    assert s.chain.call(s.governance, "get_proposal_calldata", [proposal_id]).retdata == [1, v2]
    for signer in SIGNERS[:2]:
        result = s.chain.call(s.governance, "sign", [proposal_id], caller=signer)
        assert event_names(result) == ["ProposalSigned"]
    signed_at = s.chain.timestamp
    result = s.chain.call(s.governance, "sign", [proposal_id], caller=SIGNERS[2])
    assert event_names(result) == ["ProposalSigned", "ProposalQueued"]
    assert result.events[1].data == [signed_at + TIMELOCK]
    s.chain.warp(signed_at + TIMELOCK)
    result = s.execute(proposal_id)
    assert event_names(result) == ["ProposalExecuted", "Upgraded"]
    assert result.events[1].from_address == s.exchange
    assert result.events[1].data == [v1, v2]

    # The class changed; address and storage did not.
    assert s.chain.class_hash_at(s.exchange) == v2
    assert s.ex_value("version") == 2
    assert s.ex("get_class_hash_history", [0]) == [v1]
    assert s.slot("current_class_hash") == v2 and s.slot("class_hash_history_len") == 1
    changed = {label for label, value in snapshot(s).items() if before[label] != value}
    assert changed == {
        "current_class_hash[]+0",
        "class_hash_history[0]+0",
        "class_hash_history_len[]+0",
    }
    # v2 serves the v1 data before migrating it, but trading waits for the migration.
    for user in (USERS[0], USERS[4]):
        balance, xp, trades, registered_at = legacy_before[user]
        assert s.ex("get_user", [user]) == [balance, xp, level_for(xp), trades, registered_at]
    with reverts("migration pending"):
        s.ex("deposit", [1], caller=USERS[0])

    # Batched migration: 2 users per call, the cursor advances, the last batch completes it.
    remaining = []
    for _ in range(3):
        result = s.chain.call(s.exchange, "migrate_users", [2], caller=ADMIN)
        remaining.append(result.retdata[0])
    assert remaining == [3, 1, 0]
    assert event_names(result) == ["MigrationProgress", "MigrationCompleted"]
    assert result.events[0].data == [4, 5, 5]
    assert s.slot("storage_version") == 2 and s.slot("migration_cursor") == 5
    for user, (balance, xp, trades, registered_at) in legacy_before.items():
        # The packed record holds the v1 values; the cleared v1 slots now read zero.
        record = [s.slot("user_records", user, offset=i) for i in range(5)]
        assert record == [balance, xp, level_for(xp), trades, registered_at]
        assert legacy_fields(s, user) == [0, 0, 0, 0]
    assert user_views(s, USERS[4]) == legacy_before[USERS[4]]
    assert s.ex("get_user", [USERS[2]])[2] == 4
    assert [s.slot("user_records", user, offset=2) for user in USERS] == [2, 1, 4, 1, 5]
    assert s.ex("health_check") == [short("invariants not checked")]
    with reverts("already migrated"):
        s.ex("migrate_users", [2], caller=ADMIN)

    # Roll everything back: pause, governance authorises the reverse migration, the admin runs
    # it in batches, council rollback to v1.
    s.chain.call(s.council, "pause", [s.exchange], caller=EMERGENCY_ADMIN)
    s.check_invariants()
    assert s.ex("health_check") == [short("OK")]
    s.govern(s.exchange, "authorize_migration", [1])
    assert s.chain.call(s.exchange, "rollback_migration", [3], caller=ADMIN).retdata == [2]
    assert s.slot("storage_version") == 1 and s.slot("migration_cursor") == 2
    result = s.chain.call(s.exchange, "rollback_migration", [3], caller=ADMIN)
    assert result.retdata == [0]
    assert event_names(result) == ["MigrationProgress", "MigrationRolledBack"]
    assert s.chain.call(s.council, "rollback", [s.exchange], caller=COUNCIL[0]).retdata == [0]
    assert s.chain.class_hash_at(s.exchange) == v2  # one approval of two
    result = s.chain.call(s.council, "rollback", [s.exchange], caller=COUNCIL[2])
    assert event_names(result) == ["EmergencyApproval", "EmergencyAction", "RolledBack"]
    assert s.chain.class_hash_at(s.exchange) == v1
    assert s.ex_value("is_paused") == 1

    # Governance resumes after the on-chain health check; every slot is back exactly.
    result = s.resume()
    assert event_names(result) == ["ProposalExecuted", "Resumed"]
    assert snapshot(s) == before
    assert user_views(s, USERS[0]) == legacy_before[USERS[0]]
    s.ex("deposit", [5], caller=USERS[0])
    assert s.ex_value("get_balance", USERS[0]) == legacy_before[USERS[0]][0] + 5


def test_v2_features_after_migration(upgrade_system: System) -> None:
    """Levels, level achievements and the packed record work once v2 is migrated."""
    s = upgrade_system
    s.upgrade_exchange(s.class_hashes["exchange_v2"])
    assert s.ex("migrate_users", [25], caller=ADMIN) == [0]
    user = USERS[1]  # 200 XP: level 1, one trade away from level 2
    assert s.ex("get_user", [user])[1:3] == [200, 1]
    result = s.chain.call(s.exchange, "open_position", [short("ETH-USDC"), 1_000, 2_500, 1], caller=user)
    assert event_names(result) == ["TradeExecuted", "LevelUp"]
    assert result.events[1].data == [2]
    assert s.ex("get_user", [user])[1:4] == [300, 2, 3]
    result = s.chain.call(s.exchange, "grant_xp", [user, 300], caller=ADMIN)
    assert event_names(result) == ["XpGranted", "LevelUp", "AchievementUnlocked"]
    assert s.ex_value("has_achievement", user, short("LEVEL_3")) == 1
    # New users register straight into the packed layout; the invariant still holds.
    newcomer = 0x2000
    s.ex("register", caller=newcomer)
    s.ex("deposit", [700], caller=newcomer)
    s.ex("withdraw", [200], caller=newcomer)
    assert s.ex("get_user", [newcomer])[:3] == [500, 0, 1]
    assert s.slot("user_balance", newcomer) == 0
    assert s.ex_value("get_user_count") == len(USERS) + 1
    assert s.ex_value("get_migration_cursor") == len(USERS) + 1  # registered on the packed layout
    s.chain.call(s.council, "pause", [s.exchange], caller=EMERGENCY_ADMIN)
    s.check_invariants(batch_size=4)
    assert s.ex("health_check") == [short("OK")]


def test_class_rollback_refused_before_the_migration_rollback(upgrade_system: System) -> None:
    """v2 refuses to hand migrated (or half-migrated) data to v1 code: the class rollback waits
    for the reverse migration, by the council and by governance alike."""
    s = upgrade_system
    s.upgrade_exchange(s.class_hashes["exchange_v2"])
    s.ex("migrate_users", [2], caller=ADMIN)  # half-migrated
    with reverts("roll back the migration first"):
        s.chain.call(s.council, "rollback", [s.exchange], caller=EMERGENCY_ADMIN)
    s.migrate()
    with reverts("roll back the migration first"):
        s.chain.call(s.council, "rollback", [s.exchange], caller=EMERGENCY_ADMIN)
    proposal_id = s.propose_call(s.exchange, "rollback")
    s.sign(proposal_id)
    s.chain.warp(s.chain.timestamp + TIMELOCK)
    with reverts("roll back the migration first"):
        s.execute(proposal_id)
    assert s.chain.class_hash_at(s.exchange) == s.class_hashes["exchange_v2"]
    assert s.chain.call(s.governance, "get_proposal", [proposal_id]).retdata[8] == 1  # pending
