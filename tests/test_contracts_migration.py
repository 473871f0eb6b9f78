"""Migration v1 -> v2: guarded, version-checked, batched, backed up and reversible."""

from __future__ import annotations

import pytest
from contracts_support import (
    ADMIN,
    EMERGENCY_ADMIN,
    OUTSIDER,
    SIGNERS,
    USERS,
    CompiledClass,
    System,
    deploy_system,
    reverts,
    short,
    snapshot,
)
from starkware.starknet.public.abi import get_storage_var_address, starknet_keccak

# Registers the shared fixtures (`contract_classes`, `seeded_system`, `upgrade_system`) once for the whole session.
pytest_plugins = ["contracts_support"]


def test_v1_layout_is_where_the_views_read(upgrade_system: System) -> None:
    """Raw v1 slots (sn_keccak names, pedersen-folded keys, consecutive struct members)."""
    s = upgrade_system
    assert s.chain.storage(s.exchange, starknet_keccak(b"storage_version")) == 1
    assert s.slot("user_count") == len(USERS)
    user, pair = USERS[2], short("ETH-USDC")
    position = s.ex("get_position", [user, pair])
    assert position == [s.slot("positions", user, pair, offset=i) for i in range(3)]
    assert position[0] > 0 and position[2] == 1
    assert s.slot("achievements", user, short("FIRST_TRADE")) == 1
    assert s.slot("user_at", 2) == user
    assert get_storage_var_address("user_balance", user) != get_storage_var_address("user_records", user)


def test_migration_entry_points_are_guarded_and_version_checked(upgrade_system: System) -> None:
    """Only governance or the admin run batches, only in the direction governance authorised;
    batch size bounded; never twice; the way back needs a pause and its own authorisation."""
    s = upgrade_system
    s.upgrade_exchange(s.class_hashes["exchange_v2"])
    for caller in (OUTSIDER, EMERGENCY_ADMIN, SIGNERS[0], USERS[0]):
        with reverts("caller not governance or admin"):
            s.ex("migrate_users", [5], caller=caller)
        with reverts("caller not governance or admin"):
            s.ex("rollback_migration", [5], caller=caller)
    for batch in (0, 26):
        with reverts("invalid batch size"):
            s.ex("migrate_users", [batch], caller=ADMIN)
    with reverts("rollback not authorized"):
        s.ex("rollback_migration", [5], caller=ADMIN)
    assert s.ex("migrate_users", [25], caller=ADMIN) == [0]
    with reverts("already migrated"):
        s.ex("migrate_users", [1], caller=ADMIN)
    with reverts("rollback not authorized"):
        s.ex("rollback_migration", [5], caller=ADMIN)
    with reverts("pause before rollback"):  # governance cannot authorise it while live either
        s.govern(s.exchange, "authorize_migration", [1])
    with reverts("unknown storage version"):
        s.govern(s.exchange, "authorize_migration", [3])


def test_partial_migration_rolls_back_exactly_and_can_rerun(upgrade_system: System) -> None:
    """Half-migrated data is served correctly, converted back slot for slot, then migrated again."""
    s = upgrade_system
    before = snapshot(s)
    s.upgrade_exchange(s.class_hashes["exchange_v2"])
    assert s.ex("migrate_users", [2], caller=ADMIN) == [3]
    migrated, pending = USERS[1], USERS[2]
    for user in (migrated, pending):  # record for the first, v1 maps for the second
        balance = before[f"user_balance[{user}]+0"]
        assert s.ex("get_balance", [user]) == [balance] and balance > 0
    assert s.slot("user_balance", migrated) == 0
    assert s.slot("user_records", pending) == 0
    assert s.ex("health_check") == [short("storage version mismatch")]
    with reverts("migration pending"):
        s.ex("withdraw", [1], caller=pending)

    s.chain.call(s.council, "pause", [s.exchange], caller=EMERGENCY_ADMIN)
    s.govern(s.exchange, "authorize_migration", [1])
    assert s.ex("rollback_migration", [25], caller=ADMIN) == [0]
    with reverts("nothing to roll back"):
        s.ex("rollback_migration", [1], caller=ADMIN)
    changed = {label for label, value in snapshot(s).items() if before[label] != value}
    assert changed == {
        "paused[]+0",
        "current_class_hash[]+0",
        "class_hash_history[0]+0",
        "class_hash_history_len[]+0",
    }
    # A rolled-back migration runs again only once governance authorises it; governance may
    # run batches itself too.
    with reverts("migration not authorized"):
        s.ex("migrate_users", [25], caller=ADMIN)
    s.govern(s.exchange, "authorize_migration", [2])
    s.govern(s.exchange, "migrate_users", [25])
    assert s.ex("get_storage_version") == [2]
    assert s.ex("health_check") == [short("invariants not checked")]
    s.check_invariants()
    assert s.ex("health_check") == [short("OK")]


@pytest.mark.vm
def test_fresh_v2_deployment_needs_no_migration(contract_classes: dict[str, CompiledClass]) -> None:
    """The v2 constructor starts on the v2 layout: migrate refuses, trading works at once."""
    s = deploy_system(contract_classes)
    v2 = s.class_hashes["exchange_v2"]
    fresh = s.chain.deploy(v2, [s.governance, s.council, ADMIN, v2])
    assert s.chain.call(fresh, "get_storage_version").retdata == [2]
    with reverts("already migrated"):
        s.chain.call(fresh, "migrate_users", [1], caller=ADMIN)
    s.chain.call(fresh, "register", caller=USERS[0])
    s.chain.call(fresh, "deposit", [100], caller=USERS[0])
    assert s.chain.call(fresh, "get_user", [USERS[0]]).retdata[:3] == [100, 0, 1]
