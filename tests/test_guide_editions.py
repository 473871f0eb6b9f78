"""The guides on Cairo 2.7+ and 2.9+ Scarb packages (which cannot be compiled here): the plans use
`Map` and import what their code needs, `audit --implementation` schedules an upgrade made through
OpenZeppelin's UpgradeableComponent, and the applied results parse with no CUL000 and pass the
audit requirements the steps were for (`lint-upgrade` finds no error left in an applied pair)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cairo_upgrade_lint import audit
from cairo_upgrade_lint.cli import main
from cairo_upgrade_lint.config import load as load_config
from cairo_upgrade_lint.guide import Step, upgrade_plans
from cairo_upgrade_lint.guide.apply import apply_steps
from cairo_upgrade_lint.guide.imports import imported, needed
from cairo_upgrade_lint.model import build, load
from cairo_upgrade_lint.model.project import Project
from cairo_upgrade_lint.model.upgrades import upgrade_paths
from cairo_upgrade_lint.pipeline import parse_errors

FIXTURES = Path(__file__).parent / "fixtures" / "guide"
PACKAGES = {  # package, contract, its edition, CUL514 on the applied plan (governance found or not)
    "keeper_2_7": ("Keeper", "Cairo 2.7 (Scarb.toml cairo-version 2.7.1)", "pass"),
    "oz_vault_2_9": ("Vault", "Cairo 2.9 (Scarb.toml starknet dependency 2.9.2)", "fail"),
}
GENERATED = ("CUL502", "CUL511", "CUL521", "CUL522")
STORAGE_TRAITS = {"Map", "StorageMapReadAccess", "StorageMapWriteAccess", "StoragePointerReadAccess", "StoragePointerWriteAccess"}


def plan_data(source: Path, contract: str) -> dict[str, Any]:
    args = ["audit", str(source), "--type", "all", "--contract", contract, "--implementation", "--format", "json"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [plan] = json.loads(result.stdout)["plans"]
    return dict(plan)


def steps_of(plan: dict[str, Any]) -> list[Step]:
    return [Step(**{**s, "after": tuple(s["after"])}) for s in plan["steps"]]


def statuses(path: Path, contract: str) -> dict[str, str]:
    run = audit.run(str(path), load_config(None), audit.profile_names("all"), contract)
    return {r.requirement.id: r.outcome.status.value for r in run.results}


def project_of(path: Path) -> Project:
    config = load_config(None)
    return build(load(str(path), config.selection, config.dependency_options))


def storage_imports(text: str) -> set[str]:
    """The names every `use starknet::storage::...;` of ``text`` imports."""
    names: set[str] = set()
    for use in re.findall(r"use\s+starknet::storage::([^;]*);", text):
        names |= set(re.findall(r"\w+", use))
    return names


def applied(package: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A copy of ``package`` with its plan applied to ``src/lib.cairo``, and the plan."""
    contract = PACKAGES[package][0]
    source = FIXTURES / package / "src" / "lib.cairo"
    plan = plan_data(source, contract)
    copy = tmp_path / package
    shutil.copytree(FIXTURES / package, copy)
    out = copy / "src" / "lib.cairo"
    out.write_text(apply_steps(steps_of(plan), {str(source): source.read_text()})[str(source)])
    return out, plan


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_applied_plan_parses_follows_the_edition_and_passes_the_audit(package: str, tmp_path: Path) -> None:
    contract, edition, resume = PACKAGES[package]
    before = statuses(FIXTURES / package / "src" / "lib.cairo", contract)
    assert all(before[r] != "pass" for r in (*GENERATED, "CUL514"))
    out, plan = applied(package, tmp_path)
    assert plan["edition"] == edition
    assert {s["id"] for s in plan["steps"]} >= {
        "pause-entry-points",
        "migration-check-migrate",
        "upgrade-propose",
        "upgrade-execute",
    }
    assert parse_errors(project_of(out)) == []
    text = out.read_text()
    assert "LegacyMap" not in text and "upgrade_eta: Map<felt252, u64>," in text
    assert storage_imports(text) >= STORAGE_TRAITS
    after = statuses(out, contract)
    assert {r: after[r] for r in GENERATED} == dict.fromkeys(GENERATED, "pass")
    assert after["CUL514"] == resume


def test_imports_only_what_the_module_lacks() -> None:
    keeper = plan_data(FIXTURES / "keeper_2_7" / "src" / "lib.cairo", "Keeper")
    first = keeper["steps"][0]
    assert first["id"] == "storage-imports" and first["line"] == 17  # the first line of `pub mod Keeper`
    assert first["code"] == "    use starknet::storage::{StorageMapReadAccess, StorageMapWriteAccess};"
    vault = plan_data(FIXTURES / "oz_vault_2_9" / "src" / "lib.cairo", "Vault")
    assert "storage-imports" not in {s["id"] for s in vault["steps"]}  # it imports all five already


def test_component_upgrade_is_scheduled_and_run_through_the_component(tmp_path: Path) -> None:
    out, plan = applied("oz_vault_2_9", tmp_path)
    steps = {s["id"]: s for s in plan["steps"]}
    assert steps["upgrade-propose"]["action"] == "replace"
    assert steps["upgrade-propose"]["old"] == "self.upgradeable.upgrade(new_class_hash);"
    execute = steps["upgrade-execute"]["code"]
    assert execute.index("'timelock not expired'") < execute.index("self.upgradeable.upgrade(new_class_hash);")
    project = project_of(out)
    [vault] = [c for c in project.contracts if c.name == "Vault"]
    assert {p.entry_point for p in upgrade_paths(project.call_graph, vault)} == {"execute_upgrade"}


def test_direct_syscall_upgrade_is_run_as_the_contract_wrote_it() -> None:
    plan = plan_data(FIXTURES / "keeper_2_7" / "src" / "lib.cairo", "Keeper")
    steps = {s["id"]: s for s in plan["steps"]}
    assert steps["upgrade-propose"]["old"] == "replace_class_syscall(new_class_hash).unwrap_syscall();"
    assert "replace_class_syscall(new_class_hash).unwrap_syscall();" in steps["upgrade-execute"]["code"]


def test_existing_pause_flag_is_reused_and_checks_are_not_repeated() -> None:
    plan = plan_data(FIXTURES / "oz_vault_2_9" / "src" / "lib.cairo", "Vault")
    ids = {s["id"] for s in plan["steps"]}
    assert "pause-flag" not in ids and "pause-check-deposit" not in ids  # `deposit` checks `paused` already
    assert "pause-check-withdraw" in ids
    [entry_points] = [s for s in plan["steps"] if s["id"] == "pause-entry-points"]
    assert "self.paused.write(true);" in entry_points["code"] and entry_points["after"] == []
    assert "paused_" not in json.dumps(plan)


def test_governance_gates_the_resume_where_the_upgrade_admits_governance_only() -> None:
    plan = plan_data(FIXTURES / "keeper_2_7" / "src" / "lib.cairo", "Keeper")
    [entry_points] = [s for s in plan["steps"] if s["id"] == "pause-entry-points"]
    unpause = entry_points["code"][entry_points["code"].index("fn unpause") :]
    assert "assert(get_caller_address() == self.governance.read(), 'only governance');" in unpause
    assert not any("CUL514" in note for note in plan["notes"])


def test_needed_reads_map_and_pointer_access_from_the_arguments() -> None:
    codes = [
        "eta: Map<felt252, u64>,",
        "self.flag.read();",
        "self.eta.write(core::traits::Into::<starknet::ClassHash, felt252>::into(h), f(a, b));",
        "let x = self.index.read(cursor);",
    ]
    assert needed(codes) == {"Map", "StoragePointerReadAccess", "StorageMapWriteAccess", "StorageMapReadAccess"}
    assert needed(["self.version.write(STORAGE_VERSION);", "self.ownable.assert_only_owner();"]) == {"StoragePointerWriteAccess"}
    assert imported("use starknet::storage::{\n    Map, StoragePathEntry,\n};\nuse core::num::traits::Zero;") == {"Map"}
    assert imported("use starknet::storage::*;") == STORAGE_TRAITS


@pytest.mark.parametrize("version", ["2.8.0", "2.9.2"])
def test_migration_plan_of_a_modern_pair_parses_and_follows_the_edition(version: str, tmp_path: Path) -> None:
    pair = tmp_path / "ledger"
    shutil.copytree(FIXTURES / "ledger_2_9", pair)
    for side in ("v1", "v2"):
        manifest = pair / side / "Scarb.toml"
        manifest.write_text(manifest.read_text().replace('cairo-version = "2.9.2"', f'cairo-version = "{version}"'))
    [plan] = upgrade_plans(str(pair / "v1"), str(pair / "v2"), load_config(None), {}, "implementation")
    assert plan.edition.startswith(f"Cairo {version[:3]} (Scarb.toml")
    [path] = {s.file for s in plan.steps if s.file is not None}
    text = apply_steps(plan.steps, {path: Path(path).read_text()})[path]
    Path(path).write_text(text)
    assert parse_errors(project_of(pair / "v2")) == []
    assert "LegacyMap" not in text and "starknet::storage_access::storage_base_address_from_felt252(" in text
    renamed = '#[rename("balances")]' in text, '#[rename("treasury")]' in text
    assert renamed == ((True, True) if version == "2.9.2" else (False, False))
    assert ("const V1_BALANCES" in text) == (version != "2.9.2")  # copied from v1's address without #[rename]
    uses = needed([s.code for s in plan.steps])
    assert uses and storage_imports(text) >= uses
    result = CliRunner().invoke(main, ["diff", str(pair / "v1"), str(pair / "v2")], catch_exceptions=False)
    assert result.exit_code == 0 and "(0 errors, 0 warnings," in result.output  # the hazards are handled
