"""Pairing contracts across versions: by name, by an explicit mapping, or the single leftover."""

from __future__ import annotations

from pathlib import Path

from cairo_upgrade_lint.diff import diff_projects
from cairo_upgrade_lint.model import analyze

FIXTURES = Path(__file__).parent / "fixtures"


def test_pairs_by_name_and_leaves_the_rest_unpaired() -> None:
    contracts = analyze(str(FIXTURES / "model" / "contracts.cairo"))
    calls = analyze(str(FIXTURES / "model" / "calls.cairo"))
    same = diff_projects(contracts, contracts)
    assert [(d.old.name, d.new.name) for d in same.contracts] == [
        ("counter_component", "counter_component"),
        ("Shop", "Shop"),
        ("Injected", "Injected"),
    ]
    assert all(not d.storage and not d.entry_points and not d.events for d in same.contracts)
    other = diff_projects(contracts, calls)
    assert [(d.old.name, d.new.name) for d in other.contracts] == []
    assert {c.name for c in other.unpaired_old} == {"counter_component", "Shop", "Injected"}
    assert [c.name for c in other.unpaired_new] == ["Calls"]


def test_explicit_pairs_win_over_names() -> None:
    project = analyze(str(FIXTURES / "model" / "contracts.cairo"))
    result = diff_projects(project, project, {"Shop": "Injected", "Injected": "Shop"})
    assert sorted((d.old.name, d.new.name) for d in result.contracts) == [
        ("Injected", "Shop"),
        ("Shop", "Injected"),
        ("counter_component", "counter_component"),
    ]
    shop_to_injected = next(d for d in result.contracts if d.old.name == "Shop")
    removed = {c.name for c in shop_to_injected.storage if c.kind == "removed"}
    assert removed == {"counter.Counter_value", "price"}
    assert not shop_to_injected.upgradeability_removed
    injected_to_shop = next(d for d in result.contracts if d.old.name == "Injected")
    assert injected_to_shop.upgradeability_removed
