"""What every report format needs besides the findings: paths, sources, rule docs, run facts."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Literal

from cairo_upgrade_lint import __version__
from cairo_upgrade_lint.catalogue import RuleDoc
from cairo_upgrade_lint.findings import Finding, Location, Severity

from ..paths import posix, relative_posix, within
from ..records import field, record

TOOL_NAME = "cairo-upgrade-lint"

Base = Literal["root", "old_root"]
_BASE_ORDER: dict[Base | None, int] = {"root": 0, "old_root": 1, None: 2}
SourceReader = Callable[[str], str | None]


def read_file_source(path: str) -> str | None:
    """Read a source file as the GitHub upload action does (UTF-8, BOM and line endings kept)."""
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return None


def package_homepage() -> str | None:
    """The ``Homepage`` project URL from the installed package metadata, if declared."""
    from importlib import metadata  # slow to import; only SARIF reports need it

    try:
        urls: list[str] = metadata.metadata(TOOL_NAME).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "homepage":
            return url.strip()
    return None


@record
class RelPath:
    """A location's file relative to the root it lies in; ``base`` None means outside both roots
    and ``path`` is then absolute."""

    base: Base | None
    path: str

    @property
    def suffix(self) -> str:
        """What tells a reader the file belongs to the old version (without a label for it)."""
        return " (old version)" if self.base == "old_root" else ""


@record
class ReportContext:
    """Run facts for the renderers.

    ``Location.path`` values are filesystem paths (absolute, or relative to the current directory);
    reports show them relative to ``root`` (the analysed project) or, for files of the old version
    of an old-vs-new comparison, relative to ``old_root`` (or one of ``old_roots``: the folders
    the old version of each package of a ``--base`` run was written to, each mirroring the
    repository). ``old_label`` is how people see that root: ``v0.4.0:`` (a git reference, as given)
    or ``../v1/`` (the OLD argument); without one, old files are marked "(old version)".
    ``old_source`` describes the old version for machine formats (``{"kind": "git", "ref": ...}``,
    ``{"kind": "folder", "path": ...}``, ``{"kind": "lock", "path": ...}``). ``present``: findings
    of single-version rules that the old version has too (not counted in the exit code); shown,
    marked, when ``show_present``, else only counted in the summary. ``skipped_tests``: test and
    mock files left out. ``read_source`` returns a file's text by
    ``Location.path`` (None when unavailable) and should return the raw file text: the SARIF
    line-hash fingerprints are computed from it.
    """

    root: str | os.PathLike[str]
    catalogue: Mapping[str, RuleDoc]
    color: bool = False
    files_analysed: int = 0
    input_errors: int = 0  # inputs (or files in them) that could not be read, reported on stderr
    elapsed: float = 0.0
    version: str = __version__
    read_source: SourceReader = read_file_source
    old_root: str | os.PathLike[str] | None = None
    command: str = "check"
    information_uri: str | None = None  # None: the package's Homepage URL, if declared (SARIF)
    old_roots: tuple[str, ...] = ()
    old_label: str | None = None
    old_source: dict[str, str] | None = None
    present: tuple[Finding, ...] = ()
    show_present: bool = False
    skipped_tests: int = 0
    dependencies: tuple[str, ...] = ()  # Scarb dependencies not found (their code is unknown), once each
    _relative_cache: dict[str, RelPath] = field(default_factory=dict, init=False, repr=False, compare=False)
    _source_cache: dict[str, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)
    _present_ids: dict[int, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    def source(self, path: str) -> str | None:
        """The text of the file at ``path`` (read once per context), or None."""
        if path not in self._source_cache:
            self._source_cache[path] = self.read_source(path)
        return self._source_cache[path]

    def relative(self, path: str) -> RelPath:
        """``path`` relative to the innermost root holding it, posix separators."""
        if path not in self._relative_cache:
            self._relative_cache[path] = self._relative(path)
        return self._relative_cache[path]

    def _relative(self, path: str) -> RelPath:
        target = os.path.realpath(os.path.abspath(path))
        roots: list[tuple[Base, str | os.PathLike[str]]] = [("root", self.root)]
        if self.old_root is not None:
            roots.append(("old_root", self.old_root))
        roots += [("old_root", extra) for extra in self.old_roots]
        best: tuple[int, Base, str] | None = None
        for base, root in roots:
            resolved = os.path.realpath(os.path.abspath(root))
            if within(target, resolved) and (best is None or len(resolved) > best[0]):  # the innermost
                best = (len(resolved), base, relative_posix(target, resolved))
        if best is None:
            return RelPath(None, posix(target))
        return RelPath(best[1], best[2])

    def shown(self, rel: RelPath) -> str:
        """A file as people read it: project files relative to the root, old ones after the old
        version's label (``v0.4.0:src/a.cairo``, ``../v1/src/a.cairo``)."""
        if rel.base == "old_root" and self.old_label is not None:
            return self.old_label + rel.path
        return rel.path + rel.suffix

    def where(self, location: Location) -> str:
        """``path:line:column`` for humans."""
        rel = self.relative(location.path)
        if rel.base == "old_root" and self.old_label is not None:
            return f"{self.old_label}{rel.path}:{location.line}:{location.column}"
        return f"{rel.path}:{location.line}:{location.column}{rel.suffix}"

    def reported(self, findings: list[Finding]) -> list[Finding]:
        """What a report lists: the findings, and those already present in OLD when asked for."""
        return [*findings, *self.present] if self.show_present else findings

    def already_present(self, finding: Finding) -> bool:
        """Whether ``finding`` is one of ``present`` (by identity: equal findings may be both)."""
        if not self._present_ids and self.present:
            self._present_ids.update((id(f), True) for f in self.present)
        return id(finding) in self._present_ids

    def rule_name(self, rule_id: str) -> str | None:
        doc = self.catalogue.get(rule_id)
        return doc.name if doc else None


def sort_findings(findings: Iterable[Finding], context: ReportContext) -> list[Finding]:
    """Findings in report order: by file (project files first), position, rule, message."""

    def key(finding: Finding) -> tuple[int, str, int, int, str, str]:
        rel, loc = context.relative(finding.location.path), finding.location
        return (_BASE_ORDER[rel.base], rel.path, loc.line, loc.column, finding.rule_id, finding.message)

    return sorted(findings, key=key)


def severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    """How many findings of each severity, worst first, zeros included."""
    counts = Counter(f.severity for f in findings)
    return {s: counts[s] for s in sorted(Severity, key=lambda s: -s.rank)}


def message_with_fix(finding: Finding) -> str:
    """The message, followed by the fix hint for formats with one text field."""
    return f"{finding.message}\nFix: {finding.fix}" if finding.fix else finding.message
