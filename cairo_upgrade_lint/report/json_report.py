"""Machine-readable JSON report; the shape is documented in JSON_FORMAT.md (and typed below)."""

from __future__ import annotations

import json
from typing import NotRequired, TypedDict

from cairo_upgrade_lint.findings import Finding, Location
from cairo_upgrade_lint.report.context import (
    TOOL_NAME,
    Base,
    ReportContext,
    severity_counts,
    sort_findings,
)

SCHEMA_VERSION = 1


class JsonLocation(TypedDict):
    path: str
    base: Base | None
    line: int
    column: int
    end_line: int
    end_column: int


class JsonRelated(TypedDict):
    message: str
    location: JsonLocation


class JsonFinding(TypedDict):
    rule_id: str
    rule_name: str | None
    severity: str
    confidence: str
    message: str
    location: JsonLocation
    related: list[JsonRelated]
    fix: str | None
    properties: dict[str, str]
    already_present: NotRequired[bool]  # old-vs-new reports only


class JsonSummary(TypedDict):
    total: int
    by_severity: dict[str, int]
    files_analysed: int
    elapsed_seconds: float
    test_files_skipped: int
    unknown_dependencies: NotRequired[list[str]]
    already_present: NotRequired[int]  # old-vs-new reports only


class JsonTool(TypedDict):
    name: str
    version: str


class JsonDocument(TypedDict):
    version: int
    tool: JsonTool
    old: NotRequired[dict[str, str] | None]  # old-vs-new reports only
    findings: list[JsonFinding]
    summary: JsonSummary


def render_json(findings: list[Finding], context: ReportContext) -> str:
    """The JSON document (schema version 1), pretty-printed, ending with a newline."""
    ordered = sort_findings(findings, context)
    diff = context.command == "diff"
    listed = sort_findings(context.reported(findings), context)
    summary: JsonSummary = {
        "total": len(ordered),
        "by_severity": {s.value: n for s, n in severity_counts(ordered).items()},
        "files_analysed": context.files_analysed,
        "elapsed_seconds": round(context.elapsed, 3),
        "test_files_skipped": context.skipped_tests,
    }
    if context.dependencies:
        summary["unknown_dependencies"] = list(context.dependencies)
    if diff:
        summary["already_present"] = len(context.present)
    tool: JsonTool = {"name": TOOL_NAME, "version": context.version}
    found = [_finding(f, context, diff) for f in listed]
    document: JsonDocument = (  # "old" (old-vs-new reports only) follows "tool"
        {"version": SCHEMA_VERSION, "tool": tool, "old": context.old_source, "findings": found, "summary": summary}
        if diff
        else {"version": SCHEMA_VERSION, "tool": tool, "findings": found, "summary": summary}
    )
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _finding(finding: Finding, context: ReportContext, diff: bool) -> JsonFinding:
    out: JsonFinding = {
        "rule_id": finding.rule_id,
        "rule_name": context.rule_name(finding.rule_id),
        "severity": finding.severity.value,
        "confidence": finding.confidence,
        "message": finding.message,
        "location": _location(finding.location, context),
        "related": [{"message": r.message, "location": _location(r.location, context)} for r in finding.related],
        "fix": finding.fix,
        "properties": dict(sorted(finding.properties.items())),
    }
    if diff:
        out["already_present"] = context.already_present(finding)
    return out


def _location(location: Location, context: ReportContext) -> JsonLocation:
    rel = context.relative(location.path)
    return {
        "path": rel.path,
        "base": rel.base,
        "line": location.line,
        "column": location.column,
        "end_line": location.end_line,
        "end_column": location.end_column,
    }
