"""Storage layout of tests/fixtures/model/layout.cairo: addresses, sizes, offsets, indicators,
map keys, storage nodes, custom packing and unresolved types."""

from __future__ import annotations

from pathlib import Path

import pytest
from starkware.starknet.public.abi import get_storage_var_address

from cairo_upgrade_lint.model import analyze
from cairo_upgrade_lint.model.contracts import Contract
from cairo_upgrade_lint.model.hashing import (
    map_entry_path,
    node_member_path,
    sn_keccak,
    storage_address,
)
from cairo_upgrade_lint.model.layout import stored_indicator

FIXTURES = Path(__file__).parent / "fixtures" / "model"


@pytest.fixture(scope="module")
def layouts() -> Contract:
    contract = analyze(str(FIXTURES / "layout.cairo")).contract("Layouts")
    assert contract is not None
    return contract


def test_base_addresses_are_sn_keccak_of_names_or_renames(layouts: Contract) -> None:
    for member in layouts.storage:
        assert member.address == sn_keccak(member.key)
    owner = layouts.member("owner")
    assert owner.key == "old_owner" and owner.renamed


@pytest.mark.parametrize(
    ("name", "kind", "size"),
    [
        ("flag", "scalar", 1),
        ("small", "scalar", 1),
        ("signed", "scalar", 1),
        ("big", "scalar", 2),
        ("name", "byte_array", 1),
        ("config", "struct", 4),
        ("plain", "enum", 2),
        ("with_default", "enum", 5),
        ("maybe", "enum", 2),
        ("balances", "map", None),
        ("holders", "vec", None),
        ("pool", "node", None),
        ("packed", "custom", 1),
        ("mystery", "unresolved", None),
    ],
)
def test_kinds_and_sizes(layouts: Contract, name: str, kind: str, size: int | None) -> None:
    member = layouts.member(name)
    assert (member.layout.kind, member.layout.size) == (kind, size)


def test_alias_resolves_to_its_target(layouts: Contract) -> None:
    assert layouts.member("big").type_text == "u256"


def test_a_cycle_of_type_aliases_is_an_unresolved_type(tmp_path: Path) -> None:
    """``type A = B; type B = A;`` ran the resolver into a RecursionError."""
    source = tmp_path / "aliases.cairo"
    source.write_text(
        "#[starknet::contract]\nmod C {\n    type A = B;\n    type B = A;\n    type Amount = u128;\n"
        "    #[storage]\n    struct Storage { x: A, y: Amount }\n"
        "    #[external(v0)]\n    fn f(self: @ContractState, a: A) -> A { a }\n}\n"
    )
    contract = analyze(str(source)).contract("C")
    assert contract.member("x").layout.kind == "unresolved" and contract.member("y").type_text == "u128"
    assert any("x" in note for note in contract.unresolved)


def test_store_struct_members_are_positional(layouts: Contract) -> None:
    config = layouts.member("config").layout
    assert [(f.name, f.offset, f.layout.type.text) for f in config.fields] == [
        ("fee", 0, "u32"),
        ("cap", 1, "u256"),
        ("admin", 3, "ContractAddress"),
    ]


def test_enum_indicators_follow_the_default_rule(layouts: Contract) -> None:
    plain = layouts.member("plain").layout
    assert [(v.name, v.indicator) for v in plain.variants] == [("A", 1), ("B", 2), ("C", 3)]
    with_default = layouts.member("with_default").layout
    assert with_default.default == "Second"
    assert [(v.name, v.indicator) for v in with_default.variants] == [
        ("First", 1),
        ("Second", 0),
        ("Third", 2),
    ]
    maybe = layouts.member("maybe").layout
    assert [(v.name, v.indicator) for v in maybe.variants] == [("None", 0), ("Some", 1)]
    assert [stored_indicator(i, 2) for i in range(5)] == [1, 2, 0, 3, 4]


def test_map_keys_flatten_to_felts(layouts: Contract) -> None:
    nested = layouts.member("nested").layout
    assert [k.text for k in nested.keys] == ["ContractAddress", "u256"]
    assert nested.key_felts == ("ContractAddress", "u128", "u128")
    assert nested.value.type.text == "bool"
    assert layouts.member("by_pair").layout.key_felts == ("felt252", "u128", "u128")


def test_map_entry_address_from_model_matches_starkware(layouts: Contract) -> None:
    member = layouts.member("balances")
    account = 0x1234
    expected = get_storage_var_address("balances", account)
    assert storage_address(map_entry_path(member.path, [account])) == expected


def test_storage_node_members_hang_off_pedersen_paths(layouts: Contract) -> None:
    pool = layouts.member("pool")
    members = {m.name: m for m in pool.layout.members}
    assert set(members) == {"reserve", "fees", "limit"}
    assert members["reserve"].address == storage_address(node_member_path(pool.path, "reserve"))
    assert members["limit"].via == ("inner",)
    assert members["limit"].path == node_member_path(pool.path, "limit")


def test_custom_packing_and_unknown_types_are_marked_not_guessed(layouts: Contract) -> None:
    packed = layouts.member("packed").layout
    assert packed.packed.type.text == "u128" and "PackedStorePacking" in packed.reason
    assert "Unknown" in layouts.member("mystery").layout.reason
    assert any("mystery" in note for note in layouts.unresolved)


def test_component_flattening_and_collisions() -> None:
    folder = Path(__file__).parent / "fixtures" / "diff" / "collision_with_component"
    contract = analyze(str(folder / "new.cairo")).contract("Vault")
    names = [m.display for m in contract.storage]
    assert names == ["ownable.Ownable_owner", "ownable.Ownable_pending_owner", "owner", "Ownable_owner"]
    (collision,) = contract.collisions
    assert collision.members == ("ownable.Ownable_owner", "Ownable_owner")
    assert collision.address == sn_keccak("Ownable_owner") and not collision.allowed
