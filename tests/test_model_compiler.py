"""The model's selectors, entry-point kinds and storage addresses against the real compiler and VM."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from toolchain import compiler
from toolchain.vm import Starknet

from cairo_upgrade_lint.model import analyze
from cairo_upgrade_lint.model.hashing import map_entry_path, storage_address

PROBES = FIXTURES / "compiler" / "probes"
pytestmark = pytest.mark.compiler
COMPILED = [
    (PROBES, "probes::storage_probe::StorageProbe"),
    (PROBES, "probes::upgraded_probe::UpgradedProbe"),
]
USER = 0xB0B


def compiled_entry_points(sierra: dict[str, Any]) -> dict[str, set[int]]:
    return {kind: {int(e["selector"], 16) for e in entries} for kind, entries in sierra["entry_points_by_type"].items()}


def abi_mutability(sierra: dict[str, Any]) -> dict[str, str]:
    functions = [i for i in sierra["abi"] if i["type"] == "function"]
    functions += [f for i in sierra["abi"] if i["type"] == "interface" for f in i["items"]]
    return {f["name"]: f["state_mutability"] for f in functions}


@pytest.mark.parametrize(("crate", "contract"), COMPILED, ids=[c for _, c in COMPILED])
def test_selectors_and_kinds_equal_the_compilers(crate: Path, contract: str) -> None:
    sierra = compiler.compile_contract(crate, contract)
    model = analyze(str(crate)).contract(contract)
    assert model is not None
    by_kind: dict[str, set[int]] = {"EXTERNAL": set(), "CONSTRUCTOR": set(), "L1_HANDLER": set()}
    for entry in model.entry_points:
        kind = {"external": "EXTERNAL", "view": "EXTERNAL", "constructor": "CONSTRUCTOR"}.get(entry.kind, "L1_HANDLER")
        by_kind[kind].add(entry.selector)
    assert by_kind == compiled_entry_points(sierra)
    kinds = {e.name: e.kind for e in model.entry_points if e.kind in ("view", "external")}
    assert kinds == abi_mutability(sierra)


def test_single_file_contract_selectors() -> None:
    path = FIXTURES / "compiler" / "counter.cairo"
    sierra = compiler.compile_source(path, "Counter")
    model = analyze(str(path)).contracts[0]
    external = {e.selector for e in model.entry_points if e.kind in ("view", "external")}
    assert external == compiled_entry_points(sierra)["EXTERNAL"]


@pytest.mark.vm
def test_map_entry_address_is_the_slot_the_vm_writes() -> None:
    contract = "probes::storage_probe::StorageProbe"
    sierra = compiler.compile_contract(PROBES, contract)
    starknet = Starknet()
    class_hash = starknet.declare(sierra, compiler.sierra_to_casm(sierra))
    address = starknet.deploy(class_hash, [0xA11CE, 42])
    starknet.call(address, "set_balance", [USER, 5, 7])  # u256: low, high
    member = analyze(str(PROBES)).contract("StorageProbe").member("balances")
    assert member is not None and member.layout.kind == "map"
    slot = storage_address(map_entry_path(member.path, [USER]))
    assert starknet.storage(address, slot) == 5 and starknet.storage(address, slot + 1) == 7
    value = analyze(str(PROBES)).contract("StorageProbe").member("value")
    starknet.call(address, "set_value", [99])
    assert value is not None and starknet.storage(address, value.address) == 99
