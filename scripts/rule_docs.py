"""Write docs/rules.md, the rules reference, from the catalogue (``--check``: exit 1 if it is stale).

``--example ID TP_CASE OK_CASE`` prints a catalogue entry's ``[bad]`` and ``[fixed]`` tables copied
from two fixture cases of tests/fixtures/rules/ID/ (a test checks that the entry's examples are such
copies)."""

from __future__ import annotations

import sys
from itertools import groupby
from pathlib import Path

from cairo_upgrade_lint.catalogue import RuleDoc, load_catalogue

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "rules.md"
FIXTURES = ROOT / "tests" / "fixtures" / "rules"
SOURCES = {"code": "contract.cairo", "old": "old.cairo", "new": "new.cairo"}
"""Catalogue example field -> file of a fixture case."""

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


def example_tables(rule_id: str, bad_case: str, fixed_case: str) -> str:
    """The ``[bad]`` and ``[fixed]`` TOML tables of a catalogue entry, copied from two fixture cases."""
    tables = []
    for table, case in (("bad", bad_case), ("fixed", fixed_case)):
        folder = FIXTURES / rule_id / case
        if not folder.is_dir():
            raise SystemExit(f"no fixture case {folder}")
        lines = [f"[{table}]"]
        for key, name in SOURCES.items():
            if (folder / name).exists():
                lines.append(f"{key} = '''\n{(folder / name).read_text(encoding='utf-8')}'''")
        tables.append("\n".join(lines))
    return "\n\n".join(tables) + "\n"


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--example"] and len(arguments) == 4:
        sys.stdout.write(example_tables(*arguments[1:]))
        sys.exit()
    current = render()
    if "--check" in arguments:
        if not DOCS.exists() or DOCS.read_text(encoding="utf-8") != current:
            sys.exit(f"{DOCS} is stale: run python scripts/rule_docs.py")
    else:
        DOCS.parent.mkdir(exist_ok=True)
        DOCS.write_text(current, encoding="utf-8")
