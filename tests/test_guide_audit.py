"""`audit --implementation` on Cairo 2.1 fixtures that lack a timelocked upgrade (CUL502), an
emergency pause (CUL511, with its governance-only resume, CUL514) and a version-guarded migration
(CUL521/CUL522): the plan, applied as it says, compiles with Cairo 2.1.0, the audit then passes the
requirement, and the VM shows the added checks at work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from toolchain import compiler
from toolchain.vm import CallReverted, Starknet

from cairo_upgrade_lint import audit
from cairo_upgrade_lint.cli import main
from cairo_upgrade_lint.config import load
from cairo_upgrade_lint.guide import Step
from cairo_upgrade_lint.guide.apply import apply_steps

FIXTURES = Path(__file__).parent / "fixtures" / "guide"
OWNER, OUTSIDER, USER, GOVERNANCE = 0xA11CE, 0xBAD, 0x1001, 0x60F
DAY = 24 * 3600
CASES = {  # fixture, --type, contract, the requirements its plan makes pass, the steps with code for them
    "timelock": ("vault.cairo", "governance", "Vault", ("CUL502",), ("upgrade-eta", "upgrade-propose", "upgrade-execute")),
    "pause": ("vault.cairo", "rollback", "Vault", ("CUL511",), ("pause-flag", "pause-entry-points", "pause-check-deposit")),
    "governed pause": (
        "governed.cairo",
        "rollback",
        "Treasury",
        ("CUL511", "CUL514"),
        ("pause-flag", "pause-entry-points", "pause-check-withdraw"),
    ),
    "migration": (
        "migrating.cairo",
        "migration",
        "Pool",
        ("CUL521", "CUL522"),
        ("storage-version", "migration-check-migrate", "migration-bump-migrate", "constructor-version"),
    ),
}


def run_cli(*args: object) -> Any:
    return CliRunner().invoke(main, ["audit", *(str(a) for a in args)], catch_exceptions=False)


def plan_steps(path: Path, kind: str, contract: str) -> list[Step]:
    result = run_cli(path, "--type", kind, "--contract", contract, "--implementation", "--format", "json")
    assert result.exit_code == 0, result.output
    [plan] = json.loads(result.stdout)["plans"]
    assert plan["contract"] == contract and plan["edition"].startswith("Cairo 2.1")
    return [Step(**{**s, "after": tuple(s["after"])}) for s in plan["steps"]]


def statuses(path: Path, kind: str, contract: str) -> dict[str, str]:
    run = audit.run(str(path), load(None), audit.profile_names(kind), contract)
    return {r.requirement.id: r.outcome.status.value for r in run.results}


def applied(case: str, tmp_path: Path) -> Path:
    fixture, kind, contract, _, _ = CASES[case]
    source = FIXTURES / fixture
    steps = plan_steps(source, kind, contract)
    out = tmp_path / fixture
    out.write_text(apply_steps(steps, {str(source): source.read_text()})[str(source)])
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_plan_orders_the_steps_after_what_they_need(case: str) -> None:
    fixture, kind, contract, requirements, expected = CASES[case]
    before = statuses(FIXTURES / fixture, kind, contract)
    assert all(before[r] != "pass" for r in requirements)
    steps = plan_steps(FIXTURES / fixture, kind, contract)
    ids = [s.id for s in steps]
    assert set(expected) <= set(ids)
    for step in steps:
        assert all(ids.index(dependency) < ids.index(step.id) for dependency in step.after)
        assert step.file == str(FIXTURES / fixture)
    for step in steps:
        if step.id in expected:
            assert step.action in ("insert", "replace") and step.line is not None and step.code
    reviewed = {s.id.removeprefix("review-") for s in steps if s.action == "review"}
    planned_with = {"CUL522", "CUL514"}  # with CUL521 and CUL511
    assert reviewed == {r for r, status in before.items() if status != "pass"} - set(requirements) - planned_with


@pytest.mark.compiler
@pytest.mark.parametrize("case", sorted(CASES))
def test_applied_plan_compiles_and_passes_the_requirement(case: str, tmp_path: Path) -> None:
    _, kind, contract, requirements, _ = CASES[case]
    out = applied(case, tmp_path)
    compiler.compile_source(out, contract)
    after = statuses(out, kind, contract)
    assert {r: after[r] for r in requirements} == dict.fromkeys(requirements, "pass")


@pytest.mark.compiler
def test_both_vault_plans_together_compile_and_pass(tmp_path: Path) -> None:
    source = FIXTURES / "vault.cairo"
    steps = plan_steps(source, "all", "Vault")
    out = tmp_path / "vault.cairo"
    out.write_text(apply_steps(steps, {str(source): source.read_text()})[str(source)])
    compiler.compile_source(out, "Vault")
    after = statuses(out, "all", "Vault")
    assert (after["CUL502"], after["CUL511"]) == ("pass", "pass")


def deployed(case: str, tmp_path: Path, calldata: tuple[int, ...] = (OWNER,)) -> tuple[Starknet, int, int]:
    _, _, contract, _, _ = CASES[case]
    sierra = compiler.compile_source(applied(case, tmp_path), contract)
    chain = Starknet(timestamp=10_000)
    class_hash = chain.declare(sierra, compiler.sierra_to_casm(sierra))
    return chain, chain.deploy(class_hash, list(calldata)), class_hash


def reason(chain: Starknet, address: int, entry: str, calldata: list[int], caller: int) -> str:
    with pytest.raises(CallReverted) as reverted:
        chain.call(address, entry, calldata, caller=caller)
    return reverted.value.reason


@pytest.mark.compiler
@pytest.mark.vm
def test_timelock_installs_a_class_only_after_the_delay(tmp_path: Path) -> None:
    chain, vault, class_hash = deployed("timelock", tmp_path)
    v1 = compiler.compile_source(FIXTURES / "vault.cairo", "Vault")
    other = chain.declare(v1, compiler.sierra_to_casm(v1))
    assert reason(chain, vault, "execute_upgrade", [other], OWNER) == "upgrade not proposed"
    chain.call(vault, "upgrade", [other], caller=OWNER)
    assert chain.class_hash_at(vault) == class_hash
    assert reason(chain, vault, "execute_upgrade", [other], OUTSIDER) == "only owner"
    chain.warp(chain.timestamp + 2 * DAY - 1)
    assert reason(chain, vault, "execute_upgrade", [other], OWNER) == "timelock not expired"
    chain.warp(chain.timestamp + 1)
    chain.call(vault, "execute_upgrade", [other], caller=OWNER)
    assert chain.class_hash_at(vault) == other


@pytest.mark.compiler
@pytest.mark.vm
def test_pause_stops_deposits_until_unpaused(tmp_path: Path) -> None:
    chain, vault, _ = deployed("pause", tmp_path)
    chain.call(vault, "deposit", [5], caller=USER)
    assert reason(chain, vault, "pause", [], OUTSIDER) == "only owner"
    chain.call(vault, "pause", [], caller=OWNER)
    assert reason(chain, vault, "deposit", [1], USER) == "paused"
    assert reason(chain, vault, "withdraw", [1], USER) == "paused"
    assert chain.call(vault, "balance_of", [USER]).retdata == [5]
    chain.call(vault, "unpause", [], caller=OWNER)
    chain.call(vault, "withdraw", [2], caller=USER)
    assert chain.call(vault, "balance_of", [USER]).retdata == [3]


@pytest.mark.compiler
@pytest.mark.vm
def test_only_governance_lifts_a_pause_the_owner_set(tmp_path: Path) -> None:
    chain, treasury, _ = deployed("governed pause", tmp_path, (OWNER, GOVERNANCE))
    chain.call(treasury, "pause", [], caller=OWNER)
    assert reason(chain, treasury, "withdraw", [0], USER) == "paused"
    assert reason(chain, treasury, "unpause", [], OWNER) == "only governance"
    chain.call(treasury, "unpause", [], caller=GOVERNANCE)
    chain.call(treasury, "deposit", [4], caller=USER)
    assert reason(chain, treasury, "pause", [], GOVERNANCE) == "only owner"


@pytest.mark.compiler
def test_without_governance_the_resume_keeps_the_owner_check_and_says_cul514_fails(tmp_path: Path) -> None:
    steps = plan_steps(FIXTURES / "vault.cairo", "rollback", "Vault")
    [entry_points] = [s for s in steps if s.id == "pause-entry-points"]
    unpause = entry_points.code[entry_points.code.index("fn unpause") :]
    assert "CUL514" in entry_points.why and "assert(get_caller_address() == self.owner.read(), 'only owner');" in unpause
    result = run_cli(
        FIXTURES / "vault.cairo", "--type", "rollback", "--contract", "Vault", "--implementation", "--format", "json"
    )
    [plan] = json.loads(result.stdout)["plans"]
    assert any("CUL514" in note and "governance" in note for note in plan["notes"])
    out = applied("pause", tmp_path)
    compiler.compile_source(out, "Vault")
    after = statuses(out, "rollback", "Vault")
    assert after["CUL511"] == "pass" and after["CUL514"] == "fail"


@pytest.mark.compiler
@pytest.mark.vm
def test_migration_runs_once_and_never_on_a_fresh_deployment(tmp_path: Path) -> None:
    chain, fresh, migrated = deployed("migration", tmp_path)
    assert reason(chain, fresh, "migrate", [], OWNER) == "already migrated"
    v1 = compiler.compile_source(FIXTURES / "migrating.cairo", "Pool")
    pool = chain.deploy(chain.declare(v1, compiler.sierra_to_casm(v1)), [OWNER])
    chain.call(pool, "migrate", [], caller=OWNER)
    chain.call(pool, "migrate", [], caller=OWNER)  # the fixture's migration runs again and again
    chain.call(pool, "upgrade", [migrated], caller=OWNER)
    assert reason(chain, pool, "migrate", [], OUTSIDER) == "only owner"
    chain.call(pool, "migrate", [], caller=OWNER)
    assert reason(chain, pool, "migrate", [], OWNER) == "already migrated"
    assert chain.call(pool, "fee", []).retdata == [30]


def test_markdown_and_text_render_the_same_steps() -> None:
    args = (FIXTURES / "vault.cairo", "--type", "rollback", "--contract", "Vault", "--implementation")
    text, markdown = run_cli(*args).stdout, run_cli(*args, "--format", "markdown").stdout
    assert text.startswith("Implementation plan for Vault (audit rollback; Cairo 2.1")
    assert markdown.startswith("## Implementation plan for Vault")
    for title in ("add the pause flag `paused`", "add guarded `pause` and `unpause`", "refuse `withdraw` while paused"):
        assert title in text and title in markdown
    assert "refuse `balance_of`" not in text  # a view changes nothing


@pytest.mark.parametrize(
    "args", [("--format", "markdown"), ("--implementation", "--format", "sarif"), ("--implementation", "--design")]
)
def test_markdown_goes_only_with_implementation(args: tuple[str, ...]) -> None:
    result = run_cli(FIXTURES / "vault.cairo", *args)
    assert result.exit_code == 2 and "--implementation" in result.output


def test_no_contract_to_plan_for_says_to_name_one() -> None:
    result = CliRunner().invoke(main, ["audit", str(FIXTURES / "vault.cairo"), "--type", "governance", "--implementation"])
    assert result.exit_code == 0 and result.stdout == "No contract to plan for.\n"
    assert "--contract" in result.stderr


def test_newer_edition_gets_map_and_imports_what_the_module_lacks(tmp_path: Path) -> None:
    (tmp_path / "Scarb.toml").write_text('[package]\nname = "vault"\ncairo-version = "2.8.0"\n')
    (tmp_path / "src").mkdir()
    source = tmp_path / "src" / "lib.cairo"
    source.write_text((FIXTURES / "vault.cairo").read_text())
    result = run_cli(source, "--type", "governance", "--contract", "Vault", "--implementation", "--format", "json")
    [plan] = json.loads(result.stdout)["plans"]
    assert plan["edition"].startswith("Cairo 2.8 (Scarb.toml")
    [eta] = [s for s in plan["steps"] if s["id"] == "upgrade-eta"]
    assert eta["code"].strip() == "upgrade_eta: Map<felt252, u64>,"
    imports = plan["steps"][0]
    assert imports["id"] == "storage-imports" and imports["line"] == 5  # the first line of `mod Vault`
    expected = "use starknet::storage::{Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess};"
    assert imports["code"].strip() == expected  # the owner check reads a plain member; nothing writes one
