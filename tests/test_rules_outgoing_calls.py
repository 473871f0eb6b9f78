"""CUL208 called-interface-changed: the cases the fixture folders do not cover (return values, callers
that cannot upgrade, library dispatchers, same-named interfaces, the modelled encodings)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_cases import analyse_sources
from test_rules_in_place import UNKNOWN_COMPONENT
from test_rules_interface import UPGRADE

from cairo_upgrade_lint.findings import Finding
from cairo_upgrade_lint.model import analyze


def price_source(returns: str) -> str:
    return f"""
#[starknet::interface]
trait IPriceSource<TContractState> {{
    fn price(self: @TContractState, pair: felt252) -> {returns};
}}
"""


def vault(interfaces: str, call: str, upgrade: bool = True, module: str = "") -> str:
    """A Vault that runs ``call`` (with ``source``: an ``IPriceSourceDispatcher``) in ``sync``,
    after ``interfaces``; inside ``module`` with them when given."""
    code = f"""{interfaces}
#[starknet::contract]
mod Vault {{
    use starknet::{{ClassHash, ContractAddress}};
    use super::{{IPriceSourceDispatcher, IPriceSourceDispatcherTrait}};
    #[storage]
    struct Storage {{
        feed: ContractAddress,
        last: u128,
    }}

    #[external(v0)]
    fn sync(ref self: ContractState) {{
        let source = IPriceSourceDispatcher {{ contract_address: self.feed.read() }};
        {call}
    }}
{UPGRADE if upgrade else ""}
}}
"""
    return f"mod {module} {{\n{code}\n}}\n" if module else code


def found(tmp: Path, old: str, new: str) -> list[Finding]:
    return [f for f in analyse_sources(tmp, old=old, new=new) if f.rule_id == "CUL208"]


SYNC = "self.last.write(source.price('ETH/USD'));"


def test_a_return_value_read_as_a_wider_type_is_reported(tmp_path: Path) -> None:
    [finding] = found(tmp_path, vault(price_source("u128"), SYNC), vault(price_source("u256"), SYNC))
    assert finding.severity.value == "warning"
    assert "decodes the return value as {u128, u128} where implementations of the old interface return u128" in finding.message
    assert "No contract of this project implements it" in finding.message


def test_return_values_the_caller_no_longer_reads_are_ignored(tmp_path: Path) -> None:
    assert not found(tmp_path, vault(price_source("(u128, u64)"), SYNC), vault(price_source("u128"), SYNC))


def test_a_caller_that_cannot_upgrade_gets_a_note(tmp_path: Path) -> None:
    old, new = vault(price_source("u128"), SYNC, upgrade=False), vault(price_source("u256"), SYNC, upgrade=False)
    [finding] = found(tmp_path, old, new)
    assert finding.severity.value == "note" and "the old Vault cannot replace its class" in finding.message


def test_library_calls_run_a_class_not_a_deployed_counterparty(tmp_path: Path) -> None:
    call = "let _p = IPriceSourceLibraryDispatcher { class_hash: starknet::class_hash_const::<0x1>() }.price('ETH/USD');"
    old = vault(price_source("u128"), call).replace("IPriceSourceDispatcherTrait}", "IPriceSourceLibraryDispatcher}")
    new = vault(price_source("u256"), call).replace("IPriceSourceDispatcherTrait}", "IPriceSourceLibraryDispatcher}")
    assert not found(tmp_path, old, new)


def test_one_finding_per_function_with_the_old_call_site(tmp_path: Path) -> None:
    twice = SYNC + "\n        self.last.write(source.price('BTC/USD'));"
    [finding] = found(tmp_path, vault(price_source("u128"), twice), vault(price_source("u256"), twice))
    assert [r.message for r in finding.related] == ["old call site"]
    assert finding.location.line == finding.related[0].location.line


@pytest.mark.parametrize(("changed", "expected"), [("feeds", 1), ("other", 0)])
def test_a_dispatcher_names_the_nearest_interface_of_its_name(tmp_path: Path, changed: str, expected: int) -> None:
    """Two traits called ``IPriceSource``: the contract in ``feeds`` calls the one declared there."""

    def version(new: bool) -> str:
        feeds = price_source("u256" if new and changed == "feeds" else "u128")
        other = price_source("u256" if new and changed == "other" else "u128")
        return vault(feeds, SYNC, module="feeds") + f"mod other {{\n{other}\n}}\n"

    assert len(found(tmp_path, version(False), version(True))) == expected


def test_a_changed_value_may_be_misread_a_changed_length_is_rejected(tmp_path: Path) -> None:
    interface = "#[starknet::interface]\ntrait IPriceSource<TContractState> {{\n    fn push(ref self: TContractState, {});\n}}\n"
    call = "source.push(1);"
    [narrowed] = found(tmp_path, vault(interface.format("p: u64"), call), vault(interface.format("p: u128"), call))
    assert "u128 sent, u64 read; their generated wrapper misreads or rejects the calldata" in narrowed.message
    [longer] = found(tmp_path, vault(interface.format("p: u64"), call), vault(interface.format("p: u64, q: u8"), call))
    assert "2 values sent, 1 value read; their generated wrapper rejects the calldata" in longer.message


FEED = """
#[starknet::contract]
mod Feed {{{component}    #[storage]
    struct Storage {{}}

    #[abi(embed_v0)]
    impl Source of super::IPriceSource<ContractState> {{
        fn price(self: @ContractState, pair: felt252) -> {returns} {{
            0
        }}
    }}
}}
"""


@pytest.mark.parametrize(("component", "expected"), [(True, 0), (False, 1)])
def test_an_implementation_that_may_be_upgraded_moves_in_lockstep(tmp_path: Path, component: bool, expected: int) -> None:
    """The project's Feed implements the interface: with a component outside the analysed source it
    may be upgradeable (the project upgrades it with its callers); without, it provably cannot be."""

    def feed(returns: str) -> str:
        return FEED.format(returns=returns, component=UNKNOWN_COMPONENT if component else "")

    old = vault(price_source("u128"), SYNC) + feed("u128")
    new = vault(price_source("u256"), SYNC) + feed("u256")
    findings = found(tmp_path, old, new)
    assert len(findings) == expected
    assert all("Its implementation in this project (Feed) cannot be upgraded" in f.message for f in findings)


def test_interface_functions_carry_their_encodings(tmp_path: Path) -> None:
    (tmp_path / "code.cairo").write_text(price_source("u256") + "#[derive(Drop, Serde)]\nstruct Quote { a: u8, b: u64 }\n")
    (interface,) = analyze(str(tmp_path / "code.cairo")).interfaces
    price = interface.function("price")
    assert price is not None and price.serde == (("felt252",), "{u128, u128}")
    assert interface.function("missing") is None
