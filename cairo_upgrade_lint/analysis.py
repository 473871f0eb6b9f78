"""The pipeline behind the commands: load sources, build models, diff, run rules, filter findings.

Work is split into independent *units* (one input of ``check``; one old/new pair of ``diff``). Units
run in a process pool when there are several (``jobs``), and the outcome of a unit whose files are
unchanged since the last run is reused from the cache. A single unit is never split further
(measured on 2 cores: parsing half of a 2 MB folder in a second process, or forking to share the
function analysis, saved nothing: pickling trees back and copy-on-write faults cost as much as
the work they moved).
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from . import gitsource, runcache
from .cache import scratch
from .config import Config
from .diff import ProjectDiff, diff_projects
from .findings import Finding, Location, Severity
from .model import (
    InputError,
    Project,
    UpgradePath,
    build,
    describe_project,
    load,
    render_text,
)
from .records import field, record, replace
from .rules import suppressions
from .rules.base import Context
from .rules.catalogue import load_catalogue
from .rules.registry import check_contracts, check_diff
from .syntax import ast as A


@record(frozen=False)
class Run:
    """What one command produced: findings, input errors, and facts for the report."""

    findings: list[Finding] = field(default_factory=list)
    input_errors: list[InputError] = field(default_factory=list)
    files: int = 0
    elapsed: float = 0.0


@record
class Unit:
    """One independent piece of work: ``check`` of ``new``, or ``compare`` of ``old`` with ``new``.

    ``only`` restricts the reported findings to these files (absolute paths); ``pairs`` maps old
    contract names to new ones.
    """

    new: str
    old: str | None = None
    pairs: tuple[tuple[str, str], ...] = ()
    only: tuple[str, ...] = ()


@record
class Options:
    """How units run."""

    config: Config
    jobs: int = 1
    use_cache: bool = True


def check(paths: list[str], options: Options) -> Run:
    """Single-version analysis of every path; an unusable path is an input error, the rest go on."""
    return execute([Unit(path) for path in paths], options)


def compare(old: str, new: str, options: Options, pairs: dict[str, str]) -> Run:
    """Old-vs-new analysis of one pair of inputs."""
    return execute([Unit(new, old, tuple(pairs.items()))], options)


def compare_to_lock(lock: str, paths: list[str], options: Options, pairs: dict[str, str]) -> Run:
    """Compare ``paths`` with the version recorded in a layout lock file."""
    return execute([Unit(path, lock, tuple(pairs.items())) for path in paths], options)


def snapshot(path: str, lock: str | None) -> str:
    """The layout lock file text for ``path`` (locations relative to the lock file's folder)."""
    from .model import lockfile  # with json: only the lock file commands need them

    root = os.path.dirname(os.path.abspath(lock)) if lock else os.getcwd()
    return lockfile.snapshot(build(load(path)), root)


def compare_at_ref(ref: str, paths: list[str], options: Options, pairs: dict[str, str]) -> Run:
    """Compare ``paths`` in the working tree with the same paths at git ``ref``.

    A file is analysed with its whole package (the nearest folder with a Scarb.toml or
    cairo_project.toml), reporting only the file's findings; a path that did not exist at ``ref``
    gets the single-version checks only.
    """
    groups: dict[str, list[str]] = {}
    for path in paths:
        if not os.path.exists(path):
            raise InputError(path, "no such file or directory")
        root = package_root(path) if os.path.isfile(path) else path
        groups.setdefault(root, []).append(os.path.abspath(path) if os.path.isfile(path) else "")
    with scratch("git") as folder:
        units = []
        for index, (root, files) in enumerate(sorted(groups.items())):
            old = gitsource.materialize(ref, root, os.path.join(folder, str(index))).path
            only = () if "" in files else tuple(sorted(files))
            units.append(Unit(root, old, tuple(pairs.items()), only))
        return execute(units, replace(options, use_cache=False))


def package_root(file: str) -> str:
    """The nearest enclosing folder with a manifest, else the file itself."""
    folder = os.path.dirname(os.path.abspath(file))
    while True:
        if any(os.path.isfile(os.path.join(folder, m)) for m in ("Scarb.toml", "cairo_project.toml")):
            return folder
        if os.path.isdir(os.path.join(folder, ".git")) or os.path.dirname(folder) == folder:
            return file
        folder = os.path.dirname(folder)


def layout(path: str, fmt: str) -> str:
    """The ``layout`` command's output for one input."""
    description = describe_project(build(load(path)))
    if fmt == "json":
        import json

        return json.dumps(description, indent=2) + "\n"
    return render_text(description)


def execute(units: list[Unit], options: Options) -> Run:
    """Run every unit (in parallel when there are several and ``jobs`` > 1) and merge the results."""
    started = time.perf_counter()
    jobs = min(options.jobs, len(units))
    tasks = [(unit, options) for unit in units]
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor  # costly import, rarely needed

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_cached_unit, tasks))
    else:
        results = [_cached_unit(task) for task in tasks]
    run = Run()
    for result in results:
        run.findings += result.findings
        run.input_errors += result.input_errors
        run.files += result.files
    run.elapsed = time.perf_counter() - started
    return run


def _cached_unit(task: tuple[Unit, Options]) -> runcache.Outcome:
    unit, options = task
    inputs = [p for p in (unit.old, unit.new) if p]
    key = runcache.key(inputs, repr((unit, options.config))) if options.use_cache else None
    outcome = runcache.lookup(key) if key else None
    if outcome is None:
        outcome = _unit(unit, options.config)
        if key:
            runcache.store(key, outcome)
    return outcome


def _unit(unit: Unit, config: Config) -> runcache.Outcome:
    with _collector_paused():
        return _analyse_unit(unit, config)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a unit runs: the unit allocates millions of long-lived,
    acyclic objects (syntax trees, model) that each collection would scan again, a third of the
    time of a large input; what is garbage is freed by reference counting anyway."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _analyse_unit(unit: Unit, config: Config) -> runcache.Outcome:
    try:
        new_sources = load(unit.new)
        old = _old_version(unit.old) if unit.old else None
    except InputError as error:
        return runcache.Outcome([], [error], 0)
    new = build(new_sources)
    errors = list(new_sources.errors)
    if old is None:
        findings = _check(new, config)
    else:
        errors += old.errors
        findings = _compare(old, new, config, dict(unit.pairs))
    findings = _finish(findings, new, config)
    if unit.only:
        findings = [f for f in findings if os.path.abspath(f.location.path) in unit.only]
    return runcache.Outcome(findings, errors, len(new_sources.files) + (old.files if old else 0))


@record
class _Old:
    """The old version: parsed from source, or read from a lock file (with its upgrade paths)."""

    project: Project
    errors: tuple[InputError, ...]
    files: int
    upgrade_paths: dict[str, tuple[UpgradePath, ...]] | None = None


def _old_version(path: str) -> _Old:
    if path.endswith(".json"):
        from .model import lockfile

        project, paths = lockfile.read(path)
        return _Old(project, (), 0, paths)
    sources = load(path)
    return _Old(build(sources), sources.errors, len(sources.files))


def _check(project: Project, config: Config) -> list[Finding]:
    ctx = Context(project, config, load_catalogue())
    return parse_errors(project) + check_contracts(project.contracts, ctx)


def _compare(version: _Old, new: Project, config: Config, pairs: dict[str, str]) -> list[Finding]:
    """Parse errors of both versions, old-vs-new rules of each contract pair, and the
    single-version rules of the new version; ``pairs`` (old -> new names) restricts it to them."""
    old = version.project
    diff = diff_projects(old, new, pairs)
    if version.upgrade_paths is not None:
        recorded = version.upgrade_paths
        chosen = tuple(replace(d, old_upgrade_paths=recorded.get(d.old.qualified_name, ())) for d in diff.contracts)
        diff = replace(diff, contracts=chosen)
    contracts = new.contracts
    if pairs:
        _check_pairs(pairs, diff, old.input)
        chosen = tuple(d for d in diff.contracts if {d.old.name, d.old.qualified_name} & set(pairs))
        diff = replace(diff, contracts=chosen)
        contracts = tuple(d.new for d in diff.contracts)
    ctx = Context(new, config, load_catalogue(), old=old)
    return parse_errors(old) + parse_errors(new) + check_diff(diff, ctx) + check_contracts(contracts, ctx)


def _check_pairs(pairs: dict[str, str], diff: ProjectDiff, old: str) -> None:
    paired = {name for d in diff.contracts for name in (d.old.name, d.old.qualified_name)}
    missing = sorted(set(pairs) - paired)
    if missing:
        raise InputError(old, f"--contract {missing[0]}: no such contract or component on both sides")


def parse_errors(project: Project) -> list[Finding]:
    """CUL000: one finding per syntax diagnostic."""
    return [_parse_finding(d) for d in project.diagnostics]


def _parse_finding(diagnostic: A.Diagnostic) -> Finding:
    span = diagnostic.span
    location = Location(diagnostic.path, span.line, span.column, span.end_line, span.end_column)
    return Finding("CUL000", Severity.ERROR, diagnostic.message, location, confidence="high")


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
