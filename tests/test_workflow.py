"""Where the old version lives: git references, the layout lock file, and a real pre-commit run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cairo_upgrade_lint.cli import lint_upgrade, main

PROJECT = Path(__file__).resolve().parent.parent

V1 = """#[starknet::contract]
mod Counter {
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};

    #[storage]
    struct Storage {
        value: u128,
    }

    #[external(v0)]
    fn bump(ref self: ContractState) {
        self.value.write(self.value.read() + 1);
    }

    #[external(v0)]
    fn upgrade(ref self: ContractState, new_class: starknet::ClassHash) {
        assert(starknet::get_caller_address() == starknet::contract_address_const::<0x123>(), 'only admin');
        assert(new_class.is_non_zero(), 'zero class hash');
        starknet::syscalls::replace_class_syscall(new_class).unwrap();
    }
}
"""
BREAKING = V1.replace("value", "count")  # a rename: the stored count is orphaned
COMPATIBLE = V1.replace("value: u128,", "value: u128,\n        bumps: u64,")


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "src" / "counter.cairo").write_text(V1)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    git(root, "tag", "deployed")
    return root


def run_lint(repo: Path, *args: str):  # type: ignore[no-untyped-def]
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        return CliRunner().invoke(lint_upgrade, ["--no-color", "--format", "json", *args])
    finally:
        os.chdir(cwd)


def rules_of(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {f["rule_id"] for f in json.loads(result.stdout)["findings"]}


def test_base_ref_compares_against_the_tag_without_touching_the_work_tree(repo: Path) -> None:
    (repo / "src" / "counter.cairo").write_text(BREAKING)
    status, index = git(repo, "status", "--porcelain"), (repo / ".git" / "index").read_bytes()
    result = run_lint(repo, "--base", "deployed", "src/counter.cairo")
    assert result.exit_code == 1 and "CUL102" in rules_of(result)
    assert git(repo, "status", "--porcelain") == status and (repo / ".git" / "index").read_bytes() == index


def test_base_ref_is_clean_for_a_compatible_change(repo: Path) -> None:
    (repo / "src" / "counter.cairo").write_text(COMPATIBLE)
    result = run_lint(repo, "--base", "deployed")
    assert result.exit_code == 0, result.output
    assert not {r for r in rules_of(result) if r.startswith("CUL1")}


def test_base_ref_follows_a_renamed_file(repo: Path) -> None:
    git(repo, "mv", "src/counter.cairo", "src/ticker.cairo")
    (repo / "src" / "ticker.cairo").write_text(BREAKING)
    result = run_lint(repo, "--base", "deployed", "src/ticker.cairo")
    assert "CUL102" in rules_of(result)


def test_a_file_added_since_the_ref_gets_single_version_checks(repo: Path) -> None:
    (repo / "src" / "extra.cairo").write_text(V1.replace("Counter", "Extra").replace("fn bump", "fn bump("))
    result = run_lint(repo, "--base", "deployed", "src/extra.cairo")
    assert rules_of(result) == {"CUL000"} and result.exit_code == 1


def test_unknown_ref_is_an_input_error(repo: Path) -> None:
    result = run_lint(repo, "--base", "no-such-tag", "src/counter.cairo")
    assert result.exit_code == 2 and "no-such-tag" not in result.stdout


def test_lock_file_round_trip(repo: Path, tmp_path: Path) -> None:
    lock = repo / "upgrade-layout.lock.json"
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        assert CliRunner().invoke(main, ["snapshot", "src", "-o", str(lock)]).exit_code == 0
        first = lock.read_bytes()
        CliRunner().invoke(main, ["snapshot", "src", "-o", str(lock)])
        assert lock.read_bytes() == first, "the lock file must be deterministic"
    finally:
        os.chdir(cwd)
    document = json.loads(first)
    assert document["version"] == 1 and document["contracts"][0]["contract"]["name"] == "Counter"
    (repo / "src" / "counter.cairo").write_text(BREAKING)
    assert "CUL102" in rules_of(run_lint(repo, "--against", str(lock), "src"))
    (repo / "src" / "counter.cairo").write_text(COMPATIBLE)
    assert run_lint(repo, "--against", str(lock), "src").exit_code == 0


def test_invalid_lock_file_is_an_input_error(repo: Path) -> None:
    bad = repo / "bad.lock.json"
    bad.write_text("{not json")
    result = run_lint(repo, "--against", str(bad), "src")
    assert result.exit_code == 2 and "bad.lock.json" in result.stderr


@pytest.fixture(scope="module")
def hooked_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose .pre-commit-config.yaml points at this project at its current commit."""
    if shutil.which("pre-commit") is None and not (Path(sys.executable).parent / "pre-commit").exists():
        raise RuntimeError("the pre-commit package is part of the test extra")
    root = tmp_path_factory.mktemp("hooked")
    git(root, "init", "-q", "-b", "main")
    rev = git(PROJECT, "rev-parse", "HEAD").strip()
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {PROJECT}\n  rev: {rev}\n  hooks:\n  - id: cairo-upgrade-lint\n"
    )
    (root / "counter.cairo").write_text(V1)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    return root


def pre_commit(repo: Path) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"), "NO_COLOR": "1"}
    return subprocess.run([executable, "run"], cwd=repo, capture_output=True, text=True, env=env, timeout=900)


def test_pre_commit_hook_fails_on_a_breaking_change_and_passes_a_compatible_one(hooked_repo: Path) -> None:
    (hooked_repo / "counter.cairo").write_text(BREAKING)
    git(hooked_repo, "add", "counter.cairo")
    failed = pre_commit(hooked_repo)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "CUL102" in failed.stdout
    (hooked_repo / "counter.cairo").write_text(COMPATIBLE)
    git(hooked_repo, "add", "counter.cairo")
    passed = pre_commit(hooked_repo)
    assert passed.returncode == 0, passed.stdout + passed.stderr
