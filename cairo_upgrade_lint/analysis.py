"""The pipeline behind the commands: load sources, build models, diff, run rules, filter findings."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace

from .config import Config
from .diff import ProjectDiff, diff_projects
from .findings import Finding, Location, Severity
from .model import InputError, Project, Sources, build, describe_project, load, render_text
from .rules import suppressions
from .rules.base import Context
from .rules.catalogue import load_catalogue
from .rules.registry import check_contracts, check_diff
from .syntax import ast as A


@dataclass
class Run:
    """What one command produced: findings, input errors, and facts for the report."""

    findings: list[Finding] = field(default_factory=list)
    input_errors: list[InputError] = field(default_factory=list)
    files: int = 0
    elapsed: float = 0.0


def check(paths: list[str], config: Config) -> Run:
    """Single-version analysis of every path; an unusable path is an input error, the rest go on."""
    started = time.perf_counter()
    run = Run()
    findings: list[Finding] = []
    projects: list[Project] = []
    for path in paths:
        try:
            sources = load(path)
        except InputError as error:
            run.input_errors.append(error)
            continue
        project = _build(sources, run)
        projects.append(project)
        ctx = Context(project, config, load_catalogue())
        findings += parse_errors(project) + check_contracts(project.contracts, ctx)
    return _finish(run, findings, projects, config, started)


def compare(old: str, new: str, config: Config, pairs: dict[str, str]) -> Run:
    """Old-vs-new analysis: parse errors of both, old-vs-new rules of each contract pair, and the
    single-version rules of the new version. ``pairs`` (old -> new names) restricts it to them."""
    started = time.perf_counter()
    run = Run()
    old_project, new_project = _build(load(old), run), _build(load(new), run)
    diff = diff_projects(old_project, new_project, pairs)
    contracts = new_project.contracts
    if pairs:
        _check_pairs(pairs, diff, old)
        chosen = tuple(d for d in diff.contracts if {d.old.name, d.old.qualified_name} & set(pairs))
        diff = replace(diff, contracts=chosen)
        contracts = tuple(d.new for d in diff.contracts)
    ctx = Context(new_project, config, load_catalogue(), old=old_project)
    findings = parse_errors(old_project) + parse_errors(new_project)
    findings += check_diff(diff, ctx) + check_contracts(contracts, ctx)
    return _finish(run, findings, [new_project], config, started)


def _check_pairs(pairs: dict[str, str], diff: ProjectDiff, old: str) -> None:
    paired = {name for d in diff.contracts for name in (d.old.name, d.old.qualified_name)}
    missing = sorted(set(pairs) - paired)
    if missing:
        raise InputError(old, f"--contract {missing[0]}: no such contract or component on both sides")


def layout(path: str, fmt: str) -> str:
    """The ``layout`` command's output for one input."""
    description = describe_project(build(load(path)))
    if fmt == "json":
        return json.dumps(description, indent=2) + "\n"
    return render_text(description)


def _build(sources: Sources, run: Run) -> Project:
    run.files += len(sources.files)
    run.input_errors.extend(sources.errors)
    return build(sources)


def parse_errors(project: Project) -> list[Finding]:
    """CUL000: one finding per syntax diagnostic."""
    return [_parse_finding(d) for d in project.diagnostics]


def _parse_finding(diagnostic: A.Diagnostic) -> Finding:
    span = diagnostic.span
    location = Location(diagnostic.path, span.line, span.column, span.end_line, span.end_column)
    return Finding("CUL000", Severity.ERROR, diagnostic.message, location, confidence="high")


def _finish(run: Run, findings: list[Finding], projects: list[Project], config: Config, started: float) -> Run:
    """Apply inline suppressions, rule selection and severity overrides; record the time."""
    allowed: list[suppressions.Suppression] = []
    for project in projects:
        for tree in project.files:
            found, problems = suppressions.collect(tree, project.texts.get(tree.path, b""))
            allowed += found
            findings += problems
    kept = []
    for finding in suppressions.apply(findings, allowed):
        if not config.enabled(finding.rule_id):
            continue
        override = config.severity.get(finding.rule_id)
        kept.append(replace(finding, severity=override) if override else finding)
    run.findings = kept
    run.elapsed = time.perf_counter() - started
    return run
