"""The catalogue and the registry agree, and every catalogue example behaves as documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_cases import analyse_sources

from cairo_upgrade_lint.audit import REQUIREMENT_IDS
from cairo_upgrade_lint.catalogue import load_catalogue
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
