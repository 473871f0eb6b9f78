"""One unit's analysis: load the sources (and the old version), build the models, diff them, run
the rules, then apply the inline suppressions and the settings. Also the ``layout`` and
``snapshot`` commands, which need only the model.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from . import baseline, runcache
from .analysis import process_pool
from .catalogue import load_catalogue
from .config import Config
from .diff import ProjectDiff, diff_projects
from .errors import InputError
from .findings import Finding, Severity
from .model import (
    Project,
    Sources,
    UpgradePath,
    build,
    describe_project,
    load,
    render_text,
)
from .model.project import unknown_dependencies
from .model.syntax_utils import location
from .records import record, replace
from .rules import suppressions
from .rules.pairing import pairing_findings
from .rules.registry import check_contracts, check_diff
from .semantics.context import Context
from .syntax import ast as A

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .analysis import Unit


def snapshot(path: str, lock: str | None, config: Config | None = None) -> tuple[str, list[str]]:
    """The layout lock file text for ``path`` (locations relative to the lock file's folder), with
    the identities of its single-version findings (so that ``--against`` reports only the ones
    an upgrade introduces); and the input problems that leave it incomplete (``incomplete``)."""
    from . import config as config_module
    from .model import lockfile  # with json: only the lock file commands need them

    config = config or config_module.load(config_module.discover(path))
    root = os.path.dirname(os.path.abspath(lock)) if lock else os.getcwd()
    sources = load(path, config.selection, config.dependency_options)
    project = build(sources)
    every_rule = replace(config, select=(), ignore=(), severity={})  # --against applies its own settings
    return lockfile.snapshot(project, root, _single_version(project, every_rule)), incomplete(sources, project)


def layout(path: str, fmt: str, config: Config | None = None) -> tuple[str, list[str]]:
    """The ``layout`` command's output for one input (test and mock files included), and the input
    problems that leave it incomplete (``incomplete``)."""
    sources = load(path, None, config.dependency_options if config else None)
    project = build(sources)
    description = describe_project(project)
    if fmt == "json":
        import json

        return json.dumps(description, indent=2) + "\n", incomplete(sources, project)
    return render_text(description), incomplete(sources, project)


def incomplete(sources: Sources, project: Project) -> list[str]:
    """One line per file whose contracts a layout may lack: unreadable files, and the first syntax
    error of each file that has some (the parser recovers, but what follows it may be missing)."""
    problems = [str(error) for error in sources.errors]
    seen: set[str] = set()
    for diagnostic in project.diagnostics:
        if diagnostic.path not in seen:
            seen.add(diagnostic.path)
            where = location(diagnostic.path, diagnostic.span)
            problems.append(
                f"{where.path}:{where.line}:{where.column}: syntax error: {diagnostic.message}; its layout may be incomplete"
            )
    return problems


def analyse(unit: Unit, config: Config, parallel: bool = False) -> runcache.Outcome:
    """The outcome of ``unit``: its findings, the input errors met, and the files analysed.

    ``parallel``: the old version of a diff, when it is a folder or package, is built in a second
    process while this one builds the new one (its model comes back without the syntax trees,
    which the diff does not read). A single file is built here: starting a process costs a
    pre-commit style run about what building a file's model in parallel saves. Where no process
    can be started, or it dies, the old version is built here: the outcome is the same.
    """
    if unit.old is None or not parallel or not _is_package(unit.old):
        old = partial(_old_version, unit.old, config) if unit.old else None
        return _analyse(unit, config, old, early=True)
    with process_pool(1) as pool:
        try:
            future = pool.submit(_old_version, unit.old, config, slim=True)
        except OSError:  # no process to spare (a process limit, a sandbox)
            return analyse(unit, config)
        return _analyse(unit, config, partial(_old_result, future, unit.old, config), early=False)


def _old_result(future: Future[_Old], path: str, config: Config) -> _Old:
    from concurrent.futures.process import BrokenProcessPool  # loaded with the pool

    try:
        return future.result()
    except BrokenProcessPool:  # the process died (killed, out of memory)
        return _old_version(path, config)


def _is_package(path: str) -> bool:
    return os.path.isdir(path) or os.path.basename(path) in ("Scarb.toml", "cairo_project.toml")


def _analyse(unit: Unit, config: Config, old_version: Callable[[], _Old] | None, early: bool) -> runcache.Outcome:
    """``early``: the old version is made before the new model (an unusable old input stops the
    run sooner); otherwise after it, while a child process makes it."""
    try:
        new_sources = load(unit.new, config.selection, config.dependency_options)
        old = old_version() if old_version and early else None
        new = build(new_sources)
        if old_version and not early:
            old = old_version()
    except InputError as error:
        return runcache.Outcome([], [error], 0)
    return _outcome(unit, config, new_sources, new, old)


def _outcome(unit: Unit, config: Config, new_sources: Sources, new: Project, old: _Old | None) -> runcache.Outcome:
    errors = list(new_sources.errors)
    present: list[Finding] = []
    if old is None:
        findings = _finish(_check(new, config), new, config)
    else:
        errors += old.errors
        found, diff = _compare(old, new, config, dict(unit.pairs))
        findings = _finish(found, new, config)
        renamed = {d.old.qualified_name: (d.new.qualified_name, d.new.name) for d in diff.contracts}
        findings, present = baseline.split(findings, old.identities, baseline.Scopes(new.contracts, unit.new), renamed)
    if unit.only:
        findings, present = _only(findings, unit), _only(present, unit)
    read = tuple(sorted({*new_sources.read, *(old.read if old else ())}))
    files = len(new_sources.files) + (old.files if old else 0)
    unknown = unknown_dependencies(new)
    said = {line.split("; ")[0] for line in unknown}  # a dependency both versions miss is said once
    unknown += tuple(
        line for line in (old.dependencies if old else ()) if line.removeprefix("old version: ").split("; ")[0] not in said
    )
    return runcache.Outcome(findings, errors, files, read, present, len(new_sources.skipped), unknown)


def _only(findings: list[Finding], unit: Unit) -> list[Finding]:
    """The findings in ``unit.only`` files, or in their old versions (same path under ``unit.old``)."""
    wanted = set(unit.only)
    if unit.old:
        new_root, old_root = os.path.abspath(unit.new), os.path.abspath(unit.old)
        wanted |= {os.path.join(old_root, os.path.relpath(f, new_root)) for f in unit.only}
    return [f for f in findings if os.path.abspath(f.location.path) in wanted]


@record
class _Old:
    """The old version: parsed from source, or read from a lock file (with its upgrade paths), and
    its syntax errors as CUL000 findings."""

    project: Project
    errors: tuple[InputError, ...]
    files: int
    upgrade_paths: dict[str, tuple[UpgradePath, ...]] | None = None
    read: tuple[str, ...] = ()
    parse_errors: tuple[Finding, ...] = ()
    identities: tuple[baseline.OldIdentity, ...] = ()  # of its single-version findings
    dependencies: tuple[str, ...] = ()  # its Scarb dependencies not found (``unknown_dependencies``)


def _old_version(path: str, config: Config, slim: bool = False) -> _Old:
    """The old version at ``path``; ``slim``: without the syntax trees and file texts."""
    if path.endswith(".json"):
        from .model import lockfile

        project, paths, identities = lockfile.read(path)
        return _Old(project, (), 0, paths, identities=identities)
    sources = load(path, config.selection, config.dependency_options)
    project = build(sources)
    found = tuple(parse_errors(project))
    identities = _single_version(project, config)
    unknown = tuple(f"old version: {line}" for line in unknown_dependencies(project))
    if slim:
        project = replace(project, files=(), texts={})
    return _Old(project, sources.errors, len(sources.files), read=sources.read, parse_errors=found,
                identities=identities, dependencies=unknown)  # fmt: skip


def _single_version(project: Project, config: Config) -> tuple[baseline.OldIdentity, ...]:
    """The identities of the findings of the single-version rules on ``project`` (suppressions
    and settings applied), as the old version of a diff."""
    catalogue = load_catalogue()
    found = parse_errors(project) + check_contracts(project.contracts, Context(project, config, catalogue))
    chosen = tuple(r for r in baseline.SELF_DIFF_RULES if config.enabled(r))
    if chosen and project.contracts:
        # the diff rules that judge the new version alone, on the version compared with itself
        ctx = Context(project, replace(config, select=chosen, ignore=()), catalogue, old=project)
        found += check_diff(diff_projects(project, project), ctx)
    return baseline.old_identities(_finish(found, project, config), baseline.Scopes(project.contracts, project.input))


def _check(project: Project, config: Config) -> list[Finding]:
    ctx = Context(project, config, load_catalogue())
    return parse_errors(project) + check_contracts(project.contracts, ctx)


def _compare(version: _Old, new: Project, config: Config, pairs: dict[str, str]) -> tuple[list[Finding], ProjectDiff]:
    """Parse errors of both versions, old-vs-new rules of each contract pair, and the
    single-version rules of the new version; ``pairs`` (old -> new names) restricts it to them."""
    old = version.project
    diff = diff_projects(old, new, pairs)
    if version.upgrade_paths is not None:
        recorded = version.upgrade_paths
        chosen = tuple(replace(d, old_upgrade_paths=recorded.get(d.old.qualified_name, ())) for d in diff.contracts)
        diff = replace(diff, contracts=chosen)
    contracts = new.contracts
    ctx = Context(new, config, load_catalogue(), old=old)
    pairing = [] if pairs else pairing_findings(diff, ctx, version.upgrade_paths)
    if pairs:
        _check_pairs(pairs, diff, old.input)
        chosen = tuple(d for d in diff.contracts if {d.old.name, d.old.qualified_name} & set(pairs))
        diff = replace(diff, contracts=chosen)
        contracts = tuple(d.new for d in diff.contracts)
    found = [*version.parse_errors, *parse_errors(new)] + pairing + check_diff(diff, ctx) + check_contracts(contracts, ctx)
    return found, diff


def _check_pairs(pairs: dict[str, str], diff: ProjectDiff, old: str) -> None:
    paired = {name for d in diff.contracts for name in (d.old.name, d.old.qualified_name)}
    missing = sorted(set(pairs) - paired)
    if missing:
        raise InputError(old, f"--contract {missing[0]}: no such contract or component on both sides")


def parse_errors(project: Project) -> list[Finding]:
    """CUL000: one finding per syntax diagnostic."""
    return [_parse_finding(d) for d in project.diagnostics]


def _parse_finding(diagnostic: A.Diagnostic) -> Finding:
    where = location(diagnostic.path, diagnostic.span)
    return Finding("CUL000", Severity.ERROR, diagnostic.message, where, confidence="high")


def _finish(findings: list[Finding], project: Project, config: Config) -> list[Finding]:
    """Apply the project's inline suppressions, rule selection and severity overrides."""
    allowed: list[suppressions.Suppression] = []
    for tree in project.files:
        found, problems = suppressions.collect(tree, project.texts.get(tree.path, b""))
        allowed += found
        findings = findings + problems
    kept = []
    for finding in suppressions.apply(findings, allowed):
        if not config.enabled(finding.rule_id):
            continue
        override = config.severity.get(finding.rule_id)
        kept.append(replace(finding, severity=override) if override else finding)
    return kept
