"""Router (diamond): selector -> facet registry, library-call dispatch, governance-only edits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from contracts_support import (
    OUTSIDER,
    SIGNERS,
    USERS,
    CompiledClass,
    System,
    event_names,
    fork,
    reverts,
    selector,
)
from starkware.starknet.public.abi import get_storage_var_address
from toolchain.vm import Starknet

# Registers the shared fixtures (`contract_classes`, `seeded_system`, `upgrade_system`) once for the whole session.
pytest_plugins = ["contracts_support"]

# For registry-logic tests the router is governed by a plain account, to skip the 48 h
# proposal round-trips; `test_facets_change_only_through_governance` uses the real governance.
GOVERNOR = 0x60B


@dataclass
class RouterChain:
    chain: Starknet
    router: int
    rewards_v1: int
    rewards_v2: int

    def call(self, function: str, calldata: Sequence[int], caller: int = GOVERNOR) -> list[int]:
        return self.chain.call(self.router, function, calldata, caller=caller).retdata

    def dispatch(self, function: str, calldata: Sequence[int], caller: int = USERS[0]) -> list[int]:
        retdata = self.call("dispatch", [selector(function), len(calldata), *calldata], caller)
        assert retdata[0] == len(retdata) - 1  # a serialized Span
        return retdata[1:]


def router_selectors(contract_classes: dict[str, CompiledClass]) -> list[int]:
    return sorted(contract_classes["router"].external_selectors())


def deploy_router(chain: Starknet, hashes: dict[str, int], governor: int, reserved: list[int]) -> int:
    return chain.deploy(hashes["router"], [governor, len(reserved), *reserved])


@pytest.fixture
def routed(contract_classes: dict[str, CompiledClass], seeded_system: System) -> RouterChain:
    """A fork of the seeded chain with a Router governed by the plain account GOVERNOR."""
    chain = fork(seeded_system.chain)
    router = deploy_router(chain, seeded_system.class_hashes, GOVERNOR, router_selectors(contract_classes))
    return RouterChain(
        chain,
        router,
        seeded_system.class_hashes["rewards_v1"],
        seeded_system.class_hashes["rewards_v2"],
    )


def test_router_reserves_exactly_its_own_entry_points(contract_classes: dict[str, CompiledClass], routed: RouterChain) -> None:
    """The constructor list equals the compiled router's selectors; each one is reserved."""
    own = router_selectors(contract_classes)
    names = [
        "dispatch",
        "add_facet",
        "replace_facet",
        "remove_facet",
        "facet_of",
        "is_reserved_selector",
        "get_facet_count",
    ]
    assert own == sorted(selector(name) for name in names)
    for name in names:
        slot = get_storage_var_address("router_reserved", selector(name))
        assert routed.chain.storage(routed.router, slot) == 1
    assert routed.call("is_reserved_selector", [selector("dispatch")]) == [1]
    assert routed.call("is_reserved_selector", [selector("record_volume")]) == [0]


def test_dispatch_runs_facet_code_on_router_storage(routed: RouterChain) -> None:
    """library_call keeps the router's storage and the original caller; replace keeps state."""
    r = routed
    with reverts("unknown selector"):
        r.dispatch("record_volume", [10])
    for name in ("record_volume", "points_of", "rewards_version"):
        calldata = [selector(name), r.rewards_v1]
        result = r.chain.call(r.router, "add_facet", calldata, caller=GOVERNOR)
        assert event_names(result) == ["FacetAdded"]
    assert r.call("get_facet_count", []) == [3]
    assert r.dispatch("record_volume", [10]) == [10]
    assert r.dispatch("record_volume", [5]) == [15]
    assert r.dispatch("points_of", [USERS[0]]) == [15]
    points_slot = get_storage_var_address("rewards_points", USERS[0])
    assert r.chain.storage(r.router, points_slot) == 15  # the router's own storage
    for name in ("record_volume", "rewards_version"):
        r.call("replace_facet", [selector(name), r.rewards_v2])
    assert r.dispatch("rewards_version", []) == [2]
    assert r.dispatch("record_volume", [10]) == [35]  # v2 doubles, on the same points
    r.call("remove_facet", [selector("record_volume")])
    with reverts("unknown selector"):
        r.dispatch("record_volume", [1])
    assert r.call("facet_of", [selector("record_volume")]) == [0]
    assert r.call("get_facet_count", []) == [2]
    assert r.dispatch("points_of", [USERS[0]]) == [35]


def test_registration_refuses_collisions(routed: RouterChain) -> None:
    """A taken selector, the router's own selectors and a zero class cannot be registered."""
    r = routed
    r.call("add_facet", [selector("record_volume"), r.rewards_v1])
    with reverts("selector already taken"):
        r.call("add_facet", [selector("record_volume"), r.rewards_v2])
    for own in ("dispatch", "add_facet", "remove_facet", "facet_of"):
        with reverts("selector reserved by router"):
            r.call("add_facet", [selector(own), r.rewards_v1])
    with reverts("class hash is zero"):
        r.call("add_facet", [selector("points_of"), 0])
    with reverts("unknown selector"):
        r.call("replace_facet", [selector("points_of"), r.rewards_v2])
    with reverts("facet already current"):
        r.call("replace_facet", [selector("record_volume"), r.rewards_v1])
    with reverts("unknown selector"):
        r.call("remove_facet", [selector("points_of")])
    with reverts("unknown selector"):  # reserved selectors never reach a facet either
        r.dispatch("add_facet", [selector("points_of"), r.rewards_v1])
    assert r.call("facet_of", [selector("record_volume")]) == [r.rewards_v1]


def test_facets_change_only_through_governance(contract_classes: dict[str, CompiledClass], upgrade_system: System) -> None:
    """Direct add/replace/remove by signers or outsiders fail; a governance proposal works."""
    s = upgrade_system
    router = deploy_router(s.chain, s.class_hashes, s.governance, router_selectors(contract_classes))
    rewards_v1, rewards_v2 = s.class_hashes["rewards_v1"], s.class_hashes["rewards_v2"]
    volume = selector("record_volume")
    for caller in (OUTSIDER, SIGNERS[0], GOVERNOR):
        for function, calldata in (
            ("add_facet", [volume, rewards_v1]),
            ("replace_facet", [volume, rewards_v2]),
            ("remove_facet", [volume]),
        ):
            with reverts("caller is not governance"):
                s.chain.call(router, function, calldata, caller=caller)
    result = s.govern(router, "add_facet", [volume, rewards_v1])
    assert event_names(result) == ["ProposalExecuted", "FacetAdded"]
    assert s.chain.call(router, "facet_of", [volume]).retdata == [rewards_v1]
    dispatched = s.chain.call(router, "dispatch", [volume, 1, 7], caller=USERS[3]).retdata
    assert dispatched == [1, 7]


def test_router_refuses_an_empty_reserved_list(routed: RouterChain) -> None:
    """Without its own selectors the router could not protect them: deployment is refused."""
    chain = routed.chain
    router_class = chain.class_hash_at(routed.router)
    with reverts("no reserved selectors"):
        chain.deploy(router_class, [GOVERNOR, 0])
    with reverts("governance is zero"):
        chain.deploy(router_class, [0, 1, selector("dispatch")])
