"""The pipeline behind the commands: load sources, build models, diff, run rules, filter findings."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from .config import Config
from .findings import Finding, Location, Severity
from .model.errors import InputError
from .model.loading import Sources, load
from .syntax import ast as A


@dataclass
class Run:
    """What one command produced: findings, input errors, and facts for the report."""

    findings: list[Finding] = field(default_factory=list)
    input_errors: list[InputError] = field(default_factory=list)
    files: int = 0
    elapsed: float = 0.0


def load_inputs(paths: list[str], run: Run) -> list[Sources]:
    """Load every input; an unusable one becomes an input error and the others go on."""
    loaded = []
    for path in paths:
        try:
            sources = load(path)
        except InputError as error:
            run.input_errors.append(error)
            continue
        run.files += len(sources.files)
        loaded.append(sources)
    return loaded


def parse_error_findings(sources: Sources) -> list[Finding]:
    """CUL000: one finding per syntax diagnostic."""
    return [_parse_finding(d) for tree in sources.files for d in tree.diagnostics]


def _parse_finding(diagnostic: A.Diagnostic) -> Finding:
    span = diagnostic.span
    location = Location(diagnostic.path, span.line, span.column, span.end_line, span.end_column)
    return Finding("CUL000", Severity.ERROR, diagnostic.message, location, confidence="high")


def finish(run: Run, findings: list[Finding], config: Config, started: float) -> Run:
    """Apply rule selection and severity overrides; record the elapsed time."""
    kept = []
    for finding in findings:
        if not config.enabled(finding.rule_id):
            continue
        override = config.severity.get(finding.rule_id)
        kept.append(replace(finding, severity=override) if override else finding)
    run.findings = kept
    run.elapsed = time.perf_counter() - started
    return run


def check(paths: list[str], config: Config) -> Run:
    """Single-version analysis of every path."""
    started = time.perf_counter()
    run = Run()
    findings: list[Finding] = []
    for sources in load_inputs(paths, run):
        findings.extend(parse_error_findings(sources))
    return finish(run, findings, config, started)


def compare(old: str, new: str, config: Config, pairs: dict[str, str]) -> Run:
    """Old-vs-new analysis of one input pair."""
    started = time.perf_counter()
    run = Run()
    findings: list[Finding] = []
    for sources in load_inputs([old, new], run):
        findings.extend(parse_error_findings(sources))
    return finish(run, findings, config, started)
