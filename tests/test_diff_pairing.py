"""Pairing contracts across versions: by name, by an explicit mapping, or the single leftover."""

from __future__ import annotations

from pathlib import Path

from cairo_upgrade_lint.diff import diff_projects
from cairo_upgrade_lint.diff.pairing import rivals
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


# ---------------------------------------------------------------- external initializers, evidence, near ties


def _contract(name: str, members: list[str], entries: list[str], extra: str = "") -> str:
    storage = "\n".join(f"        {m}: u128," for m in members)
    functions = "\n".join(f"    #[external(v0)]\n    fn {e}(ref self: ContractState) {{}}" for e in entries)
    return f"""
#[starknet::contract]
mod {name} {{
    #[storage]
    struct Storage {{
{storage}
    }}
{functions}
{extra}
}}
"""


def _diff(tmp_path: Path, old: str, new: str):  # type: ignore[no-untyped-def]
    (tmp_path / "old.cairo").write_text(old)
    (tmp_path / "new.cairo").write_text(new)
    return diff_projects(analyze(str(tmp_path / "old.cairo")), analyze(str(tmp_path / "new.cairo")))


EIC_ENTRY = "    #[external(v0)]\n    fn eic_initialize(ref self: ContractState, data: Span<felt252>) {}"


def test_external_initializers_are_never_paired(tmp_path: Path) -> None:
    """An EIC (eic_initialize, no constructor) is a view of its host's storage, never deployed: not
    paired by name, nor as the only contract left (which used to pair two EICs sharing nothing)."""
    vault = _contract("Vault", ["total"], ["get"])
    old = vault + _contract("AssignRootEIC", ["role_admin", "role_members"], [], EIC_ENTRY)
    old += _contract("VaultEIC", ["total"], [], EIC_ENTRY)
    new = vault + _contract("PoolEIC", ["pool_member", "staker"], [], EIC_ENTRY)
    new += _contract("VaultEIC", ["total", "fee"], [], EIC_ENTRY)
    result = _diff(tmp_path, old, new)
    assert [(d.old.name, d.new.name) for d in result.contracts] == [("Vault", "Vault")]
    assert [c.name for c in result.unpaired_old] == ["AssignRootEIC", "VaultEIC"]
    assert [c.name for c in result.unpaired_new] == ["PoolEIC", "VaultEIC"]


def test_the_only_contracts_left_pair_only_on_something_of_their_own(tmp_path: Path) -> None:
    """Two leftovers sharing no member and no entry point are not paired, even when each version has
    only that contract; sharing only what every contract has (a component's members, identify) is no
    evidence either."""
    lone = _diff(tmp_path, _contract("Alpha", ["a"], ["f"]), _contract("Beta", ["b"], ["g"]))
    assert not lone.contracts and len(lone.unpaired_old) == len(lone.unpaired_new) == 1
    common = ["roles", "replaceability"]
    old = _contract("Staking", [*common, "stake"], ["identify", "stake"])
    old += _contract("Work", [*common, "work_done"], ["identify", "work"])
    new = _contract("Staking", [*common, "stake"], ["identify", "stake"])
    new += _contract("Attestation", [*common, "attested"], ["identify", "attest"])
    result = _diff(tmp_path, old, new)
    assert [d.old.name for d in result.contracts] == ["Staking"]
    renamed = _diff(tmp_path, old, new.replace("attested", "work_done"))
    assert [(d.old.name, d.new.name) for d in renamed.contracts] == [("Staking", "Staking"), ("Work", "Attestation")]


def test_a_near_tie_is_broken_by_name(tmp_path: Path) -> None:
    """argent: the old ArgentMultisig scored 0.52 with the experimental ArgentUserAccount and 0.52
    with its real successor ArgentMultisigAccount, whose name extends the old one."""
    shared = [f"s{i}" for i in range(10)]
    old = _contract("ArgentMultisig", shared, ["a", "b"])
    new = _contract("ArgentUserAccount", [*shared, "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"], ["a", "b"])
    new += _contract("ArgentMultisigAccount", [*shared, "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"], ["a", "b"])
    result = _diff(tmp_path, old, new)
    assert [(d.old.name, d.new.name) for d in result.contracts] == [("ArgentMultisig", "ArgentMultisigAccount")]
    ((_, _, evidence),) = result.pairings
    assert "preferred by name to `ArgentUserAccount`" in evidence


def test_an_unbroken_tie_pairs_nothing_and_names_the_candidates(tmp_path: Path) -> None:
    shared = [f"s{i}" for i in range(10)]
    old = _contract("Vault", shared, ["a"])
    new = _contract("Safe", [*shared, "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"], ["a"])
    new += _contract("Box", [*shared, "y1", "y2", "y3", "y4", "y5", "y6", "y7", "y8", "y9"], ["a"])
    result = _diff(tmp_path, old, new)
    assert not result.contracts
    assert [c.name for c in rivals(result.unpaired_old[0], result.unpaired_new)] == ["Safe", "Box"]
    from rule_cases import analyse_sources

    (tmp_path / "cli").mkdir()
    (removed,) = [
        f for f in analyse_sources(tmp_path / "cli", old=old, new=new) if f.rule_id == "CUL002" and "`Vault`" in f.message
    ]
    assert "(`Safe` and `Box` are as similar to it and no name decides between them)" in removed.message


def test_code_renamed_back_onto_a_deleted_namesake_pairs_with_its_old_self(tmp_path: Path) -> None:
    """Opus 1.2.0 deleted the v1 `pragma` adapter and renamed `pragma_v2` to `pragma`: the new `pragma`
    is `pragma_v2`'s code (same members and entry points), the old `pragma` shares less. A namesake
    nearly as similar (transmuter 0.97 against transmuter_v2 1.0) keeps the name pairing."""
    v1 = _contract("pragma", ["yang_pair_ids", "oracle", "freshness"], ["fetch_price", "set_yang_pair_id"])
    v2 = _contract("pragma_v2", ["yang_pair_settings", "oracle", "freshness"], ["fetch_price", "set_yang_pair_settings"])
    new = v2.replace("mod pragma_v2", "mod pragma")
    result = _diff(tmp_path, v1 + v2, new)
    assert [(d.old.name, d.new.name) for d in result.contracts] == [("pragma_v2", "pragma")]
    assert [c.name for c in result.unpaired_old] == ["pragma"]
    ((_, _, evidence),) = result.pairings
    assert "the code of `pragma_v2` renamed to `pragma`" in evidence
    members = [f"m{i}" for i in range(15)]
    close = _contract("transmuter", members, ["a", "b", "c", "d", "e", "old_only"])
    close_v2 = _contract("transmuter_v2", members, ["a", "b", "c", "d", "e", "f"])
    kept = _diff(tmp_path, close + close_v2, close_v2.replace("mod transmuter_v2", "mod transmuter"))
    assert [(d.old.name, d.new.name) for d in kept.contracts] == [("transmuter", "transmuter")]
