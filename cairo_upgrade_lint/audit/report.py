"""The readiness report: a text checklist, and JSON and SARIF through the report module, where
each failed requirement is a finding with its ``CUL5xx`` id (JSON adds the whole checklist)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import groupby
from pathlib import Path
from typing import Any

from ..findings import Finding, Location, Related
from ..model.known_components import KNOWN_PATH
from ..pipeline import parse_errors
from ..report import ReportContext
from ..report import render as render_findings
from ..semantics.durations import duration_text
from .base import Evidence, Status
from .checklist import AuditRun, Result

_MARK = {Status.PASS: "pass", Status.FAIL: "FAIL", Status.NOT_FOUND: "not found"}
_INDENT = " " * 14


def render(run: AuditRun, fmt: str) -> str:
    """The report in ``fmt``: 'text', 'json' or 'sarif'."""
    context = report_context(run)
    if fmt == "text":
        return render_text(run, context)
    document = render_findings(findings(run), fmt, context)
    if fmt != "json":
        return document
    data = json.loads(document)
    data["audit"] = checklist(run, context)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def report_context(run: AuditRun) -> ReportContext:
    return ReportContext(
        root=Path.cwd(),
        catalogue=run.catalogue,
        files_analysed=run.files,
        elapsed=run.elapsed,
        command="audit",
    )


def findings(run: AuditRun) -> list[Finding]:
    """A finding per failed requirement, and the syntax errors (CUL000) that make the audit partial."""
    out = parse_errors(run.audit.project)
    for result in run.results:
        if result.outcome.status is Status.FAIL and result.contract is not None:
            out.append(_finding(run, result))
    return out


def _finding(run: AuditRun, result: Result) -> Finding:
    doc = run.catalogue[result.requirement.id]
    contract = result.contract
    assert contract is not None
    evidence = _real(result.outcome.evidence)
    primary = evidence[0].location if evidence else contract.declaration or contract.location
    title = result.requirement.title(run.config)
    return Finding(
        doc.id,
        doc.severity,
        f"{result.profile} requirement not met by {contract.name} ({title}): {result.outcome.message}",
        primary,
        related=tuple(Related(e.location, e.note) for e in evidence[1:]),
        fix=doc.fix,
        confidence=doc.confidence,
        properties={"profile": result.profile, "contract": contract.name, "requirement": title},
    )


def _real(evidence: Iterable[Evidence]) -> list[Evidence]:
    """Evidence in the analysed files (the shipped component knowledge has no file to show)."""
    return [e for e in evidence if e.location.path != KNOWN_PATH]


# ---------------------------------------------------------------- text


def render_text(run: AuditRun, context: ReportContext) -> str:
    """The checklist grouped by profile and contract, each requirement with its status, message,
    evidence and (unless it passes) fix; syntax errors; a summary line."""
    config = run.config
    lines = [
        f"audit of {run.path}: {', '.join(run.profiles)}",
        (
            f"policy: timelock >= {duration_text(config.timelock_min_seconds)}, multisig threshold >= "
            f"{config.multisig_threshold_min} of >= {config.multisig_signers_min} signers"
        ),
    ]
    for (profile, contract), group in groupby(run.results, key=lambda r: (r.profile, r.contract)):
        results = list(group)
        if contract is None:
            lines += ["", f"{profile}: not found: {results[0].outcome.message}"]
            lines += [f"  {_MARK[Status.NOT_FOUND]:<11} {r.requirement.id} {r.requirement.title(config)}" for r in results]
            continue
        where = _where(contract.declaration or contract.location, context)
        lines += ["", f"{profile}: {contract.name} ({where})"]
        for result in results:
            lines += _result_lines(result, run, context)
    for excluded in run.excluded:
        where = _where(excluded.contract.declaration or excluded.contract.location, context)
        lines += ["", f"{excluded.profile}: {excluded.contract.name} ({where}): {excluded.reason}"]
    for error in parse_errors(run.audit.project):
        lines += ["", f"syntax error (the audit may miss code): {_where(error.location, context)}: {error.message}"]
    counts = _counts(run.results)
    lines += ["", f"{counts[Status.PASS]} passed, {counts[Status.FAIL]} failed, {counts[Status.NOT_FOUND]} not found"]
    return "\n".join(lines) + "\n"


def _result_lines(result: Result, run: AuditRun, context: ReportContext) -> list[str]:
    outcome = result.outcome
    out = [
        f"  {_MARK[outcome.status]:<11} {result.requirement.id} {result.requirement.title(run.config)}",
        f"{_INDENT}{outcome.message}",
    ]
    out += [f"{_INDENT}{_where(e.location, context)}  {e.note}" for e in outcome.evidence]
    if outcome.status is not Status.PASS:
        fix = run.catalogue[result.requirement.id].fix.splitlines()
        out += [f"{_INDENT}fix: {fix[0]}", *(f"{_INDENT}     {line}" for line in fix[1:])]
    return out


def _counts(results: Iterable[Result]) -> dict[Status, int]:
    counts = dict.fromkeys(Status, 0)
    for result in results:
        counts[result.outcome.status] += 1
    return counts


def _where(location: Location, context: ReportContext) -> str:
    rel = context.relative(location.path)
    return f"{rel.path}:{location.line}"


# ---------------------------------------------------------------- json


def checklist(run: AuditRun, context: ReportContext) -> dict[str, Any]:
    """The ``audit`` section of the JSON report: the policy and every requirement's outcome."""
    config = run.config
    counts = {status.value: n for status, n in _counts(run.results).items()}
    return {
        "profiles": list(run.profiles),
        "policy": {
            "timelock_min_seconds": config.timelock_min_seconds,
            "multisig_threshold_min": config.multisig_threshold_min,
            "multisig_signers_min": config.multisig_signers_min,
        },
        "requirements": [_requirement(r, run, context) for r in run.results],
        "not_applicable": [{"profile": x.profile, "contract": x.contract.name, "reason": x.reason} for x in run.excluded],
        "summary": counts,
    }


def _requirement(result: Result, run: AuditRun, context: ReportContext) -> dict[str, Any]:
    doc = run.catalogue[result.requirement.id]
    return {
        "id": doc.id,
        "name": doc.name,
        "profile": result.profile,
        "title": result.requirement.title(run.config),
        "contract": result.contract.name if result.contract else None,
        "status": result.outcome.status.value,
        "message": result.outcome.message,
        "evidence": [
            {
                "path": context.relative(e.location.path).path,
                "line": e.location.line,
                "column": e.location.column,
                "note": e.note,
            }
            for e in result.outcome.evidence
        ],
        "fix": None if result.outcome.status is Status.PASS else doc.fix,
    }
