"""`audit` fails the defects of the first reference design (issue 21) on minimal copies of it, each
naming its requirement, while the reference system in contracts/ passes the same requirements."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from toolchain.compiler import compile_source

ROOT = Path(__file__).resolve().parent.parent
OLD_DESIGN = Path(__file__).parent / "fixtures" / "audit" / "old-design"
CASES = [
    ("tp_single_signer_cancel.cairo", "governance", "CUL506"),
    ("tp_stale_rollback.cairo", "migration", "CUL525"),
    ("tp_single_key_migration.cairo", "migration", "CUL526"),
]
CONTRACTS = {"tp_single_signer_cancel.cairo": "Governance"}


def cli(*args: object) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "cairo_upgrade_lint", "audit", *(str(a) for a in args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)


@pytest.mark.parametrize(("name", "profile", "rule_id"), CASES)
def test_old_design_fails_exactly_its_requirement(name: str, profile: str, rule_id: str) -> None:
    text = cli(OLD_DESIGN / name, "--type", "all")
    assert text.returncode == 1, text.stdout + text.stderr
    failing = [line.split()[1] for line in text.stdout.splitlines() if line.strip().startswith("FAIL")]
    assert failing == [rule_id]
    document = json.loads(cli(OLD_DESIGN / name, "--type", profile, "--format", "json").stdout)
    assert [f["rule_id"] for f in document["findings"]] == [rule_id]
    statuses = {r["id"]: r["status"] for r in document["audit"]["requirements"]}
    assert statuses[rule_id] == "fail" and set(statuses.values()) == {"pass", "fail"}


def test_reference_system_passes_the_requirements_the_old_design_fails() -> None:
    result = cli(ROOT / "contracts", "--type", "all", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    requirements = json.loads(result.stdout)["audit"]["requirements"]
    judged = {(r["id"], r["contract"]): r["status"] for r in requirements if r["id"] in {c[2] for c in CASES}}
    assert judged == {("CUL506", "Governance"): "pass", ("CUL525", "ExchangeV2"): "pass", ("CUL526", "ExchangeV2"): "pass"}


def test_stale_rollback_message_explains_the_data_loss() -> None:
    result = cli(OLD_DESIGN / "tp_stale_rollback.cairo", "--type", "migration")
    failed = next(i for i, line in enumerate(result.stdout.splitlines()) if line.strip().startswith("FAIL"))
    message = result.stdout.splitlines()[failed + 1]
    assert "`migration_backup`, a snapshot taken when the migration ran" in message
    assert "`user_records` (the migrated data) is still written afterwards by `deposit`" in message


@pytest.mark.compiler
@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_old_design_fixtures_compile_with_cairo_2_1(name: str) -> None:
    sierra = compile_source(OLD_DESIGN / name, CONTRACTS.get(name, "ExchangeV2"))
    assert sierra["sierra_program"]
