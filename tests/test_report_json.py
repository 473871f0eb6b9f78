"""The JSON report: the documented, versioned shape."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner
from report_sample import sample

from cairo_upgrade_lint.cli import main
from cairo_upgrade_lint.records import replace
from cairo_upgrade_lint.report import render


def test_shape_and_values(tmp_path: Path) -> None:
    s = sample(tmp_path)
    document = json.loads(render(s.findings, "json", s.context))
    assert list(document) == ["version", "tool", "findings", "summary"]
    assert document["version"] == 1
    assert document["tool"] == {"name": "cairo-upgrade-lint", "version": "9.9.9"}
    assert document["summary"] == {
        "total": 4,
        "by_severity": {"error": 2, "warning": 1, "note": 1},
        "files_analysed": 3,
        "elapsed_seconds": 0.25,
        "test_files_skipped": 0,
    }
    assert [f["rule_id"] for f in document["findings"]] == ["CUL108", "CUL000", "CUL102", "CUL999"]
    renamed = document["findings"][2]
    assert renamed == {
        "rule_id": "CUL102",
        "rule_name": "storage-member-renamed",
        "severity": "error",
        "confidence": "high",
        "message": "storage member `balance` was renamed to `balances`",
        "location": {"path": "src/token.cairo", "base": "root", "line": 3, "column": 2, "end_line": 3, "end_column": 9},
        "related": [
            {
                "message": "old declaration",
                "location": {
                    "path": "src/token.cairo",
                    "base": "old_root",
                    "line": 3,
                    "column": 5,
                    "end_line": 3,
                    "end_column": 11,
                },
            }
        ],
        "fix": 'add #[rename("balance")] to keep the old address',
        "properties": {},
    }
    unverifiable = document["findings"][0]
    assert unverifiable["confidence"] == "medium"
    assert unverifiable["properties"] == {"unknown": "StorePacking"}
    assert unverifiable["fix"] is None and unverifiable["related"] == []
    assert document["findings"][3]["rule_name"] is None  # CUL999 is not in the test catalogue


def test_documented_fields_match_the_output(tmp_path: Path) -> None:
    s = sample(tmp_path)
    document = json.loads(render(s.findings, "json", s.context))
    doc = (Path(__file__).parents[1] / "cairo_upgrade_lint/report/JSON_FORMAT.md").read_text(encoding="utf-8")
    finding = document["findings"][0]
    for key in [*document["summary"], *finding, *finding["location"]]:
        assert f"`{key}`" in doc or f"`findings[].{key}`" in doc or f"`summary.{key}`" in doc, key


def test_documented_audit_fields_match_the_output() -> None:
    contracts = Path(__file__).parents[1] / "contracts"
    result = CliRunner().invoke(main, ["audit", str(contracts), "--format", "json"])
    audit = json.loads(result.output)["audit"]
    doc = (Path(__file__).parents[1] / "cairo_upgrade_lint/report/JSON_FORMAT.md").read_text(encoding="utf-8")
    requirement = audit["requirements"][0]
    keys = [f"audit.{k}" for k in audit] + [f"audit.requirements[].{k}" for k in requirement]
    documented = set(re.findall(r"`(audit[\w.\[\]]*)`(?:, `\.(\w+)`)?", doc))
    names = {a for a, _ in documented} | {a.rsplit(".", 1)[0] + "." + b for a, b in documented if b}
    assert not [k for k in keys if k not in names]
    assert set(audit["summary"]) == {"pass", "fail", "not-found"} and "`not-found`" in doc
    for key in [*audit["policy"], *requirement["evidence"][0]]:
        assert f"`{key}`" in doc or f'"{key}"' in doc, key


def test_unicode_is_written_as_is_and_output_is_stable(tmp_path: Path) -> None:
    s = sample(tmp_path)
    first = render(s.findings, "json", s.context)
    assert first == render(list(reversed(s.findings)), "json", s.context)
    assert first.endswith("}\n")
    s.findings[0] = replace(s.findings[0], message="名前 ✓")
    assert '"message": "名前 ✓"' in render(s.findings, "json", s.context)


def test_no_findings(tmp_path: Path) -> None:
    s = sample(tmp_path)
    document = json.loads(render([], "json", s.context))
    assert document["findings"] == []
    assert document["summary"]["total"] == 0
    assert document["summary"]["by_severity"] == {"error": 0, "warning": 0, "note": 0}
