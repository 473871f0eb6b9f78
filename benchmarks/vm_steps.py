"""VM steps of the upgrade operations of contracts/, measured in cairo-lang's Python VM.

Deploys governance + emergency council + exchange v1 with five seeded users (the test suite's
set-up), runs the upgrade life cycle and prints, per operation, the Cairo steps (`n_steps`) and
builtin usage from the call's execution resources. A call's resources include its nested calls
(e.g. `execute` includes the exchange's `upgrade`).

Usage: python benchmarks/vm_steps.py   (compiles the crate on first use; see contracts/README.md)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import toolchain  # noqa: F401  (installs the cairo-lang import fix first)
from contracts_support import (
    ADMIN,
    EMERGENCY_ADMIN,
    SIGNERS,
    TIMELOCK,
    USERS,
    compile_all,
    deploy_system,
    seed_exchange,
)
from toolchain.vm import CallResult


def resources(result: CallResult) -> tuple[int, str]:
    used = result.call_info.execution_resources
    builtins = ", ".join(
        f"{name.removesuffix('_builtin')}={count}" for name, count in sorted(used.builtin_instance_counter.items()) if count
    )
    return used.n_steps, builtins


def main() -> None:
    system = deploy_system(compile_all())
    seed_exchange(system)
    chain, governance = system.chain, system.governance
    rows: list[tuple[str, int, str]] = []

    def measure(label: str, result: CallResult) -> None:
        rows.append((label, *resources(result)))

    v2 = system.class_hashes["exchange_v2"]
    args = [system.exchange, v2, 0x75706772616465]
    proposal = chain.call(governance, "propose_upgrade", args, caller=SIGNERS[0])
    measure("propose_upgrade", proposal)
    proposal_id = proposal.retdata[0]
    measure("sign (below threshold)", chain.call(governance, "sign", [proposal_id], caller=SIGNERS[0]))
    chain.call(governance, "sign", [proposal_id], caller=SIGNERS[1])
    measure(
        "sign (reaches threshold, sets ETA)",
        chain.call(governance, "sign", [proposal_id], caller=SIGNERS[2]),
    )
    chain.warp(chain.timestamp + TIMELOCK)
    measure(
        "execute (incl. exchange upgrade)",
        chain.call(governance, "execute", [proposal_id], caller=SIGNERS[0]),
    )

    # Per-user cost of the batched loops: the difference between a 3-user and a 1-user batch.
    def batches(function: str) -> None:
        one = chain.call(system.exchange, function, [1], caller=ADMIN)
        three = chain.call(system.exchange, function, [3], caller=ADMIN)
        chain.call(system.exchange, function, [1], caller=ADMIN)  # the last of the 5 users
        per_user = (resources(three)[0] - resources(one)[0]) // 2
        rows.append((f"{function}, per user", per_user, "(3-user batch minus 1-user batch) / 2"))
        rows.append((f"{function}, fixed per call", resources(one)[0] - per_user, ""))

    batches("migrate_users")
    measure(f"health_check ({len(USERS)} users)", chain.call(system.exchange, "health_check"))
    measure(
        "pause (emergency admin via council)",
        chain.call(system.council, "pause", [system.exchange], caller=EMERGENCY_ADMIN),
    )
    batches("check_invariants")
    system.govern(system.exchange, "authorize_migration", [1])  # the way back needs governance
    batches("rollback_migration")
    measure(
        "rollback (emergency admin via council)",
        chain.call(system.council, "rollback", [system.exchange], caller=EMERGENCY_ADMIN),
    )

    width = max(len(label) for label, _, _ in rows)
    print(f"{'operation':<{width}}  {'n_steps':>8}  builtins")
    for label, steps, builtins in rows:
        print(f"{label:<{width}}  {steps:>8}  {builtins}")


if __name__ == "__main__":
    main()
