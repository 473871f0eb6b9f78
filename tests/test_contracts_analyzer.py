"""The analyzer cross-checked against the reference contracts run in the real VM.

1. Storage addresses: the slots the model computes (scalar members, LegacyMap entries with felt,
   integer and tuple keys, Store struct member offsets) are the slots the compiled contracts
   wrote, and every non-zero slot of the seeded chain is one the model predicts.
2. `lint-upgrade` ExchangeV1 -> ExchangeV2 (both in contracts/): no error, and the migration
   `migrate_users` is named.
3. Broken copies: contracts/ copied to tmp_path with ONE precise text change each; the change
   gives its rule, and the same analysis of the unchanged copy does not.

The VM side reuses the session fixtures of contracts_support (one compilation, one seeded
chain, a fork per test); the analyzer side models contracts/ once per module.
"""

from __future__ import annotations

import dataclasses
import functools
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from contracts_support import (
    ADMIN,
    CRATE,
    PAIRS,
    SIGNERS,
    START,
    TIMELOCK,
    USERS,
    System,
    short,
)

from cairo_upgrade_lint import analysis
from cairo_upgrade_lint.analysis import Options
from cairo_upgrade_lint.config import Config
from cairo_upgrade_lint.findings import Finding, Severity
from cairo_upgrade_lint.model import Contract, Project, analyze
from cairo_upgrade_lint.model.hashing import map_entry_path, storage_address
from cairo_upgrade_lint.model.layout import StorageMember

# Registers the shared fixtures (`contract_classes`, `seeded_system`, `upgrade_system`).
pytest_plugins = ["contracts_support"]

PAIR = {"ExchangeV1": "ExchangeV2"}
FIRST_TRADE, LEVEL_3 = short("FIRST_TRADE"), short("LEVEL_3")


@functools.cache
def reference() -> Project:
    return analyze(str(CRATE))


def model(name: str) -> Contract:
    contract = reference().contract(name)
    assert contract is not None, f"the analyzer does not model {name}"
    return contract


# ---------------------------------------------------------------- model-predicted slots


class Slots:
    """Addresses of one contract's storage computed from the analyzer's model only."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.members = {m.name: m for m in contract.storage}
        self.used: set[str] = set()

    def member(self, name: str) -> StorageMember:
        assert name in self.members, f"{self.contract.name} has no storage member {name}"
        self.used.add(name)
        return self.members[name]

    def base(self, name: str, *keys: int) -> int:
        """Scalar: the member's address. Map entry: the Pedersen-folded key path, as a slot."""
        member = self.member(name)
        if not keys:
            assert member.layout.kind != "map", name
            assert member.address is not None and member.address == storage_address(member.path)
            return member.address
        layout = member.layout
        assert layout.kind == "map", (name, layout.kind)
        assert layout.key_felts is not None and len(layout.key_felts) == len(keys), (name, layout.key_felts)
        assert member.path is not None
        return storage_address(map_entry_path(member.path, keys))

    def value_layout(self, name: str):
        layout = self.members[name].layout
        return layout.value if layout.kind == "map" else layout

    def fields(self, name: str) -> list[str]:
        value = self.value_layout(name)
        assert value.kind == "struct", (name, value.kind)
        return [f.name for f in value.fields]

    def size(self, name: str) -> int:
        size = self.value_layout(name).size
        assert isinstance(size, int), name
        return size

    def field(self, name: str, keys: Sequence[int], field: str) -> int:
        """Slot of member `field` of the Store struct at `name[keys]`: base + its offset."""
        value = self.value_layout(name)
        assert value.kind == "struct", (name, value.kind)
        (found,) = [f for f in value.fields if f.name == field]
        assert found.offset is not None and found.layout.size == 1, (name, field)
        return self.base(name, *keys) + found.offset

    def struct(self, name: str, *keys: int) -> list[int]:
        """Every slot of the Store struct at `name[keys]`, by field offset."""
        return [self.field(name, keys, f) for f in self.fields(name)]


def written_slots(chain_state: object, address: int) -> set[int]:
    """Every storage key of `address` written on this state or the states it was forked from
    (cairo-lang CachedSyncStates, each reading through to its parent, down to the empty genesis)."""
    keys: set[int] = set()
    state = chain_state
    while hasattr(state, "cache"):
        keys |= {key for (contract, key) in state.cache._storage_writes if contract == address}
        state = state.state_reader
    return keys


def assert_slots_explained(chain, address: int, predicted: dict[int, str]) -> None:
    """No non-zero slot of `address` is one the model cannot name."""
    live = {key for key in written_slots(chain.state, address) if chain.storage(address, key) != 0}
    unexplained = sorted(hex(key) for key in live - set(predicted))
    assert not unexplained, f"non-zero slots the model does not predict: {unexplained}"
    # And the other way: every predicted slot holding a value is one the VM wrote.
    assert live == {key for key in predicted if chain.storage(address, key) != 0}


# ---------------------------------------------------------------- what the seeding wrote


@dataclasses.dataclass
class Seed:
    """The exchange state `seed_exchange` produces, recomputed from its inputs."""

    balance: dict[int, int] = dataclasses.field(default_factory=dict)
    xp: dict[int, int] = dataclasses.field(default_factory=dict)
    trades_of: dict[int, int] = dataclasses.field(default_factory=dict)
    registered_at: dict[int, int] = dataclasses.field(default_factory=dict)
    positions: dict[tuple[int, int], tuple[int, int, int]] = dataclasses.field(default_factory=dict)
    trades: list[tuple[int, ...]] = dataclasses.field(default_factory=list)
    total: int = 0
    fees: int = 0


def expected_seed() -> Seed:
    seed = Seed()
    fee_bps = {short(pair): bps for pair, bps in PAIRS.items()}
    eth, btc = short("ETH-USDC"), short("BTC-USDC")
    for n, user in enumerate(USERS):
        now = START + 60 * n
        seed.registered_at[user] = now
        seed.balance[user] = 10_000 * (n + 1)
        seed.total += 10_000 * (n + 1)
        seed.xp[user] = 0
        seed.trades_of[user] = 0
        for trade in range(n % 3 + 1):
            pair = eth if trade % 2 == 0 else btc
            size, price = 1_000 * (n + 1), 2_000 + trade
            fee = size * fee_bps[pair] // 10_000
            seed.balance[user] -= fee
            seed.fees += fee
            old_size, old_price, _ = seed.positions.get((user, pair), (0, 0, 1))
            new_size = old_size + size
            seed.positions[(user, pair)] = (new_size, (old_size * old_price + size * price) // new_size, 1)
            seed.trades.append((user, pair, size, price, 1, fee, now))
            seed.xp[user] += 100
            seed.trades_of[user] += 1
        if n % 2 == 0:
            seed.xp[user] += 250 * (n + 1)
    seed.balance[USERS[1]] -= 1_234
    seed.total -= 1_234
    return seed


# ---------------------------------------------------------------- 1. storage addresses


def test_exchange_v1_slots_are_where_the_vm_wrote(upgrade_system: System) -> None:
    """Every ExchangeV1 member the seeding writes, at the model's address, holds the seeded value
    and what the getters return; the non-zero slots are exactly explained by the model."""
    s, chain, ex = upgrade_system, upgrade_system.chain, upgrade_system.exchange
    seed = expected_seed()
    assert s.trade_total == len(seed.trades)
    slots = Slots(model("ExchangeV1"))
    raw = functools.partial(chain.storage, ex)
    predicted: dict[int, str] = {}

    def at(label: str, address: int) -> int:
        assert predicted.setdefault(address, label) == label, f"{label} shares a slot with {predicted[address]}"
        return raw(address)

    # Scalars: raw slot == getter == deployment / seeded value.
    scalars = {
        "governance": ("get_governance", s.governance),
        "emergency": (None, s.council),
        "admin": (None, ADMIN),
        "paused": ("is_paused", 0),
        "storage_version": ("get_storage_version", 1),
        "current_class_hash": ("get_current_class_hash", s.class_hashes["exchange_v1"]),
        "class_hash_history_len": ("get_class_hash_history_len", 0),
        "user_count": ("get_user_count", len(USERS)),
        "total_deposits": ("get_total_deposits", seed.total),
        "fees_collected": ("get_fees_collected", seed.fees),
        "trade_count": ("get_trade_count", len(seed.trades)),
    }
    for name, (getter, value) in scalars.items():
        assert at(name, slots.base(name)) == value, name
        if getter is not None:
            assert s.ex_value(getter) == value, getter

    # LegacyMap entries keyed by u32 and ContractAddress.
    user_maps = {
        "user_registered": ("is_registered", {u: 1 for u in USERS}),
        "user_balance": ("get_balance", seed.balance),
        "user_xp": ("get_xp", seed.xp),
        "user_trade_count": ("get_user_trade_count", seed.trades_of),
        "user_registered_at": ("get_registered_at", seed.registered_at),
    }
    for index, user in enumerate(USERS):
        assert at(f"user_at[{index}]", slots.base("user_at", index)) == user
        assert s.ex_value("get_user_at", index) == user
        for name, (getter, values) in user_maps.items():
            assert at(f"{name}[{user:#x}]", slots.base(name, user)) == values[user] != 0, name
            assert s.ex_value(getter, user) == values[user], getter

    # Store structs under felt252 keys: each member at base + offset.
    for pair, fee_bps in PAIRS.items():
        pair_id = short(pair)
        stored = [at(f"pairs[{pair}].{i}", a) for i, a in enumerate(slots.struct("pairs", pair_id))]
        assert stored == s.ex("get_pair", [pair_id])
        by_field = dict(zip(slots.fields("pairs"), stored))
        assert by_field == {"base_asset": short(pair[:3]), "quote_asset": short("USDC"), "fee_bps": fee_bps, "active": 1}

    # Store structs and bools under tuple keys (ContractAddress, felt252).
    for user in USERS:
        for pair in PAIRS:
            pair_id = short(pair)
            stored = [at(f"positions[{user:#x},{pair}].{i}", a) for i, a in enumerate(slots.struct("positions", user, pair_id))]
            assert stored == s.ex("get_position", [user, pair_id])
            size, entry_price, is_long = seed.positions.get((user, pair_id), (0, 0, 0))
            assert dict(zip(slots.fields("positions"), stored)) == {"size": size, "entry_price": entry_price, "is_long": is_long}
        for achievement in (FIRST_TRADE, LEVEL_3):
            value = at(f"achievements[{user:#x},{achievement:#x}]", slots.base("achievements", user, achievement))
            assert value == s.ex_value("has_achievement", user, achievement) == (achievement == FIRST_TRADE)
    assert any(seed.positions.get((u, short("BTC-USDC"))) for u in USERS)  # both pairs traded

    # The trading history: Trade structs under u64 keys.
    for trade_id, trade in enumerate(seed.trades):
        stored = [at(f"trades[{trade_id}].{i}", a) for i, a in enumerate(slots.struct("trades", trade_id))]
        assert stored == s.ex("get_trade", [trade_id])
        assert stored == list(trade)
        assert slots.field("trades", [trade_id], "timestamp") == slots.base("trades", trade_id) + 6

    # Every member of ExchangeV1 is covered (the history is only written by an upgrade: see below;
    # the invariant pass and the migration cursor only by a pause, a check or v2's migration).
    later = {"class_hash_history", "invariant_cursor", "invariant_sum", "invariant_status", "migration_cursor"}
    assert slots.used | later == set(slots.members)
    assert_slots_explained(chain, ex, predicted)


def test_class_hash_history_slot_after_a_governed_upgrade(upgrade_system: System) -> None:
    """`class_hash_history[0]` (LegacyMap<u32, ClassHash>) at the model's address holds v1's class
    after governance upgraded the exchange to v2; the scalars upgrade wrote moved with it."""
    s = upgrade_system
    s.upgrade_exchange(s.class_hashes["exchange_v2"])
    slots = Slots(model("ExchangeV1"))
    v1, v2 = s.class_hashes["exchange_v1"], s.class_hashes["exchange_v2"]
    assert s.chain.storage(s.exchange, slots.base("class_hash_history", 0)) == v1
    assert s.ex_value("get_class_hash_history", 0) == v1
    assert s.chain.storage(s.exchange, slots.base("class_hash_history_len")) == 1
    assert s.chain.storage(s.exchange, slots.base("current_class_hash")) == v2 == s.chain.class_hash_at(s.exchange)
    # v2 declares the same members at the same addresses (the analyzer's v2 model agrees).
    v2_members = {m.name: m.address for m in model("ExchangeV2").storage}
    assert all(v2_members[m.name] == m.address for m in model("ExchangeV1").storage)


def test_governance_slots_including_tuple_keys(upgrade_system: System) -> None:
    """Governance after a proposal with three signatures and one cancel vote: signers (u32 keys),
    is_signer, the Proposal struct, proposal_calldata[(u64, u32)], signed[(u64, ContractAddress)],
    cancel_votes[u64] and cancel_voted[(u64, ContractAddress)] at the model's slots."""
    s, chain, gov = upgrade_system, upgrade_system.chain, upgrade_system.governance
    proposal_id = s.propose_upgrade(s.exchange, s.class_hashes["exchange_v2"])
    s.sign(proposal_id)
    canceller = SIGNERS[4]  # one vote of the three a cancel needs: the proposal stays pending
    assert chain.call(gov, "cancel", [proposal_id], caller=canceller).retdata == [0]
    slots = Slots(model("Governance"))
    raw = functools.partial(chain.storage, gov)
    predicted: dict[int, str] = {}

    def at(label: str, address: int) -> int:
        assert predicted.setdefault(address, label) == label, f"{label} shares a slot with {predicted[address]}"
        return raw(address)

    def view(function: str, *calldata: int) -> list[int]:
        return chain.call(gov, function, calldata).retdata

    assert at("threshold", slots.base("threshold")) == view("get_threshold")[0] == 3
    assert at("timelock_delay", slots.base("timelock_delay")) == view("get_timelock_delay")[0] == TIMELOCK
    assert at("proposal_count", slots.base("proposal_count")) == view("get_proposal_count")[0]
    assert at("signer_count", slots.base("signer_count")) == len(SIGNERS)
    epoch = at("signer_epoch", slots.base("signer_epoch"))
    assert view("get_signers") == [len(SIGNERS), *SIGNERS]
    for index, signer in enumerate(SIGNERS):
        assert at(f"signers[{index}]", slots.base("signers", index)) == signer
        assert at(f"is_signer[{signer:#x}]", slots.base("is_signer", signer)) == 1 == view("is_signer", signer)[0]
    for known in range(view("get_proposal_count")[0] + 1):  # ids in use, whichever the first is
        if raw(slots.field("proposals", [known], "proposer")) == 0:
            continue
        stored = [at(f"proposals[{known}].{i}", a) for i, a in enumerate(slots.struct("proposals", known))]
        assert stored == view("get_proposal", known)
    stored = dict(zip(slots.fields("proposals"), [raw(a) for a in slots.struct("proposals", proposal_id)]))
    assert stored["target"] == s.exchange and stored["class_hash"] == s.class_hashes["exchange_v2"]
    assert stored["signatures"] == 3 and stored["eta"] == chain.timestamp + TIMELOCK and stored["epoch"] == epoch
    calldata = view("get_proposal_calldata", proposal_id)
    assert calldata[0] == stored["calldata_len"] == 1
    for index, felt in enumerate(calldata[1:]):
        assert at(f"proposal_calldata[{proposal_id},{index}]", slots.base("proposal_calldata", proposal_id, index)) == felt
    for signer in SIGNERS:
        signed = at(f"signed[{proposal_id},{signer:#x}]", slots.base("signed", proposal_id, signer))
        assert signed == view("has_signed", proposal_id, signer)[0] == (signer in SIGNERS[:3])
    votes = at(f"cancel_votes[{proposal_id}]", slots.base("cancel_votes", proposal_id))
    assert votes == view("get_cancel_votes", proposal_id)[0] == 1
    for signer in SIGNERS:
        voted = at(f"cancel_voted[{proposal_id},{signer:#x}]", slots.base("cancel_voted", proposal_id, signer))
        assert voted == (signer == canceller)
    assert slots.used == set(slots.members)
    assert_slots_explained(chain, gov, predicted)


# ---------------------------------------------------------------- 2. lint-upgrade v1 -> v2


OPTIONS = Options(Config(), use_cache=False)


@functools.cache
def reference_upgrade() -> tuple[Finding, ...]:
    run = analysis.compare(str(CRATE), str(CRATE), OPTIONS, PAIR)
    assert not run.input_errors, run.input_errors
    return tuple(run.findings)


def describe(findings: Sequence[Finding]) -> str:
    return "\n".join(
        f"{f.rule_id} {f.severity.name} {Path(f.location.path).name}:{f.location.line} {f.message}" for f in findings
    )


def test_lint_upgrade_v1_to_v2_reports_no_error() -> None:
    errors = [f for f in reference_upgrade() if f.severity is Severity.ERROR]
    assert not errors, describe(errors)


def test_lint_upgrade_v1_to_v2_names_the_migration() -> None:
    """The layout change (per-field maps -> packed `user_records`) is attributed to `migrate_users`."""
    notes = [f for f in reference_upgrade() if f.severity is Severity.NOTE and "`migrate_users`" in f.message]
    assert notes, describe(reference_upgrade())


def test_lint_upgrade_v1_to_v2_keeps_the_backup_in_mind() -> None:
    """`migrate_users` copies every v1 field it clears into the packed `user_records` and
    `rollback_migration` writes them back from the live record: no CUL403."""
    # Scalar bookkeeping v1 now declares too (the migration cursor, the invariant pass) is reset
    # by design and reported as notes; no user datum may be reported lost.
    bookkeeping = ("migration_cursor", "invariant_cursor", "invariant_sum", "invariant_status")
    lost = [f for f in reference_upgrade() if f.rule_id == "CUL403" and not any(f"`{m}`" in f.message for m in bookkeeping)]
    assert not lost, describe(lost)
    assert all(f.severity is Severity.NOTE for f in reference_upgrade() if f.rule_id == "CUL403")


def test_reference_rollback_is_not_an_untimelocked_upgrade() -> None:
    """`rollback` reinstalls the class `upgrade` recorded as *previous* (stop-only emergency power,
    it also pauses); it installs no proposed class, so no CUL303 on either exchange version."""
    run = analysis.check([str(CRATE)], OPTIONS)
    flagged = [f for f in (*run.findings, *reference_upgrade()) if f.rule_id == "CUL303"]
    assert not flagged, describe(flagged)


# ---------------------------------------------------------------- 3. broken copies


@dataclasses.dataclass(frozen=True)
class Cut:
    """Edit text: from `start` up to (not including) the next `end`, found in the file at copy time."""

    start: str
    end: str

    def find(self, source: str) -> str:
        assert source.count(self.start) == 1, f"expected 1x {self.start!r} (contract changed?)"
        begin = source.index(self.start)
        assert self.end in source[begin:], self.end
        return source[begin : source.index(self.end, begin)]


@dataclasses.dataclass(frozen=True)
class Broken:
    """One change to contracts/: (file, old text, new text, expected count of old text) edits,
    the rule it must give, the file the finding lands in, and check or compare v1 -> v2."""

    name: str
    edits: tuple[tuple[str, str | Cut, str, int], ...]
    rule: str
    file: str
    mode: str  # "check": single-version analysis of the copy; "compare": contracts/ -> copy, v1 -> v2
    about: str = ""  # only findings whose message names this (e.g. one entry point)


BROKEN = [
    Broken(
        "timelock-removed",  # Governance executes as soon as the threshold is reached
        (
            (
                "governance.cairo",
                "            let now = get_block_timestamp();\n"
                "            assert(proposal.eta != 0 && now >= proposal.eta, 'timelock not expired');\n",
                "",
                1,
            ),
        ),
        "CUL303",
        "governance.cairo",
        "check",
    ),
    Broken(
        "guard-dropped",  # ExchangeV1.upgrade callable by anyone
        (
            (
                "exchange_v1.cairo",
                "        fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {\n"
                "            assert(get_caller_address() == self.governance.read(), 'caller is not governance');\n",
                "        fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {\n",
                1,
            ),
        ),
        "CUL301",
        "exchange_v1.cairo",
        "check",
    ),
    Broken(
        "member-renamed",  # v2 renames fees_collected (declaration and uses), no #[rename]
        (
            ("exchange_v2.cairo", "        fees_collected: u128,\n", "        fees_earned: u128,\n", 1),
            ("exchange_v2.cairo", "self.fees_collected.", "self.fees_earned.", 4),
        ),
        "CUL102",
        "exchange_v2.cairo",
        "compare",
    ),
    Broken(
        "store-struct-member-inserted",  # TradingPair gets a member in the middle
        (
            (
                "types.cairo",
                "    quote_asset: felt252,\n    fee_bps: u16,\n",
                "    quote_asset: felt252,\n    min_size: u128,\n    fee_bps: u16,\n",
                1,
            ),
        ),
        "CUL104",
        "exchange_v2.cairo",
        "compare",
    ),
    Broken(
        "upgrade-path-removed",  # v2 has no entry point that replaces its class (upgrade nor rollback)
        (
            ("exchange_v2.cairo", "    fn upgrade(ref self: TContractState, new_class_hash: ClassHash);\n", "", 1),
            ("exchange_v2.cairo", "    fn rollback(ref self: TContractState);\n", "", 1),
            ("exchange_v2.cairo", Cut("        fn upgrade(ref self: ContractState", "        fn pause("), "", 1),
            ("exchange_v2.cairo", Cut("        // Rolling back to v1 is only healthy", "        fn resume("), "", 1),
        ),
        "CUL204",
        "exchange_v2.cairo",
        "compare",
    ),
    Broken(
        "version-guard-skipped",  # migrate_users without the storage_version check
        (
            (
                "exchange_v2.cairo",
                "            assert(\n"
                "                self.storage_version.read() == LEGACY_STORAGE_VERSION, 'already migrated'\n"
                "            );\n",
                "",
                1,
            ),
        ),
        "CUL401",
        "exchange_v2.cairo",
        "compare",
        "`migrate_users`",  # `authorize_migration` (governance's direction switch) is a CUL401 warning of its own
    ),
]


def copy_contracts(tmp_path: Path, edits: Sequence[tuple[str, str | Cut, str, int]] = ()) -> Path:
    """contracts/ copied to tmp_path with `edits` applied (each old text must occur as expected)."""
    folder = tmp_path / "contracts"
    shutil.copytree(CRATE, folder, ignore=shutil.ignore_patterns("target"))
    for file, edit, new, count in edits:
        path = folder / "src" / file
        text = path.read_text()
        old = edit.find(text) if isinstance(edit, Cut) else edit
        assert text.count(old) == count, f"{file}: expected {count}x {old!r}, found {text.count(old)} (contract changed?)"
        path.write_text(text.replace(old, new))
    return folder


def run_case(case: Broken, folder: Path) -> list[Finding]:
    if case.mode == "check":
        run = analysis.check([str(folder)], OPTIONS)
    else:
        run = analysis.compare(str(CRATE), str(folder), OPTIONS, PAIR)
    assert not run.input_errors, run.input_errors
    return run.findings


def in_file(findings: Sequence[Finding], rule: str, file: str, about: str = "") -> list[Finding]:
    return [f for f in findings if f.rule_id == rule and Path(f.location.path).name == file and about in f.message]


@pytest.mark.parametrize("case", BROKEN, ids=lambda c: c.name)
def test_broken_copy_gives_its_rule(case: Broken, tmp_path: Path) -> None:
    original = run_case(case, copy_contracts(tmp_path / "original"))
    assert not in_file(original, case.rule, case.file, case.about), describe(in_file(original, case.rule, case.file))
    broken = run_case(case, copy_contracts(tmp_path / "broken", case.edits))
    assert in_file(broken, case.rule, case.file, case.about), f"{case.rule} expected in {case.file}; got:\n{describe(broken)}"


def test_broken_copies_change_one_thing_each() -> None:
    """Each case's edits touch one file and actually change it (a stale edit fails in copy_contracts)."""
    for case in BROKEN:
        assert len({file for file, *_ in case.edits}) == 1, case.name
        assert all(old != new for _, old, new, _ in case.edits), case.name
    assert {case.rule for case in BROKEN} == {"CUL303", "CUL301", "CUL102", "CUL104", "CUL204", "CUL401"}
