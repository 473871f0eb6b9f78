"""Governed transparent proxy: named entry points forwarded by library_call; upgrades only by
governance with the timelock; implementation history with rollback; emergency pause; an event
for every change; `proxy_*` admin names kept apart from every implementation's names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from contracts_support import (
    ADMIN,
    COUNCIL,
    EMERGENCY_ADMIN,
    OUTSIDER,
    SIGNERS,
    TIMELOCK,
    USERS,
    CompiledClass,
    System,
    event_names,
    reverts,
    selector,
)
from starkware.starknet.public.abi import get_storage_var_address

pytest_plugins = ["contracts_support"]

FORWARDED = ["deposit", "withdraw", "balance_of", "ledger_version"]
PROXY_OWN = [
    "proxy_upgrade",
    "proxy_rollback",
    "proxy_pause",
    "proxy_resume",
    "proxy_governance",
    "proxy_emergency",
    "proxy_implementation",
    "proxy_history_len",
    "proxy_history",
    "proxy_is_paused",
]


@dataclass
class ProxyChain:
    system: System
    proxy: int
    ledger_v1: int
    ledger_v2: int

    def call(self, function: str, calldata: Sequence[int] = (), caller: int = USERS[0]) -> list[int]:
        return self.system.chain.call(self.proxy, function, calldata, caller=caller).retdata


@pytest.fixture
def proxied(upgrade_system: System) -> ProxyChain:
    """A fork of the seeded chain with a LedgerProxy over LedgerV1 under governance and council."""
    s = upgrade_system
    return ProxyChain(s, s.deploy_proxy(), s.class_hashes["ledger_v1"], s.class_hashes["ledger_v2"])


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
    assert p.system.chain.storage(p.proxy, slot) == 300
    with reverts("insufficient balance"):
        p.call("withdraw", [41], caller=USERS[1])
    assert p.call("proxy_governance") == [p.system.governance]
    assert p.call("proxy_emergency") == [p.system.council]
    assert p.call("proxy_implementation") == [p.ledger_v1]


def test_proxy_powers_refuse_every_single_key(proxied: ProxyChain) -> None:
    """Upgrade and resume: governance only. Pause and rollback: council or governance. Signers,
    the exchange admin, the emergency admin and council members calling directly are refused."""
    p = proxied
    for caller in (OUTSIDER, USERS[0], SIGNERS[0], ADMIN, EMERGENCY_ADMIN, COUNCIL[0]):
        with reverts("caller is not governance"):
            p.call("proxy_upgrade", [p.ledger_v2], caller=caller)
        with reverts("caller is not governance"):
            p.call("proxy_resume", caller=caller)
        with reverts("caller is not emergency"):
            p.call("proxy_pause", caller=caller)
        with reverts("caller is not emergency"):
            p.call("proxy_rollback", caller=caller)
    with reverts("not emergency authority"):
        p.system.chain.call(p.system.council, "pause_proxy", [p.proxy], caller=OUTSIDER)
    with reverts("implementation is zero"):
        p.system.govern(p.proxy, "proxy_upgrade", [0])
    with reverts("implementation already current"):
        p.system.govern(p.proxy, "proxy_upgrade", [p.ledger_v1])
    with reverts("no previous implementation"):
        p.system.chain.call(p.system.council, "rollback_proxy", [p.proxy], caller=EMERGENCY_ADMIN)
    assert p.call("proxy_implementation") == [p.ledger_v1] and p.call("proxy_history_len") == [0]


def test_upgrade_through_governance_with_timelock_then_rollback(proxied: ProxyChain) -> None:
    """3 signatures and 48 h upgrade the implementation (history kept, event); the council rolls
    back to the recorded class (paused, events); governance resumes."""
    p, s = proxied, proxied.system
    p.call("deposit", [2_000_000], caller=USERS[2])
    proposal_id = s.propose_call(p.proxy, "proxy_upgrade", [p.ledger_v2])
    s.sign(proposal_id)
    s.chain.warp(s.chain.timestamp + TIMELOCK - 1)
    with reverts("timelock not expired"):
        s.execute(proposal_id)
    s.chain.warp(s.chain.timestamp + 1)
    result = s.execute(proposal_id)
    assert event_names(result) == ["ProposalExecuted", "ImplementationUpgraded"]
    assert result.events[1].data == [p.ledger_v1, p.ledger_v2]
    assert p.call("ledger_version") == [2]
    assert p.call("proxy_history_len") == [1] and p.call("proxy_history", [0]) == [p.ledger_v1]
    assert p.call("balance_of", [USERS[2]]) == [2_000_000]
    with reverts("deposit above limit"):
        p.call("deposit", [2_000_000], caller=USERS[2])

    # Two council members roll back: previous class, history popped, paused.
    assert s.chain.call(s.council, "rollback_proxy", [p.proxy], caller=COUNCIL[0]).retdata == [0]
    result = s.chain.call(s.council, "rollback_proxy", [p.proxy], caller=COUNCIL[2])
    assert event_names(result) == [
        "EmergencyApproval",
        "EmergencyAction",
        "ProxyPaused",
        "ImplementationRolledBack",
    ]
    assert result.events[3].data == [p.ledger_v2, p.ledger_v1]
    assert p.call("ledger_version") == [1] and p.call("proxy_history_len") == [0]
    assert p.call("proxy_is_paused") == [1]
    assert p.call("balance_of", [USERS[2]]) == [2_000_000]  # views keep working
    for function in ("deposit", "withdraw"):
        with reverts("proxy paused"):
            p.call(function, [1], caller=USERS[2])
    result = s.govern(p.proxy, "proxy_resume")
    assert event_names(result) == ["ProposalExecuted", "ProxyResumed"]
    p.call("withdraw", [1], caller=USERS[2])


def test_emergency_pause_of_the_proxy(proxied: ProxyChain) -> None:
    """The emergency admin alone pauses (event); pausing twice is refused; only governance
    resumes."""
    p, s = proxied, proxied.system
    result = s.chain.call(s.council, "pause_proxy", [p.proxy], caller=EMERGENCY_ADMIN)
    assert event_names(result) == ["EmergencyAction", "ProxyPaused"]
    assert result.events[1].data == [s.council]
    with reverts("already paused"):
        s.chain.call(s.council, "pause_proxy", [p.proxy], caller=EMERGENCY_ADMIN)
    with reverts("proxy paused"):
        p.call("deposit", [5])
    with reverts("caller is not governance"):
        p.call("proxy_resume", caller=EMERGENCY_ADMIN)
    s.govern(p.proxy, "proxy_resume")
    with reverts("not paused"):
        s.govern(p.proxy, "proxy_resume")
    p.call("deposit", [5])
    assert p.call("balance_of", [USERS[0]]) == [5]
