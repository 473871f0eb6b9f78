"""Diff mode a team keeps in CI: introduced findings only, production code only, every contract
accounted for, old-version locations as git shows them, and the GitHub Action."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from test_report_sarif import VALIDATOR

from cairo_upgrade_lint import baseline
from cairo_upgrade_lint.cache import cache_dir
from cairo_upgrade_lint.cli import lint_upgrade, main
from cairo_upgrade_lint.findings import Finding, Location, Severity
from cairo_upgrade_lint.selection import Selection, is_test_crate, is_test_path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "diff_mode"
OLD = (FIXTURES / "unguarded_old.cairo").read_text()
NEW = (FIXTURES / "unguarded_new.cairo").read_text()


def invoke(command, args: list[str], cwd: Path | None = None):  # type: ignore[no-untyped-def]
    previous = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        extra = [] if args[0] == "snapshot" else ["--no-cache", "--no-color"]
        return CliRunner().invoke(command, [*args, *extra], catch_exceptions=False)
    finally:
        os.chdir(previous)


def rules(output: str) -> list[str]:
    return re.findall(r"^(?:error|warning|note)\[(CUL\d+)\]", output, flags=re.M)


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env, check=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose committed version has an unguarded upgrade (a pre-existing hazard) and a
    mock with another one."""
    root = tmp_path / "repo"
    (root / "src" / "mocks").mkdir(parents=True)
    (root / "src" / "vault.cairo").write_text(OLD)
    (root / "src" / "mocks" / "mock_vault.cairo").write_text(OLD.replace("mod Vault", "mod MockVault"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    git(root, "tag", "v0.4.0")
    return root


# ------------------------------------------------------------------ 1. introduced findings


def test_a_pre_existing_hazard_is_hidden_and_an_introduced_one_reported(tmp_path: Path) -> None:
    old, new = tmp_path / "old.cairo", tmp_path / "new.cairo"
    old.write_text(OLD)
    new.write_text(NEW)
    same = invoke(lint_upgrade, [str(old), str(old)])
    assert same.exit_code == 0, same.output
    assert "2 findings already present in OLD (hidden: --all-findings shows them)" in same.output
    done = invoke(lint_upgrade, [str(old), str(new)])
    assert done.exit_code == 1, done.output
    assert rules(done.output) == ["CUL301"]
    assert "`emergency_upgrade` replaces the contract's class" in done.output
    shown = invoke(lint_upgrade, [str(old), str(new), "--all-findings"])
    assert shown.exit_code == 1
    assert sorted(rules(shown.output)) == ["CUL301", "CUL301", "CUL305"]
    assert shown.output.count("(already present in OLD)") == 2
    assert "`upgrade` replaces" in shown.output
    # check is unchanged: every single-version finding
    checked = invoke(main, ["check", str(new)])
    assert sorted(rules(checked.output)) == ["CUL301", "CUL301", "CUL305"]


def test_machine_formats_count_and_mark_what_was_already_there(tmp_path: Path) -> None:
    old, new = tmp_path / "old.cairo", tmp_path / "new.cairo"
    old.write_text(OLD)
    new.write_text(NEW)
    document = json.loads(invoke(lint_upgrade, [str(old), str(new), "--format", "json", "--all-findings"]).output)
    assert document["summary"]["already_present"] == 2 and document["summary"]["total"] == 1
    assert sorted(f["already_present"] for f in document["findings"]) == [False, True, True]
    log = json.loads(invoke(lint_upgrade, [str(old), str(new), "--format", "sarif", "--all-findings"]).output)
    assert [e.message for e in VALIDATOR.iter_errors(log)] == []
    run = log["runs"][0]
    assert run["properties"]["alreadyPresentInOld"] == 2
    assert sorted(r["baselineState"] for r in run["results"]) == ["new", "unchanged", "unchanged"]


def test_identity_ignores_positions_and_counts_copies() -> None:
    def finding(message: str, line: int) -> Finding:
        return Finding("CUL301", Severity.ERROR, message, Location("a.cairo", line, 1, line, 5))

    scopes = baseline.Scopes((), "a.cairo")
    old = baseline.old_identities([finding("`up` at src/a.cairo:12:5 is unguarded", 12)], scopes)
    new = [finding("`up` at src/a.cairo:40:5 is unguarded", 40), finding("`up` at src/a.cairo:90:5 is unguarded", 90)]
    introduced, present = baseline.split(new, old, scopes, {})
    assert [f.location.line for f in present] == [40]
    assert [f.location.line for f in introduced] == [90]  # a second copy of the hazard is reported
    # an old-vs-new rule is never hidden
    storage = Finding("CUL101", Severity.ERROR, "x", Location("a.cairo", 1, 1, 1, 1))
    assert baseline.split([storage], (("CUL101", "file:", "", "x"),), scopes, {}) == ([storage], [])


def test_a_repository_compared_with_its_own_head_exits_0(repo: Path) -> None:
    (repo / "src" / "vault.cairo").write_text(OLD.replace("balance: u128,", "balance: u128,\n        fee: u64,"))
    done = invoke(lint_upgrade, ["--base", "HEAD", "."], cwd=repo)
    assert done.exit_code == 0, done.output
    assert "already present in OLD" in done.output
    assert invoke(main, ["check", "src/vault.cairo"], cwd=repo).exit_code == 1  # the hazard is there


def test_against_a_lock_file_reports_only_introduced_findings(repo: Path) -> None:
    lock = repo / "upgrade-layout.lock.json"
    assert invoke(main, ["snapshot", ".", "-o", str(lock)], cwd=repo).exit_code == 0
    assert json.loads(lock.read_text())["findings"]
    assert invoke(lint_upgrade, ["--against", str(lock), "."], cwd=repo).exit_code == 0
    (repo / "src" / "vault.cairo").write_text(NEW)
    done = invoke(lint_upgrade, ["--against", str(lock), "."], cwd=repo)
    assert done.exit_code == 1 and rules(done.output) == ["CUL301"], done.output


# ------------------------------------------------------------------ 2. production code only


def test_default_test_and_mock_rules() -> None:
    assert all(is_test_path(p) for p in ["tests/a.cairo", "src/test/a.cairo", "src/mocks/erc20.cairo",
                                          "src/mock_erc20.cairo", "src/erc20_mock.cairo", "src/tests.cairo",
                                          "src/common/test_dapp.cairo", "src/vault_test.cairo",
                                          "packages/test_common/src/lib.cairo"])  # fmt: skip
    assert not any(is_test_path(p) for p in ["src/lib.cairo", "src/testing_utils.cairo", "src/mockery.cairo",
                                              "src/attestation.cairo", "src/contest.cairo"])  # fmt: skip
    assert is_test_crate("openzeppelin_test_common") and is_test_crate("openzeppelin_testing")
    assert not is_test_crate("contest")
    assert Selection(include=("mocks",)).skips("/r/src/mocks/a.cairo", "/r") is False
    assert Selection(exclude=("src/legacy/*",)).skips("/r/src/legacy/old.cairo", "/r") is True
    assert Selection(include_tests=True).skips("/r/tests/a.cairo", "/r") is False


def test_a_library_whose_only_findings_are_in_mocks_and_tests_passes(tmp_path: Path) -> None:
    for side in ("old", "new"):
        lib = tmp_path / side
        (lib / "mocks").mkdir(parents=True)
        (lib / "tests").mkdir()
        (lib / "token.cairo").write_text(OLD.replace("use starknet::ClassHash;", "").replace(
            "    #[external(v0)]\n    fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {\n"
            "        replace_class_syscall(new_class_hash).unwrap();\n    }\n", ""))  # fmt: skip
        (lib / "mocks" / "upgradeable.cairo").write_text(OLD.replace("mod Vault", "mod UpgradeableMock"))
        (lib / "tests" / "helpers.cairo").write_text(NEW.replace("mod Vault", "mod Helper"))
    checked = invoke(main, ["check", str(tmp_path / "new")])
    assert checked.exit_code == 0, checked.output
    assert "2 test or mock files skipped (--include-tests analyses them)" in checked.output
    assert invoke(lint_upgrade, [str(tmp_path / "old"), str(tmp_path / "new")]).exit_code == 0
    assert invoke(main, ["check", str(tmp_path / "new"), "--include-tests"]).exit_code == 1
    (tmp_path / "new" / ".cairo-upgrade-lint.toml").write_text('include = ["mocks"]\n')
    assert invoke(main, ["check", str(tmp_path / "new")]).exit_code == 1
    (tmp_path / "new" / ".cairo-upgrade-lint.toml").write_text('exclude = ["token.cairo"]\n')
    assert invoke(main, ["check", str(tmp_path / "new")]).exit_code == 2  # nothing left to analyse


# ------------------------------------------------------------------ 3. every contract accounted for


def test_a_renamed_contract_is_paired_by_similarity_next_to_a_new_unrelated_one(tmp_path: Path) -> None:
    old, new = FIXTURES / "renamed_old.cairo", FIXTURES / "renamed_new.cairo"
    done = invoke(lint_upgrade, [str(old), str(new)])
    assert "paired `Multisig` with `MultisigAccount`: 5 of 7 storage members and 9 of 11 entry points shared" in done.output
    assert "storage member `confirmations` was renamed to `guardian`" in done.output  # it was compared
    assert "warning[CUL002] contract-pairing: `Legacy` has no counterpart in NEW: removed, or renamed? " \
           "pair it with --contract Legacy=NEW_NAME" in done.output  # fmt: skip
    assert "note[CUL002] contract-pairing: contract `Token` is new" in done.output
    explicit = invoke(lint_upgrade, [str(old), str(new), "--contract", "Multisig=MultisigAccount"])
    assert "CUL002" not in explicit.output and "guardian" in explicit.output


def test_a_renamed_contract_is_compared_with_base(repo: Path) -> None:
    text = (FIXTURES / "renamed_old.cairo").read_text()
    (repo / "src" / "multisig.cairo").write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "multisig")
    (repo / "src" / "multisig.cairo").write_text((FIXTURES / "renamed_new.cairo").read_text())
    done = invoke(lint_upgrade, ["--base", "HEAD", "src/multisig.cairo"], cwd=repo)
    assert "paired `Multisig` with `MultisigAccount`" in done.output, done.output
    assert "HEAD:src/multisig.cairo:" in done.output  # the old contract, where git has it


# ------------------------------------------------------------------ 4. old-version locations


def test_no_report_holds_a_temporary_path_and_reports_are_reproducible(repo: Path) -> None:
    vault = repo / "src" / "vault.cairo"
    vault.write_text(OLD.replace("balance: u128", "balances: u128"))  # CUL102: related location in OLD
    outputs = {}
    for fmt in ("text", "json", "sarif", "github"):
        runs = [invoke(lint_upgrade, ["--base", "v0.4.0", ".", "--format", fmt, "--all-findings"], cwd=repo).output
                for _ in range(2)]  # fmt: skip
        runs = [re.sub(r"(elapsed_seconds\": |in )\d+\.\d+", r"\g<1>0", r) for r in runs]
        assert runs[0] == runs[1], fmt
        assert cache_dir() not in runs[0] and "tmp" not in runs[0].replace(str(repo), ""), runs[0]
        outputs[fmt] = runs[0]
    assert "v0.4.0:src/vault.cairo:" in outputs["text"] and "v0.4.0:src/vault.cairo:" in outputs["github"]
    document = json.loads(outputs["json"])
    assert document["old"] == {"kind": "git", "ref": "v0.4.0"}
    related = [r["location"] for f in document["findings"] for r in f["related"]]
    assert {"path": "src/vault.cairo", "base": "old_root"}.items() <= related[0].items()
    log = json.loads(outputs["sarif"])
    assert [e.message for e in VALIDATOR.iter_errors(log)] == []
    bases = log["runs"][0]["originalUriBaseIds"]
    assert "uri" not in bases["OLDROOT"] and "v0.4.0" in bases["OLDROOT"]["description"]["text"]


def test_an_old_folder_is_shown_relative_to_the_old_argument(tmp_path: Path) -> None:
    for side, text in (("v1", OLD), ("v2", OLD.replace("balance: u128", "balances: u128"))):
        (tmp_path / side / "src").mkdir(parents=True)
        (tmp_path / side / "src" / "vault.cairo").write_text(text)
    done = invoke(lint_upgrade, ["v1", "v2"], cwd=tmp_path)
    assert "v1/src/vault.cairo:" in done.output and "(old version)" not in done.output
    document = json.loads(invoke(lint_upgrade, ["v1", "v2", "--format", "json"], cwd=tmp_path).output)
    assert document["old"] == {"kind": "folder", "path": "v1"}
    log = json.loads(invoke(lint_upgrade, ["v1", "v2", "--format", "sarif"], cwd=tmp_path).output)
    assert log["runs"][0]["originalUriBaseIds"]["OLDROOT"]["uri"] == "v1/"
    assert [e.message for e in VALIDATOR.iter_errors(log)] == []


# ------------------------------------------------------------------ 5. the GitHub Action


def _expand(text: str, context: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        return context.get(match.group(1).strip(), "")

    return re.sub(r"\$\{\{\s*([^}]+?)\s*\}\}", value, text)


def run_action(repo: Path, tmp_path: Path, **inputs: str) -> tuple[int, dict[str, str], str]:
    """Run the action's shell steps as the runner would (inputs and outputs substituted); the
    install step is replaced by the installed package, the upload step (not a shell step) skipped."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    values = {f"inputs.{k}": str(v.get("default", "")) for k, v in action["inputs"].items()}
    values.update({f"inputs.{k.replace('_', '-')}": v for k, v in inputs.items()})
    values.update({"github.action_path": str(ROOT), "github.base_ref": "", "github.event.before": ""})
    env_base = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                "RUNNER_TEMP": str(tmp_path), "NO_COLOR": "1"}  # fmt: skip
    log = ""
    for step in action["runs"]["steps"]:
        if "run" not in step or step.get("id") == "install":
            continue
        output = tmp_path / f"output-{step.get('id', 'x')}"
        output.write_text("")
        env = {**env_base, **{k: _expand(str(v), values) for k, v in step.get("env", {}).items()},
               "GITHUB_OUTPUT": str(output)}  # fmt: skip
        done = subprocess.run(["bash", "-e", "-c", _expand(step["run"], values)], cwd=repo, env=env,
                              capture_output=True, text=True)  # fmt: skip
        log += done.stdout + done.stderr
        for line in output.read_text().splitlines():
            key, _, value = line.partition("=")
            values[f"steps.{step['id']}.outputs.{key}"] = value
        if done.returncode != 0:
            return done.returncode, values, log
    return 0, values, log


def test_the_action_passes_a_safe_change_and_fails_an_introduced_hazard(repo: Path, tmp_path: Path) -> None:
    (repo / "src" / "vault.cairo").write_text(OLD.replace("balance: u128,", "balance: u128,\n        fee: u64,"))
    code, values, log = run_action(repo, tmp_path, base="v0.4.0")
    assert code == 0 and values["steps.lint.outputs.exit-code"] == "0", log
    sarif = json.loads(Path(values["steps.lint.outputs.sarif-file"]).read_text())
    assert sarif["runs"][0]["properties"]["alreadyPresentInOld"] == 2
    (repo / "src" / "vault.cairo").write_text(NEW)
    code, values, log = run_action(repo, tmp_path, base="v0.4.0", sarif_upload="false", paths="src")
    assert code == 1 and values["steps.lint.outputs.exit-code"] == "1", log
    assert "::error file=src/vault.cairo" in log and "emergency_upgrade" in log
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v2")
    code, values, log = run_action(repo, tmp_path, fail_on="never")  # default base: the previous commit
    assert code == 0 and values["steps.base.outputs.ref"] == "HEAD~1", log


UPGRADE = """
    #[external(v0)]
    fn upgrade(ref self: ContractState, new_class: starknet::ClassHash) {
        assert(starknet::get_caller_address() == starknet::contract_address_const::<0x123>(), 'only admin');
        assert(new_class.is_non_zero(), 'zero class hash');
        starknet::syscalls::replace_class_syscall(new_class).unwrap();
    }
"""


def test_base_reads_path_dependencies_at_the_old_ref(tmp_path: Path) -> None:
    """`--base` on one package of a workspace: its path dependency is read at the old ref too, so a
    Store struct of the dependency that gained a member in the middle is a CUL104 (not an unknown
    old type), and the unchanged package compared with HEAD reports nothing."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES.parent / "model" / "workspace", root)
    app_code = root / "packages" / "app" / "src" / "lib.cairo"  # upgradeable: layout changes are errors
    app_code.write_text(app_code.read_text().rstrip().removesuffix("}") + UPGRADE + "}\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    app = str(root / "packages" / "app")
    same = invoke(lint_upgrade, ["--base", "HEAD", app], cwd=root)
    assert same.exit_code == 0, same.output
    assert rules(same.output) == []
    config = root / "packages" / "shared" / "src" / "lib.cairo"
    config.write_text(config.read_text().replace("pub fee: u32,", "pub fee: u32,\n        pub extra: u8,"))
    changed = invoke(lint_upgrade, ["--base", "HEAD", app], cwd=root)
    assert changed.exit_code == 1, changed.output
    assert rules(changed.output) == ["CUL104"]
