"""The catalogue and the registry agree; every rule's catalogue examples are copies of its fixture
cases (one source of truth: the fixtures) and behave as documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_cases import RULE_FIXTURES, analyse_sources

from cairo_upgrade_lint.audit import REQUIREMENT_IDS
from cairo_upgrade_lint.catalogue import Example, load_catalogue
from cairo_upgrade_lint.rules.registry import rule_ids

CATALOGUE = load_catalogue()
META = {"CUL000", "CUL001", "CUL002"}  # reported by the parser, the suppression check and the pairing
RULES = sorted(set(CATALOGUE) - REQUIREMENT_IDS)  # audit requirements: see test_audit_requirements.py


def test_every_catalogue_rule_is_implemented_and_every_rule_documented() -> None:
    assert sorted(set(RULES) - META) == rule_ids()


@pytest.mark.parametrize("rule_id", RULES)
def test_bad_example_is_flagged(rule_id: str, tmp_path: Path) -> None:
    doc = CATALOGUE[rule_id]
    found = analyse_sources(tmp_path, doc.bad.code, doc.bad.old, doc.bad.new)
    assert rule_id in {f.rule_id for f in found}


@pytest.mark.parametrize("rule_id", RULES)
def test_fixed_example_is_not_flagged(rule_id: str, tmp_path: Path) -> None:
    doc = CATALOGUE[rule_id]
    found = analyse_sources(tmp_path, doc.fixed.code, doc.fixed.old, doc.fixed.new)
    assert rule_id not in {f.rule_id for f in found}, [f.message for f in found if f.rule_id == rule_id]


def sources(example: Example) -> dict[str, str]:
    """The example as the files of a fixture case folder."""
    files = {"contract.cairo": example.code, "old.cairo": example.old, "new.cairo": example.new}
    return {name: text for name, text in files.items() if text is not None}


@pytest.mark.parametrize(("side", "prefix"), [("bad", "tp_"), ("fixed", "ok_")])
@pytest.mark.parametrize("rule_id", rule_ids())
def test_examples_are_copies_of_fixture_cases(rule_id: str, side: str, prefix: str) -> None:
    """[bad] is one of the rule's tests/fixtures/rules/ID/tp_* cases, [fixed] one of its ok_* cases."""
    cases = sorted((RULE_FIXTURES / rule_id).glob(f"{prefix}*"))
    assert cases, f"{rule_id} has no {prefix}* fixture case"
    example = sources(getattr(CATALOGUE[rule_id], side))
    copies = [case.name for case in cases if {f.name: f.read_text() for f in case.glob("*.cairo")} == example]
    assert copies, f"[{side}] of {rule_id}.toml must be a copy of one of the fixture cases {[c.name for c in cases]}"
