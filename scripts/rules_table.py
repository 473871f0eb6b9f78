"""Print the README's rules table from the catalogue, or rewrite it in place with --write."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from cairo_upgrade_lint.catalogue import load_catalogue

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"(<!-- rules-table:[^\n]*-->\n).*?(<!-- /rules-table -->)", re.DOTALL)


def table() -> str:
    """The Markdown table of every catalogue rule."""
    rows = ["| id | name | severity | confidence | what it flags |", "| --- | --- | --- | --- | --- |"]
    for doc in load_catalogue().values():
        summary = doc.summary.replace("|", "\\|")
        rows.append(f"| {doc.id} | `{doc.name}` | {doc.severity.value} | {doc.confidence} | {summary} |")
    return "\n".join(rows) + "\n"


def rewrite(text: str) -> str:
    """``text`` with the table between the rules-table markers replaced by the current one."""
    return _BLOCK.sub(lambda m: m.group(1) + table() + m.group(2), text, count=1)


if __name__ == "__main__":
    if "--write" in sys.argv:
        README.write_text(rewrite(README.read_text()))
    else:
        sys.stdout.write(table())
