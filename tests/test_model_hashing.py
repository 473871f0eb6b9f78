"""Hashes and storage addresses against starkware's own implementation (cairo-lang, the oracle)
and against published values."""

from __future__ import annotations

import random

import pytest
from Crypto.Hash import keccak as crypto_keccak
from hypothesis import given, settings
from hypothesis import strategies as st
from starkware.crypto.signature.fast_pedersen_hash import pedersen_hash
from starkware.starknet.public.abi import (
    get_selector_from_name,
    get_storage_var_address,
)

from cairo_upgrade_lint.model import keccak
from cairo_upgrade_lint.model.hashing import (
    ADDRESS_BOUND,
    FIELD_PRIME,
    map_entry_path,
    node_member_path,
    pedersen,
    selector_hex,
    sn_keccak,
    storage_address,
    vec_element_path,
)

NAMES = [
    "transfer",
    "balance",
    "balanceOf",
    "upgrade",
    "Ownable_owner",
    "ERC20_balances",
    "__execute__",
    "a",
    "",
]


@pytest.mark.parametrize("name", NAMES)
def test_sn_keccak_matches_starkware_selectors(name: str) -> None:
    assert sn_keccak(name) == get_selector_from_name(name)


def test_published_selectors_and_hashes() -> None:
    # Values published in Starknet documentation and SDK test vectors.
    assert selector_hex("transfer") == "0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e"
    assert selector_hex("balanceOf") == "0x2e4263afad30923c891518314c3c95dbe830a16874e8abc5777a9a20b54c76e"
    assert hex(pedersen(1, 2)) == "0x5bb9440e27889a364bcb678b1f679ecd1347acdedcbf36e83494f857cc58026"
    assert hex(pedersen(0, 0)) == "0x49ee3eba8c1600700ee1b87eb599f16716b0b1022947733551fde4050ca6804"


def test_pedersen_matches_starkware_on_random_and_edge_inputs() -> None:
    rng = random.Random(7)
    inputs = [(0, 1), (FIELD_PRIME - 1, FIELD_PRIME - 1), (2**248, 2**251)]
    inputs += [(rng.randrange(FIELD_PRIME), rng.randrange(FIELD_PRIME)) for _ in range(20)]
    for a, b in inputs:
        assert pedersen(a, b) == pedersen_hash(a, b)


def test_pedersen_rejects_non_felts() -> None:
    with pytest.raises(ValueError):
        pedersen(FIELD_PRIME, 0)


def test_map_entry_addresses_match_starkware_storage_var_address() -> None:
    base = sn_keccak("balances")
    assert storage_address(map_entry_path(base, [5])) == get_storage_var_address("balances", 5)
    # u256 key = two felts (low, high); tuple keys fold every element in order
    assert storage_address(map_entry_path(base, [7, 0])) == get_storage_var_address("balances", 7, 0)
    assert storage_address(map_entry_path(base, [1, 2, 3])) == get_storage_var_address("balances", 1, 2, 3)


def test_nested_paths_fold_like_a_tuple_key() -> None:
    base = sn_keccak("allowances")
    nested = map_entry_path(map_entry_path(base, [11]), [22])
    assert nested == map_entry_path(base, [11, 22])


def test_vec_node_and_reduction() -> None:
    base = sn_keccak("holders")
    assert vec_element_path(base, 3) == pedersen(base, 3)
    assert node_member_path(base, "reserve") == pedersen(base, sn_keccak("reserve"))
    assert storage_address(ADDRESS_BOUND + 5) == 5
    assert sn_keccak("x") < ADDRESS_BOUND


def _reference_keccak(data: bytes) -> bytes:
    return crypto_keccak.new(digest_bits=256, data=data).digest()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=700))
def test_plain_python_keccak_equals_pycryptodome(data: bytes) -> None:
    assert keccak.plain_keccak_256(data) == _reference_keccak(data)


@pytest.mark.parametrize("size", [0, 1, 134, 135, 136, 137, 271, 272, 273, 1000])
def test_plain_python_keccak_at_the_block_boundaries(size: int) -> None:
    data = bytes(range(256)) * 4
    assert keccak.plain_keccak_256(data[:size]) == _reference_keccak(data[:size])


def test_keccak_switches_to_pycryptodome_after_the_plain_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keccak, "_hashed", 0)
    monkeypatch.setattr(keccak, "_c_keccak", None)
    names = [f"name_{i}".encode() for i in range(keccak.PLAIN_LIMIT + 10)]
    digests = [keccak.keccak_256(name) for name in names]
    assert keccak._c_keccak is keccak.c_keccak_256
    assert digests == [_reference_keccak(name) for name in names]
