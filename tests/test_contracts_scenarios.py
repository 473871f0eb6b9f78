"""The seed's three end-to-end scenarios and issue 21's probe, in the VM with the real 2.1.0 compiler.

Every scenario runs on governance (5 signers, 3 to pass, 48 h), the emergency council, the
exchange (v1 -> v2 by replace_class) and a governed LedgerProxy, all on one chain. "Live state"
is read through the views v1 and v2 share, so the same function compares the two versions.
"""

from __future__ import annotations

from contracts_support import (
    ADMIN,
    COUNCIL,
    EMERGENCY_ADMIN,
    PAIRS,
    SIGNERS,
    TIMELOCK,
    USERS,
    System,
    event_names,
    reverts,
    short,
)

pytest_plugins = ["contracts_support"]

ACHIEVEMENTS = ("FIRST_TRADE", "LEVEL_3")
NEWCOMER = 0x2000


def live_state(s: System) -> dict[str, object]:
    """Every datum of the exchange through the shared views: per user balance, XP, trade count,
    registration time, positions and achievements; the trade history; the totals."""
    users = s.users()
    state: dict[str, object] = {
        "users": users,
        "total_deposits": s.ex_value("get_total_deposits"),
        "fees": s.ex_value("get_fees_collected"),
        "trades": [s.ex("get_trade", [i]) for i in range(s.ex_value("get_trade_count"))],
    }
    for user in users:
        state[f"{user:#x}"] = {
            "balance": s.ex_value("get_balance", user),
            "xp": s.ex_value("get_xp", user),
            "trade_count": s.ex_value("get_user_trade_count", user),
            "registered_at": s.ex_value("get_registered_at", user),
            "positions": [s.ex("get_position", [user, short(p)]) for p in PAIRS],
            "achievements": [s.ex_value("has_achievement", user, short(a)) for a in ACHIEVEMENTS],
        }
    return state


def balances_add_up(s: System) -> bool:
    """sum(balances) + fees == total_deposits, through the views (either layout)."""
    total = sum(s.ex_value("get_balance", user) for user in s.users())
    return total + s.ex_value("get_fees_collected") == s.ex_value("get_total_deposits")


def v2_activity(s: System) -> None:
    """After the migration: a deposit of 1000, trades, a new user with a deposit and a trade."""
    s.ex("deposit", [1_000], caller=USERS[0])
    s.ex("open_position", [short("ETH-USDC"), 1_000, 2_500, 1], caller=USERS[1])  # levels up
    s.ex("grant_xp", [USERS[3], 500], caller=ADMIN)  # LEVEL_3
    s.ex("register", caller=NEWCOMER)
    s.ex("deposit", [5_000], caller=NEWCOMER)
    s.ex("open_position", [short("BTC-USDC"), 2_000, 3_000, 0], caller=NEWCOMER)


def upgrade_and_migrate(s: System, batch: int = 2) -> None:
    s.upgrade_exchange(s.class_hashes["exchange_v2"])
    s.migrate(batch)


def reverse_migration(s: System, batch: int = 2) -> list[int]:
    """Governance authorises the way back (paused), the admin runs the batches; the invariants
    hold after every batch."""
    result = s.govern(s.exchange, "authorize_migration", [1])
    assert event_names(result) == ["ProposalExecuted", "MigrationAuthorized"]
    count = s.ex_value("get_user_count")
    left = []
    while not left or left[-1]:
        left.append(s.ex_value_call("rollback_migration", batch, ADMIN))
        assert balances_add_up(s), left
        assert s.ex_value("get_user_count") == count
    return left


def test_issue_probe_rollback_after_v2_activity(upgrade_system: System) -> None:
    """Issue 21's probe: migrate, deposit 1000 + trade + new user under v2; pause, roll back the
    migration and the class: v1 reads exactly the current data, and resume is accepted."""
    s = upgrade_system
    upgrade_and_migrate(s)
    v2_activity(s)
    live = live_state(s)
    s.chain.call(s.council, "pause", [s.exchange], caller=EMERGENCY_ADMIN)
    reverse_migration(s)
    s.chain.call(s.council, "rollback", [s.exchange], caller=EMERGENCY_ADMIN)
    assert s.chain.class_hash_at(s.exchange) == s.class_hashes["exchange_v1"]
    assert live_state(s) == live
    assert s.ex_value("get_balance", NEWCOMER) > 0 and balances_add_up(s)
    result = s.resume()
    assert event_names(result) == ["ProposalExecuted", "Resumed"]
    s.ex("withdraw", [1_000], caller=NEWCOMER)  # v1 serves the user registered under v2


def test_complete_upgrade_workflow(upgrade_system: System) -> None:
    """Governance + proxy + exchange v1 with seeded users: propose, 3 of 5 sign, 48 h, execute,
    migrate in batches, every datum equal; the proxy's implementation is upgraded alike."""
    s = upgrade_system
    proxy = s.deploy_proxy()
    s.chain.call(proxy, "deposit", [700], caller=USERS[0])
    v1, v2 = s.class_hashes["exchange_v1"], s.class_hashes["exchange_v2"]
    before = live_state(s)
    assert all(before[f"{u:#x}"]["balance"] and before[f"{u:#x}"]["trade_count"] for u in USERS)
    assert any(before[f"{u:#x}"]["xp"] > 100 for u in USERS) and before["trades"]

    exchange_id = s.propose_upgrade(s.exchange, v2)
    proxy_id = s.propose_call(proxy, "proxy_upgrade", [s.class_hashes["ledger_v2"]])
    for proposal_id in (exchange_id, proxy_id):
        s.sign(proposal_id, SIGNERS[:2])
        signed_at = s.chain.timestamp
        result = s.chain.call(s.governance, "sign", [proposal_id], caller=SIGNERS[4])
        assert event_names(result) == ["ProposalSigned", "ProposalQueued"]
        assert result.events[1].data == [signed_at + TIMELOCK]
    s.chain.warp(s.chain.timestamp + TIMELOCK - 1)
    with reverts("timelock not expired"):
        s.execute(exchange_id)
    s.chain.warp(s.chain.timestamp + 1)
    assert event_names(s.execute(exchange_id)) == ["ProposalExecuted", "Upgraded"]
    assert event_names(s.execute(proxy_id)) == ["ProposalExecuted", "ImplementationUpgraded"]
    assert s.chain.class_hash_at(s.exchange) == v2 and s.ex("get_class_hash_history", [0]) == [v1]
    assert s.chain.call(proxy, "ledger_version").retdata == [2]
    assert s.chain.call(proxy, "balance_of", [USERS[0]]).retdata == [700]
    assert live_state(s) == before  # v2 serves the v1 data before migrating it
    with reverts("migration pending"):
        s.ex("deposit", [1], caller=USERS[0])

    assert s.migrate(2) == [3, 1, 0]
    assert s.ex_value("get_storage_version") == 2
    assert live_state(s) == before
    for user in USERS:
        assert [s.slot("user_balance", user), s.slot("user_xp", user)] == [0, 0]
        assert s.ex("get_user", [user])[0] == before[f"{user:#x}"]["balance"]
    assert s.ex("health_check") == [short("invariants not checked")]
    s.ex("deposit", [3], caller=USERS[0])  # live


def test_emergency_rollback_scenario(upgrade_system: System) -> None:
    """Upgrade, activity under v2, emergency pause, rollback (migration by governance, class by
    the council), verify against the live state, resume through governance."""
    s = upgrade_system
    proxy = s.deploy_proxy()
    upgrade_and_migrate(s, batch=3)
    s.govern(proxy, "proxy_upgrade", [s.class_hashes["ledger_v2"]])
    v2_activity(s)
    s.chain.call(proxy, "deposit", [42], caller=USERS[2])
    live = live_state(s)

    # Stop: two council members pause the exchange, the emergency admin pauses the proxy.
    assert s.chain.call(s.council, "pause", [s.exchange], caller=COUNCIL[0]).retdata == [0]
    result = s.chain.call(s.council, "pause", [s.exchange], caller=COUNCIL[1])
    assert event_names(result) == ["EmergencyApproval", "EmergencyAction", "Paused"]
    s.chain.call(s.council, "pause_proxy", [proxy], caller=EMERGENCY_ADMIN)
    with reverts("proxy paused"):
        s.chain.call(proxy, "deposit", [1], caller=USERS[2])
    # The class cannot go back before the data: v1 could not read the packed records.
    with reverts("roll back the migration first"):
        s.chain.call(s.council, "rollback", [s.exchange], caller=EMERGENCY_ADMIN)

    assert reverse_migration(s, batch=4) == [2, 0]
    assert s.ex_value("get_storage_version") == 1
    s.chain.call(s.council, "rollback", [s.exchange], caller=EMERGENCY_ADMIN)
    s.chain.call(s.council, "rollback_proxy", [proxy], caller=EMERGENCY_ADMIN)
    assert s.ex_value("version") == 1
    assert s.chain.call(proxy, "ledger_version").retdata == [1]
    assert s.chain.call(proxy, "balance_of", [USERS[2]]).retdata == [42]
    assert live_state(s) == live

    with reverts("invariants not checked"):
        s.govern(s.exchange, "resume")
    assert event_names(s.resume()) == ["ProposalExecuted", "Resumed"]
    assert event_names(s.govern(proxy, "proxy_resume")) == ["ProposalExecuted", "ProxyResumed"]
    s.ex("deposit", [10], caller=USERS[0])
    s.chain.call(proxy, "deposit", [8], caller=USERS[2])
    assert s.chain.call(proxy, "balance_of", [USERS[2]]).retdata == [50]


def test_data_migration_integrity(upgrade_system: System) -> None:
    """Migrate, activity, roll the migration back: the data equal the live state, not the
    pre-upgrade snapshot; migrating again (governance re-authorises it) keeps them equal."""
    s = upgrade_system
    pre_upgrade = live_state(s)
    upgrade_and_migrate(s)
    v2_activity(s)
    live = live_state(s)
    assert live != pre_upgrade
    s.chain.call(s.council, "pause", [s.exchange], caller=EMERGENCY_ADMIN)
    reverse_migration(s, batch=1)
    for user in [*USERS, NEWCOMER]:  # back on the v1 maps, the packed record cleared
        assert s.slot("user_balance", user) == live[f"{user:#x}"]["balance"]
        assert s.slot("user_xp", user) == live[f"{user:#x}"]["xp"]
        assert s.slot("user_records", user, offset=4) == 0
    assert live_state(s) == live
    changed = {u for u in USERS if live[f"{u:#x}"] != pre_upgrade[f"{u:#x}"]}
    assert changed == {USERS[0], USERS[1], USERS[3]}
    assert s.ex_value("get_balance", USERS[0]) == pre_upgrade[f"{USERS[0]:#x}"]["balance"] + 1_000
    assert s.ex_value("has_achievement", USERS[3], short("LEVEL_3")) == 1

    # Forward again: refused until governance authorises it, then the same data.
    with reverts("migration not authorized"):
        s.ex("migrate_users", [25], caller=ADMIN)
    s.govern(s.exchange, "authorize_migration", [2])
    assert s.migrate(25) == [0]
    assert live_state(s) == live
    assert s.ex("get_user", [USERS[1]])[2] == 2  # the level is derived again from the XP
    assert event_names(s.resume()) == ["ProposalExecuted", "Resumed"]
