"""`audit --testing`: per audited contract, the test strategy of its upgrade machinery. On the
reference system (contracts/, Cairo 2.1) and the guide fixtures, the snforge file parses with our
parser, names only storage members and entry points the contract has (or that `audit
--implementation` adds, in the tests marked as failing until its plan is applied), and the
checklist has the categories the contract's machinery calls for. snforge itself is not run here."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from toolchain import compiler

from cairo_upgrade_lint.cli import main
from cairo_upgrade_lint.guide import Step
from cairo_upgrade_lint.guide.apply import apply_steps
from cairo_upgrade_lint.model import analyze
from cairo_upgrade_lint.syntax import parse

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "guide"
CONTRACTS = ROOT / "contracts"
PENDING = "fails until its plan is applied"
CASES = {  # path, --type, contract: the checklist's categories
    "vault": (FIXTURES / "vault.cairo", "all", "Vault", {"data continuity", "governance", "timelock", "pause", "rollback"}),
    "pool": (FIXTURES / "migrating.cairo", "all", "Pool",
             {"data continuity", "governance", "timelock", "pause", "migration", "rollback"}),
    "registry": (FIXTURES / "registry.cairo", "all", "Registry",
                 {"data continuity", "governance", "timelock", "pause", "migration", "rollback"}),
    "registry-rollback": (FIXTURES / "registry.cairo", "rollback", "Registry",
                          {"data continuity", "governance", "pause", "migration", "rollback"}),
    "exchange-v1": (CONTRACTS, "rollback", "ExchangeV1", {"data continuity", "governance", "pause", "rollback"}),
    "exchange-v2": (CONTRACTS, "all", "ExchangeV2",  # every profile: no timelock of its own (the audit's CUL502)
                    {"data continuity", "governance", "timelock", "pause", "migration", "rollback"}),
    "governance": (CONTRACTS, "governance", "Governance", {"governance", "timelock"}),
    "proxy": (CONTRACTS, "proxy-pattern", "LedgerProxy", {"governance", "pause"}),
}  # fmt: skip


def run_cli(*args: object) -> Any:
    return CliRunner().invoke(main, ["audit", *(str(a) for a in args)], catch_exceptions=False)


def plans_of(path: Path, kind: str, contract: str, mode: str = "testing") -> list[dict[str, Any]]:
    result = run_cli(path, "--type", kind, "--contract", contract, f"--{mode}", "--format", "json")
    assert result.exit_code == 0, result.output
    plans = json.loads(result.stdout)["plans"]
    assert all(p["contract"] == contract for p in plans)
    return list(plans)


def plan_of(path: Path, kind: str, contract: str) -> dict[str, Any]:
    [plan] = plans_of(path, kind, contract)
    return plan


def names(path: Path, contract: str) -> set[str]:
    """Storage keys and entry-point names of ``contract`` in ``path``."""
    [found] = [c for c in analyze(str(path)).contracts if c.name == contract]
    return {*(m.key for m in found.storage), *(e.name for e in found.entry_points)}


def planned_names(path: Path, kind: str, contract: str, tmp_path: Path) -> set[str]:
    """What the contract names once the steps of `audit --implementation` are applied (to a copy of
    ``path``, a file or a folder)."""
    plans = plans_of(path, kind, contract, "implementation")  # none when the contract passes the audit
    steps = [Step(**{**s, "after": tuple(s["after"])}) for plan in plans for s in plan["steps"]]
    copy = tmp_path / path.name
    if path.is_dir():
        shutil.copytree(path, copy)
    else:
        copy.write_text(path.read_text())
    files = {s.file for s in steps if s.file is not None}
    for name, text in apply_steps(steps, {f: Path(f).read_text() for f in files}).items():
        (copy / Path(name).relative_to(path) if path.is_dir() else copy).write_text(text)
    return names(copy, contract)


def bodies_of(test_file: str) -> dict[str, str]:
    """Each #[test] function's name and body."""
    return dict(re.findall(r"#\[test\]\nfn (\w+)\(\) \{\n(.*?)\n\}", test_file, re.DOTALL))


@pytest.mark.parametrize("case", sorted(CASES))
def test_snforge_file_parses_and_names_what_exists(case: str, tmp_path: Path) -> None:
    path, kind, contract, categories = CASES[case]
    plan = plan_of(path, kind, contract)
    assert plan["mode"] == "testing" and plan["test_path"].endswith("_upgrade_machinery.cairo")
    assert parse(plan["test_file"], plan["test_path"]).diagnostics == ()
    assert {item["category"] for item in plan["checklist"]} == categories
    tests = bodies_of(plan["test_file"])
    assert list(tests) == [item["test"] for item in plan["checklist"] if item["test"]]
    existing = names(path, contract)
    known = existing | planned_names(path, kind, contract, tmp_path)
    named = set(re.findall(r'selector!\("(\w+)"\)', plan["test_file"]))
    assert named and named <= known, named - known
    whats = {item["test"]: item["what"] for item in plan["checklist"]}
    for name, body in tests.items():  # a test naming what the plan adds says it fails until then
        missing = set(re.findall(r'selector!\("(\w+)"\)', body)) - existing
        assert not missing or PENDING in whats[name], (name, missing)


def test_registry_checklist_covers_its_machinery() -> None:
    plan = plan_of(FIXTURES / "registry.cairo", "all", "Registry")
    items = {item["test"]: item["what"] for item in plan["checklist"]}
    # every member the upgrade does not itself rewrite survives it
    assert {t for t in items if t.startswith("test_continuity_")} == {
        f"test_continuity_{m}" for m in ("owner", "paused", "storage_version", "limits", "entries", "entry_count")
    }
    assert any("`current_class`, `previous_class`" in note for note in plan["notes"])
    for entry in ("pause", "resume", "upgrade", "rollback", "migrate"):
        assert f"test_{entry}_refuses_outsider" in items
    # the contract's own pause, migration and rollback: no plan needed
    assert PENDING not in items["test_pause_stops_register"] + items["test_migrate_runs_once"] + items["test_rollback_keeps_data"]
    # no timelock: the test is written against what `audit --implementation` adds
    assert PENDING in items["test_timelock_holds_the_upgrade_until_the_delay"]
    body = bodies_of(plan["test_file"])["test_timelock_holds_the_upgrade_until_the_delay"]
    assert "T0 + 172800 - 1);" in body and 'selector!("execute_upgrade")' in body
    rollback = bodies_of(plan["test_file"])["test_rollback_keeps_data"]
    assert 'selector!("rollback")' in rollback and "get_class_hash(address) == current" in rollback


def test_registry_without_the_governance_profile_has_no_timelock_item() -> None:
    plan = plan_of(FIXTURES / "registry.cairo", "rollback", "Registry")
    assert "execute_upgrade" not in plan["test_file"]


def test_planned_pause_and_migration_version_fail_until_applied() -> None:
    vault = {item["test"]: item["what"] for item in plan_of(FIXTURES / "vault.cairo", "all", "Vault")["checklist"]}
    assert PENDING in vault["test_pause_stops_deposit"] and PENDING in vault["test_unpause_refuses_outsider"]
    pool = plan_of(FIXTURES / "migrating.cairo", "migration", "Pool")
    items = {item["test"]: item["what"] for item in pool["checklist"]}
    assert PENDING in items["test_migrate_runs_once"]
    body = bodies_of(pool["test_file"])["test_migrate_runs_once"]
    assert body.count('selector!("migrate")') == 2 and "is_err()" in body


def test_existing_timelock_is_listed_without_a_test() -> None:
    plan = plan_of(CONTRACTS, "governance", "Governance")
    [timelock] = [item for item in plan["checklist"] if item["category"] == "timelock"]
    assert timelock["test"] == "" and "by hand" in timelock["what"]
    text = run_cli(CONTRACTS, "--type", "governance", "--contract", "Governance", "--testing").stdout
    assert "[ ] timelock: " in text and "-> no test" in text


def test_proxy_upgrade_is_not_a_class_upgrade() -> None:
    plan = plan_of(CONTRACTS, "proxy-pattern", "LedgerProxy")
    assert not any(item["category"] == "data continuity" for item in plan["checklist"])
    assert any("`proxy_upgrade`" in note for note in plan["notes"])
    assert "fn upgrade_to" not in plan["test_file"]


def test_every_audited_contract_gets_a_plan_and_markdown_renders_it() -> None:
    result = run_cli(CONTRACTS, "--type", "rollback", "--testing", "--format", "markdown")
    assert result.exit_code == 0
    assert re.findall(r"^## Test strategy for (\w+)", result.stdout, re.MULTILINE) == ["ExchangeV1", "ExchangeV2"]
    assert "- [ ] **pause**: `register` reverts while `pause` is in force" in result.stdout
    assert result.stdout.count("```cairo") == 2


@pytest.mark.parametrize(
    "args",
    [
        ("--testing", "--implementation"),
        ("--testing", "--design"),
        ("--testing", "--graph", "dot"),
        ("--testing", "--format", "sarif"),
    ],
)
def test_testing_goes_alone(args: tuple[str, ...]) -> None:
    result = run_cli(FIXTURES / "vault.cairo", *args)
    assert result.exit_code == 2 and "--testing" in result.output


@pytest.mark.compiler
def test_registry_fixture_compiles_with_cairo_2_1() -> None:
    compiler.compile_source(FIXTURES / "registry.cairo", "Registry")
