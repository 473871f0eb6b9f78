"""The commands' work split into *units*: one input of ``check``, one old/new pair of ``diff``.

Units run in a process pool when there are several (``jobs``), and the outcome of a unit whose
files are unchanged since the last run is reused from the cache; otherwise ``pipeline`` analyses
it, imported only then: a cache hit loads none of the parser, model and rules. A single diff
builds its old version in a second process while this one builds the new one: the model comes
back without its syntax trees, 1 MB of pickle for 2 MB of Cairo, loaded in 35 ms. A single
``check`` is not split (measured on 2 cores: parsing half of a 2 MB folder in a second process
saved nothing: pickling 2 MB of syntax trees takes 1.3 s, about as long as parsing them).
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from . import gitsource, runcache
from .cache import scratch
from .config import Config
from .errors import InputError
from .findings import Finding
from .records import field, record, replace

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


@record(frozen=False)
class Run:
    """What one command produced: findings, input errors, and facts for the report."""

    findings: list[Finding] = field(default_factory=list)
    input_errors: list[InputError] = field(default_factory=list)
    files: int = 0
    elapsed: float = 0.0
    present: list[Finding] = field(default_factory=list)  # single-version findings OLD has too
    skipped_tests: int = 0
    old_roots: tuple[str, ...] = ()  # where a --base run wrote the old version (now removed)
    old_texts: dict[str, str] = field(default_factory=dict)  # the old files the findings point into
    dependencies: list[str] = field(default_factory=list)  # Scarb dependencies not found, once each


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
        units, roots = [], []
        for index, (root, files) in enumerate(sorted(groups.items())):
            destination = os.path.join(folder, str(index))
            old = gitsource.materialize(ref, root, destination).path
            only = () if "" in files else tuple(sorted(files))
            units.append(Unit(root, old, tuple(pairs.items()), only))
            roots.append(destination)  # mirrors the repository: paths under it are repository-relative
        run = execute(units, replace(options, use_cache=False))
        run.old_roots = tuple(roots)
        run.old_texts = _texts_under(run, folder)  # read now: the folder is removed on return
        return run


def _texts_under(run: Run, folder: str) -> dict[str, str]:
    """The text of each file under ``folder`` that a finding points into (for code frames)."""
    from .paths import within

    texts = {}
    top = os.path.realpath(folder)
    for finding in [*run.findings, *run.present]:
        for location in (finding.location, *(r.location for r in finding.related)):
            path = location.path
            if path not in texts and within(os.path.realpath(os.path.abspath(path)), top):
                try:
                    with open(path, "rb") as handle:
                        texts[path] = handle.read().decode("utf-8", errors="replace")
                except OSError:
                    continue
    return texts


def package_root(file: str) -> str:
    """The nearest enclosing folder with a manifest, else the file itself."""
    folder = os.path.dirname(os.path.abspath(file))
    while True:
        if any(os.path.isfile(os.path.join(folder, m)) for m in ("Scarb.toml", "cairo_project.toml")):
            return folder
        if os.path.isdir(os.path.join(folder, ".git")) or os.path.dirname(folder) == folder:
            return file
        folder = os.path.dirname(folder)


def execute(units: list[Unit], options: Options) -> Run:
    """Run every unit (in parallel when there are several and ``jobs`` > 1) and merge the results."""
    started = time.perf_counter()
    jobs = min(options.jobs, len(units))
    # a single diff on several cores builds its old version in a second process
    tasks = [(unit, options, len(units) == 1 and options.jobs > 1) for unit in units]
    if jobs > 1:
        with process_pool(jobs) as pool:
            results = list(pool.map(_cached_unit, tasks))
    else:
        results = [_cached_unit(task) for task in tasks]
    run = Run()
    for result in results:
        run.findings += result.findings
        run.input_errors += result.input_errors
        run.files += result.files
        run.present += result.present
        run.skipped_tests += result.skipped_tests
        run.dependencies += [line for line in result.dependencies if line not in run.dependencies]
    run.elapsed = time.perf_counter() - started
    return run


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes forked from this one: they start with the code this one has
    loaded, where a fresh interpreter would import it again (fork is the default on Linux only)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor  # imported here: most runs use one process

    fork = "fork" in multiprocessing.get_all_start_methods()
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork" if fork else None))


def _cached_unit(task: tuple[Unit, Options, bool]) -> runcache.Outcome:
    unit, options, parallel = task
    inputs = [p for p in (unit.old, unit.new) if p]
    key = runcache.key(inputs, repr((unit, options.config))) if options.use_cache else None
    outcome = runcache.lookup(key) if key else None
    if outcome is None:
        from . import pipeline  # the parser, model and rules: only a unit that is not cached needs them

        outcome = pipeline.analyse(unit, options.config, parallel)
        if key:
            runcache.store(key, outcome, inputs)
    return outcome
