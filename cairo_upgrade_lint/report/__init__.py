"""Reports: every format renders the one Finding type (see ``findings.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cairo_upgrade_lint.findings import Finding
from cairo_upgrade_lint.report.context import RelPath, ReportContext, read_file_source
from cairo_upgrade_lint.report.github import render_github
from cairo_upgrade_lint.report.json_report import render_json
from cairo_upgrade_lint.report.output import write_output
from cairo_upgrade_lint.report.sarif import render_sarif
from cairo_upgrade_lint.report.text import render_text

_RENDERERS: dict[str, Callable[[list[Finding], ReportContext], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
}
FORMATS = tuple(_RENDERERS)


def render(findings: Iterable[Finding], format: str, context: ReportContext) -> str:
    """The report of ``findings`` in ``format`` (one of FORMATS)."""
    try:
        renderer = _RENDERERS[format]
    except KeyError:
        raise ValueError(f"unknown report format {format!r}; expected one of {', '.join(FORMATS)}") from None
    return renderer(list(findings), context)


__all__ = ["FORMATS", "RelPath", "ReportContext", "read_file_source", "render", "write_output"]
