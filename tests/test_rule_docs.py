"""scripts/rule_docs.py: docs/rules.md is generated from the catalogue and current; catalogue examples are copied from fixture cases."""

from __future__ import annotations

import tomllib

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


def test_example_tables_are_the_catalogue_examples_of_those_fixture_cases() -> None:
    catalogue = load_catalogue()
    for rule_id, bad, fixed in (
        ("CUL101", "tp_removed_member", "ok_unused_member_kept"),
        ("CUL301", "tp_no_auth", "ok_owner_assert"),
    ):
        tables = tomllib.loads(rule_docs.example_tables(rule_id, bad, fixed))
        doc = catalogue[rule_id]
        for side, example in (("bad", doc.bad), ("fixed", doc.fixed)):
            expected = {"code": example.code, "old": example.old, "new": example.new}
            assert tables[side] == {k: v for k, v in expected.items() if v is not None}
