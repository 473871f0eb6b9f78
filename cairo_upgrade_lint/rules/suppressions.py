"""Inline suppressions: ``// cairo-upgrade-lint: allow(CUL102, CUL103) reason``.

A comment on its own line covers the item (or member, variant, statement) that starts on the next code
line, attributes included; a comment after code covers its own line. A reason is required: a
suppression without one suppresses nothing and is itself reported (CUL001).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..findings import Finding, Severity
from ..model.syntax_utils import location as span_location
from ..records import record
from ..syntax import ast as A
from ..syntax import walk

_MARKER = re.compile(r"//+\s*cairo-upgrade-lint\s*:\s*allow\s*\(([^)]*)\)\s*(.*)$")
_ID = re.compile(r"CUL\d{3}")


@record
class Suppression:
    """Rule ids allowed in lines [first_line, last_line] of ``path``."""

    path: str
    rule_ids: frozenset[str]
    first_line: int
    last_line: int
    reason: str

    def covers(self, finding: Finding) -> bool:
        loc = finding.location
        return finding.rule_id in self.rule_ids and loc.path == self.path and self.first_line <= loc.line <= self.last_line


def collect(tree: A.SourceFile, source: bytes) -> tuple[list[Suppression], list[Finding]]:
    """The file's suppressions, and CUL001 findings for malformed ones."""
    suppressions: list[Suppression] = []
    problems: list[Finding] = []
    marked = [(c, m) for c in tree.comments if (m := _MARKER.search(c.text))]
    if not marked:
        return suppressions, problems
    lines = source.split(b"\n")
    starts = _node_starts(tree)
    for comment, match in marked:
        ids = [part.strip().upper() for part in match.group(1).split(",") if part.strip()]
        reason = match.group(2).strip()
        span = comment.span
        location = span_location(tree.path, span)
        bad_ids = [i for i in ids if not _ID.fullmatch(i)]
        if not ids or bad_ids or not reason:
            problem = (
                "a suppression needs a reason after allow(...)"
                if ids and not bad_ids
                else f"malformed suppression: expected allow(CUL123, ...), got allow({match.group(1)})"
            )
            problems.append(Finding("CUL001", Severity.WARNING, problem, location, fix=_FIX))
            continue
        own_line = not lines[span.line - 1][: span.column - 1].strip()
        first, last = span.line, span.line
        if own_line:
            target = _next_code_line(lines, span.line, tree)
            first, last = span.line, starts.get(target, target)
        suppressions.append(Suppression(tree.path, frozenset(ids), first, last, reason))
    return suppressions, problems


_FIX = "write `// cairo-upgrade-lint: allow(CUL102) why this is safe` (ids, then a reason)"


def _next_code_line(lines: list[bytes], after: int, tree: A.SourceFile) -> int:
    comment_lines = {c.span.line for c in tree.comments}
    line = after + 1
    while line <= len(lines) and (not lines[line - 1].strip() or line in comment_lines):
        line += 1
    return line


def _node_starts(tree: A.SourceFile) -> dict[int, int]:
    """For each line where a node starts, the last line of the largest node starting there."""
    ends: dict[int, int] = {}
    for item in tree.items:
        for node in walk(item):
            span = getattr(node, "span", None)
            if span is not None and span.end_line > ends.get(span.line, 0):
                ends[span.line] = span.end_line
    return ends


def apply(findings: Iterable[Finding], suppressions: list[Suppression]) -> list[Finding]:
    """The findings no suppression covers."""
    return [f for f in findings if not any(s.covers(f) for s in suppressions)]
