"""Rendering a rule's catalogue entry: Markdown (``explain --markdown``, SARIF help) and text."""

from __future__ import annotations

import re

from .loader import RuleDoc


def render_markdown(doc: RuleDoc) -> str:
    """The rule's documentation as Markdown (``explain ID``, SARIF ``help.markdown``)."""
    parts = [
        f"# {doc.id} {doc.name}",
        (f"**Severity:** {doc.severity.value} · **Confidence:** {doc.confidence} · **Tags:** {', '.join(doc.tags) or '-'}"),
        doc.summary,
        "## Why it matters",
        doc.why,
        "## Example",
    ]
    for label, source in _example_sources(doc):
        fence = _fence(source)
        parts.append(f"{label}:\n\n{fence}cairo\n{source.rstrip()}\n{fence}")
    parts += ["## How to fix", doc.fix, "## How to suppress", doc.suppress]
    return "\n\n".join(parts) + "\n"


def render_text(doc: RuleDoc) -> str:
    """The rule's documentation as plain text for a terminal."""
    lines = [
        f"{doc.id} {doc.name}",
        f"severity: {doc.severity.value}   confidence: {doc.confidence}   tags: {', '.join(doc.tags) or '-'}",
        "",
        doc.summary,
    ]

    def section(title: str, body: str) -> None:
        lines.extend(["", title.upper(), *_indent(body)])

    section("Why it matters", doc.why)
    for label, source in _example_sources(doc):
        section(label, source.rstrip())
    section("How to fix", doc.fix)
    section("How to suppress", doc.suppress)
    return "\n".join(lines) + "\n"


def _example_sources(doc: RuleDoc) -> list[tuple[str, str]]:
    bad, fixed = doc.bad, doc.fixed
    if not bad.is_diff:
        return [("Flagged", bad.code or ""), ("Fixed", fixed.code or "")]
    sources = [("Old version", bad.old or ""), ("New version (flagged)", bad.new or "")]
    if fixed.old != bad.old:
        sources.append(("Old version (for the fix)", fixed.old or ""))
    return [*sources, ("New version (fixed)", fixed.new or "")]


def _fence(source: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", source)), default=0)
    return "`" * max(3, longest + 1)


def _indent(text: str) -> list[str]:
    return [f"    {line}" if line else "" for line in text.splitlines()]
