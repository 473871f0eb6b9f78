"""Choosing the audit's output: the readiness report, the design view, or the upgrade graph."""

from __future__ import annotations

from . import design, graph, report
from .checklist import AuditRun


def render(run: AuditRun, fmt: str, show_design: bool = False, graph_format: str | None = None) -> str:
    """The upgrade graph (``graph_format`` 'dot'/'mermaid'), else the design view (``show_design``;
    text or json), else the report in ``fmt`` (text, json, sarif)."""
    if graph_format is not None:
        return graph.render(run, graph_format)
    if show_design:
        return design.render_json(run) if fmt == "json" else design.render_text(run)
    return report.render(run, fmt)
