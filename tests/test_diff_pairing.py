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


def test_folders_with_the_same_module_in_several_files_pair_by_path(tmp_path: Path) -> None:
    """Two versions of a plain folder have different crate names (``old``/``new``), and the module
    name ``Vault`` is in every file: contracts pair by their path inside the crate."""
    old = FIXTURES / "diff" / "member_removed"
    for side in ("old", "new"):
        for team in ("alpha", "beta", "gamma"):
            target = tmp_path / side / team / "vault.cairo"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((old / f"{side}.cairo").read_bytes())
    result = diff_projects(analyze(str(tmp_path / "old")), analyze(str(tmp_path / "new")))
    assert sorted(d.old.qualified_name for d in result.contracts) == [
        f"old::{team}::vault::{name}" for team in ("alpha", "beta", "gamma") for name in _modules(old)
    ]
    assert all(d.new.qualified_name.replace("new::", "old::", 1) == d.old.qualified_name for d in result.contracts)
    assert not result.unpaired_old and not result.unpaired_new
    assert all(any(c.kind != "unchanged" for c in d.storage) for d in result.contracts)


def _modules(pair: Path) -> list[str]:
    return sorted(c.name for c in analyze(str(pair / "old.cairo")).contracts)
