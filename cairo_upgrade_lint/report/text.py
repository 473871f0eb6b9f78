"""Human-readable report: findings grouped by file, code frames with carets, and a summary."""

from __future__ import annotations

import unicodedata
from itertools import groupby

from cairo_upgrade_lint.findings import Finding, Location, Severity
from cairo_upgrade_lint.report.context import (
    ReportContext,
    severity_counts,
    sort_findings,
)

TAB_WIDTH = 4
MAX_FRAME_LINES = 5  # longer spans show their first two and last two lines around "..."

_STYLES = {
    Severity.ERROR: "1;31",
    Severity.WARNING: "1;33",
    Severity.NOTE: "1;36",
    "gutter": "1;34",
    "bold": "1",
    "header": "1;4",
}


def render_text(findings: list[Finding], context: ReportContext) -> str:
    """The whole text report, ending with a newline."""
    return _TextReport(context).render(findings)


class _TextReport:
    def __init__(self, context: ReportContext) -> None:
        self.context = context
        self._lines: dict[str, list[str] | None] = {}

    def paint(self, text: str, style: str | Severity) -> str:
        if not self.context.color or not text:
            return text
        return f"\x1b[{_STYLES[style]}m{text}\x1b[0m"

    def render(self, findings: list[Finding]) -> str:
        ordered = sort_findings(self.context.reported(findings), self.context)
        blocks: list[str] = []
        for rel, group in groupby(ordered, key=lambda f: self.context.relative(f.location.path)):
            blocks.append(self.paint(self.context.shown(rel), "header"))
            blocks.extend("\n".join(self.finding(f)) for f in group)
        blocks.append(self.summary(sort_findings(findings, self.context)))
        return "\n\n".join(blocks) + "\n"

    def finding(self, finding: Finding) -> list[str]:
        where = self.context.where
        locations = [finding.location, *(r.location for r in finding.related)]
        width = len(str(max(loc.end_line for loc in locations)))
        margin = " " * width
        name = self.context.rule_name(finding.rule_id)
        head = self.paint(f"{finding.severity.value}[{finding.rule_id}]", finding.severity)
        head += (f" {name}: " if name else ": ") + self.paint(finding.message, "bold")
        if finding.confidence != "high":
            head += f" (confidence: {finding.confidence})"
        if self.context.already_present(finding):
            head += " (already present in OLD)"
        out = [head, f"{margin}{self.paint('-->', 'gutter')} {where(finding.location)}"]
        out += self.frame(finding.location, width, "^", finding.severity)
        for related in finding.related:
            header = f"{margin}{self.paint(':::', 'gutter')} {where(related.location)}"
            frame = self.frame(related.location, width, "-", "gutter", related.message)
            out += [header, *frame] if frame else [f"{header}: {related.message}"]
        if finding.fix:
            first, *rest = finding.fix.splitlines()
            out.append(f"{margin} {self.paint('=', 'gutter')} fix: {first}")
            out += [f"{margin}        {line}" for line in rest]
        return out

    def frame(self, loc: Location, width: int, marker: str, style: str | Severity, label: str = "") -> list[str]:
        """The span's lines with markers under it; empty when the source is unavailable."""
        lines = self.source_lines(loc.path)
        if lines is None or not 1 <= loc.line <= len(lines):
            return []
        numbers: list[int | None] = list(range(loc.line, min(max(loc.end_line, loc.line), len(lines)) + 1))
        if len(numbers) > MAX_FRAME_LINES:
            numbers = [*numbers[:2], None, *numbers[-2:]]
        bar = self.paint("|", "gutter")
        out = [f"{' ' * width} {bar}"]
        for number in numbers:
            if number is None:
                out.append(f"{' ' * width}{self.paint('...', 'gutter')}")
                continue
            line = lines[number - 1]
            out.append(f"{number:>{width}} {bar}" + (f" {_shown(line)}" if line else ""))
            if number != loc.line and not line.strip():
                continue
            start = loc.column if number == loc.line else len(line) - len(line.lstrip()) + 1
            end = loc.end_column if number == loc.end_line else len(line)
            pad, count = _underline(line, start, end)
            marks = self.paint(marker * count, style)
            if label and number == numbers[-1]:
                marks += " " + self.paint(label, style)
            out.append(f"{' ' * width} {bar} {' ' * pad}{marks}")
        return out

    def source_lines(self, path: str) -> list[str] | None:
        if path not in self._lines:
            text = self.context.source(path)
            self._lines[path] = None if text is None else [line.removesuffix("\r") for line in text.split("\n")]
        return self._lines[path]

    def summary(self, findings: list[Finding]) -> str:
        line = self._summary(findings)
        if self.context.dependencies:
            line += "\nUnknown (not reported as changed): " + "; ".join(self.context.dependencies) + "."
        return line

    def _summary(self, findings: list[Finding]) -> str:
        c = self.context
        ran = f"{_plural(c.files_analysed, 'file')} analysed in {c.elapsed:.2f}s."
        if c.present:
            count = _plural(len(c.present), "finding")
            shown = "shown above, not counted" if c.show_present else "hidden: --all-findings shows them"
            ran += f" {count} already present in OLD ({shown})."
        if c.skipped_tests:
            ran += f" {_plural(c.skipped_tests, 'test or mock file')} skipped (--include-tests analyses them)."
        if not findings:
            unread = _plural(c.input_errors, "input error")
            if not c.input_errors:
                clean = "No problems found."
            elif c.files_analysed:
                clean = f"No problems found in what could be read ({unread})."
            else:
                clean = f"Nothing analysed: {unread}."
            return f"{self.paint(clean, 'bold')} {ran}"
        counts = ", ".join(
            self.paint(_plural(n, s.value), s) if n else _plural(n, s.value) for s, n in severity_counts(findings).items()
        )
        files = len({c.relative(f.location.path) for f in findings})  # the reported ones
        found = self.paint(f"Found {_plural(len(findings), 'problem')}", "bold")
        return f"{found} ({counts}) in {_plural(files, 'file')}. {ran}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _underline(line: str, start: int, end: int) -> tuple[int, int]:
    """Display offset and width of columns ``start..end`` (1-based, inclusive), at least one cell;
    a span past the end of the line is shown just after its last character."""
    start = min(max(start, 1), len(line) + 1)
    end = max(min(end, len(line)), start)
    return _width(line[: start - 1]), max(1, _width(line[start - 1 : end]))


def _char_width(char: str) -> int:
    if char == "\t":
        return TAB_WIDTH
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _width(text: str) -> int:
    return sum(_char_width(c) for c in text)


def _shown(line: str) -> str:
    """The line as printed: tabs expanded, control characters (escape sequences) neutralised."""
    return "".join(" " * TAB_WIDTH if c == "\t" else "\ufffd" if unicodedata.category(c) == "Cc" else c for c in line)
