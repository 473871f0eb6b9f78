"""GitHub Actions workflow commands (``::error file=...::message``) that annotate pull requests."""

from __future__ import annotations

from cairo_upgrade_lint.findings import Finding, Severity
from cairo_upgrade_lint.report.context import (
    ReportContext,
    message_with_fix,
    sort_findings,
)

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(value: str) -> str:
    """Escape a command's message: ``%``, CR and LF."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a command property value: as data, plus the delimiters ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: list[Finding], context: ReportContext) -> str:
    """One annotation command per finding, one per line."""
    return "".join(_annotation(f, context) + "\n" for f in sort_findings(context.reported(findings), context))


def _annotation(finding: Finding, context: ReportContext) -> str:
    loc = finding.location
    rel = context.relative(loc.path)
    lines = [message_with_fix(finding), *(f"{r.message}: {context.where(r.location)}" for r in finding.related)]
    if context.already_present(finding):
        lines.append("(already present in OLD)")
    properties: dict[str, object] = {}
    if rel.base == "root":
        properties.update(file=rel.path, line=loc.line)
        if loc.line == loc.end_line:  # GitHub takes columns only on single-line annotations
            properties.update(col=loc.column, endLine=loc.end_line, endColumn=loc.end_column)
        else:
            properties.update(endLine=loc.end_line)
    else:  # not a file of the checked-out repository: an annotation without a file says where
        lines.insert(0, f"{context.where(loc)}:")
    properties.update(title=finding.rule_id)
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    message = escape_data("\n".join(lines))
    return f"::{_COMMANDS[finding.severity]} {props}::{message}"
