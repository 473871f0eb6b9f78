"""`lint-upgrade --implementation` on examples/rename: the proposed migration, applied to v2 as
the plan says, compiles with Cairo 2.1.0 and carries v1's data over in the VM."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from toolchain import compiler
from toolchain.vm import CallReverted, Starknet

from cairo_upgrade_lint.config import load
from cairo_upgrade_lint.guide import Plan, upgrade_plans
from cairo_upgrade_lint.guide.apply import apply_steps

EXAMPLE = Path(__file__).parent.parent / "examples" / "rename"
OWNER, TREASURY, OUTSIDER = 0xA11CE, 0x7EA, 0xBAD
USERS = (0x1001, 0x1002, 0x1003, 0x1004, 0x1005)


@contextmanager
def reverts(reason: str) -> Iterator[None]:
    with pytest.raises(CallReverted) as reverted:
        yield
    assert reverted.value.reason == reason, reverted.value


def plan_for(old: Path, new: Path) -> Plan:
    plans = upgrade_plans(str(old), str(new), load(None), {}, "implementation")
    assert [p.contract for p in plans] == ["Ledger"]
    return plans[0]


@pytest.fixture(scope="module")
def migrated_source() -> str:
    plan = plan_for(EXAMPLE / "v1.cairo", EXAMPLE / "v2.cairo")
    path = str(EXAMPLE / "v2.cairo")
    return apply_steps(plan.steps, {path: (EXAMPLE / "v2.cairo").read_text()})[path]


def test_plan_covers_every_hazard_of_the_pair() -> None:
    plan = plan_for(EXAMPLE / "v1.cairo", EXAMPLE / "v2.cairo")
    ids = [s.id for s in plan.steps]
    assert ids.index("storage-version") < ids.index("migration") < ids.index("declare") < ids.index("upgrade")
    migration = next(s for s in plan.steps if s.id == "migration")
    for expected in ("V1_BALANCES", "V1_TREASURY", "V1_POSITIONS", "struct PositionV1", "self.users.read(cursor)",
                     "self.user_count.read()", "'only owner'"):  # fmt: skip
        assert expected in migration.code
    assert "compat-position_of" in ids  # the re-encoded return keeps its v1 selector
    assert not any(s.action == "review" for s in plan.steps)  # everything in this pair has generated code


@pytest.mark.compiler
@pytest.mark.vm
def test_migration_carries_v1_data_over_in_the_vm(migrated_source: str) -> None:
    v1 = compiler.compile_source(EXAMPLE / "v1.cairo", "Ledger")
    v2 = compiler.compile_source(migrated_source, "Ledger")
    chain = Starknet(timestamp=5_000)
    v1_hash = chain.declare(v1, compiler.sierra_to_casm(v1))
    v2_hash = chain.declare(v2, compiler.sierra_to_casm(v2))
    ledger = chain.deploy(v1_hash, [OWNER, TREASURY])
    for number, user in enumerate(USERS, 1):
        chain.call(ledger, "deposit", [100 * number], caller=user, timestamp=5_000 + number)
    chain.call(ledger, "deposit", [7], caller=USERS[0], timestamp=6_000)
    before = {user: (chain.call(ledger, "balance_of", [user]).retdata, chain.call(ledger, "position_of", [user]).retdata)
              for user in USERS}  # fmt: skip
    assert before[USERS[0]] == ([107], [107, 6_000])

    chain.call(ledger, "upgrade", [v2_hash], caller=OWNER)
    with reverts("migration pending"):
        chain.call(ledger, "deposit", [1], caller=USERS[1])
    with reverts("only owner"):
        chain.call(ledger, "migrate_storage", [2], caller=OUTSIDER)
    with reverts("invalid batch size"):
        chain.call(ledger, "migrate_storage", [0], caller=OWNER)
    assert chain.call(ledger, "migrate_storage", [2], caller=OWNER).retdata == [3]
    assert chain.call(ledger, "migrate_storage", [50], caller=OWNER).retdata == [0]
    with reverts("already migrated"):
        chain.call(ledger, "migrate_storage", [1], caller=OWNER)

    for user, (balance, position) in before.items():
        assert chain.call(ledger, "balance_of", [user]).retdata == balance
        amount, opened_at = position
        assert chain.call(ledger, "position_of_v2", [user]).retdata == [amount, 0, opened_at]
        assert chain.call(ledger, "position_of", [user]).retdata == position  # the v1 selector, v1 encoding
    assert chain.call(ledger, "fee_recipient").retdata == [TREASURY]
    chain.call(ledger, "deposit", [3], caller=USERS[1], timestamp=7_000)
    assert chain.call(ledger, "balance_of", [USERS[1]]).retdata == [203]

    fresh = chain.deploy(v2_hash, [OWNER, TREASURY])
    with reverts("already migrated"):
        chain.call(fresh, "migrate_storage", [1], caller=OWNER)
