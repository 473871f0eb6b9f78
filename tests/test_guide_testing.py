"""`lint-upgrade --testing` and the guide's command line: the snforge file parses with our own
parser and names only storage members and entry points that exist; the formats carry the steps."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cairo_upgrade_lint.cli import lint_upgrade
from cairo_upgrade_lint.config import load
from cairo_upgrade_lint.guide import Plan, upgrade_plans
from cairo_upgrade_lint.guide.apply import apply_steps
from cairo_upgrade_lint.guide.plan import ACTIONS
from cairo_upgrade_lint.model import analyze
from cairo_upgrade_lint.syntax import parse

EXAMPLES = Path(__file__).parent.parent / "examples"
PAIRS = [EXAMPLES / "rename", EXAMPLES / "vault"]


def plan(folder: Path, mode: str) -> Plan:
    plans = upgrade_plans(str(folder / "v1.cairo"), str(folder / "v2.cairo"), load(None), {}, mode)
    assert len(plans) == 1
    return plans[0]


def names_of(path: Path) -> set[str]:
    """Storage keys and entry-point names of the contracts in ``path``."""
    project = analyze(str(path))
    return {n for c in project.contracts for n in [*(m.key for m in c.storage), *(e.name for e in c.entry_points)]}


@pytest.mark.parametrize("folder", PAIRS, ids=[p.name for p in PAIRS])
def test_snforge_file_parses_and_names_what_exists(folder: Path, tmp_path: Path) -> None:
    testing = plan(folder, "testing")
    tree = parse(testing.test_file, testing.test_path)
    assert tree.diagnostics == ()
    # v2 as the test package holds it: with the implementation plan applied
    implementation = plan(folder, "implementation")
    new = str(folder / "v2.cairo")
    applied = tmp_path / "v2.cairo"
    applied.write_text(apply_steps(implementation.steps, {new: Path(new).read_text()})[new])
    known = names_of(folder / "v1.cairo") | names_of(applied)
    named = set(re.findall(r'selector!\("(\w+)"\)', testing.test_file))
    assert named and named <= known, named - known
    tests = re.findall(r"#\[test\]\nfn (\w+)\(\)", testing.test_file)
    assert tests == [item.test for item in testing.checklist]
    categories = {item.category for item in testing.checklist}
    assert {"data continuity", "entry point", "governance"} <= categories


def test_checklist_covers_each_member_and_the_migration() -> None:
    testing = plan(EXAMPLES / "rename", "testing")
    tests = {item.test for item in testing.checklist}
    v1_members = {"owner", "users", "user_count", "known", "positions"}  # same name in v2
    assert {f"test_continuity_{m}" for m in v1_members | {"fee_collector", "user_balances"}} <= tests
    assert {"test_migration_refuses_outsider", "test_migration_runs_once", "test_rollback_before_migration"} <= tests
    # the re-encoded struct: v1's two felts read back around the inserted member
    assert re.search(r"array!\[(\d+), (\d+)\]\.span\(\)\);\n.*\n.*\n.*\n.*positions.*3\);\n\s+assert_eq!\(value, array!\[\1, 0, \2\]\)",
                     testing.test_file)  # fmt: skip


def test_vault_testing_flags_the_unguarded_v2_upgrade() -> None:
    """v2 of the vault dropped the owner check: the generated governance test calls v2's upgrade
    as an outsider and expects a refusal, so it fails until the guard is back."""
    testing = plan(EXAMPLES / "vault", "testing")
    assert "test_v2_upgrade_refuses_outsider" in {i.test for i in testing.checklist}
    assert "'outsider upgraded v2'" in testing.test_file


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(lint_upgrade, list(args))
    return result.exit_code, result.output


def test_cli_formats_carry_the_same_steps() -> None:
    old, new = str(EXAMPLES / "rename" / "v1.cairo"), str(EXAMPLES / "rename" / "v2.cairo")
    code, output = invoke(old, new, "--implementation", "--format", "json")
    assert code == 0
    data = json.loads(output)
    steps = data["plans"][0]["steps"]
    assert [s["id"] for s in steps] == [s.id for s in plan(EXAMPLES / "rename", "implementation").steps]
    assert {"id", "title", "why", "action", "file", "line", "code", "verify", "after"} <= set(steps[0])
    assert {s["action"] for s in steps} <= set(ACTIONS)
    done = set()
    for step in steps:  # every dependency comes earlier
        assert set(step["after"]) <= done, step["id"]
        done.add(step["id"])
    code, markdown = invoke(old, new, "--implementation", "--format", "markdown")
    assert code == 0 and markdown.count("```cairo") == sum(1 for s in steps if s["code"])
    code, text = invoke(old, new, "--testing")
    assert code == 0 and "[ ] data continuity" in text and "#[test]" in text


@pytest.mark.parametrize(
    "args",
    [["--format", "markdown"], ["--implementation", "--format", "sarif"], ["--testing", "--base", "HEAD"]],
)
def test_cli_refuses_what_does_not_go_together(args: list[str]) -> None:
    old, new = str(EXAMPLES / "rename" / "v1.cairo"), str(EXAMPLES / "rename" / "v2.cairo")
    code, _ = invoke(old, new, *args)
    assert code == 2


def test_rename_attribute_where_the_edition_has_it(tmp_path: Path) -> None:
    """Cairo 2.9+ (Scarb.toml): a renamed member keeps its address with #[rename]; the Store
    struct change still needs the migration; the applied plan leaves no CUL102."""
    for version in ("v1", "v2"):
        package = tmp_path / version
        (package / "src").mkdir(parents=True)
        (package / "Scarb.toml").write_text('[package]\nname = "vault"\nversion = "0.1.0"\ncairo-version = "2.9.2"\n')
        (package / "src" / "lib.cairo").write_text((EXAMPLES / "vault" / f"{version}.cairo").read_text())
    plans = upgrade_plans(str(tmp_path / "v1"), str(tmp_path / "v2"), load(None), {}, "implementation")
    steps = {s.id: s for s in plans[0].steps}
    assert steps["rename-user_balances"].code.strip() == '#[rename("balances")]'
    assert "V1_BALANCES" not in steps["migration"].code and "PositionV1" in steps["migration"].code
    assert plans[0].edition.startswith("Cairo 2.9 ")
    lint = [str(tmp_path / "v1"), str(tmp_path / "v2"), "--no-cache", "--select", "CUL102,CUL000"]
    assert invoke(*lint)[0] == 1  # the rename is reported before the plan is applied
    source = str(tmp_path / "v2" / "src" / "lib.cairo")
    Path(source).write_text(apply_steps(plans[0].steps, {source: Path(source).read_text()})[source])
    code, output = invoke(*lint)
    assert code == 0, output
