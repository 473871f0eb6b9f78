"""Shared set-up for the contracts/ tests: compile the crate once, deploy the system, seed it.

Holds no tests. Test modules import the fixtures (`contract_classes`, `seeded_system`, `upgrade_system`) and helpers.
The crate is compiled once per session, and one seeded chain is built once; every test then
works on its own fork of that chain (a child state over it), so tests stay independent while
the VM work of deploying and seeding (about 8 s) is paid once.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from starkware.starknet.public.abi import (
    get_selector_from_name,
    get_storage_var_address,
)
from toolchain import compiler
from toolchain.vm import CallResult, CallReverted, Starknet, encode_short_string

CRATE = Path(__file__).resolve().parent.parent / "contracts"
CONTRACTS = {
    "governance": "upgrade_system::governance::Governance",
    "emergency": "upgrade_system::emergency::EmergencyCouncil",
    "exchange_v1": "upgrade_system::exchange_v1::ExchangeV1",
    "exchange_v2": "upgrade_system::exchange_v2::ExchangeV2",
    "router": "upgrade_system::router::Router",
    "rewards_v1": "upgrade_system::facets::RewardsFacet",
    "rewards_v2": "upgrade_system::facets::RewardsFacetV2",
    "proxy": "upgrade_system::proxy::LedgerProxy",
    "ledger_v1": "upgrade_system::ledger::LedgerV1",
    "ledger_v2": "upgrade_system::ledger::LedgerV2",
}

SIGNERS = [0x5160 + i for i in range(1, 6)]
OUTSIDER = 0xBAD
EMERGENCY_ADMIN = 0xE0
COUNCIL = [0xC1, 0xC2, 0xC3]
ADMIN = 0xAD
USERS = [0x1000 + i for i in range(1, 6)]
PAIRS = {"ETH-USDC": 30, "BTC-USDC": 50}  # pair id -> fee in basis points
TIMELOCK = 172_800
START = 1_700_000_000

Json = dict[str, Any]


@dataclass(frozen=True)
class CompiledClass:
    sierra: Json
    casm: Json

    def external_selectors(self) -> set[int]:
        """Selectors of every EXTERNAL entry point of the compiled class."""
        return {int(ep["selector"], 16) for ep in self.sierra["entry_points_by_type"]["EXTERNAL"]}


@functools.cache
def compile_all() -> dict[str, CompiledClass]:
    """Compile every contract of the crate (the harness caches builds on disk across runs)."""

    def build(path: str) -> CompiledClass:
        sierra = compiler.compile_contract(CRATE, path)
        return CompiledClass(sierra=sierra, casm=compiler.sierra_to_casm(sierra))

    compiler.ensure_toolchain()
    with ThreadPoolExecutor(max_workers=4) as pool:
        built = dict(zip(CONTRACTS, pool.map(build, CONTRACTS.values())))
    return built


@pytest.fixture(scope="session")
def contract_classes() -> dict[str, CompiledClass]:
    """Every contract of contracts/, compiled to Sierra and CASM once per session."""
    return compile_all()


def short(text: str) -> int:
    return encode_short_string(text)


def selector(name: str) -> int:
    return get_selector_from_name(name)


@contextmanager
def reverts(reason: str) -> Iterator[None]:
    """Expect a CallReverted whose panic text is `reason`."""
    with pytest.raises(CallReverted) as reverted:
        yield
    assert reverted.value.reason == reason, reverted.value


EVENT_NAMES = [
    "ProposalCreated",
    "ProposalSigned",
    "ProposalQueued",
    "ProposalExecuted",
    "ProposalCancelled",
    "CancelVoted",
    "SignerAdded",
    "SignerRemoved",
    "ThresholdChanged",
    "TimelockDelayChanged",
    "EmergencyApproval",
    "EmergencyAction",
    "EmergencyAdminChanged",
    "UserRegistered",
    "Deposited",
    "Withdrawn",
    "PairListed",
    "TradeExecuted",
    "XpGranted",
    "AchievementUnlocked",
    "LevelUp",
    "Upgraded",
    "RolledBack",
    "Paused",
    "Resumed",
    "MigrationProgress",
    "MigrationCompleted",
    "MigrationRolledBack",
    "MigrationAuthorized",
    "InvariantsChecked",
    "FacetAdded",
    "FacetReplaced",
    "FacetRemoved",
    "ImplementationUpgraded",
    "ImplementationRolledBack",
    "ProxyPaused",
    "ProxyResumed",
]
_EVENT_BY_KEY = {get_selector_from_name(name): name for name in EVENT_NAMES}


def event_names(result: CallResult) -> list[str]:
    """Event type names in emission order (key 0 is sn_keccak of the variant name)."""
    return [_EVENT_BY_KEY.get(event.keys[0], hex(event.keys[0])) for event in result.events]


@dataclass
class System:
    """Governance, emergency council and an exchange deployed on one in-memory chain."""

    chain: Starknet
    class_hashes: dict[str, int]
    governance: int
    council: int
    exchange: int
    seeded_users: list[int] = field(default_factory=list)
    trade_total: int = 0

    # Governance.

    def propose_call(self, target: int, function: str, calldata: Sequence[int] = (), proposer: int = SIGNERS[0]) -> int:
        args = [target, selector(function), len(calldata), *calldata, short(function[:31])]
        return self.chain.call(self.governance, "propose_call", args, caller=proposer).retdata[0]

    def propose_upgrade(self, target: int, class_hash: int, proposer: int = SIGNERS[0]) -> int:
        args = [target, class_hash, short("upgrade exchange")]
        return self.chain.call(self.governance, "propose_upgrade", args, caller=proposer).retdata[0]

    def sign(self, proposal_id: int, signers: Sequence[int] = SIGNERS[:3]) -> None:
        for signer in signers:
            self.chain.call(self.governance, "sign", [proposal_id], caller=signer)

    def execute(self, proposal_id: int, caller: int = SIGNERS[0]) -> CallResult:
        return self.chain.call(self.governance, "execute", [proposal_id], caller=caller)

    def pass_and_execute(self, proposal_id: int) -> CallResult:
        """Three signatures, the full 48 h timelock, then execution."""
        self.sign(proposal_id)
        self.chain.warp(self.chain.timestamp + TIMELOCK)
        return self.execute(proposal_id)

    def govern(self, target: int, function: str, calldata: Sequence[int] = ()) -> CallResult:
        """Run `target.function(calldata)` as governance, through a full proposal."""
        return self.pass_and_execute(self.propose_call(target, function, calldata))

    def upgrade_exchange(self, class_hash: int) -> CallResult:
        return self.pass_and_execute(self.propose_upgrade(self.exchange, class_hash))

    def deploy_proxy(self) -> int:
        """A LedgerProxy over LedgerV1, governed by `governance`, paused by the council."""
        calldata = [self.governance, self.council, self.class_hashes["ledger_v1"]]
        return self.chain.deploy(self.class_hashes["proxy"], calldata)

    # Exchange.

    def ex(self, function: str, calldata: Sequence[int] = (), caller: int = 0) -> list[int]:
        return self.chain.call(self.exchange, function, calldata, caller=caller).retdata

    def ex_value(self, function: str, *calldata: int) -> int:
        (value,) = self.ex(function, calldata)
        return value

    def slot(self, name: str, *keys: int, offset: int = 0) -> int:
        return self.chain.storage(self.exchange, get_storage_var_address(name, *keys) + offset)

    # Operations of the runbook.

    def check_invariants(self, batch_size: int = 50, caller: int = OUTSIDER) -> list[CallResult]:
        """Run `check_invariants` batches until the pass completes (anyone may call it)."""
        results = [self.chain.call(self.exchange, "check_invariants", [batch_size], caller=caller)]
        while results[-1].retdata != [0]:
            results.append(self.chain.call(self.exchange, "check_invariants", [batch_size], caller=caller))
        return results

    def resume(self) -> CallResult:
        """Complete invariant pass, then governance's resume proposal (3 signatures, 48 h)."""
        self.check_invariants()
        return self.govern(self.exchange, "resume")

    def migrate(self, batch_size: int = 25, caller: int = ADMIN) -> list[int]:
        """`migrate_users` batches until none is left; the remaining counts returned."""
        left = [self.ex_value_call("migrate_users", batch_size, caller)]
        while left[-1]:
            left.append(self.ex_value_call("migrate_users", batch_size, caller))
        return left

    def unmigrate(self, batch_size: int = 25, caller: int = ADMIN) -> list[int]:
        """`rollback_migration` batches until the cursor is back at 0."""
        left = [self.ex_value_call("rollback_migration", batch_size, caller)]
        while left[-1]:
            left.append(self.ex_value_call("rollback_migration", batch_size, caller))
        return left

    def ex_value_call(self, function: str, argument: int, caller: int) -> int:
        (value,) = self.ex(function, [argument], caller=caller)
        return value

    def users(self) -> list[int]:
        return [self.ex_value("get_user_at", i) for i in range(self.ex_value("get_user_count"))]


def fork(chain: Starknet) -> Starknet:
    """A chain whose state is a child of `chain`'s: reads fall through, writes stay in the fork.

    `chain` must not be written to afterwards. (The harness has no fork; this uses cairo-lang's
    own `CachedSyncState._copy`, the same call `Starknet._transaction` builds on.)
    """
    forked = copy.copy(chain)
    forked.state = chain.state._copy()
    return forked


def deploy_system(classes: dict[str, CompiledClass]) -> System:
    """Declare every class; deploy governance (5 signers, defaults), council, exchange v1."""
    chain = Starknet(timestamp=START)
    hashes = {name: chain.declare(c.sierra, c.casm) for name, c in classes.items()}
    governance = chain.deploy(hashes["governance"], [len(SIGNERS), *SIGNERS, 0, 0])
    council = chain.deploy(hashes["emergency"], [governance, EMERGENCY_ADMIN, len(COUNCIL), *COUNCIL])
    exchange = chain.deploy(hashes["exchange_v1"], [governance, council, ADMIN, hashes["exchange_v1"]])
    return System(chain, hashes, governance, council, exchange)


def seed_exchange(system: System) -> None:
    """List two pairs; five users register, deposit, trade; XP campaign grants for some."""
    for pair_id, fee_bps in PAIRS.items():
        system.ex("list_pair", [short(pair_id), short(pair_id[:3]), short("USDC"), fee_bps], ADMIN)
    eth, btc = short("ETH-USDC"), short("BTC-USDC")
    for n, user in enumerate(USERS):
        system.chain.warp(START + 60 * n)
        system.ex("register", caller=user)
        system.ex("deposit", [10_000 * (n + 1)], caller=user)
        for trade in range(n % 3 + 1):  # 1, 2, 3, 1, 2 trades
            pair = eth if trade % 2 == 0 else btc
            system.ex("open_position", [pair, 1_000 * (n + 1), 2_000 + trade, 1], caller=user)
            system.trade_total += 1
        if n % 2 == 0:
            system.ex("grant_xp", [user, 250 * (n + 1)], caller=ADMIN)
    system.ex("withdraw", [1_234], caller=USERS[1])
    system.seeded_users = list(USERS)


@functools.cache
def _seeded_base() -> System:
    system = deploy_system(compile_all())
    seed_exchange(system)
    return system


@pytest.fixture(scope="session")
def seeded_system(contract_classes: dict[str, CompiledClass]) -> System:
    """The deployed, seeded system every test forks (never written to itself)."""
    return _seeded_base()


@pytest.fixture
def upgrade_system(seeded_system: System) -> System:
    """A private fork of the seeded system: governance, council, exchange v1 with five users."""
    return dataclasses.replace(seeded_system, chain=fork(seeded_system.chain), seeded_users=list(USERS))


# Storage layout of the exchange, for raw snapshots. Store structs take consecutive slots.
STRUCT_SIZE = {"pairs": 4, "positions": 3, "trades": 7, "user_records": 5}
ACHIEVEMENTS = ("FIRST_TRADE", "LEVEL_3")


def exchange_slots(system: System) -> list[tuple[str, int]]:
    """(label, address) of every exchange slot the v1 and v2 layouts can use for the seed data."""
    slots: list[tuple[str, int]] = []

    def add(name: str, *keys: int) -> None:
        base = get_storage_var_address(name, *keys)
        for offset in range(STRUCT_SIZE.get(name, 1)):
            slots.append((f"{name}{list(keys)}+{offset}", base + offset))

    for name in [
        "governance",
        "emergency",
        "admin",
        "paused",
        "storage_version",
        "current_class_hash",
        "class_hash_history_len",
        "user_count",
        "total_deposits",
        "fees_collected",
        "trade_count",
        "migration_cursor",
    ]:
        add(name)
    for index in range(3):
        add("class_hash_history", index)
    pair_ids = [short(pair) for pair in PAIRS]
    for pair_id in pair_ids:
        add("pairs", pair_id)
    for index, user in enumerate(system.seeded_users):
        add("user_at", index)
        for name in [
            "user_registered",
            "user_balance",
            "user_xp",
            "user_trade_count",
            "user_registered_at",
            "user_records",
        ]:
            add(name, user)
        for pair_id in pair_ids:
            add("positions", user, pair_id)
        for achievement in ACHIEVEMENTS:
            add("achievements", user, short(achievement))
    for trade_id in range(system.trade_total):
        add("trades", trade_id)
    return slots


def snapshot(system: System) -> dict[str, int]:
    return {label: system.chain.storage(system.exchange, key) for label, key in exchange_slots(system)}
