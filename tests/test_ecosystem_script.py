"""scripts/ecosystem.py on a tiny local repository: precision, new / gone / lost, skipped mirrors."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import ecosystem
import pytest

MANIFEST = '[package]\nname = "vault"\nversion = "0.1.0"\n\n[dependencies]\nstarknet = "2.6.3"\n'
CONTRACT = """#[starknet::contract]
mod Vault {{
    use starknet::ContractAddress;

    #[storage]
    struct Storage {{
        owner: ContractAddress,
        {member}: u128,
    }}

    #[external(v0)]
    fn total(self: @ContractState) -> u128 {{
        self.{member}.read()
    }}

    #[external(v0)]
    fn upgrade(ref self: ContractState, new_class: starknet::ClassHash) {{
        assert(starknet::get_caller_address() == self.owner.read(), 'only owner');
        assert(new_class.is_non_zero(), 'zero class hash');
        starknet::syscalls::replace_class_syscall(new_class).unwrap();
    }}
}}
"""
STEPS = """
[[step]]
id = "vault-1-2"
repo = "acme/vault"
old = "v1"
new = "v2"
package = "."
note = "balance renamed"

[[step]]
id = "absent"
repo = "acme/absent"
old = "v1"
new = "v2"
"""


def _git(*args: str, cwd: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_GLOBAL": os.devnull}  # fmt: skip
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def _commit(work: Path, member: str, tag: str, blank_lines: int = 0) -> None:
    (work / "src").mkdir(exist_ok=True)
    (work / "src" / "lib.cairo").write_text("\n" * blank_lines + CONTRACT.format(member=member))
    _git("add", "-A", cwd=work)
    _git("commit", "-q", "-m", tag, cwd=work)
    _git("tag", tag, cwd=work)


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    """A bare mirror of acme/vault with v1 (`balance`), v2 (`amount`) and v3 (v2 moved down 5 lines)."""
    work = tmp_path / "work"
    work.mkdir()
    _git("init", "-q", cwd=work)
    (work / "Scarb.toml").write_text(MANIFEST)
    _commit(work, "balance", "v1")
    _commit(work, "amount", "v2")
    _commit(work, "amount", "v3", blank_lines=5)
    mirrors = tmp_path / "mirrors"
    _git("clone", "-q", "--bare", str(work), str(mirrors / "acme+vault" / "repo"), cwd=tmp_path)
    steps = tmp_path / "steps.toml"
    steps.write_text(STEPS)
    return {"root": tmp_path, "mirrors": mirrors, "steps": steps}


def _run(setup: dict[str, Path], capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    root = setup["root"]
    code = ecosystem.main([
        "--steps", str(setup["steps"]), "--verdicts", str(root / "verdicts.toml"),
        "--last-run", str(root / "last_run.json"), "--mirrors", str(setup["mirrors"]),
        "--cache", str(root / "cache"), *extra,
    ])  # fmt: skip
    return code, capsys.readouterr().out


def _rename_fingerprint(setup: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> str:
    code, _ = _run(setup, capsys, "--json", "--only", "vault-1-2", "--unlabelled", str(setup["root"] / "stubs.toml"))
    assert code == 0
    stubs = (setup["root"] / "stubs.toml").read_text()
    errors = [line for line in stubs.splitlines() if line.startswith("[verdict.") and "|CUL102|" in line]
    assert len(errors) == 1, stubs
    fingerprint = errors[0][len("[verdict.") : -1]
    return str(json.loads(fingerprint))  # a TOML basic string without escapes is a JSON string


def test_fingerprint_ignores_lines_and_scratch_folders() -> None:
    def finding(where: str, line: int, column: int) -> dict[str, object]:
        message = f"syntax error at src/a.cairo:{line}:{column}, line {line} column {column}"
        location = {"path": f"/root/.cache/x/git/{where}/0/src/a.cairo", "line": line}
        return {"rule_id": "CUL000", "severity": "error", "message": message, "location": location}

    raw, moved = [finding("tmpab12", 12, 5)], [finding("tmpzz9", 40, 1)]
    first, second = ecosystem.fingerprints("s", raw), ecosystem.fingerprints("s", moved)
    assert first[0].fingerprint == second[0].fingerprint == "s|CUL000|src/a.cairo|syntax error at src/a.cairo:N, line N column N"
    assert ecosystem.fingerprints("s", raw + raw)[1].fingerprint.endswith("#2")


def test_missing_mirror_is_skipped(setup: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(setup, capsys, "--only", "absent")
    assert code == 0
    assert "absent: skipped: not checked out" in out


def test_precision_new_gone_and_lost(setup: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = setup["root"]
    rename = _rename_fingerprint(setup, capsys)
    assert rename == "vault-1-2|CUL102|src/lib.cairo|`balance`"

    # label the rename true and a finding the tool no longer gives true: one lost true positive
    ghost = "vault-1-2|CUL101|src/lib.cairo|storage member `ghost` was removed"
    (root / "verdicts.toml").write_text(
        f'[verdict.{ecosystem.toml_string(rename)}]\nverdict = "true"\nreason = "renamed without #[rename]"\n\n'
        f'[verdict.{ecosystem.toml_string(ghost)}]\nverdict = "true"\nreason = "was reported once"\n\n'
        '[[miss]]\nstep = "vault-1-2"\nrule = "CUL402"\ndescription = "an invented miss"\n'
    )
    code, out = _run(setup, capsys, "--json", "--record", "--check", "--min-precision", "0.5")
    summary = json.loads(out)
    assert code == 1  # the lost true positive
    assert summary["lost"] == [ghost]
    assert summary["precision"]["rules"]["CUL102"] == {"true": 1, "false": 0, "unlabelled": 0}
    assert summary["precision"]["value"] == 1.0
    assert summary["misses"] == [{"step": "vault-1-2", "rule": "CUL402", "description": "an invented miss"}]
    assert [s["status"] for s in summary["steps"]] == ["ok", "skipped"]
    assert summary["new"] == [] and summary["gone"] == []  # nothing recorded before

    # a recorded run with a finding that is gone, and without one that is new
    last = json.loads((root / "last_run.json").read_text())
    findings = last["steps"]["vault-1-2"]["findings"]
    assert rename in findings
    del findings[rename]
    findings["vault-1-2|CUL999|src/lib.cairo|old finding"] = {"severity": "error", "path": "src/lib.cairo", "line": 1}
    (root / "last_run.json").write_text(json.dumps(last))
    (root / "verdicts.toml").write_text(f'[verdict.{ecosystem.toml_string(rename)}]\nverdict = "false"\nreason = "x"\n')
    code, out = _run(setup, capsys, "--json", "--check", "--min-precision", "0.5")
    summary = json.loads(out)
    assert code == 1  # precision 0 < 0.5
    assert summary["new"] == [rename]
    assert summary["gone"] == ["vault-1-2|CUL999|src/lib.cairo|old finding"]
    assert summary["lost"] == []
    assert summary["precision"]["overall"] == {"true": 0, "false": 1, "unlabelled": 0}

    code, out = _run(setup, capsys, "--only", "vault-1-2")
    assert code == 0  # without --check
    assert "vault-1-2: ok  1 error" in out
    assert "CUL102        0%  (0/1; 0 unlabelled)" in out


def test_line_moves_keep_fingerprints(setup: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = setup["root"]
    rename = _rename_fingerprint(setup, capsys)
    setup["steps"].write_text(STEPS.replace('new = "v2"', 'new = "v3"', 1))
    code, _ = _run(setup, capsys, "--json", "--only", "vault-1-2", "--unlabelled", str(root / "stubs3.toml"))
    assert code == 0
    assert ecosystem.toml_string(rename) in (root / "stubs3.toml").read_text()
    assert "src/lib.cairo:13" in (root / "stubs3.toml").read_text()  # the new line, after 5 blank lines
