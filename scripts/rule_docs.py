"""Write docs/rules.md, the rules reference, from the catalogue (``--check``: exit 1 if it is stale)."""

from __future__ import annotations

import sys
from itertools import groupby
from pathlib import Path

from cairo_upgrade_lint.catalogue import RuleDoc, load_catalogue

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"

FAMILIES = {
    "0": "Input, suppressions and contract pairing",
    "1": "Storage layout (old vs new)",
    "2": "Entry points, events and class identity (old vs new; CUL201 on one version)",
    "3": "Access control and upgrade guards (one version)",
    "4": "Migrations (old vs new)",
    "5": "Audit requirements (`cairo-upgrade-lint audit`)",
}
"""Title of each rule family, by the first digit of the rule number."""


def family(doc: RuleDoc) -> str:
    digit = doc.id[3]
    if digit not in FAMILIES:
        raise SystemExit(f"{doc.id}: no rule family CUL{digit}xx in scripts/rule_docs.py FAMILIES; add its title")
    return FAMILIES[digit]


def render() -> str:
    """The whole of docs/rules.md."""
    docs = list(load_catalogue().values())
    parts = [
        "# Rules",
        "<!-- generated from cairo_upgrade_lint/catalogue/ by `python scripts/rule_docs.py`; do not edit -->",
        "Every rule, by family. `cairo-upgrade-lint rules` lists them; `cairo-upgrade-lint explain ID` prints one "
        "with its flagged and fixed examples (for the rules CUL101 and up, the examples are cases of "
        "`tests/fixtures/rules/ID/`).",
    ]
    for title, members in groupby(docs, key=family):
        group = list(members)
        rows = ["| id | name | severity | confidence | what it flags |", "| --- | --- | --- | --- | --- |"]
        rows += [
            f"| [{d.id}](#{d.id.lower()}-{d.name}) | `{d.name}` | {d.severity.value} | {d.confidence} | {_cell(d.summary)} |"
            for d in group
        ]
        parts += [f"## {title}", "\n".join(rows), *(_section(d) for d in group)]
    return "\n\n".join(parts) + "\n"


def _section(doc: RuleDoc) -> str:
    facts = f"**Severity:** {doc.severity.value} · **Confidence:** {doc.confidence} · **Tags:** {', '.join(doc.tags)}"
    return "\n\n".join(
        [
            f"### {doc.id} {doc.name}",
            facts,
            doc.summary,
            f"**Why it matters.** {doc.why}",
            f"**How to fix.** {doc.fix}",
            f"**How to suppress.** {doc.suppress}",
            f"Examples: `cairo-upgrade-lint explain {doc.id}`.",
        ]
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


if __name__ == "__main__":
    current = render()
    if "--check" in sys.argv[1:]:
        if not DOCS.exists() or DOCS.read_text(encoding="utf-8") != current:
            sys.exit(f"{DOCS} is stale: run python scripts/rule_docs.py")
    else:
        DOCS.parent.mkdir(exist_ok=True)
        DOCS.write_text(current, encoding="utf-8")
