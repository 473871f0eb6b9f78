"""Reports: every format renders the one Finding type (see ``findings.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module

from cairo_upgrade_lint.findings import Finding
from cairo_upgrade_lint.report.context import RelPath, ReportContext, read_file_source
from cairo_upgrade_lint.report.output import write_output

# format -> (module, function): a renderer is imported when used (SARIF's libraries are slow to load)
_RENDERERS: dict[str, tuple[str, str]] = {
    "text": ("text", "render_text"),
    "json": ("json_report", "render_json"),
    "sarif": ("sarif", "render_sarif"),
    "github": ("github", "render_github"),
}
FORMATS = tuple(_RENDERERS)


Renderer = Callable[[list[Finding], ReportContext], str]


def _renderer(format: str) -> Renderer:
    """The function that renders ``format``."""
    try:
        module, function = _RENDERERS[format]
    except KeyError:
        raise ValueError(f"unknown report format {format!r}; expected one of {', '.join(FORMATS)}") from None
    renderer: Renderer = getattr(import_module(f"cairo_upgrade_lint.report.{module}"), function)
    return renderer


def render(findings: Iterable[Finding], format: str, context: ReportContext) -> str:
    """The report of ``findings`` in ``format`` (one of FORMATS)."""
    return _renderer(format)(list(findings), context)


__all__ = ["FORMATS", "RelPath", "ReportContext", "read_file_source", "render", "write_output"]
