"""Machine-readable JSON report; the shape is documented in JSON_FORMAT.md."""

from __future__ import annotations

import json
from typing import Any

from cairo_upgrade_lint.findings import Finding, Location
from cairo_upgrade_lint.report.context import (
    TOOL_NAME,
    ReportContext,
    severity_counts,
    sort_findings,
)

SCHEMA_VERSION = 1


def render_json(findings: list[Finding], context: ReportContext) -> str:
    """The JSON document (schema version 1), pretty-printed, ending with a newline."""
    ordered = sort_findings(findings, context)
    diff = context.command == "diff"
    document: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": context.version},
    }
    if diff:
        document["old"] = context.old_source
    listed = sort_findings(context.reported(findings), context)
    document["findings"] = [_finding(f, context, diff) for f in listed]
    document["summary"] = {
        "total": len(ordered),
        "by_severity": {s.value: n for s, n in severity_counts(ordered).items()},
        "files_analysed": context.files_analysed,
        "elapsed_seconds": round(context.elapsed, 3),
        "test_files_skipped": context.skipped_tests,
    }
    if context.dependencies:
        document["summary"]["unknown_dependencies"] = list(context.dependencies)
    if diff:
        document["summary"]["already_present"] = len(context.present)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _finding(finding: Finding, context: ReportContext, diff: bool) -> dict[str, Any]:
    out = {
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


def _location(location: Location, context: ReportContext) -> dict[str, Any]:
    rel = context.relative(location.path)
    return {
        "path": rel.path,
        "base": rel.base,
        "line": location.line,
        "column": location.column,
        "end_line": location.end_line,
        "end_column": location.end_column,
    }
