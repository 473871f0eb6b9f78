"""Every rule fires on its true-positive fixtures (at the right place) and stays silent on look-alikes."""

from __future__ import annotations

import pytest
from rule_cases import Case, analyse, cases

CASES = cases()


def test_every_rule_has_a_true_positive_and_a_look_alike() -> None:
    from cairo_upgrade_lint.rules.registry import rule_ids

    by_rule = {rule: {c.findings > 0 for c in CASES if c.rule == rule} for rule in rule_ids()}
    assert by_rule and all(kinds == {True, False} for kinds in by_rule.values()), by_rule


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_fixture(case: Case) -> None:
    findings = analyse(case.folder)
    assert not [f for f in findings if f.rule_id == "CUL000"], "fixtures must parse"
    mine = [f for f in findings if f.rule_id == case.rule]
    assert len(mine) == case.findings, [f.message for f in mine]
    if case.findings:
        expected_file = {"old": "old.cairo", "new": "new.cairo", "contract": "contract.cairo"}[case.file or "new"]
        assert any(f.location.path.endswith(expected_file) and f.location.line == case.line for f in mine), [
            (f.location.path, f.location.line) for f in mine
        ]
        if case.contains:
            assert all(case.contains in f.message for f in mine), [f.message for f in mine]
    if case.errors is not None:
        errors = [f"{f.rule_id}: {f.message}" for f in findings if f.severity.value == "error"]
        assert len(errors) == case.errors, errors
