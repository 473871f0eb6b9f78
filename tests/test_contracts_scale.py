"""Bounded operations at scale: with 5 and with 105 users, measured in VM steps.

Budget: every single call below stays under STEP_BUDGET steps, whatever the number of users.
`health_check` and `resume` are O(1) (the same steps with 105 users as with 5); the per-user
work (`check_invariants`, `migrate_users`, `rollback_migration`) is capped per call by its batch
limit (50, 25, 25 users). For scale: Starknet's per-transaction limit is millions of steps.
"""

from __future__ import annotations

import dataclasses

from contracts_support import ADMIN, EMERGENCY_ADMIN, System, fork
from toolchain.vm import CallResult

pytest_plugins = ["contracts_support"]

STEP_BUDGET = 150_000
EXTRA_USERS = 100


def steps(result: CallResult) -> int:
    return result.call_info.execution_resources.n_steps


def add_users(s: System, count: int) -> None:
    for n in range(count):
        user = 0x9000 + n
        s.ex("register", caller=user)
        s.ex("deposit", [100 + n], caller=user)


def test_single_calls_stay_under_the_step_budget(upgrade_system: System) -> None:
    small = dataclasses.replace(upgrade_system, chain=fork(upgrade_system.chain))
    large = upgrade_system
    add_users(large, EXTRA_USERS)
    measured: dict[str, int] = {}
    for label, s in (("5", small), ("105", large)):
        s.chain.call(s.council, "pause", [s.exchange], caller=EMERGENCY_ADMIN)
        checks = s.check_invariants(50)
        measured[f"check_invariants(50) max, {label} users"] = max(map(steps, checks))
        measured[f"health_check, {label} users"] = steps(s.chain.call(s.exchange, "health_check"))
        measured[f"resume (execute), {label} users"] = steps(s.govern(s.exchange, "resume"))
    large.upgrade_exchange(large.class_hashes["exchange_v2"])
    batches = [large.chain.call(large.exchange, "migrate_users", [25], caller=ADMIN) for _ in range(5)]
    assert batches[-1].retdata == [0]
    measured["migrate_users(25) max, 105 users"] = max(map(steps, batches))
    large.chain.call(large.council, "pause", [large.exchange], caller=EMERGENCY_ADMIN)
    measured["check_invariants(50) max, v2, 105 users"] = max(map(steps, large.check_invariants(50)))
    large.govern(large.exchange, "authorize_migration", [1])
    back = [large.chain.call(large.exchange, "rollback_migration", [25], caller=ADMIN) for _ in range(5)]
    assert back[-1].retdata == [0]
    measured["rollback_migration(25) max, 105 users"] = max(map(steps, back))
    print("\n".join(f"{label}: {n}" for label, n in measured.items()))
    assert all(n < STEP_BUDGET for n in measured.values()), measured
    # O(1): the same steps whatever the number of users.
    assert measured["health_check, 5 users"] == measured["health_check, 105 users"]
    assert measured["resume (execute), 5 users"] == measured["resume (execute), 105 users"]
