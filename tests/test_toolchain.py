"""The toolchain harness against the real Cairo 2.1.0 compiler and cairo-lang 0.14's VM."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starkware.crypto.signature.fast_pedersen_hash import pedersen_hash
from starkware.starknet.public.abi import (
    get_selector_from_name,
    get_storage_var_address,
    starknet_keccak,
)
from toolchain import compiler
from toolchain.vm import CallReverted, Starknet, decode_short_string, encode_short_string

FIXTURES = Path(__file__).parent / "fixtures" / "compiler"
pytestmark = [pytest.mark.compiler, pytest.mark.vm]
PROBES = FIXTURES / "probes"
V1 = "probes::storage_probe::StorageProbe"
V2 = "probes::upgraded_probe::UpgradedProbe"
OWNER = 0xA11CE
USER = 0xB0B
INITIAL_VALUE = 42

Json = dict[str, Any]


@dataclass
class Chain:
    starknet: Starknet
    v1: int  # class hash of StorageProbe
    v2: int  # class hash of UpgradedProbe
    probe: int  # a StorageProbe deployed with (OWNER, INITIAL_VALUE)

    def storage(self, name: str, *keys: int) -> int:
        return self.starknet.storage(self.probe, get_storage_var_address(name, *keys))


@pytest.fixture(scope="module")
def sierra() -> dict[str, Json]:
    return {path: compiler.compile_contract(PROBES, path) for path in (V1, V2)}


@pytest.fixture(scope="module")
def casm(sierra: dict[str, Json]) -> dict[str, Json]:
    return {path: compiler.sierra_to_casm(program) for path, program in sierra.items()}


@pytest.fixture
def chain(sierra: dict[str, Json], casm: dict[str, Json]) -> Chain:
    starknet = Starknet()
    v1 = starknet.declare(sierra[V1], casm[V1])
    v2 = starknet.declare(sierra[V2], casm[V2])
    probe = starknet.deploy(v1, [OWNER, INITIAL_VALUE])
    return Chain(starknet=starknet, v1=v1, v2=v2, probe=probe)


def abi_entry_point_names(abi: list[Json]) -> tuple[set[str], set[str]]:
    """External function names and constructor names declared by a contract ABI."""
    external = {item["name"] for item in abi if item["type"] == "function"}
    for interface in (item for item in abi if item["type"] == "interface"):
        external |= {item["name"] for item in interface["items"] if item["type"] == "function"}
    constructors = {item["name"] for item in abi if item["type"] == "constructor"}
    return external, constructors


# Compiler.


def test_toolchain_is_installed_with_its_corelib() -> None:
    exe = compiler.ensure_toolchain()
    assert compiler.ensure_toolchain() == exe
    assert (exe.parent.parent / "corelib" / "src" / "lib.cairo").is_file()
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == "starknet-compile 2.1.0"


def test_toolchain_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(compiler.TOOLCHAIN_ENV, str(tmp_path))
    assert compiler.toolchain_dir() == tmp_path
    monkeypatch.delenv(compiler.TOOLCHAIN_ENV)
    assert compiler.toolchain_dir() == compiler.DEFAULT_TOOLCHAIN_DIR


@pytest.mark.parametrize("contract", [V1, V2])
def test_every_selector_is_sn_keccak_of_its_name(sierra: dict[str, Json], contract: str) -> None:
    program = sierra[contract]
    external, constructors = abi_entry_point_names(program["abi"])
    by_type = program["entry_points_by_type"]
    selectors = {kind: {int(ep["selector"], 16) for ep in by_type[kind]} for kind in by_type}
    assert len(by_type["EXTERNAL"]) == len(external) > 0
    assert selectors["EXTERNAL"] == {get_selector_from_name(name) for name in external}
    assert selectors["CONSTRUCTOR"] == {get_selector_from_name(name) for name in constructors}
    assert selectors["L1_HANDLER"] == set()


def test_sierra_to_casm_keeps_the_entry_points(sierra: dict[str, Json], casm: dict[str, Json]) -> None:
    for contract, program in sierra.items():
        for kind, entry_points in program["entry_points_by_type"].items():
            casm_selectors = {ep["selector"] for ep in casm[contract]["entry_points_by_type"][kind]}
            assert casm_selectors == {ep["selector"] for ep in entry_points}
        assert casm[contract]["pythonic_hints"]


def test_compile_results_are_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    first = compiler.compile_source(FIXTURES / "counter.cairo", "Counter")
    first_casm = compiler.sierra_to_casm(first)

    def no_compiler_run(command: list[str]) -> None:
        raise AssertionError(f"cache miss ran {command}")

    monkeypatch.setattr(compiler, "_run", no_compiler_run)
    assert compiler.compile_source(FIXTURES / "counter.cairo", "Counter") == first
    assert compiler.sierra_to_casm(first) == first_casm


def test_compile_error_carries_the_compiler_message() -> None:
    source = "#[starknet::contract]\nmod Broken {\n    fn f() -> felt252 { undefined_name }\n}\n"
    with pytest.raises(compiler.CompileError, match="undefined_name"):
        compiler.compile_source(source, "Broken")


# VM.


def test_single_file_contract_runs() -> None:
    program = compiler.compile_source(FIXTURES / "counter.cairo", "Counter")
    starknet = Starknet()
    counter = starknet.deploy(starknet.declare(program, compiler.sierra_to_casm(program)))
    assert starknet.call(counter, "increment", [5]).retdata == [5]
    assert starknet.call(counter, "increment", [2]).retdata == [7]
    assert starknet.call(counter, "get_count").retdata == [7]
    assert starknet.storage(counter, starknet_keccak(b"count")) == 7


def test_constructor_runs_and_setter_getter_round_trip(chain: Chain) -> None:
    starknet = chain.starknet
    assert starknet.class_hash_at(chain.probe) == chain.v1
    assert starknet.call(chain.probe, "get_owner").retdata == [OWNER]
    assert starknet.call(chain.probe, "get_value").retdata == [INITIAL_VALUE]
    assert starknet.call(chain.probe, "set_value", [7]).retdata == []
    assert starknet.call(chain.probe, "get_value").retdata == [7]


def test_storage_value_lives_at_sn_keccak_of_its_name(chain: Chain) -> None:
    chain.starknet.call(chain.probe, "set_value", [1234])
    assert get_storage_var_address("value") == starknet_keccak(b"value")
    assert chain.starknet.storage(chain.probe, starknet_keccak(b"value")) == 1234
    assert chain.storage("owner") == OWNER


def test_legacy_map_entry_lives_at_pedersen_of_base_and_key(chain: Chain) -> None:
    chain.starknet.call(chain.probe, "set_balance", [USER, 5, 7])  # u256: low, high
    entry = pedersen_hash(starknet_keccak(b"balances"), USER)
    assert entry == get_storage_var_address("balances", USER)
    assert chain.starknet.storage(chain.probe, entry) == 5
    assert chain.starknet.storage(chain.probe, entry + 1) == 7
    assert chain.starknet.call(chain.probe, "get_balance", [USER]).retdata == [5, 7]


def test_store_struct_members_are_consecutive_slots(chain: Chain) -> None:
    chain.starknet.call(chain.probe, "set_config", [300, 1])
    base = starknet_keccak(b"config")
    assert chain.starknet.storage(chain.probe, base) == 300
    assert chain.starknet.storage(chain.probe, base + 1) == 1
    assert chain.starknet.call(chain.probe, "get_config").retdata == [300, 1]


def test_revert_leaves_storage_unchanged_and_reports_the_panic(chain: Chain) -> None:
    with pytest.raises(CallReverted) as reverted:
        chain.starknet.call(chain.probe, "set_value_as_owner", [99], caller=USER)
    assert reverted.value.reason == "caller is not owner"
    assert reverted.value.panic_data == [encode_short_string("caller is not owner")]
    assert chain.storage("value") == INITIAL_VALUE
    chain.starknet.call(chain.probe, "set_value_as_owner", [99], caller=OWNER)
    assert chain.storage("value") == 99


def test_events_are_captured(chain: Chain) -> None:
    result = chain.starknet.call(chain.probe, "set_value", [8], caller=USER)
    (event,) = result.events
    assert event.from_address == chain.probe
    assert event.keys == [starknet_keccak(b"ValueSet"), USER]
    assert event.data == [8]


def test_contract_sees_caller_and_block_timestamp(chain: Chain) -> None:
    chain.starknet.call(chain.probe, "record_context", caller=USER, timestamp=1_700_000_000)
    assert chain.starknet.call(chain.probe, "get_context").retdata == [USER, 1_700_000_000]
    chain.starknet.warp(1_700_000_500)
    chain.starknet.call(chain.probe, "record_context", caller=OWNER)
    assert chain.storage("last_caller") == OWNER
    assert chain.storage("last_timestamp") == chain.starknet.timestamp == 1_700_000_500


def test_replace_class_switches_code_and_keeps_storage(chain: Chain) -> None:
    starknet = chain.starknet
    starknet.call(chain.probe, "set_value", [77])
    assert starknet.call(chain.probe, "version").retdata == [1]
    result = starknet.call(chain.probe, "upgrade", [chain.v2])
    # The running code finishes on the old class: it still emits its event afterwards.
    assert [event.keys[0] for event in result.events] == [starknet_keccak(b"Upgraded")]
    assert starknet.class_hash_at(chain.probe) == chain.v2
    assert starknet.call(chain.probe, "version").retdata == [2]
    assert starknet.call(chain.probe, "get_value").retdata == [77]
    starknet.call(chain.probe, "set_value", [1])
    assert chain.storage("value") == 1001
    with pytest.raises(CallReverted) as reverted:
        starknet.call(chain.probe, "upgrade", [chain.v1])
    assert reverted.value.code == "ENTRY_POINT_NOT_FOUND_IN_CONTRACT"


def test_replace_class_to_an_undeclared_class_reverts(chain: Chain) -> None:
    with pytest.raises(CallReverted) as reverted:
        chain.starknet.call(chain.probe, "upgrade", [0x1234])
    assert reverted.value.code == "UNDECLARED_CLASS"
    assert chain.starknet.class_hash_at(chain.probe) == chain.v1


def test_library_call_runs_other_code_on_callers_storage(chain: Chain) -> None:
    starknet = chain.starknet
    calldata = [chain.v2, get_selector_from_name("set_value"), 1, 5]
    assert starknet.call(chain.probe, "delegate", calldata).retdata == [0]  # empty Span
    assert chain.storage("value") == 1005  # UpgradedProbe's code, StorageProbe's storage
    assert starknet.class_hash_at(chain.probe) == chain.v1


def test_library_call_into_replace_class_replaces_the_callers_class(chain: Chain) -> None:
    calldata = [chain.v1, get_selector_from_name("upgrade"), 1, chain.v2]
    chain.starknet.call(chain.probe, "delegate", calldata)
    assert chain.starknet.class_hash_at(chain.probe) == chain.v2


def test_panic_inside_a_library_call_reverts_the_whole_call(chain: Chain) -> None:
    calldata = [chain.v1, get_selector_from_name("set_value_as_owner"), 1, 99]
    with pytest.raises(CallReverted) as reverted:
        chain.starknet.call(chain.probe, "delegate", calldata, caller=USER)
    assert reverted.value.reason == "caller is not owner"
    assert chain.storage("value") == INITIAL_VALUE


def test_deploy_at_a_chosen_address_once(sierra: dict[str, Json], casm: dict[str, Json]) -> None:
    starknet = Starknet()
    v2 = starknet.declare(sierra[V2], casm[V2])
    assert starknet.deploy(v2, address=0x5EED) == 0x5EED
    assert starknet.class_hash_at(0x5EED) == v2
    with pytest.raises(CallReverted) as reverted:
        starknet.deploy(v2, address=0x5EED)
    assert reverted.value.code == "CONTRACT_ADDRESS_UNAVAILABLE"
    with pytest.raises(CallReverted) as reverted:
        starknet.deploy(0x1234, address=0xF00D)
    assert reverted.value.code == "UNDECLARED_CLASS"
    assert starknet.class_hash_at(0xF00D) == 0


def test_short_strings_round_trip() -> None:
    felt = encode_short_string("caller is not owner")
    assert decode_short_string(felt) == "caller is not owner"
    assert decode_short_string(0x1) == "0x1"
