"""End to end from the CLI: the SARIF for the bundled example pair equals the golden file and is
schema-valid; its rule metadata is the catalogue's; every format runs on real findings. Set
CUL_UPDATE_GOLDEN=1 to rewrite the golden file.

The golden file leaves out the rule metadata (``tool.driver.rules``) and each result's index into it:
those are checked against the catalogue instead, so adding a rule does not change the golden file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_report_sarif import VALIDATOR

from cairo_upgrade_lint.catalogue import RuleDoc, load_catalogue, render_markdown, render_text

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "vault.sarif.json"
PAIR = ["examples/vault/v1.cairo", "examples/vault/v2.cairo"]


def lint(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-c", "from cairo_upgrade_lint.cli import lint_upgrade; lint_upgrade()"]
    return subprocess.run([*command, *args], cwd=ROOT, capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def example_sarif() -> dict[str, Any]:
    """The SARIF log of the example pair, schema-valid."""
    done = lint(*PAIR, "--format", "sarif", "--no-cache")
    assert done.returncode == 1, done.stderr
    log: dict[str, Any] = json.loads(done.stdout)
    assert [f"{e.message}" for e in VALIDATOR.iter_errors(log)] == []
    return log


def normalised(log: dict[str, Any]) -> dict[str, Any]:
    """The SARIF without what is not about this run's findings: the absolute root URI (machine-specific),
    the rule metadata and the results' indices into it (checked against the catalogue instead)."""
    log = json.loads(json.dumps(log))
    for run in log["runs"]:
        for base in run.get("originalUriBaseIds", {}).values():
            base["uri"] = "file:///ROOT/"
        del run["tool"]["driver"]["rules"]
        for result in run["results"]:
            del result["ruleIndex"]
    return log


def test_sarif_of_the_example_pair_matches_the_golden_file(example_sarif: dict[str, Any]) -> None:
    results = example_sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"CUL102", "CUL104", "CUL301"}
    for result in results:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": "examples/vault/v2.cairo", "uriBaseId": "%SRCROOT%"}
        assert "primaryLocationLineHash" in result["partialFingerprints"]
    if os.environ.get("CUL_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(normalised(example_sarif), indent=2, sort_keys=True) + "\n")
    assert normalised(example_sarif) == json.loads(GOLDEN.read_text())


def descriptor(doc: RuleDoc) -> dict[str, Any]:
    """What SARIF says about a rule: the catalogue's entry, field by field."""
    properties: dict[str, Any] = {"tags": list(doc.tags), "precision": doc.confidence}
    if "security" in doc.tags:
        properties["security-severity"] = doc.security_severity
    return {
        "id": doc.id,
        "name": doc.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.why},
        "help": {"text": render_text(doc), "markdown": render_markdown(doc)},
        "defaultConfiguration": {"level": doc.severity.value},
        "properties": properties,
    }


def test_sarif_rule_metadata_is_the_catalogue(example_sarif: dict[str, Any]) -> None:
    run = example_sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert rules == [descriptor(doc) for doc in load_catalogue().values()]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])


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
