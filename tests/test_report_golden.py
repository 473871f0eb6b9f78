"""End to end from the CLI: the SARIF for the bundled example pair equals the golden file and is
schema-valid; every format runs on real findings. Set CUL_UPDATE_GOLDEN=1 to rewrite the golden file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from test_report_sarif import VALIDATOR

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "vault.sarif.json"
PAIR = ["examples/vault/v1.cairo", "examples/vault/v2.cairo"]


def lint(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-c", "from cairo_upgrade_lint.cli import lint_upgrade; lint_upgrade()"]
    return subprocess.run([*command, *args], cwd=ROOT, capture_output=True, text=True, env=env)


def machine_independent(log: dict) -> dict:
    """The SARIF with the one machine-specific value (the absolute root URI) replaced."""
    for run in log["runs"]:
        for base in run.get("originalUriBaseIds", {}).values():
            base["uri"] = "file:///ROOT/"
    return log


def test_sarif_of_the_example_pair_matches_the_golden_file_and_the_schema() -> None:
    done = lint(*PAIR, "--format", "sarif", "--no-cache")
    assert done.returncode == 1, done.stderr
    log = json.loads(done.stdout)
    assert [f"{e.message}" for e in VALIDATOR.iter_errors(log)] == []
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"CUL102", "CUL104", "CUL301"}
    for result in results:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": "examples/vault/v2.cairo", "uriBaseId": "%SRCROOT%"}
        assert "primaryLocationLineHash" in result["partialFingerprints"]
    normalised = machine_independent(log)
    if os.environ.get("CUL_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(normalised, indent=2, sort_keys=True) + "\n")
    assert normalised == json.loads(GOLDEN.read_text())


def test_every_format_renders_the_example_findings(tmp_path: Path) -> None:
    text = lint(*PAIR, "--no-color").stdout
    assert "error[CUL102]" in text and "old declaration" in text and "Found " in text
    document = json.loads(lint(*PAIR, "--format", "json").stdout)
    assert document["version"] == 1 and {f["rule_id"] for f in document["findings"]} >= {"CUL102", "CUL104"}
    github = lint(*PAIR, "--format", "github").stdout.splitlines()
    assert github and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in github)
    target = tmp_path / "out.sarif"
    assert lint(*PAIR, "--format", "sarif", "--output", str(target)).stdout == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"
