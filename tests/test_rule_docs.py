"""docs/rules.md is generated from the catalogue and current."""

from __future__ import annotations

import rule_docs

from cairo_upgrade_lint.catalogue import load_catalogue


def test_rules_reference_is_current() -> None:
    assert rule_docs.DOCS.read_text(encoding="utf-8") == rule_docs.render(), "run: python scripts/rule_docs.py"


def test_every_rule_has_a_section_listed_under_its_family() -> None:
    text = rule_docs.render()
    for doc in load_catalogue().values():
        section = text.index(f"\n### {doc.id} {doc.name}\n")
        family = text.rindex("\n## ", 0, section)
        assert text[family + 4 :].startswith(rule_docs.family(doc))
        assert f"[{doc.id}](#{doc.id.lower()}-{doc.name})" in text[family:section]
