"""Proxy: named entry points forwarded by library_call; `proxy_*` admin kept apart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from starkware.starknet.public.abi import get_storage_var_address
from test_contracts_support import (
    OUTSIDER,
    USERS,
    CompiledClass,
    System,
    event_names,
    fork,
    reverts,
    selector,
)
from toolchain.vm import Starknet

# Registers the shared fixtures (`contract_classes`, `seeded_system`, `upgrade_system`) once for the whole session.
pytest_plugins = ["test_contracts_support"]

PROXY_ADMIN = 0xADAD
FORWARDED = ["deposit", "withdraw", "balance_of", "ledger_version"]
PROXY_OWN = ["proxy_upgrade", "proxy_change_admin", "proxy_admin", "proxy_implementation"]


@dataclass
class ProxyChain:
    chain: Starknet
    proxy: int
    ledger_v1: int
    ledger_v2: int

    def call(
        self, function: str, calldata: Sequence[int] = (), caller: int = USERS[0]
    ) -> list[int]:
        return self.chain.call(self.proxy, function, calldata, caller=caller).retdata


@pytest.fixture
def proxied(seeded_system: System) -> ProxyChain:
    """A fork of the seeded chain with a LedgerProxy (admin PROXY_ADMIN) over LedgerV1."""
    chain = fork(seeded_system.chain)
    ledger_v1, ledger_v2 = (
        seeded_system.class_hashes["ledger_v1"],
        seeded_system.class_hashes["ledger_v2"],
    )
    proxy = chain.deploy(seeded_system.class_hashes["proxy"], [PROXY_ADMIN, ledger_v1])
    return ProxyChain(chain, proxy, ledger_v1, ledger_v2)


def test_admin_names_never_collide_with_implementation_names(
    contract_classes: dict[str, CompiledClass],
) -> None:
    """Proxy = forwarded names + proxy_* names; no implementation version has a proxy_* name."""
    proxy = contract_classes["proxy"].external_selectors()
    own = {selector(name) for name in PROXY_OWN}
    forwarded = {selector(name) for name in FORWARDED}
    assert proxy == own | forwarded
    for version in ("ledger_v1", "ledger_v2"):
        implementation = contract_classes[version].external_selectors()
        assert implementation == forwarded
        assert implementation.isdisjoint(own)


def test_forwarded_calls_run_on_proxy_storage_as_the_caller(proxied: ProxyChain) -> None:
    """deposit/withdraw/balance_of/ledger_version reach the implementation by library call."""
    p = proxied
    p.call("deposit", [500], caller=USERS[0])
    p.call("withdraw", [200], caller=USERS[0])
    p.call("deposit", [40], caller=USERS[1])
    assert p.call("balance_of", [USERS[0]]) == [300]
    assert p.call("balance_of", [USERS[1]]) == [40]
    assert p.call("ledger_version") == [1]
    slot = get_storage_var_address("ledger_balances", USERS[0])
    assert p.chain.storage(p.proxy, slot) == 300
    with reverts("insufficient balance"):
        p.call("withdraw", [41], caller=USERS[1])
    assert p.call("proxy_admin") == [PROXY_ADMIN]
    assert p.call("proxy_implementation") == [p.ledger_v1]


def test_proxy_admin_functions_refuse_everyone_else(proxied: ProxyChain) -> None:
    """proxy_upgrade and proxy_change_admin by a user or outsider are refused."""
    p = proxied
    for caller in (OUTSIDER, USERS[0]):
        with reverts("caller is not proxy admin"):
            p.call("proxy_upgrade", [p.ledger_v2], caller=caller)
        with reverts("caller is not proxy admin"):
            p.call("proxy_change_admin", [caller], caller=caller)
    with reverts("implementation is zero"):
        p.call("proxy_upgrade", [0], caller=PROXY_ADMIN)
    assert p.call("proxy_implementation") == [p.ledger_v1]
    assert p.call("proxy_admin") == [PROXY_ADMIN]


def test_proxy_upgrade_switches_code_and_keeps_balances(proxied: ProxyChain) -> None:
    """After proxy_upgrade the v2 code serves calls over the same balances."""
    p = proxied
    p.call("deposit", [2_000_000], caller=USERS[2])
    result = p.chain.call(p.proxy, "proxy_upgrade", [p.ledger_v2], caller=PROXY_ADMIN)
    assert event_names(result) == ["ImplementationUpgraded"]
    assert result.events[0].data == [p.ledger_v1, p.ledger_v2]
    assert p.call("ledger_version") == [2]
    assert p.call("balance_of", [USERS[2]]) == [2_000_000]
    with reverts("deposit above limit"):
        p.call("deposit", [2_000_000], caller=USERS[2])
    new_admin = 0xADAE
    p.call("proxy_change_admin", [new_admin], caller=PROXY_ADMIN)
    with reverts("caller is not proxy admin"):
        p.call("proxy_upgrade", [p.ledger_v1], caller=PROXY_ADMIN)
    p.call("proxy_upgrade", [p.ledger_v1], caller=new_admin)
    assert p.call("ledger_version") == [1]
